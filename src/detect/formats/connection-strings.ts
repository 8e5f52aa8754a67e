/**
 * Connection strings: URL form (`postgres://user:pass@host`, also git-credentials lines) with the
 * password percent-decoded, a password passed as a URL parameter (`jdbc:mysql://h/db?password=…`,
 * `jdbc:sqlserver://h;password=…`), and ADO.NET form (`Server=…;Password=…`), where quoted values
 * may hold `;`, `@` and `!`. Runs on any text file that holds `://` or a password word.
 */
import { lineStartWithin } from '../../sources/text.js';
import type { Detector, DetectorCandidate } from '../detectors.js';
import type { RuleEngine } from '../engine.js';
import type { TextHits } from '../text-hits.js';
import { decodePercent } from './decode.js';
import { classifyName, judgeValue, makeCandidate } from './judge.js';
import { shannonEntropy } from '../entropy.js';
import { isReference } from '../filters.js';
import { isPlaceholder } from '../placeholder.js';

/** What follows a scheme in `scheme://user:password@host`, matched only where `://` is. */
const AFTER_SCHEME = /:\/\/([^\s:/?#@"'<>`]{1,128}):([^\s/?#@"'<>`]{1,256})@[\w\-[]/y;
const MAX_SCHEME = 31;
const ADO_PASSWORD =
  /(?:^|[;"'\s{])(?:Password|Pwd)[ \t]*=[ \t]*(\\"(?:[^"\\\r\n]|\\(?!"))*\\"|"(?:[^"\r\n]|"")*"|'(?:[^'\r\n]|'')*'|\{(?:[^}\r\n]|\}\})*\}|[^;"'\\\s=,]+)/gi;
const ADO_CONTEXT =
  /(?:server|data source|host|address|addr|user id|uid|user|initial catalog|database|accountname|endpoint)[ \t]*=/i;
/** `password =` or `pwd=`, checked only after those words, which the engine's pass found. */
const ADO_ASSIGN = /[ \t]*=/y;
const ADO_WORDS = ['password', 'pwd'];
/** Words in the name of a URL parameter that carries a password (`password`, `dbPasswd`, `pwd`). */
const QUERY_WORDS = ['password', 'passwd', 'pwd'];
/**
 * A parameter's value runs to the next separator, quote, space, backslash (a JSON escape) or
 * closing parenthesis (a Markdown link): a real password there is percent-encoded.
 */
const QUERY_VALUE = /[^&;#\s"'`<>\\)]{1,256}/y;
/** How far back from a parameter its URL's `://` may be. */
const MAX_URL = 2048;
/** What ends a URL in text: the parameter and its `://` must have none of these between them. */
const OUTSIDE_URL = /[\s"'`<>]/;

function adoTriggered(text: string, hits: TextHits): boolean {
  for (const word of ADO_WORDS) {
    for (const end of hits.endsOf(word)) {
      ADO_ASSIGN.lastIndex = end;
      if (ADO_ASSIGN.test(text)) return true;
    }
  }
  return false;
}

function isSchemeChar(code: number): boolean {
  return isLetter(code) || (code >= 48 && code <= 57) || code === 43 || code === 45 || code === 46;
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isWordCode(code: number): boolean {
  return isLetter(code) || (code >= 48 && code <= 57) || code === 95;
}

/** A character of a parameter name: a word character, `.` or `-`. */
function isNameCode(code: number): boolean {
  return isWordCode(code) || code === 46 || code === 45;
}

/**
 * Where the scheme before the `://` at `at` starts: the furthest-back letter at a word boundary
 * that leaves 2 to 31 scheme characters (`git+ssh`, `postgresql`), not before `floor`; -1 if none.
 */
function schemeStart(text: string, at: number, floor: number): number {
  let best = -1;
  for (let p = at - 1; p >= Math.max(floor, at - MAX_SCHEME); p--) {
    const code = text.charCodeAt(p);
    if (!isSchemeChar(code)) break;
    const boundary = p === 0 || !isWordCode(text.charCodeAt(p - 1));
    if (at - p >= 2 && isLetter(code) && boundary) best = p;
  }
  return best;
}

/**
 * `scheme://user:password@host` credentials. Found from each `://` (a string search) rather than
 * by a regex tried at every word of the text, which was one of the scan's top costs on code.
 */
export function detectUrlCredentials(engine: RuleEngine, text: string): DetectorCandidate[] {
  const out: DetectorCandidate[] = [];
  let searchFrom = 0;
  for (
    let at = text.indexOf('://');
    at !== -1;
    at = text.indexOf('://', Math.max(at + 3, searchFrom))
  ) {
    const begin = schemeStart(text, at, searchFrom);
    if (begin === -1) continue;
    AFTER_SCHEME.lastIndex = at;
    const m = AFTER_SCHEME.exec(text);
    if (!m) continue;
    searchFrom = AFTER_SCHEME.lastIndex;
    const scheme = text.slice(begin, at);
    const [, user, raw] = m;
    const start = at + 3 + user!.length + 1;
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

/**
 * The `scheme://` of the URL whose parameter starts at `at` (just after its `?`, `&` or `;`), or
 * undefined when no URL runs unbroken from a scheme to there. A `?` or `&` parameter must sit in
 * the query; a `;` one may be a JDBC property (`jdbc:sqlserver://host;password=…`).
 */
function urlBefore(text: string, at: number, separator: string): string | undefined {
  const floor = Math.max(0, at - MAX_URL);
  const slash = text.lastIndexOf('://', at);
  const between = slash < floor ? '' : text.slice(slash, at);
  if (!between || OUTSIDE_URL.test(between)) return undefined;
  if (separator !== ';' && !between.includes('?')) return undefined;
  const begin = schemeStart(text, slash, floor);
  return begin === -1 ? undefined : text.slice(begin, slash + 3);
}

/**
 * Passwords passed as URL parameters: `…/app?user=admin&password=…`, `…;password=…`. Started
 * from each password word the keyword pass found, so text without one costs nothing; the word
 * must lie in a whole parameter name that reads as a password under the names' judgement.
 */
function detectQueryPasswords(
  engine: RuleEngine,
  text: string,
  hits: TextHits,
): DetectorCandidate[] {
  const out: DetectorCandidate[] = [];
  const seen = new Set<number>();
  for (const word of QUERY_WORDS) {
    for (const end of hits.endsOf(word)) {
      let nameStart = end - word.length;
      while (nameStart > 0 && end - nameStart < 80 && isNameCode(text.charCodeAt(nameStart - 1)))
        nameStart--;
      let nameEnd = end;
      while (nameEnd - nameStart < 80 && isNameCode(text.charCodeAt(nameEnd))) nameEnd++;
      const separator = text[nameStart - 1];
      if (text[nameEnd] !== '=' || (separator !== '?' && separator !== '&' && separator !== ';'))
        continue;
      if (seen.has(nameStart)) continue;
      seen.add(nameStart);
      const name = text.slice(nameStart, nameEnd);
      if (classifyName(name) !== 'password') continue;
      const scheme = urlBefore(text, nameStart, separator);
      if (!scheme) continue;
      const start = nameEnd + 1;
      QUERY_VALUE.lastIndex = start;
      const raw = QUERY_VALUE.exec(text)?.[0];
      // Braces are no URL characters: `{pw}`, `{{ .Values.pw }}`, `${PW}` are templates.
      if (!raw || /[{}]/.test(raw)) continue;
      const decoded = raw.includes('%') ? decodePercent(raw, start) : undefined;
      const password = decoded?.text ?? raw;
      // `:name` is a bind parameter (SQL, route patterns), filled in later.
      if (password.startsWith(':') || !judgeValue('password', password)) continue;
      const candidate = makeCandidate(
        engine,
        'connection-string-password',
        start,
        start + raw.length,
        password,
        'high',
        {
          decodedVia: decoded && decoded.text !== raw ? ['percent'] : undefined,
          variable: scheme,
        },
      );
      if (candidate) out.push(candidate);
    }
  }
  return out;
}

/** Quoted ADO.NET values may hold `;` and brackets, which the code-like filter would reject. */
function quotedPasswordOk(value: string): boolean {
  if (value.length < 6 || value.length > 256 || isPlaceholder(value) || isReference(value))
    return false;
  return /[A-Za-z]/.test(value) && /[^A-Za-z]/.test(value) && shannonEntropy(value) >= 2.5;
}

/**
 * An unquoted value runs to the next `;`, quote or space: in code that is often an expression
 * (`password = cfg.get(`), which no connection string holds.
 */
function unquotedPasswordOk(value: string): boolean {
  if (/[()]/.test(value) || /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value)) return false;
  return Boolean(judgeValue('password', value));
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
    // `&amp;password=` is a URL query parameter escaped for XML: the query reader owns it.
    if (text.startsWith('&amp;', m.index - 4)) continue;
    // The context is the line of the `Password=` itself: the match may open with the line feed
    // before it, and an INI file's `host =` on the line above is no connection string.
    const keyAt = m.index + m[0].search(/Password|Pwd/i);
    const lineStart = lineStartWithin(text, keyAt, 400);
    const lineEnd = text.indexOf('\n', keyAt);
    const end = Math.min(lineEnd === -1 ? text.length : lineEnd, m.index + m[0].length + 200);
    if (!ADO_CONTEXT.test(text.slice(lineStart, end))) continue;
    const { value, shift, length, quoted } = unwrapAdo(raw);
    if (quoted ? !quotedPasswordOk(value) : !unquotedPasswordOk(value)) continue;
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
  triggers: [...new Set([...ADO_WORDS, ...QUERY_WORDS])],
  // These checks are cheap given the engine's hits, and made in detect, which has them.
  applies: () => true,
  detect(text, { engine, hits }) {
    const url = text.includes('://');
    const out = url ? detectUrlCredentials(engine, text) : [];
    if (url) out.push(...detectQueryPasswords(engine, text, hits));
    if (adoTriggered(text, hits)) out.push(...detectAdo(engine, text));
    return out;
  },
};
