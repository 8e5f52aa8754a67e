/**
 * Worst-case inputs for issue 9's linear-time check: each file is built to make one part of the
 * scan work hardest (keyword floods, one endless encoded line, percent and escape seeds, open
 * quotes after secret names). The same shapes at n and 4n bytes: linear means about 4x the time.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE } from './npm-tree.mjs';

/**
 * The cache folder `name`, built by `fill` the first time (in a fake git repository when `repo`)
 * and reused while its `.complete` mark stands; a half-built one from a run that died is rebuilt.
 */
function cachedDir(name, fill, { repo = false } = {}) {
  const out = join(CACHE, name);
  if (existsSync(join(out, '.complete'))) return out;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(repo ? join(out, '.git') : out, { recursive: true });
  fill(out);
  writeFileSync(join(out, '.complete'), 'ok\n');
  return out;
}

function repeatTo(unit, bytes) {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

export function worstCaseDir(bytes, rulesFile) {
  return cachedDir(`worst-${bytes}`, (out) => writeShapes(out, bytes, rulesFile));
}

function writeShapes(out, bytes, rulesFile) {
  const rules = JSON.parse(readFileSync(rulesFile, 'utf8'));
  const keywords = [...new Set(rules.flatMap((rule) => rule.keywords))];
  const shapes = {
    // Every rule's keyword followed by an assignment that almost matches.
    'keywords.txt': keywords.map((k) => `${k}_value = "${k}${k}"\n`).join(''),
    // One line of base64-like characters: the decoders' and the entropy rules' longest run.
    'encoded.min.js': 'QWxhZGRpbjpvcGVuIHNlc2FtZQ',
    // Percent and escape seeds everywhere, no stop character.
    'seeds.txt': '%41a\\u0041b\\x41c',
    // Secret names with quotes that never close on the line.
    'open-quotes.py': 'password = "abc token: \'def secret=`ghi ',
    // Long lines of word characters after a keyword, no delimiter.
    'long-token.env': 'API_KEY=ghp_sk_live_AKIA',
  };
  for (const [name, unit] of Object.entries(shapes))
    writeFileSync(join(out, name), repeatTo(unit, bytes));
}

/**
 * A chain of `depth` nested folders, each with a file, a .gitignore every 50 levels, in a git
 * repository: the walk judges every entry against the rule files above it. Linear means about 4x
 * at four times the depth. (A .gitignore at every level costs more than that: each entry is
 * judged by every rule file above it, as git judges it, and the path grows with the depth.)
 */
export function deepTreeDir(depth) {
  const fill = (out) => {
    let dir = out;
    for (let level = 0; level < depth; level++) {
      // One-letter names: 800 levels stay within the 4,096-byte path limit.
      dir = join(dir, 'd');
      mkdirSync(dir);
      if (level % 50 === 0) writeFileSync(join(dir, '.gitignore'), '*.log\n!keep.log\n');
      writeFileSync(join(dir, 'f.env'), `LEVEL=${level}\n`);
    }
  };
  return cachedDir(`worst-deep-${depth}`, fill, { repo: true });
}

/**
 * A .gitignore of `patterns` lines (each with its own text, the shape of a generated ignore list,
 * 45,000 of which once took 53 s over 2,000 files) over 2,000 files in a git repository. Each
 * path is tried against only the patterns whose text it holds, so four times the patterns should
 * cost about the same, far from 4x.
 */
export function manyPatternsDir(patterns) {
  const fill = (out) => {
    const lines = Array.from({ length: patterns }, (_, i) => `p_${i}_*.tmp`);
    writeFileSync(join(out, '.gitignore'), `${lines.join('\n')}\n`);
    for (let folder = 0; folder < 20; folder++) {
      const dir = join(out, `src${folder}`);
      mkdirSync(dir);
      for (let file = 0; file < 100; file++) {
        writeFileSync(join(dir, `p_${file}_${folder}.tmp`), `N=${file}\n`);
      }
    }
  };
  return cachedDir(`worst-patterns-${patterns}`, fill, { repo: true });
}
