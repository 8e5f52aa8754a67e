// Bundles the CLI and the pool's worker into dist/unsprawl.mjs and dist/worker.mjs. One file
// each: resolving and reading some eighty modules cost every run about 60 ms before it did any
// work, a third of a pre-commit hook's budget. The TypeScript parser stays outside, loaded only
// by the few files that need it.
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
  // The pool finds its worker beside the bundle instead of in dist/pool/.
  define: { UNSPRAWL_WORKER_FILE: JSON.stringify('./worker.mjs') },
};

await build({
  ...common,
  entryPoints: [join(root, 'src', 'cli', 'main.ts')],
  // esbuild keeps the entry's own #! line first.
  outfile: join(root, 'dist', 'unsprawl.mjs'),
});
await build({
  ...common,
  entryPoints: [join(root, 'src', 'pool', 'worker.ts')],
  outfile: join(root, 'dist', 'worker.mjs'),
});
