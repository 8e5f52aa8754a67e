/**
 * Reads a small file the user points us at (config, ignore, baseline) without trusting it: no
 * devices or FIFOs, no symlinks that leave the repository, nothing larger than a cap.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  realpathSync,
} from 'node:fs';
import { relative, isAbsolute } from 'node:path';

export const MAX_POLICY_FILE = 1024 * 1024;

export class GuardedReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuardedReadError';
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export function readGuardedFile(path: string, repoRoot: string | undefined, what: string): string {
  const link = lstatSync(path, { throwIfNoEntry: false });
  if (!link) throw new GuardedReadError(`${path}: ${what} file does not exist`);
  if (link.isSymbolicLink()) {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      throw new GuardedReadError(`${path}: ${what} file is a broken symlink`);
    }
    if (!repoRoot || !inside(realpathSync(repoRoot), real)) {
      throw new GuardedReadError(
        `${path}: ${what} file is a symlink out of the repository; refused`,
      );
    }
  }
  // Non-blocking open: a FIFO must not hang us before fstat tells us what it is.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile())
      throw new GuardedReadError(`${path}: ${what} file is not a regular file; refused`);
    if (stats.size > MAX_POLICY_FILE) {
      throw new GuardedReadError(`${path}: ${what} file is larger than 1 MiB; refused`);
    }
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
