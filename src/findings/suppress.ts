/**
 * Suppressions: inline allow comments (marked by the detector, which sees the line) and the
 * baseline. A suppressed finding stays in SARIF, marked, and does not count toward the exit code.
 */
import type { UnsprawlConfig } from '../config/types.js';
import { readBaseline } from './baseline.js';
import type { Finding } from './types.js';
import { findRepoRoot } from '../sources/gitignore.js';

export interface SuppressionContext {
  config: UnsprawlConfig;
  root: string;
  baseline?: string;
}

export async function applySuppressions(
  findings: Finding[],
  context: SuppressionContext,
): Promise<void> {
  if (!context.baseline) return;
  const accepted = readBaseline(context.baseline, findRepoRoot(context.root) ?? context.root);
  for (const finding of findings) {
    if (!finding.suppression && accepted.has(finding.fingerprint)) {
      finding.suppression = { kind: 'external', justification: 'listed in the baseline' };
    }
  }
}
