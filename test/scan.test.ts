import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.js';
import { initRepo } from './helpers/git-repo.js';
import { decodePath } from '../src/sources/git/paths.js';
import { pathToUri } from '../src/report/sarif.js';
import { sarifValidator } from './helpers/sarif-schema.js';
import { fakeGithubToken } from './helpers/tokens.js';

const token = fakeGithubToken(1);
const other = fakeGithubToken(2);
let dir: { path: string; cleanup: () => void };

beforeAll(() => {
  dir = tempDir();
  const root = dir.path;
  mkdirSync(join(root, 'src', 'nested'), { recursive: true });
  mkdirSync(join(root, 'ignored'), { recursive: true });
  writeFileSync(join(root, 'src', 'app.js'), `const a = 1;\nconst token = "${token}";\n`);
  writeFileSync(join(root, 'src', 'crlf.txt'), `first\r\nsecond\r\n  key: ${other}\r\n`);
  writeFileSync(join(root, 'src', 'bom.txt'), `\uFEFFGITHUB=${token}\n`);
  writeFileSync(join(root, 'src', 'with space #1.txt'), `x ${token}\n`);
  writeFileSync(join(root, '.gitignore'), 'ignored/\n*.log\n');
  writeFileSync(join(root, 'src', 'nested', '.gitignore'), 'secret.txt\n');
  writeFileSync(join(root, 'src', 'nested', 'secret.txt'), `${token}\n`);
  writeFileSync(join(root, 'src', 'nested', 'kept.txt'), 'nothing here\n');
  writeFileSync(join(root, 'ignored', 'a.txt'), `${token}\n`);
  writeFileSync(join(root, 'debug.log'), `${token}\n`);
  writeFileSync(
    join(root, 'image.bin'),
    Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(token)]),
  );
  writeFileSync(
    join(root, 'placeholder.env'),
    'GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n',
  );
  symlinkSync(join(root, 'src', 'app.js'), join(root, 'link.js'));
  // A 1 MB single line with the secret in the middle.
  const half = 'a'.repeat(512 * 1024);
  writeFileSync(join(root, 'minified.js'), `${half};t="${token}";${half}\n`);
});

afterAll(() => dir.cleanup());

describe('unsprawl scan (working tree)', () => {
  it('writes SARIF that validates against the 2.1.0 schema and never contains the secret', () => {
    const run = runCli(['scan', dir.path, '--format', 'sarif']);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain(token);
    expect(run.stdout).not.toContain(other);
    const log = JSON.parse(run.stdout);
    expect(sarifValidator()(log)).toEqual([]);

    const runObject = log.runs[0];
    expect(runObject.columnKind).toBe('utf16CodeUnits');
    const ids = runObject.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const result of runObject.results) {
      expect(runObject.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
      expect(result.partialFingerprints['unsprawl/v1']).toMatch(/^[0-9a-f]{32}$/);
      expect(result.locations[0].physicalLocation.artifactLocation.uri).not.toMatch(/^\//);
    }
    const rule = runObject.tool.driver.rules[0];
    expect(rule.help.markdown).toContain(rule.shortDescription.text);
    expect(Number(rule.properties['security-severity'])).toBeGreaterThan(0);
  });

  it('reports exact 1-based positions for LF, CRLF, BOM and a 1 MB line', () => {
    const run = runCli(['scan', dir.path, '--format', 'json']);
    const { findings, summary } = JSON.parse(run.stdout);
    const at = (path: string) => findings.filter((f: { path: string }) => f.path === path);

    expect(at('src/app.js')).toMatchObject([{ line: 2, column: 16, endLine: 2, endColumn: 56 }]);
    expect(at('src/crlf.txt')).toMatchObject([{ line: 3, column: 8, endColumn: 48 }]);
    expect(at('src/bom.txt')).toMatchObject([{ line: 1, column: 8, endColumn: 48 }]);
    expect(at('minified.js')).toMatchObject([{ line: 1, column: 512 * 1024 + 5 }]);
    expect(at('src/with space #1.txt')).toHaveLength(1);
    expect(summary.findings).toBe(findings.length);
  });

  it('honours nested .gitignore files and counts every skip by reason', () => {
    const run = runCli(['scan', dir.path, '--format', 'json']);
    const { findings, summary } = JSON.parse(run.stdout);
    const paths = findings.map((f: { path: string }) => f.path);
    expect(paths).not.toContain('src/nested/secret.txt');
    expect(paths).not.toContain('ignored/a.txt');
    expect(paths).not.toContain('debug.log');
    expect(paths).not.toContain('placeholder.env');
    expect(summary.skipped).toMatchObject({ binary: 1, symlink: 1 });
    expect(summary.skipped['ignored-by-gitignore']).toBeGreaterThanOrEqual(2);

    const all = JSON.parse(runCli(['scan', dir.path, '--format', 'json', '--no-gitignore']).stdout);
    const allPaths = all.findings.map((f: { path: string }) => f.path);
    expect(allPaths).toEqual(
      expect.arrayContaining(['src/nested/secret.txt', 'ignored/a.txt', 'debug.log']),
    );
  });

  it('filters with --include, --exclude and --max-file-size', () => {
    const only = JSON.parse(
      runCli(['scan', dir.path, '--format', 'json', '--include', 'src/**']).stdout,
    );
    expect(only.findings.every((f: { path: string }) => f.path.startsWith('src/'))).toBe(true);
    const without = JSON.parse(
      runCli(['scan', dir.path, '--format', 'json', '--exclude', '**/*.js']).stdout,
    );
    expect(without.findings.some((f: { path: string }) => f.path.endsWith('.js'))).toBe(false);
    const small = JSON.parse(
      runCli(['scan', dir.path, '--format', 'json', '--max-file-size', '100k']).stdout,
    );
    expect(small.summary.skipped['too-large']).toBe(1);
  });

  it('prints the secret only with --no-redact', () => {
    expect(runCli(['scan', dir.path]).stdout).not.toContain(token);
    expect(runCli(['scan', dir.path, '--no-redact']).stdout).toContain(token);
  });

  it('exits 0 on a clean tree, 1 on findings and 2 on usage errors', () => {
    expect(runCli(['scan', join(dir.path, 'src', 'nested', 'kept.txt')]).code).toBe(0);
    expect(runCli(['scan', dir.path]).code).toBe(1);
    expect(runCli(['scan', '--format', 'yaml', dir.path]).code).toBe(2);
    expect(runCli(['scan', '--threads', 'zero', dir.path]).code).toBe(2);
    expect(runCli(['scan', join(dir.path, 'missing')]).code).toBe(2);
    expect(runCli(['scan', '--no-such-flag']).code).toBe(2);
    // Past what one string can hold: said at once, not as a worker error on the big file.
    const huge = runCli(['scan', '--max-file-size', '1GB', dir.path]);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toContain('at most 256MB');
    expect(runCli(['--version']).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('SARIF artifact URIs', () => {
  it.each([
    // shown path, shown with escapes, URI
    ['src/app.js', false, 'src/app.js'],
    ['with space #1.txt', false, 'with%20space%20%231.txt'],
    ['100%.txt', false, '100%25.txt'],
    ['café/ü.txt', false, 'caf%C3%A9/%C3%BC.txt'],
    ['caf\\xE9.txt', true, 'caf%E9.txt'],
    // A valid name that spells an escape is that text, not a byte.
    ['caf\\xE9.txt', false, 'caf%5CxE9.txt'],
    ['a\\x5Cx41\\xFF', true, 'a%5Cx41%FF'],
  ])('%j (escaped: %s) is %j', (path, escaped, uri) => {
    expect(pathToUri(path, escaped)).toBe(uri);
  });

  it('shows a backslash in a name that is not UTF-8 escaped too, so the bytes come back', () => {
    const bytes = Buffer.concat([Buffer.from('a\\x41'), Buffer.from([0xff])]);
    expect(decodePath(bytes)).toEqual({ path: 'a\\x5Cx41\\xFF', escaped: true });
    expect(decodePath(Buffer.from('a\\x41'))).toEqual({ path: 'a\\x41', escaped: false });
  });

  it('percent-encodes the bytes of a working-tree name that is not UTF-8', () => {
    const tmp = tempDir();
    try {
      const name = Buffer.concat([
        Buffer.from('bad'),
        Buffer.from([0xff]),
        Buffer.from('\\x41.env'),
      ]);
      writeFileSync(Buffer.concat([Buffer.from(`${tmp.path}/`), name]), `TOKEN=${token}\n`);
      writeFileSync(join(tmp.path, 'plain.env'), `TOKEN=${other}\n`);
      const run = runCli(['scan', tmp.path, '--format', 'sarif']);
      const log = JSON.parse(run.stdout);
      expect(sarifValidator()(log)).toEqual([]);
      const uris = log.runs[0].results.map(
        (r: Record<string, any>) => r.locations[0].physicalLocation.artifactLocation.uri,
      );
      expect(uris.sort()).toEqual(['bad%FF%5Cx41.env', 'plain.env']);
      expect(runCli(['scan', tmp.path]).stdout).toContain('\nbad\\xFF\\x5Cx41.env\n');
    } finally {
      tmp.cleanup();
    }
  });
});

describe('what a working-tree scan reads', () => {
  it('scans files git tracks even when .gitignore matches them, inside pruned folders too', () => {
    const tmp = tempDir();
    try {
      const repo = initRepo(join(tmp.path, 'repo'));
      repo.write('.gitignore', '.env\ndist/\n');
      repo.write('.env', `GITHUB_TOKEN=${token}\n`);
      repo.write('dist/built.js', `export const t = "${other}";\n`);
      repo.git('add', '.gitignore');
      repo.git('add', '-f', '.env', 'dist/built.js');
      repo.commit('tracked despite .gitignore', 0, { all: false });
      repo.write('dist/untracked.js', `export const t = "${token}";\n`);
      const run = runCli(['scan', repo.dir, '--format', 'json']);
      const paths = JSON.parse(run.stdout).findings.map((f: { path: string }) => f.path);
      expect(paths.sort()).toEqual(['.env', 'dist/built.js']);
    } finally {
      tmp.cleanup();
    }
  });

  it('follows a symlink named on the command line, and no link inside it', () => {
    const tmp = tempDir();
    try {
      mkdirSync(join(tmp.path, 'real'));
      writeFileSync(join(tmp.path, 'real', 'a.env'), `TOKEN=${token}\n`);
      symlinkSync('real', join(tmp.path, 'link'));
      symlinkSync('a.env', join(tmp.path, 'real', 'alias.env'));
      const run = JSON.parse(runCli(['scan', join(tmp.path, 'link'), '--format', 'json']).stdout);
      expect(run.findings.map((f: { path: string }) => f.path)).toEqual(['a.env']);
      expect(run.summary.skipped).toEqual({ symlink: 1 });
    } finally {
      tmp.cleanup();
    }
  });

  it('skips node_modules folders, named in the summary, unless --include-dependencies', () => {
    const tmp = tempDir();
    try {
      mkdirSync(join(tmp.path, 'node_modules', 'pkg'), { recursive: true });
      mkdirSync(join(tmp.path, 'packages', 'api', 'node_modules', 'x'), { recursive: true });
      writeFileSync(join(tmp.path, 'node_modules', 'pkg', 'index.js'), `t = "${token}";\n`);
      writeFileSync(
        join(tmp.path, 'packages', 'api', 'node_modules', 'x', 'a.js'),
        `t = "${other}";\n`,
      );
      writeFileSync(join(tmp.path, 'packages', 'api', 'index.js'), 'export {};\n');
      const plain = JSON.parse(runCli(['scan', tmp.path, '--format', 'json']).stdout);
      expect(plain.findings).toEqual([]);
      expect(plain.summary.skipped).toEqual({ dependencies: 2 });
      const all = runCli(['scan', tmp.path, '--format', 'json', '--include-dependencies']);
      expect(JSON.parse(all.stdout).findings).toHaveLength(2);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('worker pool', () => {
  it('gives the same findings in the same order whatever the thread count', () => {
    const big = tempDir();
    try {
      for (let i = 0; i < 600; i++) {
        const body = i % 7 === 0 ? `k = "${fakeGithubToken(100 + i)}"\n` : `plain file ${i}\n`;
        mkdirSync(join(big.path, `d${i % 13}`), { recursive: true });
        writeFileSync(join(big.path, `d${i % 13}`, `f${i}.txt`), body.repeat(3));
      }
      const one = JSON.parse(
        runCli(['scan', big.path, '--format', 'json', '--threads', '1']).stdout,
      );
      const two = JSON.parse(
        runCli(['scan', big.path, '--format', 'json', '--threads', '2']).stdout,
      );
      expect(one.findings.length).toBe(86 * 3);
      expect(two.findings).toEqual(one.findings);
      expect(two.summary.threads).toBe(2);
    } finally {
      big.cleanup();
    }
  });
});
