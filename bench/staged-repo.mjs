/**
 * Workload 4: a repository of 10,000 committed files with a 3-file change staged (one of them
 * holding a fake secret on an added line), for timing `scan --staged` as a pre-commit hook runs it.
 * Built once with fast-import, then reused: the scan never touches the index.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE } from './npm-tree.mjs';

const FILES = 10_000;

function fileText(n) {
  let out = `// module ${n}\n`;
  for (let line = 0; line < 30; line++)
    out += `export const value${n}_${line} = compute(${(n * 31 + line) % 997});\n`;
  return out;
}

export function stagedRepo(out = join(CACHE, 'staged-10k')) {
  if (existsSync(join(out, '.git', 'bench-complete'))) return out;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const git = (args, input) =>
    execFileSync('git', args, { cwd: out, input, stdio: ['pipe', 'pipe', 'inherit'] });
  git(['init', '-q', '-b', 'main']);
  const ops = [];
  for (let n = 0; n < FILES; n++) {
    const text = fileText(n);
    ops.push(
      `M 100644 inline src/dir${n % 100}/file${n}.js\ndata ${Buffer.byteLength(text)}\n${text}\n`,
    );
  }
  const when = Date.UTC(2024, 0, 1) / 1000;
  git(
    ['fast-import', '--quiet'],
    `commit refs/heads/main\ncommitter Bench <bench@example.test> ${when} +0000\n` +
      `data 7\ninitial\n${ops.join('')}\n`,
  );
  git(['reset', '-q', '--hard', 'main']);
  // The staged change: two edited files and one new file with a fake token on an added line.
  writeFileSync(join(out, 'src/dir1/file1.js'), `${fileText(1)}export const retries = 3;\n`);
  writeFileSync(join(out, 'src/dir2/file2.js'), `${fileText(2)}export const timeout = 30;\n`);
  writeFileSync(
    join(out, 'src/settings.js'),
    `export const settings = { region: 'eu-west-1' };\nconst stripeKey = "sk_live_Xq7Lm2Rt9Vb4Nc8Kd1Fh6Jz3";\n`,
  );
  git(['add', 'src/dir1/file1.js', 'src/dir2/file2.js', 'src/settings.js']);
  writeFileSync(join(out, '.git', 'bench-complete'), 'ok\n');
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(stagedRepo());
