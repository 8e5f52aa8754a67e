#!/usr/bin/env node
/**
 * The `unsprawl` command as installed: runs the CommonJS bundle of the CLI (dist/cli.cjs) with
 * the V8 code cache the build made (dist/cli.cache). Compiling the CLI's code on every start
 * cost a pre-commit hook about 20 ms of its 150.
 *
 * V8 checks a cache only against the source's length and its own version, and trusts the rest:
 * a damaged cache crashes the process, and a same-length edit of the bundle runs the old code.
 * So the cache file opens with a SHA-256 of the bundle and the cache together, and a cache that
 * does not match is never handed over; the code then compiles as it would without one.
 */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const DIGEST_BYTES = 32;

// The real folder, also when started through a symlink with --preserve-symlinks-main.
const dist = dirname(realpathSync(fileURLToPath(import.meta.url)));
const bundle = join(dist, 'cli.cjs');
const cacheFile = join(dist, 'cli.cache');

let source: Buffer;
try {
  source = readFileSync(bundle);
} catch (error) {
  process.stderr.write(`unsprawl: error: cannot start: ${(error as Error).message}\n`);
  process.exit(2);
}

const digest = (cache: Buffer) => createHash('sha256').update(source).update(cache).digest();

function matchingCache(): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const cache = file.subarray(DIGEST_BYTES);
  return digest(cache).equals(file.subarray(0, DIGEST_BYTES)) ? cache : undefined;
}

const script = new Script(Module.wrap(source.toString('utf8')), {
  filename: bundle,
  cachedData: matchingCache(),
});

// The build runs a warm-up scan with this set, so the cache holds the code a scan compiles.
const cacheOutput = process.env.UNSPRAWL_WRITE_CODE_CACHE;
if (cacheOutput) {
  process.once('exit', () => {
    const cache = script.createCachedData();
    writeFileSync(cacheOutput, Buffer.concat([digest(cache), cache]));
  });
}

const module = { exports: {} };
const run = script.runInThisContext() as (...args: unknown[]) => void;
run(module.exports, createRequire(bundle), module, bundle, dist);
