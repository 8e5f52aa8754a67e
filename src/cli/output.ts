/** Writes a report to stdout or to --output, the file replaced atomically. */
import { renameSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function writeReport(text: string, output: string | undefined): void {
  if (!output || output === '-') {
    process.stdout.write(text);
    return;
  }
  const target = resolve(output);
  // A device or FIFO (`-o /dev/null`, `-o /dev/stdout`) is written to, never renamed over:
  // a rename would replace the device node itself with a regular file.
  const existing = statSync(target, { throwIfNoEntry: false });
  if (existing && !existing.isFile()) {
    writeFileSync(target, text);
    return;
  }
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, target);
}
