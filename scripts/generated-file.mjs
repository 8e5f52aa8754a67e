// Generated files that are committed (the Action bundle, docs/rules.md): write them, or with
// `--check` fail when the committed copy differs from what the sources give today.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';

export function writeOrCheck(path, content, regenerate) {
  const name = relative(process.cwd(), path) || path;
  if (!process.argv.includes('--check')) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    console.log(`wrote ${name} (${(content.length / 1024).toFixed(0)} KB)`);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (committed !== content) {
    console.error(`${name} is stale: run \`${regenerate}\` and commit it`);
    process.exit(1);
  }
  console.log(`${name} is up to date`);
}
