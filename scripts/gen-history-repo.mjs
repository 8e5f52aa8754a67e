#!/usr/bin/env node
/**
 * Builds a deterministic repository with a long history, for timing `unsprawl scan --history`.
 * One `git fast-import` stream writes every commit, so 5,000 commits take seconds.
 *
 *   node scripts/gen-history-repo.mjs [--commits 5000] [--files 400] [--out DIR]
 *   node dist/unsprawl.mjs scan --history DIR --format json -q     # then read .summary
 *
 * Prints a JSON line: the folder, commit and blob counts, and the planted secrets' paths (never
 * the values). Planted: tokens added then deleted, kept in HEAD, on an unmerged branch, and one
 * repeated across many versions of a file. Also importable: generateHistoryRepo(options).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const WORDS = [
  'const',
  'return',
  'value',
  'config',
  'user',
  'index',
  'result',
  'items',
  'map',
  'filter',
  'await',
  'async',
  'function',
  'export',
  'import',
  'string',
  'number',
  'options',
];

function lcg(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

let crcTable;
function crc32(text) {
  crcTable ??= Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text)) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A GitHub-shaped token with a valid checksum; fake, made for this repository. */
function fakeToken(random) {
  let body = '';
  for (let i = 0; i < 30; i++) body += ALNUM[Math.floor(random() * 62)];
  let n = crc32(body);
  let tail = '';
  while (n > 0) {
    tail = BASE62[n % 62] + tail;
    n = Math.floor(n / 62);
  }
  return `ghp_${body}${tail.padStart(6, '0')}`;
}

function sourceFile(random, lines) {
  let out = '';
  for (let i = 0; i < lines; i++) {
    const indent = '  '.repeat(Math.floor(random() * 3));
    const a = WORDS[Math.floor(random() * WORDS.length)];
    const b = WORDS[Math.floor(random() * WORDS.length)];
    out += `${indent}${a} ${b}${i} = ${b}(${Math.floor(random() * 1e6)}); // ${a} ${b}\n`;
  }
  return out;
}

export async function generateHistoryRepo({ commits = 5000, files = 400, dir } = {}) {
  const out = resolve(dir ?? mkdtempSync(join(tmpdir(), 'unsprawl-history-')));
  mkdirSync(out, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', out]);
  const random = lcg(20240101);
  const child = spawn('git', ['fast-import', '--quiet', '--done'], {
    cwd: out,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const exited = new Promise((ok, fail) =>
    child.on('close', (code) =>
      code === 0 ? ok() : fail(new Error(`fast-import exited ${code}`)),
    ),
  );
  const chunks = [];
  let pendingBytes = 0;
  const write = async (text) => {
    chunks.push(text);
    pendingBytes += text.length;
    if (pendingBytes > 1 << 20) await flush();
  };
  const flush = async () => {
    const text = chunks.join('');
    chunks.length = 0;
    pendingBytes = 0;
    if (!child.stdin.write(text)) await new Promise((ok) => child.stdin.once('drain', ok));
  };
  const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;

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
    await write(
      `commit refs/heads/main\nmark :${mark}\n` +
        `author Dev ${c % 7} <dev${c % 7}@example.test> ${when} +0000\n` +
        `committer Dev ${c % 7} <dev${c % 7}@example.test> ${when} +0000\n` +
        data(`change ${c}`) +
        (last ? `from :${last}\n` : '') +
        ops.join(''),
    );
    last = mark;
  }
  planted.push({ path: paths[7], repeated: true });
  // An unmerged branch off the middle of history.
  await write(
    `commit refs/heads/unmerged\nmark :${++mark}\n` +
      `author Dev X <x@example.test> ${start + commits * 1800} +0000\n` +
      `committer Dev X <x@example.test> ${start + commits * 1800} +0000\n` +
      data('wip') +
      `from :${Math.ceil(commits / 2)}\n` +
      `M 100644 inline wip/creds.txt\n${data(`token ${fakeToken(random)}\n`)}`,
  );
  planted.push({ path: 'wip/creds.txt', branch: 'unmerged' });
  await write('done\n');
  await flush();
  child.stdin.end();
  await exited;
  execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: out });
  // Every blob fast-import wrote (all reachable: nothing was deleted from the object store).
  const listing = execFileSync(
    'git',
    ['cat-file', '--batch-all-objects', '--batch-check=%(objecttype)'],
    {
      cwd: out,
      maxBuffer: 1 << 28,
    },
  ).toString();
  const blobs = listing.split('\n').filter((type) => type === 'blob').length;
  return { dir: out, commits: commits + 1, blobs, planted };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      commits: { type: 'string', default: '5000' },
      files: { type: 'string', default: '400' },
      out: { type: 'string' },
    },
  });
  const started = Date.now();
  const result = await generateHistoryRepo({
    commits: Number(values.commits),
    files: Number(values.files),
    dir: values.out,
  });
  process.stdout.write(
    `${JSON.stringify({ ...result, seconds: (Date.now() - started) / 1000 })}\n`,
  );
}
