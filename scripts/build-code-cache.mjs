// Makes dist/cli.cache, the V8 code cache the launcher (src/cli/launch.ts) hands to V8: a
// warm-up `scan --staged` in a throwaway repository, so the cache holds the code a pre-commit
// hook runs. Without git the build goes on with no cache, and the CLI compiles as usual.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const cache = join(dist, 'cli.cache');
const repo = mkdtempSync(join(tmpdir(), 'unsprawl-warm-up-'));

try {
  rmSync(cache, { force: true });
  const git = (...args) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
  git('init', '-q');
  writeFileSync(join(repo, 'app.js'), 'export const region = "eu-west-1";\n');
  git('add', 'app.js');
  git('-c', 'user.name=build', '-c', 'user.email=build@example.test', 'commit', '-qm', 'base');
  // A fake key on an added line, so the warm-up reaches the analysis and the report.
  const fake = ['sk', 'live', 'Xq7Lm2Rt9Vb4Nc8Kd1Fh6Jz3'].join('_');
  writeFileSync(join(repo, 'app.js'), `export const region = "eu-west-1";\nconst k = "${fake}";\n`);
  writeFileSync(join(repo, 'settings.py'), 'TIMEOUT = 30\n');
  git('add', 'app.js', 'settings.py');
  try {
    execFileSync(process.execPath, [join(dist, 'unsprawl.mjs'), 'scan', '--staged', '-q'], {
      cwd: repo,
      stdio: 'ignore',
      env: { ...process.env, UNSPRAWL_WRITE_CODE_CACHE: cache },
    });
  } catch (error) {
    // Exit code 1 is the warm-up's finding; anything else left no cache.
    if (error.status !== 1) throw error;
  }
} catch (error) {
  console.warn(`build-code-cache: no code cache made (${error.message.split('\n')[0]})`);
} finally {
  rmSync(repo, { recursive: true, force: true });
}
