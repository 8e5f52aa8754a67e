/**
 * What git knows about the scanned files: which are tracked, and since when a line has stood
 * unchanged. Asked once per scan through git's plumbing; outside a repository every answer is
 * "unknown", never an error.
 */
import { execFileSync } from 'node:child_process';
import { relative, sep } from 'node:path';
import { log } from '../log/logger.js';
import { git as gitAsync } from '../sources/git/run.js';
import { findRepoRoot } from '../sources/gitignore.js';

const toPosix = (path: string) => (sep === '/' ? path : path.split(sep).join('/'));
/** Blame is one git call per finding; past this many findings the rest go unaged. */
const MAX_BLAMES = 400;

export interface GitFacts {
  repoRoot?: string;
  /** Whether the file (relative to the scan root) is tracked. */
  isTracked(path: string): boolean;
  /** Every tracked path, relative to the repository root; undefined outside a repository. */
  trackedPaths(): string[] | undefined;
  /** Commit date of the line (1-based), or undefined when git cannot say. */
  lineDate(path: string, line: number): Date | undefined;
}

function git(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
}

/**
 * git's list of tracked files in the repository holding `path`. A pre-commit hook starts it
 * while it scans, so its analysis finds the list ready instead of waiting for git afterwards.
 */
export function trackedFiles(path: string): Promise<Set<string> | undefined> {
  const repoRoot = findRepoRoot(path);
  if (!repoRoot) return Promise.resolve(undefined);
  return gitAsync(repoRoot, ['ls-files', '-z']).then(
    (out) => new Set(out.toString('utf8').split('\0').filter(Boolean)),
    () => undefined,
  );
}

/** `tracked`: the list from `trackedFiles`, when the scan started reading it already. */
export async function gitFacts(
  scanRoot: string,
  tracked = trackedFiles(scanRoot),
): Promise<GitFacts> {
  const repoRoot = findRepoRoot(scanRoot);
  if (!repoRoot)
    return { isTracked: () => false, trackedPaths: () => undefined, lineDate: () => undefined };
  const prefix = toPosix(relative(repoRoot, scanRoot));
  const toRepoPath = (path: string) => (prefix ? `${prefix}/${path}` : path);

  const paths = (await tracked) ?? new Set<string>();
  let blames = 0;
  return {
    repoRoot,
    isTracked(path) {
      return paths.has(toRepoPath(path));
    },
    trackedPaths() {
      return [...paths];
    },
    lineDate(path, line) {
      if (blames++ >= MAX_BLAMES) return undefined;
      const out = git(
        ['blame', '--porcelain', '-L', `${line},${line}`, '--', toRepoPath(path)],
        repoRoot,
      );
      const time = out && /^committer-time (\d+)$/m.exec(out)?.[1];
      if (!time) {
        log.debug(`${path}:${line}: no blame date`);
        return undefined;
      }
      return new Date(Number(time) * 1000);
    },
  };
}
