/**
 * Runs any source's targets through the rule engine: in this thread when the work is small (a
 * pre-commit hook must not pay for starting workers), else on a piscina pool in batches sized by
 * bytes, so message passing does not dominate small files.
 */
import { availableParallelism } from 'node:os';
import { describeError, log } from '../log/logger.js';
import type { Finding, Notice, ScanSummary, SkipReason } from '../findings/types.js';
import type { ScanOptions, ScanTarget, TargetResult } from '../pool/scan-target.js';
import type { RuleEngine } from '../detect/engine.js';
import { applyV8Flags } from '../v8-flags.js';
import { createEngine, scanBatch, type WorkerSetup } from '../pool/worker.js';

export interface SizedTarget extends ScanTarget {
  size: number;
}

export interface RunOptions extends ScanOptions {
  threads?: number;
  /** Never start workers (the bundled GitHub Action ships no worker file). */
  inline?: boolean;
  setup: WorkerSetup;
  /** The rules already compiled for `setup`, for an in-process scan that built them early. */
  engine?: RuleEngine;
  onProgress?: (progress: { files: number; bytes: number; findings: number }) => void;
  onResult?: (result: TargetResult) => void;
  /** Targets read only to compare against (a change's pre-images) are not counted as scanned. */
  counted?: (result: TargetResult) => boolean;
  /**
   * The caller knows the work is large (a history's thousands of blobs): the workers start before
   * the first target is read, so their start-up overlaps reading instead of following it.
   */
  large?: boolean;
}

export interface RunOutcome {
  findings: Finding[];
  notices: Notice[];
  summary: ScanSummary;
}

const BATCH_BYTES = 2 * 1024 * 1024;
const BATCH_FILES = 256;
/** Below this much work, starting workers costs more than it saves. */
const INLINE_BYTES = 8 * 1024 * 1024;
export const INLINE_FILES = 400;
/** Notices kept per reason; the summary still counts every skip. */
const NOTICES_PER_REASON = 200;
/** Per-worker heap cap; UNSPRAWL_WORKER_HEAP_MB tunes it (the fault tests use a small one). */
/** Set when the CLI is bundled (scripts/build-bundle.mjs): the worker is bundled beside it. */
declare const UNSPRAWL_WORKER_FILE: string | undefined;
const WORKER_FILE =
  typeof UNSPRAWL_WORKER_FILE === 'string' ? UNSPRAWL_WORKER_FILE : '../pool/worker.js';
const WORKER_HEAP_MB = Number(process.env.UNSPRAWL_WORKER_HEAP_MB) || 512;
const WARN_REASONS = new Set<string>([
  'unreadable',
  'worker-error',
  'too-large',
  'not-a-regular-file',
  'invalid-object',
  'archive-limit',
  'match-limit',
  'ignore-rules-unused',
]);

/** One worker per core, less the cores the caller's own work keeps busy. */
export function defaultThreads(reservedCores = 0): number {
  return Math.max(1, availableParallelism() - reservedCores);
}

export class SkipCounter {
  readonly counts: Partial<Record<string, number>> = {};
  readonly notices: Notice[] = [];

  add(subject: string, reason: SkipReason | string, detail?: string): void {
    const seen = this.counts[reason] ?? 0;
    this.counts[reason] = seen + 1;
    if (reason === 'ignored-by-gitignore' || reason === 'excluded') return;
    const message = `skipped (${reason}${detail ? `: ${detail}` : ''})`;
    if (WARN_REASONS.has(reason)) log.warn(`${subject}: ${message}`);
    else log.debug(`${subject}: ${message}`);
    if (seen < NOTICES_PER_REASON) {
      this.notices.push({
        level: WARN_REASONS.has(reason) ? 'warning' : 'note',
        subject,
        reason,
        message,
      });
    }
  }
}

export async function runTargets(
  source: AsyncIterable<SizedTarget>,
  options: RunOptions,
  skips: SkipCounter,
): Promise<RunOutcome> {
  const started = process.hrtime.bigint();
  const findings: Finding[] = [];
  const scanOptions: ScanOptions = { redact: options.redact, maxFileSize: options.maxFileSize };
  let files = 0;
  let bytes = 0;

  const collect = (results: TargetResult[]) => {
    for (const result of results) {
      options.onResult?.(result);
      for (const warning of result.warnings ?? [])
        skips.add(warning.subject, warning.reason, warning.detail);
      if (result.skipped) {
        skips.add(result.path, result.skipped.reason, result.skipped.detail);
        continue;
      }
      if (options.counted?.(result) !== false) {
        files++;
        bytes += result.bytes;
      }
      for (const finding of result.findings) findings.push(finding);
    }
    options.onProgress?.({ files, bytes, findings: findings.length });
  };

  const iterator = source[Symbol.asyncIterator]();
  const first: SizedTarget[] = [];
  let firstBytes = 0;
  let exhausted = false;
  while (!options.large && firstBytes < INLINE_BYTES && first.length < INLINE_FILES) {
    const next = await iterator.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    first.push(next.value);
    firstBytes += next.value.size;
  }

  const threads = Math.max(1, options.threads ?? defaultThreads());
  if (exhausted || options.inline) {
    const engine = options.engine ?? createEngine(options.setup);
    collect(scanBatch(engine, first, scanOptions));
    // Streaming, one target at a time, so memory stays flat on a large inline scan.
    for (
      let next = exhausted ? undefined : await iterator.next();
      next && !next.done;
      next = await iterator.next()
    ) {
      collect(scanBatch(engine, [next.value], scanOptions));
    }
    return finish(findings, skips, { files, bytes, threads: 0, started });
  }

  // Loaded only here: an inline scan (a pre-commit hook) never pays for the pool's modules.
  const { Piscina } = await import('piscina');
  // After the import: Node's own modules loaded under other flags would be compiled afresh.
  applyV8Flags();
  const pool = new Piscina({
    filename: new URL(WORKER_FILE, import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    workerData: options.setup,
    idleTimeout: 1000,
    // A runaway file ends its worker, not the scan.
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
  const pending: Promise<void>[] = [];
  let inFlight = 0;
  let wake: (() => void) | undefined;
  let batch: SizedTarget[] = [];
  let batchBytes = 0;
  const submit = (targets: ScanTarget[]) => {
    inFlight++;
    const transfer = targets.flatMap((t) => (t.content ? [t.content.buffer as ArrayBuffer] : []));
    // Content is transferred, so a retry after a crash has no bytes left: keep copies when the
    // batch carries content (history, archives), which are small next to the pool's own memory.
    const copies = transfer.length
      ? targets.map((t) => (t.content ? { ...t, content: t.content.slice() } : t))
      : targets;
    const task = pool.run({ targets, options: scanOptions }, { transferList: transfer }) as Promise<
      TargetResult[]
    >;
    pending.push(
      task
        .then(collect, (error: Error) => {
          // A worker died (out of memory, a crash): retry the batch's files one by one, so only
          // the file that kills a worker is lost, and named.
          if (copies.length > 1) {
            for (const target of copies) submit([target]);
            return;
          }
          skips.add(copies[0]!.path, 'worker-error', describeError(error));
        })
        .finally(() => {
          inFlight--;
          wake?.();
        }),
    );
  };
  const dispatch = () => {
    if (batch.length === 0) return;
    const targets = batch.map(({ size: _size, ...target }) => target);
    batch = [];
    batchBytes = 0;
    submit(targets);
  };
  const add = (target: SizedTarget) => {
    batch.push(target);
    batchBytes += target.size;
    if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_FILES) dispatch();
  };

  try {
    first.forEach(add);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      add(next.value);
      // Keep the queue short, so memory stays flat however large the tree is.
      while (inFlight > threads * 3) await new Promise<void>((resolve) => (wake = resolve));
    }
    dispatch();
    // Retries add to `pending` while we wait, so wait until it stops growing.
    for (let settled = 0; settled < pending.length;) {
      const upTo = pending.length;
      await Promise.all(pending.slice(settled, upTo));
      settled = upTo;
    }
  } finally {
    await pool.destroy();
  }
  return finish(findings, skips, { files, bytes, threads, started });
}

function finish(
  findings: Finding[],
  skips: SkipCounter,
  totals: { files: number; bytes: number; threads: number; started: bigint },
): RunOutcome {
  findings.sort(compareFindings);
  const seconds = Number(process.hrtime.bigint() - totals.started) / 1e9;
  return {
    findings,
    notices: skips.notices,
    summary: {
      files: totals.files,
      bytes: totals.bytes,
      skipped: skips.counts,
      findings: findings.length,
      suppressed: 0,
      seconds,
      threads: totals.threads,
    },
  };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.history?.commit ?? '').localeCompare(b.history?.commit ?? '')
  );
}
