/**
 * Decoders that expose text hidden in base64, hex, percent-encoding and string escapes. Each
 * returns the decoded text and a map from decoded offsets back to the encoded text, so a secret
 * found inside is reported where the encoded value sits.
 */

export interface Decoded {
  text: string;
  /** Decoder name for the finding's chain (`base64`, `hex`, `percent`, `escape`). */
  via: string;
  /** Offset in the encoded text of decoded offset `i`; `end` rounds up to whole groups. */
  toSource(i: number, end: boolean): number;
}

/** Share of printable characters a decoded blob needs to be worth scanning. */
const PRINTABLE_SHARE = 0.95;

function printable(text: string): boolean {
  if (text.length === 0) return false;
  let good = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13) good++;
  }
  return good / text.length >= PRINTABLE_SHARE;
}

const HEX_RUN = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64_STD = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64_URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** Each base64 digit's value in either alphabet; 64 for other characters. */
const BASE64_VALUE = new Uint8Array(128).fill(64);
[...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'].forEach((c, value) => {
  BASE64_VALUE[c.charCodeAt(0)] = value;
});
BASE64_VALUE['+'.charCodeAt(0)] = BASE64_VALUE['-'.charCodeAt(0)] = 62;
BASE64_VALUE['/'.charCodeAt(0)] = BASE64_VALUE['_'.charCodeAt(0)] = 63;

/**
 * Whether the base64 digits in text[start, end) can decode to text that `printable` accepts.
 * The first digit of each group of four holds the top six bits of a byte; 32 or more there means
 * a byte of 0x80 or more, which is never printable. Too many of those rules the run out without
 * decoding it: most long identifiers (`getOwnPropertyDescriptor`) fail here.
 */
export function mayDecodePrintable(text: string, start: number, end: number): boolean {
  const bytes = Math.floor(((end - start) * 3) / 4);
  const allowed = bytes * (1 - PRINTABLE_SHARE);
  let high = 0;
  for (let i = start; i < end; i += 4) {
    if ((BASE64_VALUE[text.charCodeAt(i)] ?? 64) >= 32 && ++high > allowed) return false;
  }
  return true;
}

/** Base64 (standard or URL alphabet) of mostly printable text. */
export function decodeBase64(run: string, offset: number): Decoded | undefined {
  const url = !BASE64_STD.test(run);
  if (url && !BASE64_URL.test(run)) return undefined;
  const body = run.replace(/=+$/, '');
  if (body.length % 4 === 1 || !mayDecodePrintable(body, 0, body.length)) return undefined;
  const text = Buffer.from(body, url ? 'base64url' : 'base64').toString('latin1');
  if (text.length < 6 || !printable(text)) return undefined;
  return {
    text,
    via: url ? 'base64url' : 'base64',
    toSource: (i, end) =>
      offset + Math.min(run.length, end ? Math.ceil((i * 4) / 3) : Math.floor(i / 3) * 4),
  };
}

export function decodeHex(run: string, offset: number): Decoded | undefined {
  if (!HEX_RUN.test(run)) return undefined;
  const text = Buffer.from(run, 'hex').toString('latin1');
  if (text.length < 8 || !printable(text)) return undefined;
  return { text, via: 'hex', toSource: (i) => offset + i * 2 };
}

/** Builds decoded text char by char, remembering where each char came from. */
class MappedBuilder {
  private readonly chars: string[] = [];
  private readonly sources: number[] = [];
  constructor(private readonly offset: number) {}
  push(text: string, sourceIndex: number): void {
    for (let k = 0; k < text.length; k++) {
      this.chars.push(text[k]!);
      this.sources.push(sourceIndex);
    }
  }
  done(via: string, sourceLength: number): Decoded {
    const sources = this.sources;
    const offset = this.offset;
    return {
      text: this.chars.join(''),
      via,
      toSource: (i) => offset + (i < sources.length ? sources[i]! : sourceLength),
    };
  }
}

export function decodePercent(run: string, offset: number): Decoded {
  const builder = new MappedBuilder(offset);
  let bytes: number[] = [];
  let bytesFrom = 0;
  const flush = () => {
    if (bytes.length) builder.push(Buffer.from(bytes).toString('utf8'), bytesFrom);
    bytes = [];
  };
  for (let i = 0; i < run.length; i++) {
    const ch = run[i]!;
    if (ch === '%' && /^[0-9a-fA-F]{2}$/.test(run.slice(i + 1, i + 3))) {
      if (!bytes.length) bytesFrom = i;
      bytes.push(parseInt(run.slice(i + 1, i + 3), 16));
      i += 2;
      continue;
    }
    flush();
    builder.push(ch === '+' ? ' ' : ch, i);
  }
  flush();
  return builder.done('percent', run.length);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
  '"': '"',
  "'": "'",
  '\\': '\\',
  '/': '/',
  '`': '`',
};

/** JSON and JavaScript string escapes: `\n`, `\"`, `\uXXXX`, `\u{X}`, `\xXX`. */
export function decodeEscapes(run: string, offset: number): Decoded {
  const builder = new MappedBuilder(offset);
  for (let i = 0; i < run.length; i++) {
    const ch = run[i]!;
    if (ch !== '\\' || i + 1 >= run.length) {
      builder.push(ch, i);
      continue;
    }
    const next = run[i + 1]!;
    const hex4 = /^[0-9a-fA-F]{4}$/.test(run.slice(i + 2, i + 6));
    if (next === 'u' && hex4) {
      builder.push(String.fromCharCode(parseInt(run.slice(i + 2, i + 6), 16)), i);
      i += 5;
    } else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(run.slice(i + 2, i + 4))) {
      builder.push(String.fromCharCode(parseInt(run.slice(i + 2, i + 4), 16)), i);
      i += 3;
    } else if (next in SIMPLE_ESCAPES) {
      builder.push(SIMPLE_ESCAPES[next]!, i);
      i += 1;
    } else {
      builder.push(next, i);
      i += 1;
    }
  }
  return builder.done('escape', run.length);
}
