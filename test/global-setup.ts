import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Suites that spawn the CLI need dist/ to match src/: build once before any of them runs. */
export default function setup(): void {
  // For local iteration on a tree whose rule files are mid-edit; CI always builds.
  if (process.env.UNSPRAWL_TEST_SKIP_BUILD === '1' && !process.env.CI) return;
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}
