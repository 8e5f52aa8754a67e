/**
 * A whole scan: choose the source, run its targets through the engine, then the analysis stage.
 * The CLI, the GitHub Action and the tests all come through here.
 */
import { resolve, dirname } from 'node:path';
import { statSync } from 'node:fs';
import type { Finding, Notice, ScanSummary } from '../findings/types.js';
import { currentFolder } from '../cli/working-folder.js';
import { builtinRules } from '../rules/load.js';
import type { RuleSpec } from '../rules/types.js';
import { walk } from '../sources/walker.js';
import { runTargets, SkipCounter, type RunOptions, type SizedTarget } from './run-targets.js';

export interface ScanRequest {
  paths: string[];
  include: string[];
  exclude: string[];
  gitignore: boolean;
  /** Also scan node_modules folders, which a tree scan skips by default. */
  dependencies?: boolean;
  maxFileSize: number;
  threads?: number;
  /** Scan in this thread only (the bundled Action). */
  inline?: boolean;
  redact: boolean;
  extraRules: RuleSpec[];
  disabledRules: string[];
  /** Files the user passed as config or baseline: never reported. */
  skipPaths?: string[];
  onProgress?: (progress: { files: number; bytes: number; findings: number }) => void;
}

export interface ScanResult {
  findings: Finding[];
  notices: Notice[];
  summary: ScanSummary;
  rules: RuleSpec[];
  /** Absolute folder reported paths are relative to. */
  root: string;
  /** Every file a working-tree scan read, relative to `root`: the analysis reads its signals
   * from this list outside git instead of walking the tree a second time. */
  files?: string[];
  /** Paths shown with `\xNN` escapes (names that are not valid UTF-8): a report that needs the
   * bytes, such as a SARIF URI, decodes these and only these. */
  escapedPaths: Set<string>;
  /** git's list of tracked files, when the scan started reading it for the analysis. */
  tracked?: Promise<Set<string> | undefined>;
}

/** The folder reported paths are relative to: the one folder scanned, else the working folder. */
export function scanRoot(paths: string[]): string {
  if (paths.length === 1) {
    const absolute = resolve(paths[0]!);
    const stats = statSync(absolute, { throwIfNoEntry: false });
    return stats?.isDirectory() ? absolute : dirname(absolute);
  }
  return currentFolder();
}

/** What every source passes to the engine run, taken from the request. */
export function runOptionsFor(request: ScanRequest): RunOptions {
  return {
    redact: request.redact,
    maxFileSize: request.maxFileSize,
    threads: request.threads,
    inline: request.inline,
    setup: { extraRules: request.extraRules, disabledRules: request.disabledRules },
    onProgress: request.onProgress,
  };
}

export async function scanWorkingTree(request: ScanRequest): Promise<ScanResult> {
  const root = scanRoot(request.paths);
  const skips = new SkipCounter();
  const escapedPaths = new Set<string>();
  const files = walk(
    {
      roots: request.paths.map((p) => resolve(p)),
      base: root,
      include: request.include,
      exclude: request.exclude,
      gitignore: request.gitignore,
      dependencies: request.dependencies ?? false,
      maxFileSize: request.maxFileSize,
      skipPaths: new Set((request.skipPaths ?? []).map((p) => resolve(p))),
    },
    (path, reason, detail) => skips.add(path, reason, detail),
    (path) => escapedPaths.add(path),
  );

  const seen: string[] = [];
  async function* targets(): AsyncGenerator<SizedTarget> {
    for await (const file of files) {
      seen.push(file.path);
      yield { path: file.path, absPath: file.absPath, rawPath: file.rawPath, size: file.size };
    }
  }

  const outcome = await runTargets(targets(), runOptionsFor(request), skips);
  const rules = [...builtinRules(), ...request.extraRules];
  return { ...outcome, rules, root, files: seen, escapedPaths };
}
