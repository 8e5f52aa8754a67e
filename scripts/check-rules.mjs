// Developer tool for rule authors: runs each rule's own examples, and optionally measures the
// pack against the peer corpus (../shared/corpus) for a set of kinds.
//
//   npm run build >/dev/null; node scripts/check-rules.mjs [rules/x.yaml ...] [--corpus] [--kinds a,b] [--show]
//
// --corpus    score the whole pack on corpus rows (all kinds, or only --kinds)
// --source S  only corpus rows of that source (gitleaks, noseyparker, secretlint, kingfisher)
// --redos     check each chosen rule's pattern for super-linear backtracking (recheck)
// --show      print every miss and false alarm with its text
// --noise DIR scan every text file under DIR (real code, assumed clean) and count hits per rule:
//             each hit there is a probable false alarm
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRuleFiles, ruleFilesIn, RULES_DIR, PACKAGE_ROOT } from '../dist/rules/load.js';
import { RuleEngine } from '../dist/detect/engine.js';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const files = args.filter(
  (a, i) => a.endsWith('.yaml') && !['--kinds', '--source'].includes(args[i - 1]),
);

// Load file by file, so one author's broken file does not stop another author's checks.
const loadEach = (list) =>
  list.flatMap((file) => {
    try {
      return loadRuleFiles([file]);
    } catch (error) {
      console.log(`BROKEN ${error.message}`);
      return [];
    }
  });
const all = loadEach(ruleFilesIn(RULES_DIR));
const chosen = files.length ? loadEach(files) : all;
const ids = new Map();
for (const rule of all) {
  if (ids.has(rule.id))
    console.log(`DUPLICATE id ${rule.id} in ${ids.get(rule.id)} and ${rule.family}`);
  ids.set(rule.id, rule.family);
}
let failures = 0;
for (const rule of chosen) {
  const engine = new RuleEngine([rule]);
  for (const example of rule.examples) {
    if (!engine.detect(example.text).some((c) => c.rule.id === rule.id)) {
      failures++;
      console.log(`FAIL ${rule.id}: positive example not found: ${JSON.stringify(example.text)}`);
    }
  }
  for (const example of rule.negatives) {
    if (engine.detect(example.text).some((c) => c.rule.id === rule.id)) {
      failures++;
      console.log(`FAIL ${rule.id}: negative example matched: ${JSON.stringify(example.text)}`);
    }
  }
}
if (flag('--redos')) {
  const { checkSync } = await import('recheck');
  for (const rule of chosen) {
    const result = checkSync(rule.pattern, rule.flags ?? '', { randomSeed: 20261204 });
    if (result.status !== 'safe') {
      failures++;
      console.log(
        `FAIL ${rule.id}: pattern is ${result.status} (${result.complexity?.type ?? result.error?.kind ?? ''})`,
      );
    }
  }
}
console.log(
  `${chosen.length} rules checked, ${failures} example failures (pack: ${all.length} rules)`,
);

if (flag('--corpus')) {
  const corpusFile = join(PACKAGE_ROOT, '..', 'shared', 'corpus', 'peer-examples.jsonl');
  if (!existsSync(corpusFile)) throw new Error(`no corpus at ${corpusFile}`);
  const kinds = value('--kinds')?.split(',');
  const source = value('--source');
  const engine = new RuleEngine(all);
  const rows = readFileSync(corpusFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const placeholder = /EXAMPLE|[xX]{6,}|\*{4,}|0{12,}/;
  const stats = {};
  for (const row of rows) {
    if (kinds && !kinds.includes(row.kind)) continue;
    if (source && row.source !== source) continue;
    const found = engine.detect(row.text.endsWith('\n') ? row.text : row.text + '\n');
    const s = (stats[row.source] ??= { tp: 0, fn: 0, fp: 0 });
    if (row.expect === 'detect') {
      if (placeholder.test(row.text)) continue;
      if (found.length) s.tp++;
      else {
        s.fn++;
        if (flag('--show'))
          console.log(`MISS ${row.id} [${row.kind}] ${JSON.stringify(row.text.slice(0, 200))}`);
      }
    } else if (row.scope === 'global' && found.length) {
      s.fp++;
      if (flag('--show')) {
        console.log(
          `FP ${row.id} by ${found.map((c) => c.rule.id).join(',')} ${JSON.stringify(row.text.slice(0, 200))}`,
        );
      }
    }
  }
  for (const [src, s] of Object.entries(stats)) {
    console.log(
      `${src}: recall ${(s.tp / Math.max(1, s.tp + s.fn)).toFixed(3)} (${s.tp}/${s.tp + s.fn}), global FPs ${s.fp}`,
    );
  }
}
const noiseDir = value('--noise');
if (noiseDir) {
  const { readdirSync, statSync } = await import('node:fs');
  const engine = new RuleEngine(all);
  const perRule = new Map();
  let files = 0;
  let bytes = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && statSync(path).size < 2_000_000) {
        const buffer = readFileSync(path);
        if (buffer.subarray(0, 8000).includes(0)) continue;
        files++;
        bytes += buffer.length;
        for (const c of engine.detect(buffer.toString('utf8'))) {
          const list = perRule.get(c.rule.id) ?? [];
          list.push(`${path}: ${c.secret.slice(0, 12)}…`);
          perRule.set(c.rule.id, list);
        }
      }
    }
  };
  walk(noiseDir);
  console.log(`noise: ${files} files, ${(bytes / 1e6).toFixed(1)} MB`);
  for (const [id, list] of [...perRule].sort((a, b) => b[1].length - a[1].length)) {
    console.log(
      `  ${id}: ${list.length}${flag('--show') ? '\n    ' + list.slice(0, 5).join('\n    ') : ''}`,
    );
  }
}
process.exit(failures ? 1 : 0);
