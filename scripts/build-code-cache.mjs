// Makes the V8 code caches src/code-cache.ts hands to V8. dist/cli.cache: a warm-up `scan
// --staged` in a throwaway repository, so the cache holds the code a pre-commit hook runs.
// dist/parser.cache: the parser bundle parses a few files of each dialect, so the cache holds the
// functions a parse runs. dist/parser.tuned.cache: the same for pool workers, which run under
// src/v8-flags.ts's flags; V8 checks a cache against the flags, so this one is made by a second
// run of this script (`--tuned`) that sets them before anything of the parser is compiled.
// Without git the build goes on with no CLI cache, and the CLI compiles as usual.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCachedBundle } from '../dist/code-cache.js';
import { applyV8Flags } from '../dist/v8-flags.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

if (process.argv.includes('--tuned')) {
  applyV8Flags();
  makeParserCache(join(dist, 'parser.tuned.cache'));
} else {
  makeCliCache(join(dist, 'cli.cache'));
  makeParserCache(join(dist, 'parser.cache'));
  execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--tuned'], { stdio: 'inherit' });
}

function makeCliCache(cache) {
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
    const app = `export const region = "eu-west-1";\nconst k = "${fake}";\n`;
    writeFileSync(join(repo, 'app.js'), app);
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
}

// The project's own sources and tests are TypeScript; the JSX and plain JS dialects get a line
// each, so their paths through the scanner are compiled too.
function makeParserCache(parserCache) {
  rmSync(parserCache, { force: true });
  const parser = runCachedBundle(join(dist, 'parser.cjs'), parserCache);
  const { parse } = parser.exports;
  const src = join(dist, '..', 'src');
  for (const folder of ['detect', 'pipeline', 'cli']) {
    for (const name of readdirSync(join(src, folder)).filter((n) => n.endsWith('.ts'))) {
      parse(readFileSync(join(src, folder, name), 'utf8'), { range: true, jsx: false });
    }
  }
  parse('const App = () => <Login password="x" onSubmit={(e) => e.preventDefault()} />;\n', {
    range: true,
    jsx: true,
  });
  parse('module.exports = { apiKey: process.env.API_KEY ?? "", retries: 3 };\n', { range: true });
  writeFileSync(parserCache, parser.sealedCache());
}
