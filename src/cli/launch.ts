#!/usr/bin/env node
/**
 * The `unsprawl` command as installed: runs the CommonJS bundle of the CLI (dist/cli.cjs) with
 * the V8 code cache the build made (dist/cli.cache), through src/code-cache.ts, which never hands
 * V8 a cache that does not match the bundle.
 */
import { realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCachedBundle, type CachedBundle } from '../code-cache.js';

// The real folder, also when started through a symlink with --preserve-symlinks-main.
const dist = dirname(realpathSync(fileURLToPath(import.meta.url)));
const bundle = join(dist, 'cli.cjs');

let cli: CachedBundle | undefined;
// The build runs a warm-up scan with this set, so the cache holds the code a scan compiles.
const cacheOutput = process.env.UNSPRAWL_WRITE_CODE_CACHE;
if (cacheOutput) process.once('exit', () => cli && writeFileSync(cacheOutput, cli.sealedCache()));

try {
  cli = runCachedBundle(bundle, join(dist, 'cli.cache'));
} catch (error) {
  // The CLI reports its own errors; only a bundle that cannot be read is the launcher's.
  if ((error as NodeJS.ErrnoException).path !== bundle) throw error;
  process.stderr.write(`unsprawl: error: cannot start: ${(error as Error).message}\n`);
  process.exit(2);
}
