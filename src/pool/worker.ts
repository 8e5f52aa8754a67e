/**
 * A pool worker: compiles the rules once, then scans batches of targets. Errors are caught per
 * target, so one hostile file costs that file and not the batch.
 */
import { workerData } from 'node:worker_threads';
import { RuleEngine } from '../detect/engine.js';
import { loadFormatDetectors } from '../detect/formats/index.js';
import { builtinRules } from '../rules/load.js';
import type { RuleSpec } from '../rules/types.js';
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
  return new RuleEngine(rules);
}

export function scanBatch(
  current: RuleEngine,
  targets: ScanTarget[],
  options: ScanOptions,
): TargetResult[] {
  return targets.map((target) => {
    try {
      return scanTarget(current, target, options);
    } catch (error) {
      // The message names the file and the failure; it never carries file content.
      return {
        path: target.path,
        id: target.id,
        findings: [],
        bytes: 0,
        skipped: { reason: 'worker-error', detail: (error as Error).name ?? 'Error' },
      };
    }
  });
}

export default function run(task: { targets: ScanTarget[]; options: ScanOptions }): TargetResult[] {
  engine ??= createEngine(workerData as WorkerSetup);
  return scanBatch(engine, task.targets, task.options);
}
