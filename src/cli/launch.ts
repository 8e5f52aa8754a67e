#!/usr/bin/env node
/**
 * The `unsprawl` command as installed: runs the CommonJS bundle of the CLI (dist/cli.cjs) with
 * the V8 code cache the build made (dist/cli.cache). Compiling the CLI's code on every start
 * cost a pre-commit hook about 20 ms of its 150; a cache that does not fit this Node (another
 * V8 version, other flags) is ignored by V8, and the code compiles as it would without one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const bundle = fileURLToPath(new URL('./cli.cjs', import.meta.url));
let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(fileURLToPath(new URL('./cli.cache', import.meta.url)));
} catch {
  // No cache built: compile as usual.
}
const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), {
  filename: bundle,
  cachedData,
});

// The build runs a warm-up scan with this set, so the cache holds the code a scan compiles.
const cacheOutput = process.env.UNSPRAWL_WRITE_CODE_CACHE;
if (cacheOutput) process.once('exit', () => writeFileSync(cacheOutput, script.createCachedData()));

const module = { exports: {} };
const run = script.runInThisContext() as (...args: unknown[]) => void;
run(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
