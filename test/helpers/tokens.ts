import { base62, crc32 } from '../../src/detect/validators.js';

/** A deterministic pseudo-random generator, so fixtures are the same on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomString(random: () => number, length: number, alphabet = ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/** A fake GitHub classic token with a correct checksum: the format, not a live credential. */
export function fakeGithubToken(seed: number, prefix = 'ghp_'): string {
  const body = randomString(seeded(seed), 30);
  return `${prefix}${body}${base62(crc32(body), 6)}`;
}
