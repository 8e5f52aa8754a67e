/**
 * The baseline: the fingerprints of findings a team has accepted. The file is sorted and holds
 * no line numbers, commits or timestamps, so two branches that each add a finding merge cleanly.
 */
import type { Finding } from './types.js';
import { readGuardedFile } from '../config/guarded-read.js';
import { parseProblem } from '../config/parse-error.js';

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  path: string;
}

export interface BaselineFile {
  version: 1;
  tool: 'unsprawl';
  findings: BaselineEntry[];
}

export function toBaseline(findings: Finding[]): BaselineFile {
  const unique = new Map<string, BaselineEntry>();
  for (const finding of findings) {
    unique.set(finding.fingerprint, {
      fingerprint: finding.fingerprint,
      ruleId: finding.ruleId,
      path: finding.path,
    });
  }
  const entries = [...unique.values()].sort(
    (a, b) =>
      a.path.localeCompare(b.path) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.fingerprint.localeCompare(b.fingerprint),
  );
  return { version: 1, tool: 'unsprawl', findings: entries };
}

export function formatBaseline(baseline: BaselineFile): string {
  // One entry per line: a merge conflict, if any, is one line wide.
  const lines = baseline.findings.map((entry) => `    ${JSON.stringify(entry)}`);
  return `{\n  "version": 1,\n  "tool": "unsprawl",\n  "findings": [\n${lines.join(',\n')}\n  ]\n}\n`;
}

export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselineError';
  }
}

/** Reads a baseline, refusing devices, huge files and symlinks that leave the repository. */
export function readBaseline(path: string, repoRoot: string | undefined): Set<string> {
  const text = readGuardedFile(path, repoRoot, 'baseline');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(`${path}: baseline is ${parseProblem(error, text, 'JSON')}`);
  }
  const entries = (parsed as Partial<BaselineFile> | null)?.findings;
  if (!Array.isArray(entries)) {
    throw new BaselineError(`${path}: baseline must be an object with a "findings" array`);
  }
  const fingerprints = new Set<string>();
  entries.forEach((entry, index) => {
    const fingerprint = (entry as Partial<BaselineEntry> | null)?.fingerprint;
    if (typeof fingerprint !== 'string' || !/^[0-9a-f]{32}$/.test(fingerprint)) {
      throw new BaselineError(`${path}: findings[${index}].fingerprint must be 32 hex characters`);
    }
    fingerprints.add(fingerprint);
  });
  return fingerprints;
}
