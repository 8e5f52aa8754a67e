#!/usr/bin/env node
/**
 * Builds a deterministic repository with a long history, for timing `unsprawl scan --history`.
 * One `git fast-import` stream writes every commit, so 5,000 commits take seconds. Two shapes:
 *
 * - `rewrites`: every commit replaces whole files with new text, so each version shares nothing
 *   with the one before (the cheapest case for a `git log -p` scanner's diffs to be large).
 * - `edits` (scripts/gen-history-edits.mjs): what real repositories look like — small edits to
 *   long files, a lock file bumped now and then, topic branches merged, folders renamed, reverts.
 *
 *   node scripts/gen-history-repo.mjs [--shape rewrites|edits] [--commits 5000] [--out DIR]
 *   node dist/unsprawl.mjs scan --history DIR --format json -q     # then read .summary
 *
 * Prints a JSON line: the folder, commit and blob counts, and the planted secrets' paths (never
 * the values). Also importable: generateHistoryRepo(options).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateEditsRepo } from './gen-history-edits.mjs';
import {
  countBlobs,
  data,
  fakeToken,
  fastImport,
  lcg,
  signature,
  sourceFile,
  unmergedBranch,
} from './history-kit.mjs';

/**
 * Planted: tokens added then deleted, kept in HEAD, on an unmerged branch, and one repeated
 * across many versions of a file.
 */
async function generateRewritesRepo({ commits, files, dir }) {
  const random = lcg(20240101);
  const stream = fastImport(dir);
  const paths = Array.from({ length: files }, (_, i) => `src/mod${i % 20}/file ${i}.js`);
  const planted = [];
  const repeated = fakeToken(random);
  let mark = 0;
  let last;
  const start = Date.UTC(2015, 0, 1) / 1000;
  for (let c = 0; c < commits; c++) {
    const when = start + c * 3600;
    const ops = [];
    const touched = 1 + Math.floor(random() * 3);
    for (let t = 0; t < touched; t++) {
      const path = paths[Math.floor(random() * paths.length)];
      let text = sourceFile(random, 40 + Math.floor(random() * 80));
      if (path === paths[7]) text = `const token = "${repeated}";\n${text}`;
      ops.push(`M 100644 inline ${path}\n${data(text)}`);
    }
    // Every 500th commit adds a secret file; half of them are deleted 10 commits later.
    if (c % 500 === 250) {
      const path = `config/secret-${c}.env`;
      ops.push(`M 100644 inline ${path}\n${data(`GITHUB_TOKEN=${fakeToken(random)}\n`)}`);
      planted.push({ path, commit: c, removed: c % 1000 === 250 });
    }
    if (c % 1000 === 260) ops.push(`D config/secret-${c - 10}.env\n`);
    mark++;
    await stream.write(
      `commit refs/heads/main\nmark :${mark}\n` +
        signature(`Dev ${c % 7}`, `dev${c % 7}@example.test`, when) +
        data(`change ${c}`) +
        (last ? `from :${last}\n` : '') +
        ops.join(''),
    );
    last = mark;
  }
  planted.push({ path: paths[7], repeated: true });
  await unmergedBranch(stream, random, {
    mark: ++mark,
    from: Math.ceil(commits / 2),
    when: start + commits * 1800,
  });
  planted.push({ path: 'wip/creds.txt', branch: 'unmerged' });
  await stream.done();
  return { commits: commits + 1, planted };
}

export async function generateHistoryRepo({
  shape = 'rewrites',
  commits = 5000,
  files = 400,
  dir,
} = {}) {
  const out = resolve(dir ?? mkdtempSync(join(tmpdir(), 'unsprawl-history-')));
  mkdirSync(out, { recursive: true });
  const made =
    shape === 'edits'
      ? await generateEditsRepo({ commits, dir: out })
      : await generateRewritesRepo({ commits, files, dir: out });
  return { dir: out, shape, ...made, blobs: countBlobs(out) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      shape: { type: 'string', default: 'rewrites' },
      commits: { type: 'string', default: '5000' },
      files: { type: 'string', default: '400' },
      out: { type: 'string' },
    },
  });
  if (values.shape !== 'rewrites' && values.shape !== 'edits') {
    console.error(`gen-history-repo: --shape takes rewrites or edits, not "${values.shape}"`);
    process.exit(2);
  }
  const started = Date.now();
  const result = await generateHistoryRepo({
    shape: values.shape,
    commits: Number(values.commits),
    files: Number(values.files),
    dir: values.out,
  });
  process.stdout.write(
    `${JSON.stringify({ ...result, seconds: (Date.now() - started) / 1000 })}\n`,
  );
}
