/**
 * The analysis stage: runs once all findings are in, and gives each its anti-patterns and its
 * remediation.
 */
import type { UnsprawlConfig } from '../config/types.js';
import type { Finding } from '../findings/types.js';

export interface AnalysisContext {
  config: UnsprawlConfig;
  /** Absolute folder reported paths are relative to. */
  root: string;
  /** --target from the command line, overriding the config. */
  target?: string;
  /** Today, for rotation ages (injectable for tests). */
  now?: Date;
}

export interface AnalysisResult {
  /** How the remediation target was chosen, printed once. */
  targetNote?: string;
}

export async function analyze(_findings: Finding[], _context: AnalysisContext): Promise<AnalysisResult> {
  return {};
}
