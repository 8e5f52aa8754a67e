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
import { MIN_RUN, RUN_ALPHABET } from './run-alphabet.js';

/** 1 for each byte of the run alphabet. */
const IN_RUN = new Uint8Array(256);
for (const c of RUN_ALPHABET) IN_RUN[c.charCodeAt(0)] = 1;

interface ScanExports {
  memory: WebAssembly.Memory;
  row0: WebAssembly.Global;
  row1: WebAssembly.Global;
  row2: WebAssembly.Global;
  out0: WebAssembly.Global;
  out1: WebAssembly.Global;
  out2: WebAssembly.Global;
  units: WebAssembly.Global;
  tail: WebAssembly.Global;
  findRuns(start: number, at: number, end: number, out: number, alphabet: number): void;
  findWide(start: number, at: number, end: number, out: number): void;
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
/** Shorter text is walked as one stream: three would cost more to set up than they save. */
const STREAMS_FROM_BYTES = 3 * 1024;
/** Past one wide character in this many bytes, counting units as the walk goes is cheaper. */
const MAX_WIDE_SHARE = 16;

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
  private readonly alphabet: number;
  private readonly out: number;
  private readonly text: number;
  /** The longest keyword: a stream started this far before its stretch is in the right state. */
  private readonly warmUp: number;
  /** Views of the memory, which never grows after the constructor. */
  private readonly memoryBytes: Uint8Array;
  private readonly memoryWords: Int32Array;
  private readonly shift: number;
  /** Which chunk of the text being scanned sits in memory now, by its offset. */
  private resident = -1;

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
    this.alphabet = DELTA + tables.delta.byteLength;
    this.out = this.alphabet + IN_RUN.length;
    // One pair per byte of a chunk, and the streams' warm-ups.
    this.text = this.out + (CHUNK_BYTES + 3 * this.warmUp) * 8;
    const memory = this.exports.memory;
    const needed = this.text + CHUNK_BYTES - memory.buffer.byteLength;
    if (needed > 0) memory.grow(Math.ceil(needed / PAGE));
    this.memoryBytes = new Uint8Array(memory.buffer);
    this.memoryWords = new Int32Array(memory.buffer);

    // Classes and rows as byte offsets: the module adds them and loads, with no shifts between.
    for (let byte = 0; byte < 128; byte++) this.memoryBytes[byte] = tables.classOf[byte]! * 4;
    this.memoryBytes.set(IN_RUN, this.alphabet);
    const cells = this.memoryWords.subarray(DELTA / 4, DELTA / 4 + tables.delta.length);
    tables.delta.forEach((cell, n) => (cells[n] = cell < 0 ? ~(~cell * 4) : cell * 4));
    this.shift = tables.shift + 2;
  }

  /**
   * Every keyword occurrence, as the string pass would report it, and the encoded runs
   * (run-alphabet.ts), found while the bytes are at hand. UTF-8 text with a few wide characters
   * (accents, dashes, emoji in comments) takes the ASCII passes too, their byte offsets turned
   * into string offsets afterwards; text dense with them is walked counting UTF-16 units.
   */
  scan(source: TextBytes, keywordCount: number): KeywordHits {
    const { bytes, ascii } = source;
    this.resident = -1;
    const wide = ascii ? undefined : this.wideCharacters(bytes);
    if (!ascii && !wide) return this.scanCounting(bytes, keywordCount);

    const ends: (number[] | undefined)[] = new Array(keywordCount);
    const runs = new RunCollector(bytes.length);
    const x = this.exports;
    let row = 0;
    for (let chunk = 0; chunk < bytes.length; chunk += CHUNK_BYTES) {
      const piece = this.load(bytes, chunk);
      const length = piece.length;
      // The module writes `address - start`: a start this far back makes that the file's offset.
      const start = this.text - chunk;
      const from = runs.enter(chunk, piece);
      if (from < length) {
        x.findRuns(start, this.text + from, this.text + length, this.out, this.alphabet);
        runs.add(this.memoryWords, this.out / 4, (x.out0.value as number) / 4);
        runs.leave(chunk, piece, from, x.tail.value as number);
      }

      const part = Math.floor(length / 3);
      if (length < STREAMS_FROM_BYTES || part < 2 * this.warmUp) {
        x.scanBytes(start, this.text, this.text + length, this.out, row);
        this.collect(ends, this.out, x.out0.value as number, -1, wide);
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
      this.collect(ends, this.out, end0, -1, wide);
      this.collect(ends, out1, end1, chunk + part, wide);
      this.collect(ends, out2, end2, chunk + 2 * part, wide);
    }
    const found = runs.finish();
    if (wide) {
      wide.restart();
      for (let n = 0; n < found.length; n++) found[n] = wide.units(found[n]!);
    }
    return { ends, runs: found };
  }

  /** Text dense with wide characters: one stream that counts UTF-16 units as it goes. */
  private scanCounting(bytes: Uint8Array, keywordCount: number): KeywordHits {
    const ends: (number[] | undefined)[] = new Array(keywordCount);
    const x = this.exports;
    let units = 0;
    let row = 0;
    for (let chunk = 0; chunk < bytes.length; chunk += CHUNK_BYTES) {
      const piece = this.load(bytes, chunk);
      x.scanUtf8(units, this.text, this.text + piece.length, this.out, row);
      this.collect(ends, this.out, x.out0.value as number, -1);
      row = x.row0.value as number;
      units = x.units.value as number;
    }
    return { ends };
  }

  /** The wide characters of `bytes`, or undefined when there are too many for it to pay. */
  private wideCharacters(bytes: Uint8Array): WideCharacters | undefined {
    const wide = new WideCharacters();
    const x = this.exports;
    for (let chunk = 0; chunk < bytes.length; chunk += CHUNK_BYTES) {
      const piece = this.load(bytes, chunk);
      x.findWide(this.text - chunk, this.text, this.text + piece.length, this.out);
      wide.add(this.memoryWords, this.out / 4, (x.out0.value as number) / 4);
      if (wide.count > bytes.length / MAX_WIDE_SHARE) return undefined;
    }
    return wide;
  }

  /**
   * The chunk of `bytes` at offset `chunk`, copied into memory unless it is there already: a
   * one-chunk text whose wide characters were just listed is not copied again to be scanned.
   * `scan` forgets what is resident when it starts, since the next text may reuse the buffer.
   */
  private load(bytes: Uint8Array, chunk: number): Uint8Array {
    const piece = bytes.subarray(chunk, chunk + CHUNK_BYTES);
    if (this.resident !== chunk) this.memoryBytes.set(piece, this.text);
    this.resident = chunk;
    return piece;
  }

  /**
   * The keywords behind each pair in [from, to) that ends past byte offset `after`, into `ends`;
   * offsets turned into string offsets through `wide` when given (calls in text order).
   */
  private collect(
    ends: (number[] | undefined)[],
    from: number,
    to: number,
    after: number,
    wide?: WideCharacters,
  ): void {
    const { outFirst, outNext, outKeyword } = this.tables;
    const words = this.memoryWords;
    for (let word = from / 4; word < to / 4; word += 2) {
      let offset = words[word]!;
      if (offset <= after) continue;
      if (wide) offset = wide.units(offset);
      for (let o = outFirst[words[word + 1]! >> this.shift]!; o !== -1; o = outNext[o]!) {
        const list = (ends[outKeyword[o]!] ??= []);
        if (list.length < MAX_HITS_PER_KEYWORD) list.push(offset);
      }
    }
  }
}

/**
 * The encoded runs of one text, chunk by chunk: a run that reaches a chunk's end waits for the
 * next chunk, whose leading members extend it.
 */
class RunCollector {
  private readonly runs: number[] = [];
  /** Where a run that reached the last chunk's end started, or -1. */
  private pending = -1;

  constructor(private readonly length: number) {}

  /** Joins a waiting run with this chunk's leading members; where findRuns should start. */
  enter(chunk: number, piece: Uint8Array): number {
    if (this.pending === -1) return 0;
    let lead = 0;
    while (lead < piece.length && IN_RUN[piece[lead]!] === 1) lead++;
    if (lead === piece.length) return lead; // the run goes on into the next chunk
    this.keep(this.pending, chunk + lead);
    this.pending = -1;
    return lead + 1;
  }

  add(words: Int32Array, from: number, to: number): void {
    for (let word = from; word < to; word += 2) this.runs.push(words[word]!, words[word + 1]!);
  }

  /** Notes a run reaching the chunk's end: findRuns's, or a stretch too short for its probes. */
  leave(chunk: number, piece: Uint8Array, from: number, tail: number): void {
    if (tail !== -1) {
      this.pending = tail;
      return;
    }
    let first = piece.length;
    while (first > from && IN_RUN[piece[first - 1]!] === 1) first--;
    if (first < piece.length) this.pending = chunk + first;
  }

  finish(): number[] {
    if (this.pending !== -1) this.keep(this.pending, this.length);
    return this.runs;
  }

  private keep(first: number, end: number): void {
    if (end - first >= MIN_RUN) this.runs.push(first, end);
  }
}

/**
 * Where a UTF-8 text's wide characters are, to turn byte offsets into string (UTF-16) offsets:
 * each one shortens what follows it by one or two units. Offsets are asked for in ascending
 * order between restarts, so a lookup moves a cursor instead of searching.
 */
class WideCharacters {
  private readonly at: number[] = [];
  /** Units fewer than bytes, up to and including each wide character. */
  private readonly fewer: number[] = [];
  private cursor = 0;

  get count(): number {
    return this.at.length;
  }

  add(words: Int32Array, from: number, to: number): void {
    let total = this.fewer.length ? this.fewer[this.fewer.length - 1]! : 0;
    for (let word = from; word < to; word += 2) {
      total += words[word + 1]!;
      this.at.push(words[word]!);
      this.fewer.push(total);
    }
  }

  /** The string offset of byte offset `offset`, which is never inside a character. */
  units(offset: number): number {
    while (this.cursor < this.at.length && this.at[this.cursor]! < offset) this.cursor++;
    return offset - (this.cursor ? this.fewer[this.cursor - 1]! : 0);
  }

  restart(): void {
    this.cursor = 0;
  }
}
