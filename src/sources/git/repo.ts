/**
 * Finds the repository at a path and what the history sources need to know about it first:
 * its top level, whether HEAD exists or is detached, and where a shallow clone's history is cut.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { firstLine } from './run.js';

export interface Repository {
  /** Folder reported paths are relative to: the work tree, or the git folder when bare. */
  top: string;
  gitDir: string;
  bare: boolean;
  /** Commit HEAD points at; undefined before the first commit. */
  head?: string;
  /** Branch HEAD is on (`main`); undefined when HEAD is detached or unborn. */
  branch?: string;
  detached: boolean;
  /** Commits whose parents a shallow clone does not have. */
  shallowCuts: string[];
}

export class NotARepositoryError extends Error {
  constructor(path: string, detail: string) {
    super(`${path} is not in a git repository (${detail})`);
    this.name = 'NotARepositoryError';
  }
}

/** simple-git is loaded on first use, so working-tree scans never pay for it. */
export async function openRepository(path: string): Promise<Repository> {
  const { simpleGit } = await import('simple-git');
  const dir = resolve(path);
  // Only read-only plumbing runs here, so the user's environment is left as it is.
  const repo = simpleGit({ baseDir: dir, trimmed: true });
  let facts: string[];
  try {
    facts = (
      await repo.revparse(['--absolute-git-dir', '--is-bare-repository', '--git-path', 'shallow'])
    ).split('\n');
  } catch (error) {
    throw new NotARepositoryError(path, firstLine((error as Error).message).replace(/^fatal: /, ''));
  }
  const gitDir = facts[0]!;
  const bare = facts[1] === 'true';
  const [top, head, branch] = await Promise.all([
    bare ? gitDir : repo.revparse(['--show-toplevel']),
    repo.raw(['rev-parse', '-q', '--verify', 'HEAD^{commit}']).catch(() => ''),
    repo.raw(['symbolic-ref', '-q', '--short', 'HEAD']).catch(() => ''),
  ]);
  return {
    top,
    gitDir,
    bare,
    head: head.trim() || undefined,
    branch: branch.trim() || undefined,
    detached: !branch.trim(),
    // A linked worktree keeps `shallow` in the common folder: ask git where it is.
    shallowCuts: readShallow(resolve(dir, facts[2] ?? resolve(gitDir, 'shallow'))),
  };
}

/** `shallow` in the git folder lists the boundary commits of a shallow clone, one per line. */
function readShallow(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
