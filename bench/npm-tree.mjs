/**
 * Workload 1: real third-party code. The fixed package list is installed once with
 * --ignore-scripts into a cached temp folder, then moved out of node_modules so that the scan's
 * gitignore handling and any node_modules defaults cannot shrink the tree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Fixed by the performance issue; exact majors so the tree stays comparable between runs. */
export const PACKAGES = [
  'typescript@5',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-kms',
  '@aws-sdk/client-secrets-manager',
  'googleapis',
  'eslint@9',
  'vitest@3',
  '@babel/core',
  '@babel/preset-env',
  'webpack',
  'rxjs',
  'lodash',
  'moment',
  'aws-cdk-lib',
  'prettier',
  'esbuild',
];

export const CACHE = process.env.UNSPRAWL_BENCH_CACHE ?? '/tmp/unsprawl-bench-cache';

/** The folder to scan; installs on first use (a few minutes), then reuses it. */
export function npmTree(log = console.error) {
  const tree = join(CACHE, 'npm-tree');
  if (existsSync(join(tree, '.complete'))) return tree;
  const work = join(CACHE, 'npm-install');
  rmSync(work, { recursive: true, force: true });
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'package.json'), '{"name":"unsprawl-bench-tree","private":true}\n');
  log(`bench: installing ${PACKAGES.length} npm packages into ${work} (once)`);
  execFileSync(
    'npm',
    [
      'install',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--silent',
      '--no-package-lock',
      ...PACKAGES,
    ],
    { cwd: work, stdio: 'inherit' },
  );
  renameSync(join(work, 'node_modules'), tree);
  rmSync(work, { recursive: true, force: true });
  writeFileSync(join(tree, '.complete'), `${PACKAGES.join('\n')}\n`);
  return tree;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(npmTree());
