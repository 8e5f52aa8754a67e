/**
 * The decoding detector: finds substrings that look encoded, decodes them (recursively, to a
 * bounded depth and size) and runs the rule pack on what comes out. A hit is reported at the
 * encoded span, with the chain of decoders in `decodedVia`.
 */
import type { Detector, DetectorCandidate } from '../detectors.js';
import type { RuleEngine } from '../engine.js';
import { decodeBase64, decodeEscapes, decodeHex, decodePercent, type Decoded } from './decode.js';

const MAX_DEPTH = 3;
/** Decoded characters per file, across all runs and depths. */
const MAX_DECODED = 1 << 20;
const MAX_ATTEMPTS = 4000;
const MAX_RUN = 256 * 1024;

/** Base64, base64url and hex runs: long, no spaces, mixed characters. */
const ENCODED_RUN = /[A-Za-z0-9+/_-]{20,}={0,2}/g;
const PERCENT_RUN = /(?:[^\s"'<>()%]*%[0-9A-Fa-f]{2})+[^\s"'<>()%]*/g;
const ESCAPE_RUN = /(?:[^\s"'`\\]|\\(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\S))+/g;

interface Budget {
  decoded: number;
  attempts: number;
}

function looksEncoded(run: string): boolean {
  let upper = false;
  let lower = false;
  let digit = false;
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
    else if (c >= 48 && c <= 57) digit = true;
  }
  // Base64 of text mixes cases; hex is digits with one case of letters.
  return (upper && lower) || (digit && (upper || lower));
}

function* encodedRuns(text: string): Generator<Decoded> {
  ENCODED_RUN.lastIndex = 0;
  for (let m = ENCODED_RUN.exec(text); m; m = ENCODED_RUN.exec(text)) {
    const run = m[0];
    if (run.length > MAX_RUN || !looksEncoded(run)) continue;
    const decoded = decodeHex(run, m.index) ?? decodeBase64(run, m.index);
    if (decoded) yield decoded;
  }
  if (text.includes('%')) {
    PERCENT_RUN.lastIndex = 0;
    for (let m = PERCENT_RUN.exec(text); m; m = PERCENT_RUN.exec(text)) {
      if (m[0].length === 0) PERCENT_RUN.lastIndex++;
      if ((m[0].match(/%[0-9A-Fa-f]{2}/g)?.length ?? 0) < 2 || m[0].length > MAX_RUN) continue;
      const decoded = decodePercent(m[0], m.index);
      if (decoded) yield decoded;
    }
  }
  if (text.includes('\\u') || text.includes('\\x')) {
    ESCAPE_RUN.lastIndex = 0;
    for (let m = ESCAPE_RUN.exec(text); m; m = ESCAPE_RUN.exec(text)) {
      if ((m[0].match(/\\[ux]/g)?.length ?? 0) < 2 || m[0].length > MAX_RUN) continue;
      yield decodeEscapes(m[0], m.index);
    }
  }
}

/** Candidates hidden under one or more encodings in `text`, with offsets into `text`. */
export function detectDecoded(
  engine: RuleEngine,
  text: string,
  depth = 1,
  budget: Budget = { decoded: 0, attempts: 0 },
): DetectorCandidate[] {
  const out: DetectorCandidate[] = [];
  for (const decoded of encodedRuns(text)) {
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
  detect: (text, { engine }) => detectDecoded(engine, text),
};
