/**
 * Why a config or baseline file does not parse, said without its text. JSON.parse quotes the
 * start of the input and YAML errors print the line they stopped at; either can be a secret when
 * --config or --baseline names the wrong file (an .env), and an error message is kept in CI logs.
 */
export function parseProblem(error: unknown, text: string, format: 'JSON' | 'YAML'): string {
  const err = error as { code?: unknown; linePos?: { line: number; col: number }[] };
  if (format === 'YAML') {
    const at = err.linePos?.[0];
    const code = typeof err.code === 'string' ? err.code : 'syntax error';
    return `not valid YAML (${code}${at ? ` at line ${at.line}, column ${at.col}` : ''})`;
  }
  const message = (error as Error | undefined)?.message ?? '';
  const offset = /at position (\d+)/.exec(message)?.[1];
  if (offset === undefined) {
    if (/end of JSON input/.test(message)) return 'not valid JSON (it ends too early)';
    // "Unexpected token" messages give no position, only the quoted text around it.
    return 'not valid JSON (an unexpected character)';
  }
  const before = text.slice(0, Number(offset));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `not valid JSON (at line ${line}, column ${column})`;
}
