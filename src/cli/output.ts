/** Writes a report to stdout or to --output, a regular file replaced atomically. */
import { lstatSync, renameSync, rmSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';

export interface WriteOptions {
  /**
   * Create a missing folder above the file. The CLI does not: a missing folder is more often a
   * mistyped path than a wish, and the report would land where nobody looks. The Action does,
   * since its sarif-file names a place in a fresh checkout.
   */
  createFolders?: boolean;
}

/** Fails when the folder --output names is missing or not a folder; checked before a scan too. */
export function checkOutputFolder(output: string | undefined): void {
  if (!output || output === '-') return;
  const folder = dirname(output);
  let stats;
  try {
    stats = statSync(dirname(resolve(output)), { throwIfNoEntry: false });
  } catch (error) {
    // ENOTDIR: a file sits where a folder on the way should be; it does not exist either.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTDIR')
      throw new UsageError(`--output ${output}: cannot reach folder ${folder} (${code})`);
  }
  if (!stats) throw new UsageError(`--output ${output}: folder ${folder} does not exist`);
  if (!stats.isDirectory()) throw new UsageError(`--output ${output}: ${folder} is not a folder`);
}

export function writeReport(
  text: string,
  output: string | undefined,
  options: WriteOptions = {},
): void {
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
    if (options.createFolders) mkdirSync(dirname(target), { recursive: true });
    else checkOutputFolder(output);
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
