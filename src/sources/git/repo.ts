/**
 * Finds the repository at a path and what the history sources need to know about it first:
 * its top level, whether HEAD exists or is detached, and where a shallow clone's history is cut.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { firstLine, git } from './run.js';

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
  /** `whole`: the message as it stands, for a path that is in a repository but not usable. */
  constructor(path: string, detail: string, whole = false) {
    // git's usual reason only says the same again.
    const why = /^not a git repository/.test(detail) ? '' : ` (${detail})`;
    super(whole ? `${path} ${detail}` : `${path} is not in a git repository${why}`);
    this.name = 'NotARepositoryError';
  }
}

type Runner = (args: string[]) => Promise<string>;

/** simple-git is loaded on first use, so working-tree scans never pay for it. */
export async function openRepository(path: string): Promise<Repository> {
  const { simpleGit } = await import('simple-git');
  // Only read-only plumbing runs here, so the user's environment is left as it is.
  const repo = simpleGit({ baseDir: resolve(path), trimmed: true });
  return discover(path, (args) => repo.raw(args));
}

/**
 * The same facts with bare plumbing: a pre-commit hook's whole budget is about 150 ms, and
 * loading simple-git and going through its queue costs a third of it.
 */
export async function openRepositoryQuick(path: string): Promise<Repository> {
  const dir = resolve(path);
  return discover(path, async (args) => (await git(dir, args)).toString('utf8'));
}

async function discover(path: string, run: Runner): Promise<Repository> {
  const dir = resolve(path);
  // A pre-commit hook pays several milliseconds for each git process: one call answers
  // everything in a work tree whose HEAD has a commit; the rest take the careful way.
  const args = ['rev-parse', '--absolute-git-dir', '--is-bare-repository', '--git-path', 'shallow'];
  const all = await run([
    ...args,
    '--show-toplevel',
    'HEAD^{commit}',
    '--symbolic-full-name',
    'HEAD',
  ])
    .then((out) => out.trim().split('\n'))
    .catch(() => undefined);
  if (all?.length === 6 && all[1] === 'false') {
    const [gitDir = '', , shallow, top = '', head = '', ref = ''] = all;
    const branch = ref === 'HEAD' ? '' : ref.replace(/^refs\/heads\//, '');
    return repository(dir, gitDir, false, top, head, branch, shallow);
  }

  // None of these needs another's answer, so they run side by side. The work tree's top fails
  // in a bare repository, where it is not asked for.
  const quiet = (args: string[]) => run(args).catch(() => undefined);
  const answers = Promise.all([
    quiet(['rev-parse', '--show-toplevel']),
    quiet(['rev-parse', '-q', '--verify', 'HEAD^{commit}']),
    quiet(['symbolic-ref', '-q', '--short', 'HEAD']),
  ]);
  let facts: string[];
  try {
    facts = (await run(args)).trim().split('\n');
  } catch (error) {
    await answers;
    const why = firstLine((error as Error).message).replace(/^.*?fatal: /, '');
    throw new NotARepositoryError(path, why);
  }
  const gitDir = facts[0]!;
  const bare = facts[1] === 'true';
  const [top = '', head = '', branch = ''] = await answers;
  // Inside the git folder of a repository with a work tree, git has no top to give.
  if (!bare && !top.trim()) {
    const where = "is inside a repository's git folder: run it from the work tree";
    throw new NotARepositoryError(path, where, true);
  }
  return repository(dir, gitDir, bare, bare ? gitDir : top, head, branch, facts[2]);
}

function repository(
  dir: string,
  gitDir: string,
  bare: boolean,
  top: string,
  head: string,
  branch: string,
  shallow: string | undefined,
): Repository {
  return {
    top: top.trim(),
    gitDir,
    bare,
    head: head.trim() || undefined,
    branch: branch.trim() || undefined,
    detached: !branch.trim(),
    // A linked worktree keeps `shallow` in the common folder: ask git where it is.
    shallowCuts: readShallow(resolve(dir, shallow ?? resolve(gitDir, 'shallow'))),
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
