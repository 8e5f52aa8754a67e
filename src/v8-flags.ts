/**
 * V8 settings for a scan that starts worker threads. Each worker compiles the scanner's hot
 * functions for itself; over a large tree that compiling cost about 0.9 s of CPU per worker on
 * V8's background threads (a sixth of a two-worker scan), most of it inlining callees into large
 * functions such as the detectors' line loops. A smaller inlining budget cut that by a quarter,
 * and the scan ran no slower (docs/performance.md, eighth pass).
 *
 * Flags are part of what V8 checks a code cache against, Node's own built-in modules' included:
 * set at start, they cost a pre-commit hook 5-9 ms of modules compiled afresh. So they are set
 * only when the pool starts (a scan large enough to gain), and code run under them gets caches
 * made under them (`*.tuned.cache`, by scripts/build-code-cache.mjs).
 */
import { setFlagsFromString } from 'node:v8';

export const V8_FLAGS = ['--max-inlined-bytecode-size-cumulative=200'];

let applied = false;

export function applyV8Flags(): void {
  if (applied) return;
  for (const flag of V8_FLAGS) setFlagsFromString(flag);
  applied = true;
}

/** In a pool worker: the pool set the flags before it started the thread. */
export function noteV8FlagsApplied(): void {
  applied = true;
}

/** The code cache of `bundle` made under the flags in force in this thread. */
export function codeCacheFor(bundle: string): string {
  return bundle.replace(/\.cjs$/, applied ? '.tuned.cache' : '.cache');
}
