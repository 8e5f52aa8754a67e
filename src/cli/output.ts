/** Writes a report to stdout or to --output, a regular file replaced atomically. */
import { lstatSync, renameSync, rmSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';

export function writeReport(text: string, output: string | undefined): void {
  if (!output || output === '-') {
    process.stdout.write(text);
    return;
  }
  const target = resolve(output);
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    const link = lstatSync(target, { throwIfNoEntry: false });
    const existing = statSync(target, { throwIfNoEntry: false });
    if (existing?.isDirectory()) throw new UsageError(`--output ${output}: is a directory`);
    // A symlink, device or FIFO (`-o /dev/null`, `-o /dev/stdout`, a link into a build folder)
    // is written through, never renamed over: a rename would replace the link or the device
    // node itself with a regular file.
    if (link?.isSymbolicLink() || (existing && !existing.isFile())) {
      writeFileSync(target, text);
      return;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(temporary, text);
    renameSync(temporary, target);
  } catch (error) {
    throw cannotWrite(error, output, temporary);
  }
}

/**
 * The file the user named and what the system said, not the temporary name or the call that
 * failed: `--output report.json: cannot write it (EACCES: permission denied)`.
 */
function cannotWrite(error: unknown, output: string, temporary: string): Error {
  if (error instanceof UsageError) return error;
  const err = error as NodeJS.ErrnoException;
  if (!err.code || !err.syscall || err.syscall === 'uv_cwd') return err;
  try {
    rmSync(temporary, { force: true });
  } catch {
    // Its folder cannot be reached either: nothing was left there.
  }
  const reason = err.message.replace(/,.*$/s, '');
  return new UsageError(`--output ${output}: cannot write it (${reason})`);
}
