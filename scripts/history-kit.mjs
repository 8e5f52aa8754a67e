/**
 * What the history generators share: a seeded random source, fake tokens with valid checksums,
 * lines of plausible code, and one `git fast-import` stream per repository.
 */
import { execFileSync, spawn } from 'node:child_process';

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

/** A linear congruential generator: the same seed gives the same repository on every machine. */
export function lcg(seed) {
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

/** A GitHub-shaped token with a valid checksum; fake, made for these repositories. */
export function fakeToken(random) {
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

export function randomText(random, length, alphabet = ALNUM) {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

export function sourceLine(random, i) {
  const indent = '  '.repeat(Math.floor(random() * 3));
  const a = WORDS[Math.floor(random() * WORDS.length)];
  const b = WORDS[Math.floor(random() * WORDS.length)];
  return `${indent}${a} ${b}${i} = ${b}(${Math.floor(random() * 1e6)}); // ${a} ${b}`;
}

export function sourceFile(random, lines) {
  let out = '';
  for (let i = 0; i < lines; i++) out += `${sourceLine(random, i)}\n`;
  return out;
}

/**
 * A `git fast-import` writer for a new repository at `dir`: `write` queues commands (flushed in
 * 1 MB pieces), `done` ends the stream and checks out `branch`.
 */
export function fastImport(dir, branch = 'main') {
  execFileSync('git', ['init', '-q', '-b', branch, dir]);
  const child = spawn('git', ['fast-import', '--quiet', '--done'], {
    cwd: dir,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const exited = new Promise((ok, fail) =>
    child.on('close', (code) =>
      code === 0 ? ok() : fail(new Error(`fast-import exited ${code}`)),
    ),
  );
  const chunks = [];
  let pendingBytes = 0;
  const flush = async () => {
    const text = chunks.join('');
    chunks.length = 0;
    pendingBytes = 0;
    if (!child.stdin.write(text)) await new Promise((ok) => child.stdin.once('drain', ok));
  };
  return {
    async write(text) {
      chunks.push(text);
      pendingBytes += text.length;
      if (pendingBytes > 1 << 20) await flush();
    },
    async done() {
      chunks.push('done\n');
      await flush();
      child.stdin.end();
      await exited;
      execFileSync('git', ['reset', '-q', '--hard', branch], { cwd: dir });
    },
  };
}

export const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;

export function signature(name, email, when) {
  return `author ${name} <${email}> ${when} +0000\ncommitter ${name} <${email}> ${when} +0000\n`;
}

/** Every blob in the repository (fast-import writes no garbage, so all are reachable). */
export function countBlobs(dir) {
  const listing = execFileSync(
    'git',
    ['cat-file', '--batch-all-objects', '--batch-check=%(objecttype)'],
    { cwd: dir, maxBuffer: 1 << 28 },
  ).toString();
  return listing.split('\n').filter((type) => type === 'blob').length;
}

/** A branch off commit mark `from` that is never merged, holding one token (in wip/creds.txt). */
export async function unmergedBranch(stream, random, { mark, from, when }) {
  await stream.write(
    `commit refs/heads/unmerged\nmark :${mark}\n` +
      signature('Dev X', 'x@example.test', when) +
      data('wip') +
      `from :${from}\n` +
      `M 100644 inline wip/creds.txt\n${data(`token ${fakeToken(random)}\n`)}`,
  );
}
