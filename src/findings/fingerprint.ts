/**
 * Hashes that identify a secret without revealing it. A plain fast hash of a short password can be
 * reversed by brute force, so the value goes through scrypt first; the fingerprint adds the rule
 * and path, and nothing that moves with the line.
 */
import { createHash, scryptSync } from 'node:crypto';

const SALT = 'unsprawl/value-digest/v1';
// N=2^11, r=8: about 2 ms and 2 MiB per value; cached, so each distinct secret pays once.
const SCRYPT = { N: 2048, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const cache = new Map<string, string>();

/** Line endings inside a multi-line secret (a PEM block) must not change its identity. */
export function normaliseSecret(secret: string): string {
  return secret.replace(/\r\n?/g, '\n');
}

export function valueDigest(secret: string): string {
  const value = normaliseSecret(secret);
  let digest = cache.get(value);
  if (!digest) {
    digest = scryptSync(value, SALT, 16, SCRYPT).toString('hex');
    if (cache.size > 10_000) cache.clear();
    cache.set(value, digest);
  }
  return digest;
}

export function fingerprint(ruleId: string, path: string, digest: string): string {
  return createHash('sha256').update(`${ruleId}\0${path}\0${digest}`).digest('hex').slice(0, 32);
}
