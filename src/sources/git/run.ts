/**
 * Runs git plumbing. Output stays bytes (paths may be any bytes but NUL), the environment keeps
 * git from taking optional locks, and a failure carries git's own first line of complaint.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** The scan only reads: optional locks (index refresh) would write to the scanned repository. */
const ENV = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
/**
 * Never let a user's config turn on pagers, colours or external diff drivers, or make diffs name
 * paths from the folder git runs in instead of the top.
 */
const SAFE = [
  '-c',
  'core.pager=cat',
  '-c',
  'color.ui=false',
  '-c',
  'diff.external=',
  '-c',
  'diff.relative=false',
];

export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`git ${args[0]} failed: ${firstLine(stderr) || `exit code ${exitCode}`}`);
    this.name = 'GitError';
  }
}

export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .find(Boolean) ?? ''
  );
}

/** Runs git to completion and returns stdout as bytes. */
export function git(cwd: string, args: string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [...SAFE, ...args],
      { cwd, env: ENV, encoding: 'buffer', maxBuffer: 1 << 30 },
      (error, stdout, stderr) => {
        if (error) {
          const code = typeof error.code === 'number' ? error.code : null;
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            reject(new GitError(args, 'git is not installed or not on PATH', null));
          } else reject(new GitError(args, stderr.toString('utf8'), code));
        } else resolve(stdout);
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** git, or undefined when it exits non-zero (probing commands such as `rev-parse --verify`). */
export async function gitMaybe(cwd: string, args: string[]): Promise<Buffer | undefined> {
  try {
    return await git(cwd, args);
  } catch (error) {
    if (error instanceof GitError && error.exitCode !== null) return undefined;
    throw error;
  }
}

/** A long-running git whose stdout the caller streams. */
export function spawnGit(cwd: string, args: string[]): ChildProcessWithoutNullStreams {
  return spawn('git', [...SAFE, ...args], { cwd, env: ENV });
}

/** Splits a stream of NUL-terminated records, keeping each as bytes. */
export async function* nulRecords(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer | undefined;
  for await (const chunk of stream) {
    const data = pending ? Buffer.concat([pending, chunk]) : chunk;
    let start = 0;
    for (let nul = data.indexOf(0, start); nul !== -1; nul = data.indexOf(0, start)) {
      yield data.subarray(start, nul);
      start = nul + 1;
    }
    pending = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
  }
  if (pending?.length) yield pending;
}
