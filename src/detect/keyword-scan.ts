/**
 * The keyword automaton's pass over a file's bytes, in WebAssembly (keyword-scan.wat). The pass
 * over the decoded string in prefilter.ts costs about 5 ns a character, most of it the
 * JavaScript loop itself; the same tables walked over the bytes cost about 2.4 ns, copying them
 * in included, and it is the largest single cost of a scan.
 *
 * Bytes and string agree on what matches, since keywords are ASCII and every byte of a wider
 * character is in no keyword. Offsets agree for ASCII; for other valid UTF-8 the module counts
 * UTF-16 units as it goes. Anything else (UTF-16 files, invalid UTF-8, where the decoder's
 * replacement characters do not count bytes the same way) takes the string pass.
 */
import { KEYWORD_SCAN_WASM } from './keyword-scan-module.js';
import { MAX_HITS_PER_KEYWORD, type AutomatonTables, type KeywordHits } from './prefilter.js';
import type { TextBytes } from '../sources/text.js';

interface ScanExports {
  memory: WebAssembly.Memory;
  resume: WebAssembly.Global;
  resumeUnits: WebAssembly.Global;
  lastRow: WebAssembly.Global;
  scanBytes: ScanFunction;
  scanUtf8: ScanFunction;
}
type ScanFunction = (
  startOrUnits: number,
  at: number,
  end: number,
  delta: number,
  out: number,
  outEnd: number,
  row: number,
) => number;

const PAGE = 65536;
const CLASS_BYTES = 256;
const OUTPUT_PAIRS = 1 << 14;
/** Text is copied in and scanned this much at a time. */
const CHUNK_BYTES = 1024 * 1024;

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly is not available (`--jitless`). */
function module(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(KEYWORD_SCAN_WASM);
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

export class ByteScanner {
  private readonly exports: ScanExports;
  private readonly delta: number;
  private readonly out: number;
  private readonly text: number;
  /** Views of the memory, which never grows after the constructor. */
  private readonly memoryBytes: Uint8Array;
  private readonly memoryWords: Int32Array;

  /** Undefined when WebAssembly cannot run here. */
  static create(tables: AutomatonTables): ByteScanner | undefined {
    const wasm = module();
    return wasm ? new ByteScanner(wasm, tables) : undefined;
  }

  private constructor(
    wasm: WebAssembly.Module,
    private readonly tables: AutomatonTables,
  ) {
    this.exports = new WebAssembly.Instance(wasm, {}).exports as unknown as ScanExports;
    this.delta = CLASS_BYTES;
    this.out = this.delta + tables.delta.byteLength;
    this.text = this.out + OUTPUT_PAIRS * 8;
    const memory = this.exports.memory;
    const needed = this.text + CHUNK_BYTES - memory.buffer.byteLength;
    if (needed > 0) memory.grow(Math.ceil(needed / PAGE));

    this.memoryBytes = new Uint8Array(memory.buffer);
    this.memoryWords = new Int32Array(memory.buffer);
    for (let byte = 0; byte < 128; byte++) this.memoryBytes[byte] = tables.classOf[byte]!;
    this.memoryWords.set(tables.delta, this.delta >> 2);
  }

  /** Every keyword occurrence, as the string pass would report it. */
  scan(source: TextBytes, keywordCount: number): KeywordHits {
    const { bytes, ascii } = source;
    const ends: (number[] | undefined)[] = new Array(keywordCount);
    const { outFirst, outNext, outKeyword, shift } = this.tables;
    const { scanBytes, scanUtf8, resume, resumeUnits, lastRow } = this.exports;
    const run = ascii ? scanBytes : scanUtf8;
    const outEnd = this.out + OUTPUT_PAIRS * 8;
    let units = 0;
    let row = 0;
    // Chunk by chunk, the state carried over, so the memory stays small whatever the file.
    for (let chunk = 0; chunk < bytes.length; chunk += CHUNK_BYTES) {
      const piece = bytes.subarray(chunk, chunk + CHUNK_BYTES);
      this.memoryBytes.set(piece, this.text);
      const end = this.text + piece.length;
      for (let at = this.text; at < end;) {
        // scanBytes reports `at - start`: a start this far back makes that the file's offset.
        const pairs = run(
          ascii ? this.text - chunk : units,
          at,
          end,
          this.delta,
          this.out,
          outEnd,
          row,
        );
        const words = this.memoryWords;
        for (let pair = 0, word = this.out >> 2; pair < pairs; pair++, word += 2) {
          const offset = words[word]!;
          for (let o = outFirst[words[word + 1]! >> shift]!; o !== -1; o = outNext[o]!) {
            const list = (ends[outKeyword[o]!] ??= []);
            if (list.length < MAX_HITS_PER_KEYWORD) list.push(offset);
          }
        }
        // The pass stops early only when the output area is full, and goes on from there; the
        // state at a chunk's end carries into the next, as a keyword may straddle the cut.
        at = resume.value as number;
        row = lastRow.value as number;
        if (!ascii) units = resumeUnits.value as number;
      }
    }
    return { ends };
  }
}
