import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers/cli.js';
import { sarifValidator } from './helpers/sarif-schema.js';
import { fakeGithubToken } from './helpers/tokens.js';

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

function git(repo: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_DATE: '2024-05-01T10:00:00Z',
      GIT_COMMITTER_DATE: '2024-05-01T10:00:00Z',
    },
  }).trim();
}

describe('GitHub Action', () => {
  it('has a committed bundle that matches the sources', () => {
    const check = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts', 'build-action.mjs'), '--check'],
      { encoding: 'utf8' },
    );
    expect(check.stderr + check.stdout).toContain('up to date');
    expect(check.status).toBe(0);
    expect(readFileSync(join(ROOT, 'action.yml'), 'utf8')).toMatch(
      /using: node24\s+main: dist-action\/index\.js/,
    );
  });

  it('scans the pull request range and writes SARIF, outputs, a summary and ranked annotations', () => {
    const repo = join(dir.path, 'repo');
    mkdirSync(repo);
    git(repo, ['init', '-q', '-b', 'main']);
    git(repo, ['config', 'user.email', 'dev@example.com']);
    git(repo, ['config', 'user.name', 'Dev']);
    git(repo, ['config', 'commit.gpgsign', 'false']);
    writeFileSync(join(repo, 'old.txt'), `token: ${fakeGithubToken(70)}\n`);
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-qm', 'base']);
    const base = git(repo, ['rev-parse', 'HEAD']);
    const lines = Array.from({ length: 12 }, (_, i) => `KEY_${i}=${fakeGithubToken(80 + i)}`);
    writeFileSync(join(repo, 'new.env'), `${lines.join('\n')}\n`);
    // The pull request tries to switch its own scan off; the policy comes from the base commit.
    writeFileSync(join(repo, '.unsprawl.yaml'), 'allowPaths: ["**"]\n');
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-qm', 'head']);
    const head = git(repo, ['rev-parse', 'HEAD']);

    const event = join(dir.path, 'event.json');
    writeFileSync(
      event,
      JSON.stringify({ pull_request: { base: { sha: base }, head: { sha: head } } }),
    );
    const output = join(dir.path, 'output.txt');
    const summary = join(dir.path, 'summary.md');
    writeFileSync(output, '');
    writeFileSync(summary, '');

    const run = spawnSync(process.execPath, [join(ROOT, 'dist-action', 'index.js')], {
      cwd: repo,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: dir.path,
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: event,
        GITHUB_WORKSPACE: repo,
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
        INPUT_PATH: '.',
        'INPUT_FAIL-ON': 'low',
      },
    });
    expect(run.stderr).toContain('adds a config the base branch does not have');
    expect(run.status).toBe(1);

    const outputs = readFileSync(output, 'utf8');
    const sarifPath = /^sarif-file=(.+)$/m.exec(outputs)![1]!;
    expect(outputs).toContain('findings=12');
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'));
    expect(sarifValidator()(sarif)).toEqual([]);
    const uris = sarif.runs[0].results.map(
      (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
        r.locations[0]!.physicalLocation.artifactLocation.uri,
    );
    expect(new Set(uris)).toEqual(new Set(['new.env']));

    const annotations = run.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations.filter((l) => /^::(error|warning|notice) file=/.test(l))).toHaveLength(10);
    expect(annotations.at(-1)).toMatch(/^::notice::2 more/);
    expect(run.stdout).not.toContain(fakeGithubToken(80));

    const markdown = readFileSync(summary, 'utf8');
    expect(markdown).toContain('| severity | finding | location | anti-patterns | fix |');
    expect(markdown).toContain('hardcoded-in-git');
    expect(markdown).not.toContain(fakeGithubToken(81));
  });
});

describe('GitHub Action paths', () => {
  it('reports paths relative to the workspace when it scans a subfolder, and refuses one outside', () => {
    const repo = join(dir.path, 'repo');
    mkdirSync(join(repo, 'services', 'api'), { recursive: true });
    git(repo, ['init', '-q', '-b', 'main']);
    writeFileSync(join(repo, 'services', 'api', 'app.env'), `TOKEN=${fakeGithubToken(90)}\n`);
    const env = {
      PATH: process.env.PATH,
      HOME: dir.path,
      GITHUB_WORKSPACE: repo,
      GITHUB_EVENT_NAME: 'push',
      INPUT_PATH: 'services',
      'INPUT_SARIF-FILE': join(dir.path, 'out.sarif'),
    };
    const run = spawnSync(process.execPath, [join(ROOT, 'dist-action', 'index.js')], {
      cwd: repo,
      encoding: 'utf8',
      env,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('file=services/api/app.env');
    const sarif = JSON.parse(readFileSync(join(dir.path, 'out.sarif'), 'utf8'));
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      'services/api/app.env',
    );

    const outside = spawnSync(process.execPath, [join(ROOT, 'dist-action', 'index.js')], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...env, INPUT_PATH: '../elsewhere' },
    });
    expect(outside.status).toBe(2);
    expect(outside.stdout).toMatch(/::error::.*outside the workspace/);
  });
});
