/**
 * Connection strings: URL form (`postgres://user:pass@host`, also git-credentials lines) with the
 * password percent-decoded, and ADO.NET form (`Server=…;Password=…`), where quoted values may
 * hold `;`, `@` and `!`. Runs on any text file that holds `://` or `password=`/`pwd=`.
 */
import type { Detector, DetectorCandidate } from '../detectors.js';
import type { RuleEngine } from '../engine.js';
import { decodePercent } from './decode.js';
import { judgeValue, makeCandidate } from './judge.js';

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]{1,30}):\/\/([^\s:/?#@"'<>`]{1,128}):([^\s/?#@"'<>`]{1,256})@[\w\-[]/gi;
const ADO_PASSWORD = /(?:^|[;"'\s{])(?:Password|Pwd)[ \t]*=[ \t]*("(?:[^"\r\n]|"")*"|'(?:[^'\r\n]|'')*'|\{(?:[^}\r\n]|\}\})*\}|[^;"'\r\n]+)/gi;
const ADO_CONTEXT = /(?:server|data source|host|address|addr|user id|uid|user|initial catalog|database|accountname|endpoint)[ \t]*=/i;
const ADO_TRIGGER = /p(?:assword|wd)[ \t]*=/i;

export function detectUrlCredentials(engine: RuleEngine, text: string): DetectorCandidate[] {
  const out: DetectorCandidate[] = [];
  URL_CREDENTIALS.lastIndex = 0;
  for (let m = URL_CREDENTIALS.exec(text); m; m = URL_CREDENTIALS.exec(text)) {
    const [, scheme, user, raw] = m;
    const start = m.index + scheme!.length + 3 + user!.length + 1;
    const decoded = raw!.includes('%') ? decodePercent(raw!, start) : undefined;
    const password = decoded?.text ?? raw!;
    if (password === user || password.startsWith('$') || !judgeValue('password', password)) continue;
    const candidate = makeCandidate(
      engine,
      'connection-string-password',
      start,
      start + raw!.length,
      password,
      'high',
      { decodedVia: decoded && decoded.text !== raw ? ['percent'] : undefined, variable: `${scheme}://` },
    );
    if (candidate) out.push(candidate);
  }
  return out;
}

function detectAdo(engine: RuleEngine, text: string): DetectorCandidate[] {
  const out: DetectorCandidate[] = [];
  ADO_PASSWORD.lastIndex = 0;
  for (let m = ADO_PASSWORD.exec(text); m; m = ADO_PASSWORD.exec(text)) {
    const raw = m[1]!;
    const lineStart = Math.max(text.lastIndexOf('\n', m.index) + 1, m.index - 400);
    const around = text.slice(lineStart, Math.min(text.length, m.index + m[0].length + 200));
    if (!ADO_CONTEXT.test(around)) continue;
    let value = raw.trim();
    let shift = raw.indexOf(value);
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1).replaceAll(quote + quote, quote);
      shift++;
    } else if (quote === '{' && value.endsWith('}')) {
      value = value.slice(1, -1).replaceAll('}}', '}');
      shift++;
    }
    if (!judgeValue('password', value)) continue;
    const start = m.index + m[0].length - raw.length + shift;
    const end = start + (raw.trim().length - (shift > raw.indexOf(raw.trim()) ? 2 : 0));
    const candidate = makeCandidate(engine, 'connection-string-password', start, end, value, 'high', {
      variable: 'Password',
    });
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
