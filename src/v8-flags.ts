/**
 * V8 settings for a scan, set before the scanner's code is compiled. Each worker compiles the
 * scanner's hot functions for itself; over a large tree that compiling cost about 0.9 s of CPU
 * per worker on V8's background threads (a sixth of a two-worker scan), most of it inlining
 * callees into large functions such as the detectors' line loops. A smaller inlining budget
 * halves the compiling and the scan runs no slower (docs/performance.md, eighth pass).
 *
 * Flags are part of what V8 checks a code cache against, so the build sets the same ones before
 * it makes the caches (scripts/build-code-cache.mjs), and the launcher before it loads them.
 */
import { setFlagsFromString } from 'node:v8';

export const V8_FLAGS = ['--max-inlined-bytecode-size-cumulative=200'];

export function applyV8Flags(): void {
  for (const flag of V8_FLAGS) setFlagsFromString(flag);
}
