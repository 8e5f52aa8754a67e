/**
 * Bytes to text. Detection runs on JavaScript strings, so every supported encoding becomes one,
 * and offsets in it are the UTF-16 columns that SARIF reports.
 */
import { isAscii, isUtf8 } from 'node:buffer';

export type TextEncoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be' | 'utf32le' | 'utf32be';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
  /** The bytes `text` is exactly the UTF-8 decoding of, when it is (no replaced bytes). */
  source?: TextBytes;
}

/** Bytes a text was decoded from as UTF-8, for a pass that reads bytes instead of the string. */
export interface TextBytes {
  bytes: Uint8Array;
  /** Every byte is below 0x80: byte offsets are string offsets. */
  ascii: boolean;
}

/** Bytes sniffed for NULs and UTF-16 patterns. */
const SNIFF_BYTES = 8192;

/** Even/odd NUL pattern of ASCII text stored as UTF-16 without a BOM. */
function looksUtf16(buffer: Uint8Array, evenNul: boolean): boolean {
  const length = Math.min(buffer.length, SNIFF_BYTES) & ~1;
  if (length < 4) return false;
  let patterned = 0;
  for (let i = 0; i < length; i += 2) {
    const nul = evenNul ? buffer[i] : buffer[i + 1];
    const other = evenNul ? buffer[i + 1] : buffer[i];
    if (nul === 0 && other !== 0) patterned++;
  }
  return patterned / (length / 2) > 0.7;
}

/**
 * Decode a file's bytes, or return undefined when it is binary. UTF-16 text has NULs in it, so it
 * is recognised before the NUL sniff that marks binaries.
 */
export function decodeText(buffer: Buffer): DecodedText | undefined {
  if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) {
    const body = buffer.subarray(3);
    const source = isUtf8(body) ? { bytes: body, ascii: isAscii(body) } : undefined;
    return { text: body.toString('utf8'), encoding: 'utf8-bom', source };
  }
  // UTF-32's little-endian mark begins with UTF-16's, so it is tested first.
  if (buffer[0] === 0xff && buffer[1] === 0xfe && buffer[2] === 0 && buffer[3] === 0) {
    return { text: fromUtf32(buffer.subarray(4), true), encoding: 'utf32le' };
  }
  if (buffer[0] === 0 && buffer[1] === 0 && buffer[2] === 0xfe && buffer[3] === 0xff) {
    return { text: fromUtf32(buffer.subarray(4), false), encoding: 'utf32be' };
  }
  if (buffer[0] === 0xff && buffer[1] === 0xfe) {
    return { text: buffer.toString('utf16le', 2), encoding: 'utf16le' };
  }
  if (buffer[0] === 0xfe && buffer[1] === 0xff) {
    return { text: swapToLe(buffer.subarray(2)).toString('utf16le'), encoding: 'utf16be' };
  }
  const sniff = buffer.subarray(0, SNIFF_BYTES);
  if (sniff.includes(0)) {
    if (looksUtf16(buffer, false)) return { text: buffer.toString('utf16le'), encoding: 'utf16le' };
    if (looksUtf16(buffer, true)) {
      return { text: swapToLe(buffer).toString('utf16le'), encoding: 'utf16be' };
    }
    return undefined;
  }
  // Most source is ASCII, where Latin-1 gives the same string and copies instead of decoding.
  const ascii = isAscii(buffer);
  const source = ascii || isUtf8(buffer) ? { bytes: buffer, ascii } : undefined;
  return { text: buffer.toString(ascii ? 'latin1' : 'utf8'), encoding: 'utf8', source };
}

/** UTF-32 to a string; a unit that is no Unicode scalar value becomes U+FFFD, as in UTF-8. */
function fromUtf32(bytes: Buffer, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length & ~3);
  const chunks: string[] = [];
  const points: number[] = [];
  for (let at = 0; at < view.byteLength; at += 4) {
    const point = view.getUint32(at, littleEndian);
    const valid = point <= 0x10ffff && (point < 0xd800 || point > 0xdfff);
    points.push(valid ? point : 0xfffd);
    // Chunked: a call takes only so many arguments.
    if (points.length === 8192) chunks.push(String.fromCodePoint(...points.splice(0)));
  }
  chunks.push(String.fromCodePoint(...points));
  return chunks.join('');
}

function swapToLe(buffer: Uint8Array): Buffer {
  const copy = Buffer.from(buffer.subarray(0, buffer.length & ~1));
  return copy.swap16();
}

/** Offsets of the first character of every line; `\r\n`, `\n` and a lone `\r` each end a line. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10) starts.push(i + 1);
    else if (code === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

/** Maps offsets to positions; built lazily, since most files have no finding. */
export class PositionMap {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  at(offset: number): Position {
    this.starts ??= lineStarts(this.text);
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1 };
  }

  /** The text of the 1-based line, without its terminator. */
  lineText(line: number): string {
    this.starts ??= lineStarts(this.text);
    const start = this.starts[line - 1] ?? this.text.length;
    const next = this.starts[line] ?? this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$|\r$/, '');
  }
}

/**
 * Start of the line holding `index`, looking back at most `maxBack` characters: on a minified
 * one-line file an unbounded look-back per match would make a scan quadratic.
 */
export function lineStartWithin(text: string, index: number, maxBack: number): number {
  const from = Math.max(0, index - maxBack);
  const newline = text.slice(from, index).lastIndexOf('\n');
  return newline === -1 ? from : from + newline + 1;
}
