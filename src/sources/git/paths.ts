/**
 * Git paths are bytes. Valid UTF-8 becomes the string it spells; any other byte is written as
 * `\xNN`, the same way everywhere, so a report names the file unambiguously and two different
 * names never collapse into one.
 */
const strict = new TextDecoder('utf-8', { fatal: true });

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

/** Keeps each valid UTF-8 sequence, escapes each byte that is not part of one. */
function escapeInvalid(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) {
      out += `\\x${bytes[i]!.toString(16).toUpperCase().padStart(2, '0')}`;
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
