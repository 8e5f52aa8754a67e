import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../src/findings/types.js';
import { scanHistory, scanRange, sinceForGit } from '../src/pipeline/scan-git.js';
import { runCli, tempDir } from './helpers/cli.js';
import { initRepo, request, type TestRepo } from './helpers/git-repo.js';
import { sarifValidator } from './helpers/sarif-schema.js';
import { fakeGithubToken } from './helpers/tokens.js';

const removed = fakeGithubToken(11);
const renamed = fakeGithubToken(12);
const side = fakeGithubToken(13);
const unmerged = fakeGithubToken(14);
const oddName = fakeGithubToken(15);
const edited = fakeGithubToken(16);
const moved = fakeGithubToken(17);

let tmp: { path: string; cleanup: () => void };
let repo: TestRepo;
const commits: Record<string, string> = {};

beforeAll(() => {
  tmp = tempDir();
  repo = initRepo(join(tmp.path, 'repo'));
  repo.write('config/old.env', `GITHUB_TOKEN=${removed}\n`);
  commits.added = repo.commit('add a token', 0);
  repo.git('rm', '-q', 'config/old.env');
  commits.removed = repo.commit('remove the token', 1);

  repo.write('a.txt', `token: ${renamed}\n`);
  commits.renamedFrom = repo.commit('a.txt', 2);
  repo.git('mv', 'a.txt', 'b c.txt');
  repo.commit('rename a.txt', 3);

  for (let i = 0; i < 5; i++) {
    repo.write('app.cfg', `${'# padding\n'.repeat(i)}token = ${edited}\nversion = ${i}\n`);
    const id = repo.commit(`app.cfg v${i}`, 4 + i);
    if (i === 0) commits.edited = id;
  }

  repo.write('old/keys.txt', `k=${moved}\n`);
  commits.moved = repo.commit('keys', 10);
  repo.git('rm', '-q', 'old/keys.txt');
  repo.write('new/keys.txt', `# moved\nkey=${moved}\n`);
  repo.commit('move keys', 11);

  repo.git('checkout', '-q', '-b', 'side');
  repo.write('side.txt', `side ${side}\n`);
  commits.side = repo.commit('side work', 12);
  repo.git('checkout', '-q', 'main');
  repo.write('main.txt', 'main work\n');
  repo.commit('main work', 13);
  repo.git('merge', '-q', '--no-ff', '--no-edit', 'side');

  repo.git('checkout', '-q', '-b', 'feature');
  repo.write('wip.txt', `wip ${unmerged}\n`);
  commits.unmerged = repo.commit('wip, never merged', 14);
  repo.git('checkout', '-q', 'main');

  repo.write(Buffer.from('caf\xe9 notes.txt', 'latin1'), `note ${oddName}\n`);
  commits.oddName = repo.commit('latin-1 file name', 15);
});

afterAll(() => tmp.cleanup());

function byLine(findings: Finding[], path: string): Finding[] {
  return findings.filter((f) => f.history?.path === path);
}

describe('scan --history', () => {
  it('finds every secret once, with the commit that introduced it', async () => {
    const result = await scanHistory(request(repo.dir));
    expect(result.root).toBe(repo.dir);
    const summary = result.findings.map((f) => [
      f.history?.path,
      f.history?.commit,
      f.history?.presentInHead,
    ]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['config/old.env', commits.added, false],
        ['a.txt', commits.renamedFrom, true],
        ['app.cfg', commits.edited, true],
        // Gone from old/keys.txt; new/keys.txt, which still holds it, is a finding of its own.
        ['old/keys.txt', commits.moved, false],
        ['side.txt', commits.side, true],
        ['wip.txt', commits.unmerged, false],
        ['caf\\xE9 notes.txt', commits.oddName, true],
      ]),
    );
    // app.cfg changed five times with the same token; new/keys.txt is a new place for `moved`.
    expect(byLine(result.findings, 'app.cfg')).toHaveLength(1);
    expect(byLine(result.findings, 'new/keys.txt')).toHaveLength(1);
    expect(result.findings).toHaveLength(8);
    const first = result.findings.find((f) => f.history?.path === 'config/old.env')!;
    expect(first.path).toBe('config/old.env');
    expect(first.history).toMatchObject({
      author: 'Ann Dev <ann@example.test>',
      date: '2024-01-01T12:00:00+00:00',
    });
    expect(result.notices.some((n) => n.reason === 'non-utf8-path')).toBe(true);
    // Noted, and scanned all the same: not counted as skipped.
    expect(result.summary.skipped['non-utf8-path']).toBeUndefined();
  });

  it('keeps to the commits after --since', async () => {
    const result = await scanHistory(request(repo.dir), { since: '2024-01-12T18:00:00Z' });
    const paths = result.findings.map((f) => f.history?.path).sort();
    expect(paths).toEqual(['caf\\xE9 notes.txt', 'side.txt', 'wip.txt']);
  });

  it('reads a --since day as from its midnight, whatever the time of day the scan runs', async () => {
    expect(sinceForGit('2024-01-12')).toBe('2024-01-12 00:00:00');
    expect(sinceForGit('2024-01-12 18:30')).toBe('2024-01-12 18:30');
    expect(sinceForGit('yesterday')).toBe('yesterday');
    expect(sinceForGit('2024/3/9')).toBe('2024-03-09 00:00:00');
    expect(sinceForGit('2024.03.09')).toBe('2024-03-09 00:00:00');
    expect(() => sinceForGit('2024-02-30')).toThrow(
      '--since: 2024-02-30 is not a day of the calendar',
    );
    // git fills a bare date with the current time of day; in UTC, "keys" was committed at noon
    // on 2024-01-11 and "move keys" at noon on 2024-01-12.
    const zone = process.env.TZ;
    process.env.TZ = 'UTC';
    try {
      const result = await scanHistory(request(repo.dir), { since: '2024-01-12' });
      const paths = result.findings.map((f) => f.history?.path).sort();
      expect(paths).toEqual(['caf\\xE9 notes.txt', 'new/keys.txt', 'side.txt', 'wip.txt']);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('--range reports only what those commits introduced', async () => {
    const result = await scanRange(request(repo.dir), `${commits.removed}..main`);
    const paths = result.findings.map((f) => f.history?.path).sort();
    expect(paths).toContain('a.txt');
    expect(paths).not.toContain('config/old.env');
    expect(paths).not.toContain('wip.txt');
    const pr = await scanRange(request(repo.dir), 'main..feature');
    expect(pr.findings.map((f) => f.history?.path)).toEqual(['wip.txt']);
  });

  it('--range does not blame a commit for a secret the file already held', async () => {
    const result = await scanRange(request(repo.dir), `${commits.edited}..main`);
    const paths = result.findings.map((f) => f.history?.path);
    expect(paths).not.toContain('app.cfg');
    expect(paths).toContain('side.txt');
  });

  it('rejects a --since that is not a date', async () => {
    await expect(scanHistory(request(repo.dir), { since: 'yesterdayish' })).rejects.toThrow(
      /--since/,
    );
  });

  it('takes the day names git reads, such as yesterday', async () => {
    // Every commit here is from 2024: none is newer than yesterday.
    for (const since of ['yesterday', 'today', 'now', '2 weeks ago']) {
      const result = await scanHistory(request(repo.dir), { since });
      expect(result.findings, since).toEqual([]);
    }
  });

  it('rejects a range that names no commit', async () => {
    await expect(scanRange(request(repo.dir), 'main..nope')).rejects.toThrow(/not a commit/);
    await expect(scanRange(request(repo.dir), 'main')).rejects.toThrow(/BASE\.\.HEAD/);
  });

  it('writes SARIF with the commit, author, date and presence in HEAD', () => {
    const run = runCli(['scan', '--history', repo.dir, '--format', 'sarif']);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain(removed);
    const log = JSON.parse(run.stdout) as {
      runs: Array<{ results: Array<Record<string, any>> }>;
    };
    const result = log.runs[0]!.results.find(
      (r) => r.locations[0].physicalLocation.artifactLocation.uri === 'config/old.env',
    )!;
    expect(result.properties).toMatchObject({
      commit: commits.added,
      author: 'Ann Dev <ann@example.test>',
      date: '2024-01-01T12:00:00+00:00',
      presentInHead: false,
    });
    expect(result.partialFingerprints.commitSha).toBe(commits.added);
  });

  it('gives a file name that is not UTF-8 its own bytes in SARIF URIs', () => {
    const run = runCli(['scan', '--history', repo.dir, '--format', 'sarif']);
    const log = JSON.parse(run.stdout);
    expect(sarifValidator()(log)).toEqual([]);
    const uris = log.runs[0].results.map(
      (r: Record<string, any>) => r.locations[0].physicalLocation.artifactLocation.uri,
    );
    expect(uris).toContain('caf%E9%20notes.txt');
    expect(uris.filter((uri: string) => uri.includes('\\'))).toEqual([]);
    const notice = log.runs[0].invocations[0].toolExecutionNotifications.find(
      (n: Record<string, any>) => n.descriptor.id === 'skip/non-utf8-path',
    );
    expect(notice.locations[0].physicalLocation.artifactLocation.uri).toBe('caf%E9%20notes.txt');
    // Where text is shown, the name stays readable.
    expect(notice.message.text).toMatch(/^caf\\xE9 notes\.txt: /);
  });

  it('says in text that a history-only secret must still be rotated', () => {
    const run = runCli(['scan', '--history', repo.dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/config\/old\.env @ [0-9a-f]{12}/);
    expect(run.stdout).toContain('rotate');
  });

  it('says in GitHub annotations which commit introduced a secret and that it left HEAD', () => {
    const run = runCli(['scan', '--history', repo.dir, '--format', 'github']);
    const annotation = run.stdout.split('\n').find((line) => line.includes('config/old.env'));
    expect(annotation).toContain(`in ${commits.added!.slice(0, 12)}`);
    expect(annotation).toContain('not in this file in HEAD');
  });
});

describe('scan --history attribution', () => {
  let dir: { path: string; cleanup: () => void };
  beforeAll(() => (dir = tempDir()));
  afterAll(() => dir.cleanup());
  const lines = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`).join('\n');

  it('blames the commit that added a secret, not a later one with the same time', async () => {
    const token = fakeGithubToken(31);
    const r = initRepo(join(dir.path, 'tie'));
    r.write('f.txt', `${lines(1, 9)}\ntoken = ${token}\n${lines(11, 20)}\n`);
    const added = r.commit('add', 0);
    r.write('f.txt', `${lines(2, 9)}\ntoken = ${token}\n${lines(11, 20)}\n`);
    r.commit('delete line 1, same second', 0);

    const { findings } = await scanHistory(request(r.dir));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.history).toMatchObject({
      commit: added,
      path: 'f.txt',
      presentInHead: true,
    });
    // Shown where it is today: line 9 of HEAD's f.txt.
    expect([findings[0]!.path, findings[0]!.line]).toEqual(['f.txt', 9]);
  });

  it('blames the commit that added a secret when a later commit carries an older date', async () => {
    const token = fakeGithubToken(35);
    const r = initRepo(join(dir.path, 'skew'));
    r.write('long.txt', `${lines(1, 300)}\n`);
    r.commit('long file', 6);
    r.write('long.txt', `${lines(1, 150)}\ntoken = ${token}\n${lines(152, 300)}\n`);
    const added = r.commit('add the token', 7);
    // Imported or rebased: the children's clocks say they came first.
    let text = `${lines(1, 150)}\ntoken = ${token}\n${lines(152, 300)}\n`;
    for (let i = 0; i < 3; i++) {
      text = `inserted ${i}\n${text}`;
      r.write('long.txt', text);
      r.commit(`insert a line on top, ${i}`, i);
    }

    const { findings } = await scanHistory(request(r.dir));
    expect(findings.map((f) => f.history?.commit)).toEqual([added]);
    const range = await scanRange(request(r.dir), 'HEAD~4..HEAD');
    expect(range.findings.map((f) => f.history?.commit)).toEqual([added]);
  });

  it('says a secret may still be in HEAD when HEAD holds its file in a form not scanned', async () => {
    const token = fakeGithubToken(36);
    const r = initRepo(join(dir.path, 'to-binary'));
    r.write('k.txt', `k = "${token}"\n`);
    const added = r.commit('text', 0);
    // Still there, now after NULs: the scan skips the file as binary.
    r.write('k.txt', `${'\0'.repeat(2000)} k=${token}`);
    r.commit('binary', 1);
    r.write('gone.txt', `token = ${fakeGithubToken(37)}\n`);
    r.commit('another', 2);
    r.git('rm', '-q', 'gone.txt');
    r.commit('remove it', 3);

    const { findings } = await scanHistory(request(r.dir));
    const history = Object.fromEntries(findings.map((f) => [f.path, f.history]));
    expect(history['k.txt']).toMatchObject({
      commit: added,
      presentInHead: null,
      headNotScanned: 'binary',
    });
    expect(history['k.txt']).not.toHaveProperty('headPath');
    expect(history['gone.txt']).toMatchObject({ presentInHead: false });
    expect(history['gone.txt']).not.toHaveProperty('headNotScanned');

    const text = runCli(['scan', '--history', r.dir]).stdout;
    expect(text).toContain("HEAD's version of this file was not scanned (binary)");

    // Renamed as it became binary: HEAD's file is named.
    const moved = initRepo(join(dir.path, 'to-binary-renamed'));
    const body = `k = "${token}"\n${lines(1, 60)}\n`;
    moved.write('old.txt', body);
    moved.commit('text', 0);
    moved.git('mv', 'old.txt', 'new.bin');
    // Similar enough for git to see a rename; one NUL makes it binary.
    moved.write('new.bin', `${body}\0`);
    moved.commit('rename, binary', 1);
    const renamed = (await scanHistory(request(moved.dir))).findings[0]!.history;
    expect(renamed).toMatchObject({
      path: 'old.txt',
      headNotScanned: 'binary',
      headPath: 'new.bin',
    });
    const sarif = JSON.parse(runCli(['scan', '--history', r.dir, '--format', 'sarif']).stdout);
    const props = sarif.runs[0].results.map((x: { properties: object }) => x.properties);
    expect(props).toContainEqual(
      expect.objectContaining({ presentInHead: null, headNotScanned: 'binary' }),
    );
  });

  it('does not blame a range for a secret its base held, after a rename or an undone change', async () => {
    const held = fakeGithubToken(38);
    const added = fakeGithubToken(39);
    const r = initRepo(join(dir.path, 'range-held'));
    r.write('a.txt', `${lines(1, 3)}\ntoken = ${held}\n${lines(5, 7)}\n`);
    const base = r.commit('base', 0);
    r.write('a.txt', `${lines(1, 3)}\ntoken = ${held}\n${lines(5, 8)}\n`);
    r.commit('edit', 1);
    r.git('mv', 'a.txt', 'b.txt');
    r.commit('rename', 2);
    r.write('b.txt', `${lines(1, 3)}\ntoken = ${held}\nfive\n${lines(6, 8)}\n`);
    r.commit('edit after the rename', 3);
    expect((await scanRange(request(r.dir), `${base}..HEAD`)).findings).toEqual([]);

    // A change undone: the file goes back to the base's very version.
    const before = `token = ${held}\nport = 1\n`;
    r.write('c.txt', before);
    const base2 = r.commit('c.txt', 4);
    r.write('c.txt', `${before}other = ${added}\n`);
    const addedIn = r.commit('add a second token', 5);
    r.write('c.txt', before);
    r.commit('take it out again', 6);
    const range = await scanRange(request(r.dir), `${base2}..HEAD`);
    expect(range.findings.map((f) => [f.path, f.line, f.history?.commit])).toEqual([
      ['c.txt', 3, addedIn],
    ]);
  });

  it('says a secret is not in HEAD when only another file there still holds it', async () => {
    const token = fakeGithubToken(40);
    const r = initRepo(join(dir.path, 'moved-away'));
    r.write('a.txt', `x = 1\ntoken = ${token}\n`);
    r.commit('add', 0);
    r.write('b.txt', `token = ${token}\n`);
    r.commit('copy', 1);
    r.write('a.txt', 'x = 1\n');
    r.commit('remove from a', 2);

    const { findings } = await scanHistory(request(r.dir));
    const present = Object.fromEntries(findings.map((f) => [f.path, f.history?.presentInHead]));
    expect(present).toEqual({ 'a.txt': false, 'b.txt': true });
  });

  it('follows a renamed file, and shows the secret at its line in HEAD', async () => {
    const token = fakeGithubToken(32);
    const r = initRepo(join(dir.path, 'rename'));
    r.write('orig.txt', `${lines(1, 149)}\ntoken = ${token}\n${lines(151, 200)}\n`);
    const added = r.commit('add', 0);
    r.git('mv', 'orig.txt', 'new.txt');
    r.commit('rename', 1);
    r.write('new.txt', `${lines(1, 15)}\n${lines(1, 149)}\ntoken = ${token}\n${lines(151, 200)}\n`);
    r.commit('insert fifteen lines on top', 2);

    const { findings } = await scanHistory(request(r.dir));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.history).toMatchObject({ commit: added, path: 'orig.txt' });
    expect([findings[0]!.path, findings[0]!.line]).toEqual(['new.txt', 165]);
  });

  it('reports a copy at another path as a second place, dated by the copy', async () => {
    const token = fakeGithubToken(33);
    const r = initRepo(join(dir.path, 'copy'));
    r.write('a.txt', `token = ${token}\n`);
    const added = r.commit('add', 0);
    r.write('svc/copy.txt', `token = ${token}\n`);
    const copied = r.commit('copy into a service', 1);

    const { findings } = await scanHistory(request(r.dir));
    const placed = findings.map((f) => [f.path, f.history?.commit]).sort();
    expect(placed).toEqual([
      ['a.txt', added],
      ['svc/copy.txt', copied],
    ]);
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(2);
  });

  it('shows a secret that left HEAD at its line in the commit that added it', async () => {
    const token = fakeGithubToken(34);
    const r = initRepo(join(dir.path, 'gone'));
    r.write('c.txt', `${lines(1, 40)}\ntoken = ${token}\n`);
    const added = r.commit('add', 0);
    r.write('c.txt', `${lines(1, 40)}\n`);
    r.commit('remove', 1);

    const { findings } = await scanHistory(request(r.dir));
    expect(findings.map((f) => [f.line, f.history?.commit, f.history?.presentInHead])).toEqual([
      [41, added, false],
    ]);
  });
});
