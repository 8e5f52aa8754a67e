/**
 * Tokens glued to an escape: `"line\nghp_…"` in a JSON log, `printf "a\tAKIA…"`, `q=token%3Dghp_…`.
 * The `n`, `t` or hex digit before the token is a word character, so rules that begin at a word
 * boundary cannot start there. The text after each such escape is scanned on its own, as far as
 * a token can reach, and hits are reported where they sit.
 */
import type { Detector, DetectorCandidate } from '../detectors.js';

const GLUED = /(?:\\[nrt]|%[0-9A-Fa-f]{2})(?=[A-Za-z0-9_])/y;
/** Where a glued token ends: space, quotes, another escape, brackets and separators. */
const TOKEN_END = new Set([...' \t\r\n"\'`\\<>()[]{},;'].map((c) => c.charCodeAt(0)));
/** Shorter runs hold no token any rule looks for. */
const MIN_TOKEN = 16;
const MAX_TOKEN = 4096;
/** Runs per file: past this, the file is made of escapes and the rest are the same noise. */
const MAX_RUNS = 2000;

export function detectGlued(text: string, engine: Parameters<Detector['detect']>[1]['engine']) {
  const out: DetectorCandidate[] = [];
  let runs = 0;
  // Escapes begin with `\` or `%`: the string search finds those, the regex is tried only there.
  let slash = text.indexOf('\\');
  let percent = text.indexOf('%');
  while (slash !== -1 || percent !== -1) {
    const at = slash === -1 ? percent : percent === -1 ? slash : Math.min(slash, percent);
    GLUED.lastIndex = at;
    const m = GLUED.exec(text);
    let next = at + 1;
    if (m) {
      const start = at + m[0].length;
      let end = start;
      while (end < text.length && end - start < MAX_TOKEN && !TOKEN_END.has(text.charCodeAt(end))) {
        end++;
      }
      next = Math.max(next, end);
      if (end - start >= MIN_TOKEN && ++runs <= MAX_RUNS) {
        for (const hit of engine.detect(text.slice(start, end))) {
          out.push({ ...hit, start: start + hit.start, end: start + hit.end });
        }
      }
    }
    if (slash !== -1 && slash < next) slash = text.indexOf('\\', next);
    if (percent !== -1 && percent < next) percent = text.indexOf('%', next);
    if (runs > MAX_RUNS) break;
  }
  return out;
}

export const gluedTokenDetector: Detector = {
  name: 'glued-tokens',
  applies: (_path, text) => text.includes('\\') || text.includes('%'),
  detect: (text, { engine }) => detectGlued(text, engine),
};
