/**
 * The working folder. A shell can sit in a folder that was deleted under it; Node then throws a
 * bare `ENOENT: uv_cwd` from process.cwd(), and from anything that calls it for us (path.resolve
 * of a relative path, fast-glob). Every use goes through here or through `isWorkingFolderError`.
 */
import { readlinkSync } from 'node:fs';
import { UsageError } from './errors.js';

export function currentFolder(): string {
  try {
    return process.cwd();
  } catch (error) {
    throw isWorkingFolderError(error) ? workingFolderError(error) : error;
  }
}

/** process.cwd() failed, here or inside a library. */
export function isWorkingFolderError(error: unknown): error is NodeJS.ErrnoException {
  return (error as NodeJS.ErrnoException | undefined)?.syscall === 'uv_cwd';
}

export function workingFolderError(error: NodeJS.ErrnoException): UsageError {
  if (error.code !== 'ENOENT') {
    return new UsageError(`the current folder cannot be read (${error.code ?? 'error'})`);
  }
  return new UsageError(
    `the current folder no longer exists (${lostFolder()}); cd into one that does`,
  );
}

/** Which folder it was. $PWD is not asked: a program that spawned us may have left it stale. */
function lostFolder(): string {
  try {
    // Linux keeps the link, marked " (deleted)".
    return `${readlinkSync('/proc/self/cwd').replace(/ \(deleted\)$/, '')} was deleted`;
  } catch {
    return 'it was deleted or moved';
  }
}
