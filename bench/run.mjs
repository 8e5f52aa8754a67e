#!/usr/bin/env node
/**
 * `npm run bench`: the workloads of the performance issue, each timed as a separate process under
 * /usr/bin/time (wall, user+system CPU, peak RSS), median of several runs. Inputs are generated
 * or installed once under /tmp/unsprawl-bench-cache (UNSPRAWL_BENCH_CACHE) and reused.
 *
 *   npm run bench                      # everything (the npm install the first time takes minutes)
 *   npm run bench -- --quick           # a fast subset at small sizes
 *   npm run bench -- --only staged,history --runs 5
 *
 * Never part of `npm test`. Figures on a shared machine are noisy: read CPU time next to wall.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateTree } from './gen-tree.mjs';
import { CACHE, npmTree } from './npm-tree.mjs';
import { stagedRepo } from './staged-repo.mjs';
import { deepTreeDir, manyPatternsDir, worstCaseDir } from './worst-case.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/unsprawl.mjs');
const RULES = join(ROOT, 'dist/rules.json');
const TIME = '/usr/bin/time';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    only: { type: 'string' },
    json: { type: 'string' },
  },
});
const quick = values.quick;
const runs = Number(values.runs ?? (quick ? 1 : 3));
const only = values.only ? new Set(values.only.split(',')) : undefined;
const cores = availableParallelism();
const hasTime = existsSync(TIME);
const onPath = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

if (!existsSync(CLI) || !existsSync(RULES)) {
  console.error('bench: run `npm run build` first (dist/ is missing)');
  process.exit(2);
}

const median = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** One timed process: wall and CPU seconds, peak RSS in MB, and the JSON summary it printed. */
function timeOnce(command, args, cwd = ROOT) {
  const started = process.hrtime.bigint();
  const child = hasTime
    ? spawnSync(TIME, ['-f', 'BENCH %e %U %S %M', command, ...args], { cwd, maxBuffer: 1 << 30 })
    : spawnSync(command, args, { cwd, maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const stderr = child.stderr.toString();
  const timing = stderr.match(/^BENCH ([\d.]+) ([\d.]+) ([\d.]+) (\d+)$/m);
  if (child.status !== 0 && child.status !== 1) {
    throw new Error(`${command} ${args.join(' ')} exited ${child.status}: ${stderr.slice(-500)}`);
  }
  let summary;
  const out = child.stdout.toString();
  try {
    summary = JSON.parse(out).summary;
  } catch {
    summary = undefined;
  }
  return {
    wall: timing ? Number(timing[1]) : wall,
    cpu: timing ? Number(timing[2]) + Number(timing[3]) : NaN,
    rssMb: timing ? Number(timing[4]) / 1024 : NaN,
    summary,
  };
}

function measure(command, args, { cwd, times = runs } = {}) {
  const samples = Array.from({ length: times }, () => timeOnce(command, args, cwd));
  const last = samples.at(-1);
  return {
    wall: median(samples.map((s) => s.wall)),
    cpu: median(samples.map((s) => s.cpu)),
    rssMb: Math.max(...samples.map((s) => s.rssMb)),
    files: last.summary?.files,
    bytes: last.summary?.bytes,
    findings: last.summary?.findings,
    threads: last.summary?.threads,
    runs: times,
  };
}

const scan = (args, options) =>
  measure(process.execPath, [CLI, 'scan', ...args, '--format', 'json', '-q'], options);

const rows = [];
function report(workload, threads, m, extra = {}) {
  const mb = m.bytes ? m.bytes / 1024 / 1024 : undefined;
  const row = {
    workload,
    threads,
    wall: m.wall,
    cpu: m.cpu,
    rssMb: m.rssMb,
    files: m.files,
    mb,
    mbPerS: mb !== undefined ? mb / m.wall : undefined,
    filesPerS: m.files !== undefined ? m.files / m.wall : undefined,
    findings: m.findings,
    ...extra,
  };
  rows.push(row);
  const f = (n, d = 1) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(d));
  console.log(
    `${workload.padEnd(28)} ${String(threads).padStart(3)}  ${f(row.mbPerS).padStart(7)} MB/s ` +
      `${f(row.filesPerS, 0).padStart(7)} files/s  wall ${f(m.wall, 2).padStart(6)} s  ` +
      `cpu ${f(m.cpu, 2).padStart(6)} s  rss ${f(m.rssMb, 0).padStart(4)} MB  ` +
      `${f(mb)} MB ${m.files ?? '-'} files ${m.findings ?? '-'} findings` +
      Object.entries(extra)
        .map(([k, v]) => `  ${k} ${typeof v === 'number' ? v.toFixed(2) : v}`)
        .join(''),
  );
  return row;
}

const wants = (name) => !only || only.has(name);

/**
 * Bytes in the tree's regular files, read or not (over the size limit, binary): the issue puts
 * its MB/s target on the tree as installed ("about 600 MB ... 150 MB/s, 4 s or less").
 */
function treeBytes(dir) {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) bytes += treeBytes(path);
    else if (entry.isFile()) bytes += lstatSync(path).size;
  }
  return bytes;
}

/** ripgrep with every rule keyword: the floor for a scan that reads every byte. */
function ripgrep(dir) {
  const rules = JSON.parse(
    execFileSync(process.execPath, [
      '-e',
      `process.stdout.write(require('fs').readFileSync(${JSON.stringify(RULES)}))`,
    ]),
  );
  const keywords = join(CACHE, 'keywords.txt');
  writeFileSync(
    keywords,
    `${[...new Set(rules.flatMap((r) => r.keywords.map((k) => k.toLowerCase())))].join('\n')}\n`,
  );
  return measure('rg', ['--no-ignore', '--hidden', '-i', '-F', '-c', '-f', keywords, dir], {
    cwd: dir,
  });
}

function peers(label, dir, ours) {
  if (onPath('rg')) {
    const rg = ripgrep(dir);
    report(
      `${label} rg keywords`,
      '-',
      { ...rg, bytes: ours.bytes, files: ours.files },
      { ratio: ours.wall / rg.wall },
    );
  }
  if (onPath('gitleaks')) {
    const g = measure('gitleaks', ['dir', dir, '--no-banner', '--exit-code', '0']);
    report(`${label} gitleaks`, '-', { ...g, bytes: ours.bytes }, { ratio: g.wall / ours.wall });
  }
  if (onPath('secretlint')) {
    const s = measure('secretlint', ['**/*'], { cwd: dir });
    report(`${label} secretlint`, '-', { ...s, bytes: ours.bytes }, { ratio: s.wall / ours.wall });
  }
}

console.log(
  `unsprawl bench: ${cores} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GB, ` +
    `node ${process.version}, ${runs} run(s) per figure (median; rss = max)${quick ? ', quick' : ''}` +
    `${hasTime ? '' : ' — /usr/bin/time missing: no CPU or RSS figures'}`,
);
console.log(`${'workload'.padEnd(28)} thr`);

if (wants('npm') && !quick) {
  const dir = npmTree();
  // The packages' own nested node_modules are part of the workload: read every file.
  const treeMb = treeBytes(dir) / 1024 / 1024;
  const ofTree = (m) => ({ 'tree MB': treeMb, 'tree MB/s': treeMb / m.wall });
  const two = scan([dir, '--include-dependencies']);
  const all = report('1 npm packages', cores, two, ofTree(two));
  const one = scan([dir, '--include-dependencies', '--threads', '1']);
  report('1 npm packages', 1, one, ofTree(one));
  peers('1 npm packages', dir, all);
}

if (wants('generated')) {
  const sizes = quick ? [25, 100] : [125, 500];
  let big;
  for (const size of sizes) {
    const dir = generateTree(size);
    big = report(`2 generated ${size} MB`, cores, scan([dir]));
    if (size === sizes.at(-1)) {
      report(`2 generated ${size} MB`, 1, scan([dir, '--threads', '1']));
      peers(`2 generated ${size} MB`, dir, big);
    }
  }
}

if (wants('history')) {
  const commits = quick ? 1000 : 5000;
  // Two shapes (scripts/gen-history-repo.mjs): whole files rewritten in every commit, and the
  // small edits, lock-file bumps, merges, renames and reverts of a real repository.
  for (const shape of ['rewrites', 'edits']) {
    const dir = join(
      CACHE,
      shape === 'rewrites' ? `history-${commits}` : `history-${shape}-${commits}`,
    );
    if (!existsSync(join(dir, '.git', 'bench-complete'))) {
      execFileSync(
        process.execPath,
        [
          join(ROOT, 'scripts/gen-history-repo.mjs'),
          ...['--shape', shape, '--commits', String(commits), '--out', dir],
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      writeFileSync(join(dir, '.git', 'bench-complete'), 'ok\n');
    }
    const label = `3 history ${shape} ${commits}`;
    // The default: a history scan keeps a core for reading and comparing versions.
    const ours = scan(['--history', dir]);
    const row = report(label, ours.threads ?? cores, ours);
    console.log(
      `${''.padEnd(28)}      blobs/s ${(ours.files / ours.wall).toFixed(0)}  MB/s ${row.mbPerS?.toFixed(1)}`,
    );
    const other = ours.threads === 1 ? cores : 1;
    report(label, other, scan(['--history', dir, '--threads', String(other)]));
    const replay = measure(process.execPath, [join(ROOT, 'bench/replay-log-p.mjs'), dir]);
    report(`3 git log -p replay ${shape}`, cores, replay, { slowerBy: replay.wall / ours.wall });
  }
}

if (wants('staged')) {
  const dir = stagedRepo();
  const times = Math.max(runs, quick ? 3 : 7);
  report('4 staged 3 of 10,000 files', 'in', scan(['--staged', dir], { times }));
  report('5 staged, --threads 1', 1, scan(['--staged', dir, '--threads', '1'], { times }));
  report('  node start-up alone', '-', measure(process.execPath, ['-e', '0'], { times }));
}

if (wants('worst')) {
  const n = quick ? 256 * 1024 : 1024 * 1024;
  const small = scan([worstCaseDir(n, RULES), '--threads', '1']);
  const large = scan([worstCaseDir(4 * n, RULES), '--threads', '1']);
  report(`9 worst-case n=${n / 1024} KB x5`, 1, small);
  report(`9 worst-case 4n`, 1, large, {
    cpuRatio: large.cpu / small.cpu,
    wallRatio: large.wall / small.wall,
  });
  // Folder depth: each entry is judged against the .gitignore files above it.
  const depth = quick ? 100 : 200;
  const shallow = scan([deepTreeDir(depth), '--threads', '1']);
  const deep = scan([deepTreeDir(4 * depth), '--threads', '1']);
  report(`9 deep folders, ${depth} levels`, 1, shallow);
  report(`9 deep folders, ${4 * depth} levels`, 1, deep, {
    cpuRatio: deep.cpu / shallow.cpu,
    wallRatio: deep.wall / shallow.wall,
  });
  // A large .gitignore: each path is tried only against the patterns whose text it holds.
  const patterns = quick ? 5000 : 10000;
  const fewer = scan([manyPatternsDir(patterns), '--threads', '1']);
  const more = scan([manyPatternsDir(4 * patterns), '--threads', '1']);
  report(`9 .gitignore of ${patterns} patterns, 2,000 files`, 1, fewer);
  report(`9 .gitignore of ${4 * patterns} patterns`, 1, more, {
    cpuRatio: more.cpu / fewer.cpu,
    wallRatio: more.wall / fewer.wall,
  });
}

if (values.json)
  writeFileSync(values.json, `${JSON.stringify({ cores, runs, quick, rows }, null, 2)}\n`);
