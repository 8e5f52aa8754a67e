/**
 * The keyword automaton's byte pass (WebAssembly) must report exactly what the string pass
 * reports, offsets in UTF-16 units included, on any text the decoder hands it; and the module in
 * the sources must be the assembly of its .wat.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ByteScanner, CHUNK_BYTES } from '../src/detect/keyword-scan.js';
import { KEYWORD_SCAN_WASM } from '../src/detect/keyword-scan-module.js';
import { KeywordAutomaton, MAX_HITS_PER_KEYWORD } from '../src/detect/prefilter.js';
import { encodedRunSpans } from '../src/detect/formats/decoders.js';
import { MIN_RUN } from '../src/detect/run-alphabet.js';
import { createEngine } from '../src/pool/worker.js';
import { decodeText } from '../src/sources/text.js';

const engine = createEngine({ extraRules: [], disabledRules: [] });

/** Every maximal run of at least MIN_RUN run-alphabet characters, the plain way. */
function maximalRuns(text: string): number[] {
  const runs: number[] = [];
  for (const match of text.matchAll(/[A-Za-z0-9+/_-]+/g)) {
    if (match[0].length >= MIN_RUN) runs.push(match.index, match.index + match[0].length);
  }
  return runs;
}

/** Both passes over `bytes` as the scanner decodes them. */
function bothPasses(automaton: KeywordAutomaton, bytes: Buffer) {
  const decoded = decodeText(bytes)!;
  const scanner = ByteScanner.create(automaton.tables(), automaton.keywords)!;
  return {
    decoded,
    strings: automaton.scan(decoded.text).ends,
    bytes: decoded.source && scanner.scan(decoded.source, automaton.keywords.length).ends,
  };
}

describe('the keyword byte pass', () => {
  it('is the assembly of keyword-scan.wat', async () => {
    // @ts-expect-error: a build script, plain JavaScript
    const { assembleKeywordScan } = await import('../scripts/build-wasm.mjs');
    const source: string = await assembleKeywordScan();
    const lines = [...source.matchAll(/^ +'([A-Za-z0-9+/=]+)'/gm)].map((m) => m[1]);
    const base64 = lines.filter((line) => line !== 'base64').join('');
    const current = Buffer.from(base64, 'base64').equals(KEYWORD_SCAN_WASM);
    expect(current, 'keyword-scan-module.ts is stale: run node scripts/build-wasm.mjs').toBe(true);
  });

  it('finds what the string pass finds, at the same UTF-16 offsets (random texts)', () => {
    // Keyword pieces, ASCII, and characters of two, three and four bytes in UTF-8.
    const piece = fc.oneof(
      fc.constantFrom('password', 'api_key', 'token', 'AKIA', 'ghp_', 'secret=', 'xoxb-', 'SK'),
      fc.string({ maxLength: 8 }),
      fc.constantFrom('é', 'ß', '—', '’', '→', '中文', '😀', '🔑', '\n', '\r\n', '\t', ' '),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.boolean(), (pieces, bom) => {
        const text = pieces.join('');
        const body = Buffer.from(text, 'utf8');
        const bytes = bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
        if (!decodeText(bytes)) return; // a NUL made it binary
        const result = bothPasses(engine.automaton, bytes);
        expect(result.decoded.source).toBeDefined();
        expect(result.bytes).toEqual(result.strings);
      }),
      { numRuns: 400 },
    );
  });

  it('finds the same in long text, walked as three streams (random, a few wide characters)', () => {
    // Keywords anywhere, around the thirds where the streams meet included.
    const automaton = engine.automaton;
    const words = ['password', 'api_key', 'token', 'AKIA', 'client_secret', 'sk_live', 'xoxb-'];
    fc.assert(
      fc.property(
        fc.integer({ min: 3 * 1024, max: 40 * 1024 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...words)), {
          maxLength: 40,
        }),
        fc.array(
          fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('é', '—', '😀')),
          { maxLength: 12 },
        ),
        (length, placed, wideChars) => {
          const text = Array.from({ length }, (_, i) => 'abc def\n'[i % 8])
            .join('')
            .split('');
          for (const [where, word] of placed) {
            const at = Math.min(length - word.length, Math.floor(where * length));
            text.splice(at, word.length, ...word);
          }
          // Each third's edge: a keyword ending before it (in the next stream's warm-up), one
          // across it, and one just after it.
          for (const third of [1, 2]) {
            for (const shift of [-20, -3, 1]) {
              text.splice(Math.floor(length / 3) * third + shift, 5, ...'token');
            }
          }
          for (const [where, char] of wideChars) text.splice(Math.floor(where * length), 0, char);
          const joined = text.join('');
          const result = bothPasses(automaton, Buffer.from(joined, 'utf8'));
          expect(result.decoded.source?.ascii).toBe(wideChars.length === 0);
          expect(result.bytes).toEqual(result.strings);
          const hits = engine.scan(joined, result.decoded.source);
          expect(hits.encodedRuns).toEqual(maximalRuns(joined));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('finds the encoded runs the decoders would, across chunk boundaries too (random texts)', () => {
    const member = fc.constantFrom(...'aZ09+/_-Qx7kLm');
    const piece = fc.oneof(
      fc.array(member, { minLength: 1, maxLength: 40 }).map((chars) => chars.join('')),
      fc.constantFrom(' ', '\n', '"', '=', '==', '.', ':'),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 200 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: -30, max: 30 }),
        (pieces, chunks, shift) => {
          // Padding puts the pieces around a chunk boundary, or several.
          const padding = chunks
            ? 'x '.repeat(Math.max(0, (chunks * CHUNK_BYTES + shift) >> 1))
            : '';
          const text = padding + pieces.join('');
          const bytes = Buffer.from(text, 'latin1');
          const decoded = decodeText(bytes)!;
          const hits = engine.scan(decoded.text, decoded.source);
          expect(hits.encodedRuns).toEqual(maximalRuns(text));
          expect(encodedRunSpans(text, hits.encodedRuns)).toEqual(encodedRunSpans(text));
        },
      ),
      { numRuns: 120 },
    );
    // One run through a whole chunk and into the next two; and a run that fills a chunk's end
    // right after a run joined across its start, then goes on into the next chunk.
    const long = `${'x '.repeat(1000)}${'Ab9+'.repeat(CHUNK_BYTES / 2)} end`;
    const joined = `${' '.repeat(CHUNK_BYTES - 5)}${'a'.repeat(CHUNK_BYTES - 7)} ${'b'.repeat(26)} `;
    for (const text of [long, joined]) {
      const hits = engine.scan(text, decodeText(Buffer.from(text, 'latin1'))!.source);
      expect(hits.encodedRuns).toEqual(maximalRuns(text));
    }
  });

  it('goes on across chunks, and keeps the per-keyword cap', () => {
    const automaton = new KeywordAutomaton(['key', 'ab', 'token']);
    // 60,000 hits of one keyword (over the cap), 30,000 of another, and keywords across chunk
    // boundaries, in text long enough for many chunks, with wide characters before.
    const line = 'ab key ab\n';
    let text = '😀é'.repeat(10) + line.repeat(30_000);
    while (text.length < 3.2 * 1024 * 1024) text += 'x'.repeat(1000) + 'token ';
    const result = bothPasses(automaton, Buffer.from(text, 'utf8'));
    expect(result.strings[1]!.length).toBe(MAX_HITS_PER_KEYWORD);
    expect(result.bytes).toEqual(result.strings);

    const ascii = text.replace(/😀é/g, 'zz');
    const plain = bothPasses(automaton, Buffer.from(ascii, 'latin1'));
    expect(plain.decoded.source?.ascii).toBe(true);
    expect(plain.bytes).toEqual(plain.strings);
    // A keyword across the first chunk boundary, found once, whole.
    const cut = CHUNK_BYTES - 2;
    const straddling = `${'x'.repeat(cut)}token${'x'.repeat(10)}`;
    const across = bothPasses(automaton, Buffer.from(straddling, 'latin1'));
    expect(across.bytes![2]).toEqual([cut + 5]);
  });

  it('reads a buffer afresh when the next text reuses it, as the worker reads files', () => {
    const scanner = ByteScanner.create(engine.automaton.tables(), engine.automaton.keywords)!;
    const buffer = Buffer.from('é password = 1\n', 'utf8');
    const first = scanner.scan({ bytes: buffer, ascii: false }, engine.automaton.keywords.length);
    buffer.write('é token    = 1\n', 'utf8');
    const second = scanner.scan({ bytes: buffer, ascii: false }, engine.automaton.keywords.length);
    const text = buffer.toString('utf8');
    expect(second.ends).toEqual(engine.automaton.scan(text).ends);
    expect(second.ends).not.toEqual(first.ends);
  });

  it('is not used where bytes and string disagree: invalid UTF-8 and UTF-16', () => {
    expect(decodeText(Buffer.from([0x61, 0x70, 0x69, 0xff, 0x6b, 0x65, 0x79]))!.source).toBe(
      undefined,
    );
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('api_key=1', 'utf16le')]);
    expect(decodeText(utf16)!.source).toBe(undefined);
    // Text the decoder repairs still gets the string pass, with the same findings as before.
    const repaired = Buffer.concat([
      Buffer.from('token = "'),
      Buffer.from([0xc3]),
      Buffer.from('"'),
    ]);
    const decoded = decodeText(repaired)!;
    expect(decoded.source).toBe(undefined);
    expect(engine.scan(decoded.text).keywordEnds).toEqual(engine.automaton.scan(decoded.text).ends);
  });
});
