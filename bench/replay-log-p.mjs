/**
 * The comparison for workload 3: what a `git log -p` scanner does. Replays `git log -p --all`,
 * keeps each file diff's added lines, and runs them through the same engine, detectors and pool
 * as `scan --history` (dist/pipeline/run-targets.js), so the ratio measures only what is read.
 *
 *   node bench/replay-log-p.mjs REPO [--threads N]    # prints a JSON summary line
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { runTargets, SkipCounter } from '../dist/pipeline/run-targets.js';

async function* fileDiffs(repo) {
  const child = spawn(
    'git',
    ['log', '-p', '--all', '--no-color', '--no-ext-diff', '--no-renames'],
    {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let pending = '';
  let path = '';
  let added = [];
  let n = 0;
  const flush = function* () {
    if (!path || added.length === 0) return;
    const content = Buffer.from(`${added.join('\n')}\n`);
    yield { path: `${n++}/${path}`, content, size: content.length };
    added = [];
  };
  const lines = function* (text) {
    for (const line of text.split('\n')) {
      if (line.startsWith('diff --git ')) {
        yield* flush();
        path = line.slice(line.lastIndexOf(' b/') + 3);
      } else if (line.startsWith('+') && !line.startsWith('+++ ')) added.push(line.slice(1));
      else if (line.startsWith('commit ')) yield* flush();
    }
  };
  for await (const chunk of child.stdout) {
    pending += chunk.toString('utf8');
    const cut = pending.lastIndexOf('\n');
    if (cut < 0) continue;
    yield* lines(pending.slice(0, cut));
    pending = pending.slice(cut + 1);
  }
  yield* lines(pending);
  yield* flush();
}

const { values, positionals } = parseArgs({
  options: { threads: { type: 'string' } },
  allowPositionals: true,
});
const outcome = await runTargets(
  fileDiffs(positionals[0] ?? '.'),
  {
    redact: true,
    maxFileSize: 20 * 1024 * 1024,
    threads: values.threads ? Number(values.threads) : undefined,
    setup: { extraRules: [], disabledRules: [] },
  },
  new SkipCounter(),
);
process.stdout.write(`${JSON.stringify({ summary: outcome.summary })}\n`);
