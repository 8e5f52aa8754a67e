/**
 * Offline validity checks: formats that carry a checksum or a structure let us tell a real
 * credential from a look-alike without asking the provider.
 */
import type { ValidatorName } from '../rules/types.js';

export type Validation = 'valid' | 'invalid';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

let crcTable: Uint32Array | undefined;

export function crc32(text: string): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62[rest % 62]! + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

/**
 * GitHub's and npm's tokens end in six base62 characters: the CRC32 of the random part before them
 * (the part after the `xxx_` prefix).
 */
function checksumTail(token: string): Validation {
  const underscore = token.indexOf('_');
  const body = token.slice(underscore + 1);
  if (body.length < 7) return 'invalid';
  const random = body.slice(0, -6);
  return base62(crc32(random), 6) === body.slice(-6) ? 'valid' : 'invalid';
}

function decodeBase64Url(part: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+=*$/.test(part)) return undefined;
  return Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
}

function jwtHeader(token: string): Validation {
  const header = decodeBase64Url(token.split('.')[0] ?? '');
  if (header === undefined) return 'invalid';
  try {
    const parsed: unknown = JSON.parse(header);
    return parsed !== null && typeof parsed === 'object' && 'alg' in parsed ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** A PEM block's body must be base64 of a length that a key can have. */
function pemBody(block: string): Validation {
  // The same key escaped into one line (`\n` in JSON and source strings) or indented (a YAML
  // block) must read as the plain .pem does.
  const body = block
    .replace(/\\r\\n|\\n|\\r/g, '\n')
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => !line.startsWith('-----') && !/^[A-Za-z-]+:/.test(line))
    .join('')
    .replace(/\s+/g, '');
  return body.length >= 50 && /^[A-Za-z0-9+/]+=*$/.test(body) ? 'valid' : 'invalid';
}

function base64Json(value: string): Validation {
  try {
    JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    return 'valid';
  } catch {
    return 'invalid';
  }
}

function luhn(value: string): Validation {
  const digits = value.replace(/\D/g, '');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0 ? 'valid' : 'invalid';
}

/**
 * GitLab's routable tokens end in `.`, two base36 characters giving the base64 payload's length,
 * and seven base36 characters: the CRC32 of everything before them. Older tokens have no such
 * tail and cannot be checked (undefined).
 */
function gitlabRoutable(token: string): Validation | undefined {
  const tail = /\.[0-9a-z]{2}([0-9a-z]{7})$/.exec(token);
  if (!tail) return undefined;
  const checksummed = token.slice(0, -7);
  return crc32(checksummed).toString(36).padStart(7, '0') === tail[1] ? 'valid' : 'invalid';
}

export const VALIDATORS: Record<ValidatorName, (secret: string) => Validation | undefined> = {
  'gitlab-crc32': gitlabRoutable,
  'github-crc32': checksumTail,
  'npm-crc32': checksumTail,
  jwt: jwtHeader,
  'pem-body': pemBody,
  'base64-json': base64Json,
  luhn,
};
