/**
 * The decoding detector: finds substrings that look encoded, decodes them (recursively, to a
 * bounded depth and size) and runs the rule pack on what comes out. A hit is reported at the
 * encoded span, with the chain of decoders in `decodedVia`.
 */
import type { Detector, DetectorCandidate } from '../detectors.js';
import type { RuleEngine } from '../engine.js';
import {
  decodeBase64,
  decodeEscapes,
  decodeHex,
  decodePercent,
  mayDecodePrintable,
  type Decoded,
} from './decode.js';
import { MIN_RUN, RUN_ALPHABET } from '../run-alphabet.js';

const MAX_DEPTH = 3;
/** Decoded characters per file, across all runs and depths. */
const MAX_DECODED = 1 << 20;
const MAX_ATTEMPTS = 4000;
const MAX_RUN = 256 * 1024;

export const PERCENT_SEED = /%[0-9A-Fa-f]{2}/g;
export const ESCAPE_SEED = /\\(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2})/g;
export const PERCENT_STOP = new Set([...' \t\r\n"\'<>()`'].map((c) => c.charCodeAt(0)));
export const ESCAPE_STOP = new Set([...' \t\r\n"\'`'].map((c) => c.charCodeAt(0)));

/**
 * Runs around each seed (`%41`, `\u0041`), grown to the nearest stop character: found from the
 * seeds, so the cost is linear in the text whatever its shape.
 */
export function* seededRuns(text: string, shared: RegExp, stop: Set<number>, minSeeds: number) {
  // A fresh regex per call: the generator is suspended while nested decodes run their own scan.
  // Sticky, tried only where the seed's first character is: the string search finds those far
  // faster than the regex scanning for them itself.
  const seed = new RegExp(shared.source, 'y');
  const lead = shared.source[0] === '\\' ? shared.source[1]! : shared.source[0]!;
  for (let at = text.indexOf(lead); at !== -1; at = text.indexOf(lead, at + 1)) {
    seed.lastIndex = at;
    const m = seed.exec(text);
    if (!m) continue;
    let start = m.index;
    while (start > 0 && !stop.has(text.charCodeAt(start - 1))) start--;
    let end = m.index + m[0].length;
    while (end < text.length && !stop.has(text.charCodeAt(end))) end++;
    at = end - 1;
    const run = text.slice(start, end);
    if (run.length > MAX_RUN) continue;
    let seeds = 0;
    for (
      let i = run.indexOf(m[0][0]!);
      i !== -1 && seeds < minSeeds;
      i = run.indexOf(m[0][0]!, i + 1)
    )
      seeds++;
    if (seeds >= minSeeds) yield { run, start };
  }
}

interface Budget {
  decoded: number;
  attempts: number;
}

/** Base64 of text mixes cases; hex is digits with one case of letters. */
function looksEncoded(text: string, start: number, end: number): boolean {
  let upper = false;
  let lower = false;
  let digit = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
    else if (c >= 48 && c <= 57) digit = true;
    else continue;
    // Decided as soon as it is: a camelCase name is a few characters in.
    if ((upper && lower) || (digit && (upper || lower))) return true;
  }
  return false;
}

/** Base64, base64url and hex characters: the runs below are long, no spaces, mixed. */
const RUN_CHAR = new Uint8Array(65536);
for (const c of RUN_ALPHABET) RUN_CHAR[c.charCodeAt(0)] = 1;

/**
 * The runs worth decoding, as flat [start, end) pairs: what `/[A-Za-z0-9+/_-]{20,}={0,2}/g`
 * matches (each maximal run of at least 20 such characters, plus up to two `=`), less the runs
 * that cannot decode to text. Any such run that starts at or after `i` covers `i + 19`, so one
 * probe there rules out twenty positions at once when it lands on a space or a bracket; source
 * code, made of short words, is mostly skipped that way instead of read character by character.
 */
export function encodedRunSpans(text: string, found?: readonly number[]): number[] {
  const spans: number[] = [];
  const keep = (start: number, end: number) => {
    if (end - start < MIN_RUN || end - start > MAX_RUN) return;
    // Identifiers (`getOwnPropertyDescriptors`) are the common runs; most fail one of these
    // without being copied out of the text.
    if (!looksEncoded(text, start, end)) return;
    if (!isHexSpan(text, start, end) && !mayDecodePrintable(text, start, end)) return;
    if (end < text.length && text.charCodeAt(end) === 61) end++;
    if (end < text.length && text.charCodeAt(end) === 61) end++;
    spans.push(start, end);
  };
  if (found) {
    for (let n = 0; n < found.length; n += 2) keep(found[n]!, found[n + 1]!);
    return spans;
  }

  const length = text.length;
  // Invariant: `i` is 0 or just past a character outside the run alphabet.
  let i = 0;
  while (i + MIN_RUN <= length) {
    const probe = i + MIN_RUN - 1;
    if (RUN_CHAR[text.charCodeAt(probe)] === 0) {
      i = probe + 1;
      continue;
    }
    let start = probe;
    while (start > i && RUN_CHAR[text.charCodeAt(start - 1)] === 1) start--;
    let end = probe + 1;
    while (end < length && RUN_CHAR[text.charCodeAt(end)] === 1) end++;
    i = end + 1;
    keep(start, end);
  }
  return spans;
}

function isHexSpan(text: string, start: number, end: number): boolean {
  if ((end - start) % 2 === 1) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** `found`: the text's maximal runs of at least MIN_RUN, when the byte pass found them. */
function* encodedRuns(text: string, found?: readonly number[]): Generator<Decoded> {
  const spans = encodedRunSpans(text, found);
  for (let n = 0; n < spans.length; n += 2) {
    const start = spans[n]!;
    const run = text.slice(start, spans[n + 1]!);
    const decoded = decodeHex(run, start) ?? decodeBase64(run, start);
    if (decoded) yield decoded;
  }
  if (text.includes('%')) {
    for (const { run, start } of seededRuns(text, PERCENT_SEED, PERCENT_STOP, 2)) {
      yield decodePercent(run, start);
    }
  }
  if (text.includes('\\u') || text.includes('\\x')) {
    for (const { run, start } of seededRuns(text, ESCAPE_SEED, ESCAPE_STOP, 4)) {
      yield decodeEscapes(run, start);
    }
  }
}

/** Candidates hidden under one or more encodings in `text`, with offsets into `text`. */
export function detectDecoded(
  engine: RuleEngine,
  text: string,
  depth = 1,
  budget: Budget = { decoded: 0, attempts: 0 },
  found?: readonly number[],
): DetectorCandidate[] {
  const out: DetectorCandidate[] = [];
  for (const decoded of encodedRuns(text, found)) {
    if (++budget.attempts > MAX_ATTEMPTS) break;
    budget.decoded += decoded.text.length;
    if (budget.decoded > MAX_DECODED) break;
    const inner: DetectorCandidate[] = engine.detect(decoded.text);
    if (depth < MAX_DEPTH) inner.push(...detectDecoded(engine, decoded.text, depth + 1, budget));
    for (const hit of inner) {
      out.push({
        ...hit,
        start: decoded.toSource(hit.start, false),
        end: decoded.toSource(hit.end, true),
        decodedVia: [decoded.via, ...(hit.decodedVia ?? [])],
      });
    }
  }
  return out;
}

export const decodingDetector: Detector = {
  name: 'decoders',
  applies: (_path, text) => text.length > 20,
  detect: (text, { engine, hits }) => detectDecoded(engine, text, 1, undefined, hits.encodedRuns),
};
