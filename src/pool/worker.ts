/**
 * A pool worker: compiles the rules once, then scans batches of targets. Errors are caught per
 * target, so one hostile file costs that file and not the batch.
 */
import { readFileSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { RuleEngine } from '../detect/engine.js';
import { describeError } from '../log/logger.js';
import { DETECTORS } from '../detect/detectors.js';
import { loadFormatDetectors } from '../detect/formats/index.js';
import { builtinRules, SAVED_AUTOMATON, SAVED_NEEDS } from '../rules/load.js';
import { loadGates } from '../detect/needs-cache.js';
import { loadAutomaton } from '../detect/automaton-cache.js';
import type { RuleSpec } from '../rules/types.js';
import { noteV8FlagsApplied } from '../v8-flags.js';
import { scanTarget, type ScanOptions, type ScanTarget, type TargetResult } from './scan-target.js';

export interface WorkerSetup {
  extraRules: RuleSpec[];
  disabledRules: string[];
}

let engine: RuleEngine | undefined;

export function createEngine(setup: WorkerSetup): RuleEngine {
  const disabled = new Set(setup.disabledRules);
  const rules = [...builtinRules(), ...setup.extraRules].filter((rule) => !disabled.has(rule.id));
  loadFormatDetectors();
  const savedGates = loadGates(SAVED_NEEDS);
  return new RuleEngine(rules, {
    triggers: DETECTORS.flatMap((d) => d.triggers ?? []),
    automatonFor: (keywords) => loadAutomaton(SAVED_AUTOMATON, keywords),
    gatesOf: savedGates,
  });
}

/**
 * Test-only fault injection (`UNSPRAWL_TEST_FAULT=throw:NAME` or `oom:NAME`): a file whose path
 * contains NAME makes the scan throw an error quoting the file, or exhaust the worker's heap. The
 * tests use it to prove a hostile file costs only itself and leaks nothing.
 */
function injectFault(target: ScanTarget): void {
  const [kind, name] = (process.env.UNSPRAWL_TEST_FAULT ?? '').split(':');
  if (!name || !target.path.includes(name)) return;
  if (kind === 'throw') {
    const text = target.absPath ? readFileSync(target.absPath, 'utf8') : '';
    throw new Error(`injected fault in the middle of ${text}`);
  }
  if (kind === 'oom') {
    const hoard: string[][] = [];
    for (;;) hoard.push(new Array(1e6).fill(target.path + hoard.length));
  }
}

export function scanBatch(
  current: RuleEngine,
  targets: ScanTarget[],
  options: ScanOptions,
): TargetResult[] {
  return targets.map((target) => {
    try {
      if (process.env.UNSPRAWL_TEST_FAULT) injectFault(target);
      return scanTarget(current, target, options);
    } catch (error) {
      // The message names the file and the failure; it never carries file content.
      return {
        path: target.path,
        id: target.id,
        findings: [],
        bytes: 0,
        skipped: { reason: 'worker-error', detail: describeError(error) },
      };
    }
  });
}

export default function run(task: { targets: ScanTarget[]; options: ScanOptions }): TargetResult[] {
  if (!engine) {
    noteV8FlagsApplied();
    engine = createEngine(workerData as WorkerSetup);
  }
  return scanBatch(engine, task.targets, task.options);
}
