/** A live progress line on stderr, only for a person watching a terminal. */
import { formatBytes } from '../report/text.js';

export interface Progress {
  update(progress: { files: number; bytes: number; findings: number }): void;
  done(): void;
}

const NONE: Progress = { update: () => {}, done: () => {} };

export function createProgress(quiet: boolean): Progress {
  if (quiet || !process.stderr.isTTY || process.env.CI) return NONE;
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update({ files, bytes, findings }) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      const seconds = Math.max(0.001, (now - started) / 1000);
      process.stderr.write(
        `\r\x1b[K${files} files, ${formatBytes(bytes)}, ${findings} findings, ${formatBytes(bytes / seconds)}/s`,
      );
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}
