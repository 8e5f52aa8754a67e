// Bundles the CLI and the pool's worker into dist/cli.cjs and dist/worker.mjs, with the
// launcher dist/unsprawl.mjs. One file
// each: resolving and reading some eighty modules cost every run about 60 ms before it did any
// work, a third of a pre-commit hook's budget. The TypeScript parser stays outside, loaded only
// by the few files that need it.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
  // Loaded from node_modules, by the runs that need them: Piscina finds its own worker script
  // beside its module, and ajv (config checks) and simple-git (history) are imported on demand,
  // so carrying them in the bundle only made every start read more code.
  external: ['@typescript-eslint/typescript-estree', 'typescript', 'piscina', 'ajv', 'simple-git'],
  // Bundled CommonJS dependencies call require(); ESM has none of its own.
  banner: {
    js: [
      "import { createRequire as __unsprawlCreateRequire } from 'node:module';",
      'const require = __unsprawlCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  // The pool finds its worker beside the bundle instead of in dist/pool/, and the JS/TS detector
  // its parser.
  define: {
    UNSPRAWL_WORKER_FILE: JSON.stringify('./worker.mjs'),
    UNSPRAWL_PARSER_BUNDLE: JSON.stringify('./parser.cjs'),
  },
};

// The CLI itself is CommonJS, run by the launcher through V8's code cache (src/cli/launch.ts):
// node:vm compiles scripts with a cache, not ES modules. Dynamic imports become require(), which
// a script needs no loader hook for, and import.meta.url names the bundle.
const cli = await build({
  ...common,
  format: 'cjs',
  write: false,
  // Strict from the first line, as the ES modules it is built from were.
  banner: {
    js: `"use strict";\nconst __bundleUrl = require('node:url').pathToFileURL(__filename).href;`,
  },
  define: { ...common.define, 'import.meta.url': '__bundleUrl' },
  supported: { 'dynamic-import': false },
  entryPoints: [join(root, 'src', 'cli', 'main.ts')],
  outfile: join(root, 'dist', 'cli.cjs'),
});
// The launcher wraps the bundle in a function, where a #! line is a syntax error.
writeFileSync(join(root, 'dist', 'cli.cjs'), cli.outputFiles[0].text.replace(/^#!.*\n/, ''));
await build({
  ...common,
  entryPoints: [join(root, 'src', 'cli', 'launch.ts')],
  // esbuild keeps the entry's own #! line first.
  outfile: join(root, 'dist', 'unsprawl.mjs'),
});
await build({
  ...common,
  entryPoints: [join(root, 'src', 'pool', 'worker.ts')],
  outfile: join(root, 'dist', 'worker.mjs'),
});
// The TypeScript parser, loaded by the first JS/TS file a worker parses: one minified CommonJS
// file run with its own code cache loads in 90 ms, node_modules' 10 MB of modules in 250 ms.
// Keeping function names cost 60 ms of that; its trees were the same either way, on 2,489 files.
await build({
  ...common,
  format: 'cjs',
  banner: {},
  define: {},
  external: [],
  minify: true,
  stdin: {
    contents: "module.exports = require('@typescript-eslint/typescript-estree');",
    resolveDir: root,
    sourcefile: 'parser.cjs',
  },
  outfile: join(root, 'dist', 'parser.cjs'),
});
await import('./build-code-cache.mjs');
