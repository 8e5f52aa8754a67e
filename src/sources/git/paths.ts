/**
 * Git paths are bytes. Valid UTF-8 becomes the string it spells; any other byte is written as
 * `\xNN`, the same way everywhere, so a report names the file unambiguously and two different
 * names never collapse into one. In a name shown that way a backslash is written `\x5C` too, so
 * `encodePath` gets the exact bytes back where a report needs them (SARIF URIs).
 */
const strict = new TextDecoder('utf-8', { fatal: true });
const BACKSLASH = 0x5c;

export interface DecodedPath {
  path: string;
  /** The name was not valid UTF-8 and `path` shows escapes. */
  escaped: boolean;
}

export function decodePath(bytes: Uint8Array): DecodedPath {
  try {
    return { path: strict.decode(bytes), escaped: false };
  } catch {
    return { path: escapeInvalid(bytes), escaped: true };
  }
}

/** The bytes a path shown by `decodePath` names: its inverse for a name it escaped. */
export function encodePath(path: string, escaped: boolean): Buffer {
  if (!escaped) return Buffer.from(path, 'utf8');
  const parts = path.split(/\\x([0-9A-F]{2})/);
  // split() with a group alternates text and the captured hex digits.
  return Buffer.concat(
    parts.map((part, i) => (i % 2 ? Buffer.from([parseInt(part, 16)]) : Buffer.from(part))),
  );
}

const escapeByte = (byte: number) => `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/** Keeps each valid UTF-8 sequence except `\`, escapes each byte that is not part of one. */
function escapeInvalid(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0 || bytes[i] === BACKSLASH) {
      out += escapeByte(bytes[i]!);
      i++;
    } else {
      out += Buffer.from(bytes.subarray(i, i + length)).toString('utf8');
      i += length;
    }
  }
  return out;
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there does not start one. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  const length =
    lead >= 0xc2 && lead <= 0xdf
      ? 2
      : lead >= 0xe0 && lead <= 0xef
        ? 3
        : lead >= 0xf0 && lead <= 0xf4
          ? 4
          : 0;
  if (length === 0 || i + length > bytes.length) return 0;
  try {
    strict.decode(bytes.subarray(i, i + length));
    return length;
  } catch {
    return 0;
  }
}
