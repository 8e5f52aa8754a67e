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
  row0: WebAssembly.Global;
  row1: WebAssembly.Global;
  row2: WebAssembly.Global;
  out0: WebAssembly.Global;
  out1: WebAssembly.Global;
  out2: WebAssembly.Global;
  units: WebAssembly.Global;
  scanBytes(start: number, at: number, end: number, out: number, row: number): void;
  scanUtf8(units: number, at: number, end: number, out: number, row: number): void;
  scanBytes3(
    start: number,
    steps: number,
    ...streams: [number, number, number, number, number, number, number, number, number]
  ): void;
}

const PAGE = 65536;
/** Where the transition table starts: an offset the module's loads carry as a constant. */
const DELTA = 256;
/** Text is copied in and scanned this much at a time, so memory stays small whatever the file. */
export const CHUNK_BYTES = 256 * 1024;
/** Shorter ASCII text is walked as one stream: three would cost more to set up than they save. */
const STREAMS_FROM_BYTES = 3 * 1024;

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
  private readonly out: number;
  private readonly text: number;
  /** The longest keyword: a stream started this far before its stretch is in the right state. */
  private readonly warmUp: number;
  /** Views of the memory, which never grows after the constructor. */
  private readonly memoryBytes: Uint8Array;
  private readonly memoryWords: Int32Array;
  private readonly shift: number;

  /** Undefined when WebAssembly cannot run here. */
  static create(tables: AutomatonTables, keywords: readonly string[]): ByteScanner | undefined {
    const wasm = module();
    return wasm ? new ByteScanner(wasm, tables, keywords) : undefined;
  }

  private constructor(
    wasm: WebAssembly.Module,
    private readonly tables: AutomatonTables,
    keywords: readonly string[],
  ) {
    this.exports = new WebAssembly.Instance(wasm, {}).exports as unknown as ScanExports;
    this.warmUp = Math.max(1, ...keywords.map((keyword) => keyword.length));
    this.out = DELTA + tables.delta.byteLength;
    // One pair per byte of a chunk, and the streams' warm-ups.
    this.text = this.out + (CHUNK_BYTES + 3 * this.warmUp) * 8;
    const memory = this.exports.memory;
    const needed = this.text + CHUNK_BYTES - memory.buffer.byteLength;
    if (needed > 0) memory.grow(Math.ceil(needed / PAGE));
    this.memoryBytes = new Uint8Array(memory.buffer);
    this.memoryWords = new Int32Array(memory.buffer);

    // Classes and rows as byte offsets: the module adds them and loads, with no shifts between.
    for (let byte = 0; byte < 128; byte++) this.memoryBytes[byte] = tables.classOf[byte]! * 4;
    const cells = this.memoryWords.subarray(DELTA / 4, DELTA / 4 + tables.delta.length);
    tables.delta.forEach((cell, n) => (cells[n] = cell < 0 ? ~(~cell * 4) : cell * 4));
    this.shift = tables.shift + 2;
  }

  /** Every keyword occurrence, as the string pass would report it. */
  scan(source: TextBytes, keywordCount: number): KeywordHits {
    const { bytes, ascii } = source;
    const ends: (number[] | undefined)[] = new Array(keywordCount);
    const x = this.exports;
    let units = 0;
    let row = 0;
    for (let chunk = 0; chunk < bytes.length; chunk += CHUNK_BYTES) {
      const piece = bytes.subarray(chunk, chunk + CHUNK_BYTES);
      this.memoryBytes.set(piece, this.text);
      const length = piece.length;
      // scanBytes writes `address - start`: a start this far back makes that the file's offset.
      const start = this.text - chunk;

      if (!ascii) {
        x.scanUtf8(units, this.text, this.text + length, this.out, row);
        this.collect(ends, this.out, x.out0.value as number, -1);
        row = x.row0.value as number;
        units = x.units.value as number;
        continue;
      }
      const part = Math.floor(length / 3);
      if (length < STREAMS_FROM_BYTES || part < 2 * this.warmUp) {
        x.scanBytes(start, this.text, this.text + length, this.out, row);
        this.collect(ends, this.out, x.out0.value as number, -1);
        row = x.row0.value as number;
        continue;
      }

      // Stream 0 reads [0, part) from the carried state; streams 1 and 2 read [part, 2 part) and
      // [2 part, length), each starting `warmUp` bytes early from the first state, and what they
      // find in those early bytes is stream 0's or 1's to report.
      const begin1 = part - this.warmUp;
      const begin2 = 2 * part - this.warmUp;
      const out1 = this.out + part * 8;
      const out2 = out1 + (part + this.warmUp) * 8;
      const at = this.text;
      x.scanBytes3(start, part, at, this.out, row, at + begin1, out1, 0, at + begin2, out2, 0);
      const end0 = x.out0.value as number;
      const [row1, row2] = [x.row1.value as number, x.row2.value as number];
      let [end1, end2] = [x.out1.value as number, x.out2.value as number];
      x.scanBytes(start, at + begin1 + part, at + 2 * part, end1, row1);
      end1 = x.out0.value as number;
      x.scanBytes(start, at + begin2 + part, at + length, end2, row2);
      end2 = x.out0.value as number;
      row = x.row0.value as number;
      this.collect(ends, this.out, end0, -1);
      this.collect(ends, out1, end1, chunk + part);
      this.collect(ends, out2, end2, chunk + 2 * part);
    }
    return { ends };
  }

  /** The keywords behind each pair in [from, to) that ends past `after`, into `ends`. */
  private collect(ends: (number[] | undefined)[], from: number, to: number, after: number): void {
    const { outFirst, outNext, outKeyword } = this.tables;
    const words = this.memoryWords;
    for (let word = from / 4; word < to / 4; word += 2) {
      const offset = words[word]!;
      if (offset <= after) continue;
      for (let o = outFirst[words[word + 1]! >> this.shift]!; o !== -1; o = outNext[o]!) {
        const list = (ends[outKeyword[o]!] ??= []);
        if (list.length < MAX_HITS_PER_KEYWORD) list.push(offset);
      }
    }
  }
}
