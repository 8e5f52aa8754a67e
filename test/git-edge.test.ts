import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanHistory } from '../src/pipeline/scan-git.js';
import {
  NotARepositoryError,
  openRepository,
  openRepositoryQuick,
} from '../src/sources/git/repo.js';
import { runCli, tempDir } from './helpers/cli.js';
import { GIT_ENV, initRepo, request, type TestRepo } from './helpers/git-repo.js';
import { fakeGithubToken } from './helpers/tokens.js';
import { execFileSync } from 'node:child_process';

const early = fakeGithubToken(31);
const boundary = fakeGithubToken(32);
const late = fakeGithubToken(33);

let tmp: { path: string; cleanup: () => void };
let origin: TestRepo;
const ids: string[] = [];

beforeAll(() => {
  tmp = tempDir();
  origin = initRepo(join(tmp.path, 'origin'));
  origin.write('one.txt', `${early}\n`);
  ids.push(origin.commit('one', 0));
  origin.git('rm', '-q', 'one.txt');
  origin.write('two.txt', `${boundary}\n`);
  ids.push(origin.commit('two', 1));
  origin.write('three.txt', `${late}\n`);
  ids.push(origin.commit('three', 2));
});

afterAll(() => tmp.cleanup());

describe('git edge cases', () => {
  it('says where a shallow clone is cut and scans the boundary tree whole', async () => {
    const clone = join(tmp.path, 'shallow');
    execFileSync('git', ['clone', '-q', '--depth', '2', `file://${origin.dir}`, clone], {
      env: GIT_ENV,
    });
    const result = await scanHistory(request(clone));
    const cut = result.notices.find((n) => n.reason === 'shallow-clone');
    expect(cut?.message).toContain(ids[1]);
    expect(cut?.level).toBe('warning');
    const found = result.findings.map((f) => [f.path, f.history?.commit]);
    expect(found).toEqual([
      ['three.txt', ids[2]],
      ['two.txt', ids[1]],
    ]);
  });

  it('warns about an empty repository instead of a silent clean result', () => {
    const empty = initRepo(join(tmp.path, 'empty'));
    const run = runCli(['scan', '--history', empty.dir, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/no commits/);
    expect(run.stdout).toContain('empty-history');
  });

  it('refuses a path that is not a repository with exit code 2', () => {
    const plain = join(tmp.path, 'plain');
    execFileSync('mkdir', ['-p', plain]);
    const run = runCli(['scan', '--history', plain], {
      env: { GIT_CEILING_DIRECTORIES: tmp.path },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not in a git repository/);
    expect(
      runCli(['scan', '--staged', plain], { env: { GIT_CEILING_DIRECTORIES: tmp.path } }).code,
    ).toBe(2);
  });

  it('scans all refs on a detached HEAD and notes it', async () => {
    const detached = join(tmp.path, 'detached');
    execFileSync('git', ['clone', '-q', `file://${origin.dir}`, detached], { env: GIT_ENV });
    execFileSync('git', ['checkout', '-q', '--detach', ids[1]!], { cwd: detached, env: GIT_ENV });
    const result = await scanHistory(request(detached));
    expect(result.notices.some((n) => n.reason === 'detached-head')).toBe(true);
    expect(result.findings).toHaveLength(3);
    const three = result.findings.find((f) => f.path === 'three.txt')!;
    expect(three.history?.presentInHead).toBe(false);
  });

  it('notes a submodule without entering it', async () => {
    const outer = initRepo(join(tmp.path, 'outer'));
    outer.write('x.txt', 'x\n');
    outer.commit('x', 0);
    // A gitlink entry, as `git submodule add` records it, without fetching anything.
    outer.git('update-index', '--add', '--cacheinfo', `160000,${ids[2]},vendor/lib`);
    outer.commit('add submodule', 1, { all: false });
    const result = await scanHistory(request(outer.dir));
    const sub = result.notices.find((n) => n.reason === 'submodule');
    expect(sub?.subject).toBe('vendor/lib');
    expect(result.findings).toHaveLength(0);
  });

  it('names corrupt objects, skips them and scans the rest', async () => {
    const broken = initRepo(join(tmp.path, 'broken'));
    broken.write('good.txt', `${late}\n`);
    broken.write('bad.txt', `${early}\n`);
    broken.write('lying.txt', `${boundary}\n`);
    // Files read after lying.txt, long enough to be swallowed if its claimed size were trusted.
    for (let i = 0; i < 5; i++) broken.write(`m${i}.txt`, `${'x'.repeat(40)} ${i}\n`);
    broken.write('z.txt', `z ${late}\n`);
    broken.commit('all', 0);
    const objectFile = (path: string) => {
      const id = broken.git('rev-parse', `HEAD:${path}`);
      const file = join(broken.dir, '.git', 'objects', id.slice(0, 2), id.slice(2));
      chmodSync(file, 0o644);
      return { id, file };
    };
    const bad = objectFile('bad.txt');
    writeFileSync(bad.file, 'not a zlib stream');
    // A well-formed object whose header claims more bytes than it holds.
    const lying = objectFile('lying.txt');
    writeFileSync(lying.file, deflateSync(Buffer.from('blob 100\0short')));

    const result = await scanHistory(request(broken.dir));
    expect(result.findings.map((f) => f.path)).toEqual(['good.txt', 'z.txt']);
    const subjects = result.notices
      .filter((n) => n.reason === 'invalid-object')
      .map((n) => n.subject);
    expect(subjects).toEqual([`bad.txt (blob ${bad.id})`, `lying.txt (blob ${lying.id})`]);
    expect(result.summary.skipped['invalid-object']).toBe(2);
    expect(result.summary.files).toBe(7);
  });
});

describe('finding the repository', () => {
  const openers = { 'bare plumbing': openRepositoryQuick, 'simple-git': openRepository };

  for (const [name, open] of Object.entries(openers)) {
    it(`knows the top, HEAD and branch in every state of HEAD (${name})`, async () => {
      const repo = initRepo(join(tmp.path, `states-${name}`));
      mkdirSync(join(repo.dir, 'sub'));
      const unborn = await open(join(repo.dir, 'sub'));
      expect(unborn).toMatchObject({ top: repo.dir, bare: false, branch: 'main' });
      expect(unborn.head).toBeUndefined();

      repo.git('checkout', '-q', '-b', 'feature/x');
      const head = repo.commit('first', 0);
      const onBranch = await open(join(repo.dir, 'sub'));
      expect(onBranch).toMatchObject({ top: repo.dir, head, branch: 'feature/x', detached: false });

      repo.git('checkout', '-q', '--detach');
      const detached = await open(repo.dir);
      expect(detached).toMatchObject({ head, detached: true });
      expect(detached.branch).toBeUndefined();

      const bare = join(tmp.path, `bare-${name}.git`);
      execFileSync('git', ['clone', '-q', '--bare', repo.dir, bare], { env: GIT_ENV });
      expect(await open(bare)).toMatchObject({ top: bare, gitDir: bare, bare: true, head });
      const staged = runCli(['scan', '--staged', bare]);
      expect(staged.code).toBe(2);
      expect(staged.stderr).toContain(`--staged: ${bare} is a bare repository`);

      await expect(open(join(repo.dir, '.git'))).rejects.toThrow(NotARepositoryError);
      await expect(open(join(repo.dir, '.git'))).rejects.toThrow(
        /\.git is inside a repository's git folder: run it from the work tree$/,
      );
      await expect(open(tmp.path)).rejects.toThrow(NotARepositoryError);
    });
  }
});
