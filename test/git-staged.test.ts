import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanStaged } from '../src/pipeline/scan-git.js';
import { toSarif } from '../src/report/sarif.js';
import { runCli, tempDir } from './helpers/cli.js';
import { initRepo, request, type TestRepo } from './helpers/git-repo.js';
import { fakeGithubToken } from './helpers/tokens.js';

const committed = fakeGithubToken(21);
const staged = fakeGithubToken(22);
const unstaged = fakeGithubToken(23);
const firstCommit = fakeGithubToken(24);

let tmp: { path: string; cleanup: () => void };
let repo: TestRepo;

beforeAll(() => {
  tmp = tempDir();
  repo = initRepo(join(tmp.path, 'repo'));
  repo.write('settings.py', `DEBUG = False\nTOKEN = "${committed}"\n`);
  repo.write('docs/readme.md', 'hello\n');
  repo.commit('base', 0);
  // Staged: a new line in a file that already holds a committed secret, and a new file.
  repo.write('settings.py', `DEBUG = False\nTOKEN = "${committed}"\nNAME = "app"\n`);
  repo.write('new dir/creds.env', `GITHUB_TOKEN=${staged}\n`);
  repo.git('add', 'settings.py', 'new dir/creds.env');
  // Unstaged: edits to the working copy after staging, which a commit would not include.
  repo.write(
    'settings.py',
    `DEBUG = False\nTOKEN = "${committed}"\nNAME = "app"\nX = "${unstaged}"\n`,
  );
  repo.write('docs/readme.md', `hello ${unstaged}\n`);
});

afterAll(() => tmp.cleanup());

describe('scan --staged', () => {
  it('reports secrets on staged added lines only', async () => {
    const result = await scanStaged(request(repo.dir));
    expect(result.findings.map((f) => [f.path, f.line])).toEqual([['new dir/creds.env', 1]]);
    expect(result.findings[0]!.history).toBeUndefined();
    // settings.py's HEAD version is read to compare against, not scanned for the commit.
    expect(result.summary.files).toBe(2);
  });

  it('exits 1 from the CLI, run from a subfolder, and never prints the unstaged secret', () => {
    const run = runCli(['scan', '--staged', '--format', 'json', 'docs'], { cwd: repo.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('new dir/creds.env');
    expect(run.stdout).not.toContain('settings.py');
    expect(run.stdout).not.toContain('readme.md');
    // About to be committed, and new: hardcoded in git, never unrotated.
    const [finding] = JSON.parse(run.stdout).findings;
    expect(finding.antiPatterns).toContain('hardcoded-in-git');
    expect(finding.antiPatterns).toContain('env-file-committed');
    expect(finding.antiPatterns).not.toContain('unrotated');
  });

  it('names paths from the top even when the user config makes diffs relative', () => {
    repo.git('config', 'diff.relative', 'true');
    try {
      const run = runCli(['scan', '--staged', '--format', 'json', 'docs'], { cwd: repo.dir });
      expect(run.code).toBe(1);
      const [finding] = JSON.parse(run.stdout).findings;
      expect(finding.path).toBe('new dir/creds.env');
    } finally {
      repo.git('config', '--unset', 'diff.relative');
    }
  });

  it('works before the first commit', async () => {
    const fresh = initRepo(join(tmp.path, 'fresh'));
    fresh.write('init.sh', `export GH=${firstCommit}\n`);
    fresh.git('add', 'init.sh');
    const result = await scanStaged(request(fresh.dir));
    expect(result.findings.map((f) => f.path)).toEqual(['init.sh']);
  });

  it('names a staged file whose name is not UTF-8 with \\x escapes', async () => {
    const odd = initRepo(join(tmp.path, 'odd'));
    odd.write(Buffer.from('r\xe9sum\xe9\nline.txt', 'latin1'), `GH=${firstCommit}\n`);
    odd.git('add', '-A');
    const result = await scanStaged(request(odd.dir));
    expect(result.findings.map((f) => f.path)).toEqual(['r\\xE9sum\\xE9\nline.txt']);
    expect(result.notices.map((n) => n.reason)).toContain('non-utf8-path');
    const location = toSarif(result).runs[0]!.results![0]!.locations![0]!.physicalLocation!;
    expect(location.artifactLocation!.uri).toBe('r%E9sum%E9%0Aline.txt');
  });

  it('is clean when nothing staged adds a secret', async () => {
    const clean = initRepo(join(tmp.path, 'clean'));
    clean.write('a.txt', `${committed}\n`);
    clean.commit('a', 0);
    clean.write('a.txt', `${committed}\nmore\n`);
    clean.git('add', 'a.txt');
    const run = runCli(['scan', '--staged', clean.dir, '-q']);
    expect(run.code).toBe(0);
  });

  it('does not blame a change that only touches a line holding an old secret', async () => {
    const r = initRepo(join(tmp.path, 'touched'));
    const old = fakeGithubToken(41);
    r.write('b.txt', `first\ntoken = ${old}\nlast\n`);
    r.commit('b', 0);
    // New line endings and a moved line: the secret was there before this change.
    r.write('b.txt', `token = ${old}\r\nfirst\r\nlast\r\n`);
    r.git('add', 'b.txt');
    expect((await scanStaged(request(r.dir))).findings).toEqual([]);

    const added = fakeGithubToken(42);
    r.write('b.txt', `token = ${old}\r\nfirst\r\nnew = ${added}\r\nlast\r\n`);
    r.git('add', 'b.txt');
    const { findings } = await scanStaged(request(r.dir));
    expect(findings.map((f) => [f.path, f.line])).toEqual([['b.txt', 3]]);
  });
});
