/**
 * Suppressions: inline allow comments and the baseline. A suppressed finding stays in the SARIF
 * (marked suppressed) but does not count toward the exit code.
 */
import type { UnsprawlConfig } from '../config/types.js';
import type { Finding } from './types.js';

export interface SuppressionContext {
  config: UnsprawlConfig;
  root: string;
  baseline?: string;
}

export async function applySuppressions(_findings: Finding[], _context: SuppressionContext): Promise<void> {}
