/**
 * The command line as scripts and people meet it: how much -q and --verbose say, and how usage
 * problems are reported.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir, type CliRun } from './helpers/cli.js';
import { fakeGithubToken } from './helpers/tokens.js';

const token = fakeGithubToken(31);
const APP = `const a = 1;\nconst token = "${token}";\n`;
const ALLOWED = `${token} // unsprawl:allow fixture\n`;
/** What the two text files hold: the summary line's byte count. */
const BYTES = APP.length + ALLOWED.length;
let dir: { path: string; cleanup: () => void };

beforeAll(() => {
  dir = tempDir();
  mkdirSync(join(dir.path, 'src'));
  writeFileSync(join(dir.path, 'src', 'app.js'), APP);
  writeFileSync(join(dir.path, 'src', 'allowed.txt'), ALLOWED);
  writeFileSync(join(dir.path, 'image.bin'), Buffer.from([0, 1, 2, 0, 3]));
  symlinkSync(join(dir.path, 'src', 'app.js'), join(dir.path, 'link.js'));
});

afterAll(() => dir.cleanup());

/** The run's duration is the one field that differs between two scans of the same tree. */
const withoutTimes = (text: string) => text.replace(/"seconds": [\d.e-]+/g, '"seconds": 0');

describe('-q and --verbose', () => {
  it('-q prints only the findings and a one-line total', () => {
    const run = runCli(['scan', dir.path, '-q', '--target', 'vault']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        'src/app.js',
        '  2:16      error   GitHub personal access token (classic)  ghp_…(40 chars)  github-classic-pat',
        '            anti-patterns: static-long-lived',
        '',
        '✖ 1 finding in 1 file (1 high, 0 medium, 0 low confidence)',
        '',
      ].join('\n'),
    );
    expect(run.stderr).toBe('');
  });

  it('-q prints nothing on a clean tree', () => {
    const run = runCli(['scan', join(dir.path, 'image.bin'), '--quiet']);
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('-q still names a skipped file on stderr: a skip is never silent', () => {
    const run = runCli(['scan', dir.path, '-q', '--max-file-size', '10']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `unsprawl: warn: src/allowed.txt: skipped (too-large: ${ALLOWED.length} bytes)\n` +
        `unsprawl: warn: src/app.js: skipped (too-large: ${APP.length} bytes)\n`,
    );
  });

  it('the default report adds the fix, the suppressed count and the summary line', () => {
    const run = runCli(['scan', dir.path, '--target', 'vault']);
    const lines = run.stdout.split('\n');
    expect(run.stdout).toMatch(/^ {12}fix \(vault\): read GITHUB_PAT from the environment/m);
    expect(lines).toContain('1 suppressed (baseline or allow comment)');
    expect(lines.at(-2)).toMatch(
      new RegExp(
        `^scanned 2 files, ${BYTES} B in [\\d.]+ s \\([^)]*\\); skipped: 1 binary, 1 symlink$`,
      ),
    );
    expect(run.stdout).not.toContain('skipped or noted:');
  });

  it('--verbose lists suppressed findings, skipped files, rule and thread counts', () => {
    const rules = JSON.parse(runCli(['rules', '--format', 'json']).stdout).length;
    const run = runCli(['scan', dir.path, '--verbose', '--target', 'vault']);
    expect(run.code).toBe(1);
    const tail = run.stdout.slice(run.stdout.indexOf('1 suppressed')).split('\n');
    expect(tail.slice(0, 5)).toEqual([
      '1 suppressed (baseline or allow comment)',
      '  src/allowed.txt:1:1  github-classic-pat  (allow comment)',
      'skipped or noted:',
      '  image.bin: skipped (binary)',
      '  link.js: skipped (symlink)',
    ]);
    expect(tail[5]).toMatch(
      new RegExp(
        `^scanned 2 files, ${BYTES} B in [\\d.]+ s \\([^)]*\\) with ${rules} rules ` +
          'in the main thread; skipped: 1 binary, 1 symlink$',
      ),
    );
  });

  it('keeps JSON, SARIF and GitHub output byte-identical whatever -q or --verbose say', () => {
    for (const format of ['json', 'sarif', 'github']) {
      const outputs = [[], ['-q'], ['--verbose'], ['--debug']].map(
        (flags) => runCli(['scan', dir.path, '--format', format, ...flags]).stdout,
      );
      expect(outputs[0]!.length).toBeGreaterThan(0);
      for (const output of outputs.slice(1))
        expect(withoutTimes(output)).toBe(withoutTimes(outputs[0]!));
    }
  });

  it('machine formats put the summary on stderr with --verbose only', () => {
    const plain = runCli(['scan', dir.path, '--format', 'json']);
    expect(plain.stderr).toBe('');
    const verbose = runCli(['scan', dir.path, '--format', 'json', '--verbose']);
    expect(verbose.stderr).toMatch(
      new RegExp(`^unsprawl: scanned 2 files, ${BYTES} B .* rules in the main thread`),
    );
  });
});

/** Runs the CLI from a folder the shell deletes first, as a user in a removed checkout would. */
function runInDeletedFolder(folder: string, args: string[]): CliRun {
  mkdirSync(folder);
  const script = 'cd "$1" && rmdir "$1" && shift && exec "$@"';
  const result = spawnSync('sh', ['-c', script, 'sh', folder, process.execPath, CLI, ...args], {
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

describe('a working folder that was deleted', () => {
  it.each([
    'scan',
    'scan --history',
    'scan <tree> --format json',
    'baseline <tree> -o -',
    'fix <tree> --dry-run',
    'hook install',
    // No cwd call of ours: path.resolve makes it, and the same guard answers.
    'rules -o rules.json',
  ])('unsprawl %s says so and exits 2', (line) => {
    const folder = join(realpathSync(dir.path), `gone-${line.replace(/\W/g, '')}`);
    const args = line.split(' ').map((arg) => (arg === '<tree>' ? dir.path : arg));
    const run = runInDeletedFolder(folder, args);
    const which = existsSync('/proc/self/cwd')
      ? `${folder} was deleted`
      : 'it was deleted or moved';
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: `unsprawl: error: the current folder no longer exists (${which}); cd into one that does\n`,
    });
  });

  it('does not stop what needs no folder', () => {
    const run = runInDeletedFolder(join(dir.path, 'gone-rules'), ['rules', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).length).toBeGreaterThan(0);
  });
});
