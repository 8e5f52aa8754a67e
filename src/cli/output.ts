/** Writes a report to stdout or to --output, a regular file replaced atomically. */
import { lstatSync, renameSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';

export function writeReport(text: string, output: string | undefined): void {
  if (!output || output === '-') {
    process.stdout.write(text);
    return;
  }
  const target = resolve(output);
  const link = lstatSync(target, { throwIfNoEntry: false });
  const existing = statSync(target, { throwIfNoEntry: false });
  if (existing?.isDirectory()) throw new UsageError(`--output ${output}: is a directory`);
  // A symlink, device or FIFO (`-o /dev/null`, `-o /dev/stdout`, a link into a build folder)
  // is written through, never renamed over: a rename would replace the link or the device node
  // itself with a regular file.
  if (link?.isSymbolicLink() || (existing && !existing.isFile())) {
    writeFileSync(target, text);
    return;
  }
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, target);
}
