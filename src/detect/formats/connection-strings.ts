/**
 * Connection strings: URL form (`postgres://user:pass@host`, also git-credentials lines) with the
 * password percent-decoded, and ADO.NET form (`Server=…;Password=…`), where quoted values may
 * hold `;`, `@` and `!`. Runs on any text file that holds `://` or `password=`/`pwd=`.
 */
import { lineStartWithin } from '../../sources/text.js';
import type { Detector, DetectorCandidate } from '../detectors.js';
import type { RuleEngine } from '../engine.js';
import { decodePercent } from './decode.js';
import { judgeValue, makeCandidate } from './judge.js';
import { shannonEntropy } from '../entropy.js';
import { isReference } from '../filters.js';
import { isPlaceholder } from '../placeholder.js';

const URL_CREDENTIALS =
  /\b([a-z][a-z0-9+.-]{1,30}):\/\/([^\s:/?#@"'<>`]{1,128}):([^\s/?#@"'<>`]{1,256})@[\w\-[]/gi;
const ADO_PASSWORD =
  /(?:^|[;"'\s{])(?:Password|Pwd)[ \t]*=[ \t]*(\\"(?:[^"\\\r\n]|\\(?!"))*\\"|"(?:[^"\r\n]|"")*"|'(?:[^'\r\n]|'')*'|\{(?:[^}\r\n]|\}\})*\}|[^;"'\\\s=,]+)/gi;
const ADO_CONTEXT =
  /(?:server|data source|host|address|addr|user id|uid|user|initial catalog|database|accountname|endpoint)[ \t]*=/i;
const ADO_TRIGGER = /p(?:assword|wd)[ \t]*=/i;

export function detectUrlCredentials(engine: RuleEngine, text: string): DetectorCandidate[] {
  const out: DetectorCandidate[] = [];
  URL_CREDENTIALS.lastIndex = 0;
  for (let m = URL_CREDENTIALS.exec(text); m; m = URL_CREDENTIALS.exec(text)) {
    const [, scheme, user, raw] = m;
    const start = m.index + scheme!.length + 3 + user!.length + 1;
    const decoded = raw!.includes('%') ? decodePercent(raw!, start) : undefined;
    const password = decoded?.text ?? raw!;
    if (password === user || password.startsWith('$') || !judgeValue('password', password))
      continue;
    const candidate = makeCandidate(
      engine,
      'connection-string-password',
      start,
      start + raw!.length,
      password,
      'high',
      {
        decodedVia: decoded && decoded.text !== raw ? ['percent'] : undefined,
        variable: `${scheme}://`,
      },
    );
    if (candidate) out.push(candidate);
  }
  return out;
}

/** Quoted ADO.NET values may hold `;` and brackets, which the code-like filter would reject. */
function quotedPasswordOk(value: string): boolean {
  if (value.length < 6 || value.length > 256 || isPlaceholder(value) || isReference(value))
    return false;
  return /[A-Za-z]/.test(value) && /[^A-Za-z]/.test(value) && shannonEntropy(value) >= 2.5;
}

/** The value inside its quoting (`"…"`, `'…'`, `{…}`, or `\"…\"` inside a JSON string). */
function unwrapAdo(raw: string): { value: string; shift: number; length: number; quoted: boolean } {
  const trimmed = raw.trimEnd();
  if (trimmed.startsWith('\\"') && trimmed.endsWith('\\"') && trimmed.length >= 4) {
    return { value: trimmed.slice(2, -2), shift: 2, length: trimmed.length - 4, quoted: true };
  }
  const open = trimmed[0];
  const close = open === '{' ? '}' : open;
  if (
    (open === '"' || open === "'" || open === '{') &&
    trimmed.endsWith(close!) &&
    trimmed.length >= 2
  ) {
    const inner = trimmed.slice(1, -1);
    return {
      value: inner.replaceAll(close! + close!, close!),
      shift: 1,
      length: inner.length,
      quoted: true,
    };
  }
  return { value: trimmed, shift: 0, length: trimmed.length, quoted: false };
}

function detectAdo(engine: RuleEngine, text: string): DetectorCandidate[] {
  const out: DetectorCandidate[] = [];
  ADO_PASSWORD.lastIndex = 0;
  for (let m = ADO_PASSWORD.exec(text); m; m = ADO_PASSWORD.exec(text)) {
    const raw = m[1]!;
    const lineStart = lineStartWithin(text, m.index, 400);
    const around = text.slice(lineStart, Math.min(text.length, m.index + m[0].length + 200));
    if (!ADO_CONTEXT.test(around)) continue;
    const { value, shift, length, quoted } = unwrapAdo(raw);
    if (quoted ? !quotedPasswordOk(value) : !judgeValue('password', value)) continue;
    const start = m.index + m[0].length - raw.length + shift;
    const candidate = makeCandidate(
      engine,
      'connection-string-password',
      start,
      start + length,
      value,
      'high',
      {
        variable: 'Password',
      },
    );
    if (candidate) out.push(candidate);
  }
  return out;
}

export const connectionStringDetector: Detector = {
  name: 'connection-strings',
  applies: (_path, text) => text.includes('://') || ADO_TRIGGER.test(text),
  detect(text, { engine }) {
    const out = text.includes('://') ? detectUrlCredentials(engine, text) : [];
    if (ADO_TRIGGER.test(text)) out.push(...detectAdo(engine, text));
    return out;
  },
};
