/**
 * The one logger. Everything the program says about itself goes to stderr through here, so
 * stdout stays the report. Callers pass paths and rule ids, never a secret: a warning is text a
 * CI log keeps forever.
 */

/**
 * `notice` says that what the user asked for happened (a file written): shown by default, hidden
 * by --quiet, which keeps warnings: a skipped file must never go unsaid. `info` is --verbose.
 */
export type LogLevel = 'silent' | 'error' | 'warn' | 'notice' | 'info' | 'debug';

const ORDER: Record<LogLevel, number> = {
  silent: 0,
  error: 1,
  warn: 2,
  notice: 3,
  info: 4,
  debug: 5,
};

let threshold: LogLevel = (process.env.UNSPRAWL_LOG as LogLevel | undefined) ?? 'notice';
let sink: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

export function getLogLevel(): LogLevel {
  return threshold;
}

/** Tests capture what the program would print. */
export function setLogSink(next: (line: string) => void): void {
  sink = next;
}

/**
 * Control characters written `\xNN`: messages carry file names, and a name holding ESC could
 * otherwise drive the reader's terminal (a carriage return could hide the line). Line feeds
 * stay: a config error lists its problems one per line.
 */
function printable(message: string): string {
  return message.replace(
    /[\x00-\x08\x0b-\x1f\x7f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

function emit(level: Exclude<LogLevel, 'silent'>, message: string): void {
  if (ORDER[level] > ORDER[threshold]) return;
  const label = level === 'info' || level === 'notice' ? '' : `${level}: `;
  sink(`unsprawl: ${label}${printable(message)}`);
}

export const log = {
  error: (message: string) => emit('error', message),
  warn: (message: string) => emit('warn', message),
  info: (message: string) => emit('info', message),
  /** What the user asked for happened (a file written): shown unless --quiet. */
  notice: (message: string) => emit('notice', message),
  debug: (message: string) => emit('debug', message),
};

/**
 * An error's class and code, without its message: parsers quote the text they choked on, and
 * that text may be a secret.
 */
export function describeError(error: unknown): string {
  const err = error as { name?: string; code?: string } | undefined;
  return [err?.name ?? 'Error', err?.code].filter(Boolean).join(' ');
}
