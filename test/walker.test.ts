/**
 * The working-tree walk reads each folder's .gitignore as it enters it and never enters an
 * ignored folder; git is the oracle: on trees with nested ignore files, negations and ignored
 * folders, the walk admits exactly the files `git ls-files --others --exclude-standard` lists.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { walk, type WalkOptions } from '../src/sources/walker.js';
import { MAX_UNKEYED, requiredText } from '../src/sources/ignore-rules.js';
import { tempDir } from './helpers/cli.js';
import { initRepo, type TestRepo } from './helpers/git-repo.js';

let tmp: { path: string; cleanup: () => void };
beforeAll(() => (tmp = tempDir()));
afterAll(() => tmp.cleanup());

function optionsFor(root: string, extra: Partial<WalkOptions> = {}): WalkOptions {
  return {
    roots: [root],
    base: root,
    include: [],
    exclude: [],
    gitignore: true,
    dependencies: true,
    maxFileSize: 1024 * 1024,
    ...extra,
  };
}

/** What git lists as untracked and not ignored: the walk's oracle. */
function untracked(repo: TestRepo): string[] {
  return repo
    .git('ls-files', '-z', '--others', '--exclude-standard')
    .split('\0')
    .filter(Boolean)
    .sort();
}

async function walked(root: string, extra: Partial<WalkOptions> = {}) {
  const admitted: string[] = [];
  const skipped: string[] = [];
  const options = optionsFor(root, extra);
  for await (const target of walk(options, (path, reason) => skipped.push(`${reason} ${path}`))) {
    admitted.push(target.path);
  }
  return { admitted: admitted.sort(), skipped: skipped.sort() };
}

const FOLDERS = ['a', 'a/b', 'a/b/c', 'build', 'a/build', 'logs', 'a/logs/old', 'node_modules/x'];
const FILES = [
  'app.js',
  'keep.txt',
  'debug.log',
  'notes.txt',
  '.env',
  'build.js',
  'x.cfg',
  'Notes.TXT',
];
const RULES = [
  '*.log',
  '!keep.log',
  '*.txt',
  '!keep.txt',
  'build/',
  '/logs',
  'b/',
  '.env',
  '!/a/.env',
  'c',
  '**/old/**',
  '*.cfg',
  '!x.cfg',
  '!build/',
  '!b/',
  'a/*',
  '!a/b/',
  'Build/',
  '*.TXT',
];

describe('the working-tree walk', () => {
  it('admits what git lists as untracked and not ignored (random nested .gitignore files)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('', ...FOLDERS), fc.subarray(RULES)), { maxLength: 4 }),
        async (ignoreFiles) => {
          const root = join(tmp.path, `tree-${run++}`);
          const repo = initRepo(root);
          for (const folder of ['', ...FOLDERS]) {
            for (const file of FILES) {
              const path = join(root, folder, file);
              mkdirSync(dirname(path), { recursive: true });
              writeFileSync(path, `${folder}/${file}\n`);
            }
          }
          for (const [folder, rules] of ignoreFiles) {
            writeFileSync(join(root, folder, '.gitignore'), `${rules.join('\n')}\n`);
          }
          const expected = untracked(repo);
          expect((await walked(root)).admitted).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('admits what git does under a .gitignore of hundreds of patterns (indexed by their text)', async () => {
    // Patterns cut from the tree's own names, so many match: wildcards over part of a name,
    // anchors, folder paths, negations, escapes, classes; filler that matches nothing makes
    // the file large enough for the index.
    // git matches bytes: `?` or a class takes one byte of `é`, and only ASCII ignores case.
    const files = [...FILES, 'É1', 'é1', 'café.txt', '!bang.log'];
    const names = [...files, ...FOLDERS.flatMap((folder) => folder.split('/'))];
    const pattern = fc
      .tuple(
        fc.constantFrom(...names),
        fc.nat(12),
        fc.nat(3),
        // Not `**` inside a name (`/a**`): git 2.39 lets a trailing one cross folders, as its
        // docs say it should not, and the ignore library follows the docs (a known difference).
        // Without case, git never matches an uppercase single member of a class (`[N]`).
        fc.constantFrom(
          '*',
          '?',
          '??',
          '[a-z]',
          '[!a]',
          '[é]',
          '[N]',
          '[!N]',
          '[\\N]',
          '[A-Z]',
          '\\N',
          '',
        ),
        fc.constantFrom('', '/', '**/', 'a/', 'a/**/'),
        fc.constantFrom('', '/'),
        // A negation, or a literal `!` escaped: the two must not be taken for each other.
        fc.constantFrom('', '!', '\\!'),
      )
      .map(([name, at, cut, wild, before, after, prefix]) => {
        const start = Math.min(at, name.length);
        const body = `${name.slice(0, start)}${wild}${name.slice(start + cut)}`;
        return `${prefix}${before}${body.replace(/^([.!])/, '\\$1')}${after}`;
      });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(pattern, fc.constantFrom(...RULES)), { minLength: 20, maxLength: 80 }),
        fc.boolean(),
        async (patterns, caseless) => {
          const root = join(tmp.path, `large-${run++}`);
          const repo = initRepo(root);
          if (caseless) repo.git('config', 'core.ignorecase', 'true');
          for (const folder of ['', ...FOLDERS]) {
            for (const file of files) {
              const path = join(root, folder, file);
              mkdirSync(dirname(path), { recursive: true });
              writeFileSync(path, `${folder}/${file}\n`);
            }
          }
          const filler = Array.from({ length: 100 }, (_, i) => `zz_${i}_*.tmp`);
          writeFileSync(join(root, '.gitignore'), `${[...filler, ...patterns].join('\n')}\n`);
          const expected = untracked(repo);
          expect((await walked(root)).admitted).toEqual(expected);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('tells a negation from an escaped literal `!` in a large .gitignore, either way round', async () => {
    const filler = Array.from({ length: 100 }, (_, i) => `zz_${i}_*.tmp`);
    for (const [n, order] of [
      ['!important.log', '\\!important.log'],
      ['\\!important.log', '!important.log'],
    ].entries()) {
      const root = join(tmp.path, `bang-${n}`);
      const repo = initRepo(root);
      for (const file of ['important.log', 'other.log', '!important.log']) {
        writeFileSync(join(root, file), 'x\n');
      }
      writeFileSync(join(root, '.gitignore'), `*.log\n${order.join('\n')}\n${filler.join('\n')}\n`);
      const expected = untracked(repo);
      expect(expected).toContain(n === 0 ? '.gitignore' : 'important.log');
      expect((await walked(root)).admitted).toEqual(expected);
    }
  });

  it('does not use a .gitignore of thousands of patterns with no text to look them up by', async () => {
    const root = join(tmp.path, 'unkeyed');
    initRepo(root);
    writeFileSync(join(root, 'x.cfg'), 'x\n');
    writeFileSync(join(root, 'y.txt'), 'y\n');
    // Each is a named class and a wildcard: tried against every path, none can be looked up.
    const unkeyed = Array.from({ length: MAX_UNKEYED + 1 }, (_, i) => `[[:digit:]]${i}*`);
    writeFileSync(join(root, '.gitignore'), `*.cfg\n${unkeyed.join('\n')}\n`);
    const { admitted, skipped } = await walked(root);
    expect(admitted).toEqual(['.gitignore', 'x.cfg', 'y.txt']);
    expect(skipped).toEqual(['ignore-rules-unused .gitignore']);
  });

  it('finds the text a pattern requires, and none where a class or wildcard leaves too little', () => {
    expect(requiredText('*.min.js', false)).toBe('.min.js');
    expect(requiredText('build-*/out', false)).toBe('build-');
    expect(requiredText('**/node_modules/', false)).toBe('node_modules');
    expect(requiredText('\\#notes\\ 1', false)).toBe('#notes 1');
    expect(requiredText('Logs/[Dd]ebug*', true)).toBe('logs');
    expect(requiredText('[a-z]x123y', false)).toBe('x123y');
    expect(requiredText('[]x]yz', false)).toBeUndefined();
    expect(requiredText('[[:alpha:]]yz', false)).toBeUndefined();
    expect(requiredText('[Bb]in', false)).toBe('in');
    expect(requiredText('*.o', false)).toBe('.o');
    expect(requiredText('a*b?', false)).toBeUndefined();
    expect(requiredText('Café*', true)).toBeUndefined();
    expect(requiredText('Café*', false)).toBe('Café');
  });

  it('names node_modules, links, a .git file and folders it cannot list, and skips them', async () => {
    const root = join(tmp.path, 'kinds');
    mkdirSync(join(root, 'pkg', 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(root, 'pkg', 'node_modules', 'dep', 'index.js'), 'x\n');
    writeFileSync(join(root, 'pkg', 'main.js'), 'x\n');
    // A worktree's or submodule's `.git` is a file pointing elsewhere: never scanned.
    writeFileSync(join(root, 'pkg', '.git'), 'gitdir: /elsewhere\n');
    symlinkSync(join(root, 'pkg', 'main.js'), join(root, 'link.js'));
    mkdirSync(join(root, 'closed'), { mode: 0 });

    const { admitted, skipped } = await walked(root, { dependencies: false });
    expect(admitted).toEqual(['pkg/main.js']);
    const listable = process.getuid?.() === 0 ? [] : ['unreadable closed'];
    expect(skipped).toEqual(['dependencies pkg/node_modules', 'symlink link.js', ...listable]);
    expect((await walked(root)).admitted).toEqual(['pkg/main.js', 'pkg/node_modules/dep/index.js']);
  });

  it('applies a parent .gitignore to a scanned subfolder, patterns of every shape', async () => {
    const root = join(tmp.path, 'parent-rules');
    const repo = initRepo(root);
    writeFileSync(join(root, '.gitignore'), '**/deep/secret.env\n*/secret.env\nc*/x.env\n');
    for (const file of ['app/secret.env', 'a/deep/secret.env', 'cfg/x.env', 'app/keep.env']) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), 'x\n');
    }
    expect(untracked(repo)).toEqual(['.gitignore', 'app/keep.env']);
    expect((await walked(join(root, 'app'))).admitted).toEqual(['keep.env']);
    expect((await walked(join(root, 'a'))).admitted).toEqual([]);
    expect((await walked(join(root, 'cfg'))).admitted).toEqual([]);
    // A folder the user names is entered even when a parent .gitignore excludes it; patterns
    // that match the paths inside it still apply.
    writeFileSync(join(root, '.gitignore'), 'app/\n*.log\n');
    writeFileSync(join(root, 'app', 'debug.log'), 'x\n');
    expect((await walked(join(root, 'app'))).admitted).toEqual(['keep.env', 'secret.env']);
  });

  it('scans a folder a parent ignores and a deeper .gitignore re-includes, as git does', async () => {
    const root = join(tmp.path, 're-included');
    const repo = initRepo(root);
    writeFileSync(join(root, '.gitignore'), 'build/\n');
    for (const file of ['pkg/build/out.env', 'pkg/build/sub/deeper.env', 'build/x.env']) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), 'x\n');
    }
    writeFileSync(join(root, 'pkg', '.gitignore'), '!build/\n');
    const expected = untracked(repo);
    expect(expected).toContain('pkg/build/sub/deeper.env');
    expect((await walked(root)).admitted).toEqual(expected);
    expect((await walked(join(root, 'pkg'))).admitted).toEqual([
      '.gitignore',
      'build/out.env',
      'build/sub/deeper.env',
    ]);
  });

  it('scans a tracked file once, whatever ignores it and however roots overlap', async () => {
    const root = join(tmp.path, 'tracked-once');
    const repo = initRepo(root);
    writeFileSync(join(root, '.gitignore'), 'out/\n*.env\n');
    mkdirSync(join(root, 'out'));
    writeFileSync(join(root, 'out', 'o.env'), 'x\n');
    writeFileSync(join(root, 'b.secret'), 'x\n');
    writeFileSync(
      Buffer.concat([Buffer.from(`${root}/c`), Buffer.from([0xff, 0x2e, 0x65, 0x6e, 0x76])]),
      'x\n',
    );
    writeFileSync(join(root, '.git', 'info', 'exclude'), 'b.secret\n');
    repo.git('add', '-f', 'out/o.env', 'b.secret', '.');
    repo.commit('tracked', 0, { all: false });
    expect((await walked(join(root, 'out'))).admitted).toEqual(['o.env']);
    const all = await walked(root);
    expect(all.admitted).toEqual(['.gitignore', 'b.secret', 'c\\xFF.env', 'out/o.env']);
    expect(all.skipped).toEqual([]);
    const overlapping = await walked(root, { roots: [root, join(root, 'out'), root] });
    expect(overlapping.admitted).toEqual(all.admitted);
  });

  it('does not follow a symlinked .gitignore, as git does not', async () => {
    const root = join(tmp.path, 'linked-rules');
    initRepo(root);
    writeFileSync(join(tmp.path, 'outside-rules'), '*.env\n');
    symlinkSync(join(tmp.path, 'outside-rules'), join(root, '.gitignore'));
    writeFileSync(join(root, 'a.env'), 'x\n');
    const { admitted, skipped } = await walked(root);
    expect(admitted).toEqual(['a.env']);
    // Named in the report, as a skipped file is: its rules would have excluded a.env.
    expect(skipped).toEqual(['ignore-rules-unused .gitignore', 'symlink .gitignore']);
    // Once, however many roots see it.
    mkdirSync(join(root, 'one'));
    mkdirSync(join(root, 'two'));
    const twice = await walked(root, { roots: [join(root, 'one'), join(root, 'two')] });
    expect(twice.skipped).toEqual(['ignore-rules-unused .gitignore']);
  });

  it('applies --exclude and .gitignore to names that are not valid UTF-8', async () => {
    const root = join(tmp.path, 'raw-names');
    initRepo(root);
    writeFileSync(join(root, '.gitignore'), '*.log\n');
    const raw = (name: string) =>
      Buffer.concat([Buffer.from(`${root}/`), Buffer.from(name, 'latin1')]);
    writeFileSync(raw('x\xff.log'), 'x\n');
    writeFileSync(raw('y\xff.env'), 'x\n');
    writeFileSync(raw('z\xfe.txt'), 'x\n');
    const { admitted, skipped } = await walked(root, { exclude: ['*.env'] });
    expect(admitted).toEqual(['.gitignore', 'z\\xFE.txt']);
    expect(skipped).toContain('excluded y\\xFF.env');
    expect(skipped).toContain('ignored-by-gitignore x\uFFFD.log');
  });

  it('walks a folder whose name is not valid UTF-8 by its bytes, .gitignore above applying', async () => {
    const root = join(tmp.path, 'raw-folders');
    initRepo(root);
    writeFileSync(join(root, '.gitignore'), '*.log\n');
    const raw = (...parts: string[]) =>
      Buffer.concat([Buffer.from(`${root}/`), Buffer.from(parts.join('/'), 'latin1')]);
    mkdirSync(raw('caf\xe9', 'deep\xff', 'node_modules'), { recursive: true });
    // Siblings whose names decode the same way (U+FFFD): each is walked once, not once a sibling.
    mkdirSync(raw('caf\xe8'));
    mkdirSync(raw('caf\xfe'));
    writeFileSync(raw('caf\xe9', 'a.env'), 'x\n');
    writeFileSync(raw('caf\xe9', 'b.log'), 'x\n');
    writeFileSync(raw('caf\xe9', 'deep\xff', 'c\xfe.txt'), 'x\n');
    writeFileSync(raw('caf\xe9', 'deep\xff', 'node_modules', 'd.js'), 'x\n');
    // Not read, and said so: what it excludes is scanned.
    writeFileSync(raw('caf\xe9', 'deep\xff', '.gitignore'), '*.txt\n');

    const { admitted, skipped } = await walked(root, { dependencies: false });
    expect(admitted).toEqual([
      '.gitignore',
      'caf\\xE9/a.env',
      'caf\\xE9/deep\\xFF/.gitignore',
      'caf\\xE9/deep\\xFF/c\\xFE.txt',
    ]);
    expect(skipped).toEqual([
      'dependencies caf\\xE9/deep\\xFF/node_modules',
      'ignore-rules-unused caf\\xE9/deep\\xFF/.gitignore',
      'ignored-by-gitignore caf\\xE9/b.log',
    ]);
    // Each file is read by its bytes.
    const found = [];
    for await (const target of walk(optionsFor(root), () => {})) {
      if (target.rawPath) found.push(Buffer.from(target.rawPath).toString('latin1'));
    }
    expect(found.map((path) => path.slice(root.length + 1)).sort()).toEqual([
      'caf\xe9/a.env',
      'caf\xe9/deep\xff/.gitignore',
      'caf\xe9/deep\xff/c\xfe.txt',
      'caf\xe9/deep\xff/node_modules/d.js',
    ]);
  });

  it('scans or names every tracked file inside an ignored folder', async () => {
    const root = join(tmp.path, 'tracked-ignored');
    const repo = initRepo(root);
    writeFileSync(join(root, '.gitignore'), 'build/\nnode_modules/\n');
    mkdirSync(join(root, 'build'));
    mkdirSync(join(root, 'node_modules'));
    writeFileSync(join(root, 'build', 'real.env'), 'x\n');
    writeFileSync(join(root, 'node_modules', 't.env'), 'x\n');
    writeFileSync(
      Buffer.concat([Buffer.from(`${root}/build/caf`), Buffer.from([0xe9, 0x2e, 0x65])]),
      'x\n',
    );
    symlinkSync('real.env', join(root, 'build', 'link.env'));
    repo.git('add', '.gitignore');
    repo.git('add', '-f', 'build', 'node_modules');
    repo.commit('tracked despite .gitignore', 0, { all: false });

    const { admitted, skipped } = await walked(root, { dependencies: false });
    expect(admitted).toEqual(['.gitignore', 'build/caf\\xE9.e', 'build/real.env']);
    expect(skipped).toEqual(['dependencies node_modules', 'symlink build/link.env']);
  });

  it('scans a file once when roots overlap', async () => {
    const root = join(tmp.path, 'overlap');
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(root, 'src', 'a.env'), 'x\n');
    const { admitted } = await walked(root, { roots: [root, join(root, 'src')] });
    expect(admitted).toEqual(['src/a.env']);
  });

  it('applies info/exclude and core.excludesFile below every .gitignore, as git does', async () => {
    const root = join(tmp.path, 'excludes');
    const repo = initRepo(root);
    for (const file of ['a.log', 'keep.log', 'local/x.env', 'sub/y.tmp', 'sub/z.tmp', 'b.bak']) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), 'x\n');
    }
    writeFileSync(join(root, '.git', 'info', 'exclude'), '*.log\nlocal/\n');
    // A dotfile manager links the user's exclude file into place: git follows the link.
    const userFile = join(tmp.path, 'excludes-user-ignore');
    writeFileSync(userFile, '*.tmp\n*.bak\n');
    symlinkSync(userFile, join(tmp.path, 'excludes-link'));
    repo.git('config', 'core.excludesFile', join(tmp.path, 'excludes-link'));
    // A .gitignore outranks both: it re-includes what they exclude.
    writeFileSync(join(root, '.gitignore'), '!keep.log\n');
    writeFileSync(join(root, 'sub', '.gitignore'), '!z.tmp\n');

    const expected = untracked(repo);
    expect(expected).toEqual(['.gitignore', 'keep.log', 'sub/.gitignore', 'sub/z.tmp']);
    expect((await walked(root)).admitted).toEqual(expected);
    // Seen from a scanned subfolder, the patterns still judge paths from the repository's top.
    const fromSub = (await walked(join(root, 'sub'))).admitted;
    expect(fromSub).toEqual(['.gitignore', 'z.tmp']);
  });

  it('matches patterns in the case git does: exactly, unless core.ignoreCase says otherwise', async () => {
    const root = join(tmp.path, 'case');
    const repo = initRepo(root);
    // Only ASCII letters match in any case: `é1` never ignores `É1`; `?` takes one byte of `é`;
    // an uppercase single member of a class (`[F]`) or escaped letter (`\Q`) matches nothing, a
    // range (`[E-G]`) both cases.
    writeFileSync(
      join(root, '.gitignore'),
      'Build/\n*.Log\né1\n?\n[F]oo\n[!F]ar\n[E-G]oz\n\\Qux\n',
    );
    const files = ['build/a.txt', 'sub/build/b.txt', 'x.log', 'y.LOG', 'z.Log', 'É1', 'É'];
    for (const file of [...files, 'foo', 'Foo', 'bar', 'Bar', 'foz', 'Foz', 'qux', 'Qux']) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), 'x\n');
    }
    const gitList = () => untracked(repo);
    expect(gitList()).toContain('build/a.txt');
    expect((await walked(root)).admitted).toEqual(gitList());

    repo.git('config', 'core.ignorecase', 'true');
    expect(gitList()).not.toContain('build/a.txt');
    expect(gitList()).toEqual(expect.arrayContaining(['É1', 'É', 'foo', 'Foo', 'qux', 'Qux']));
    expect(gitList()).not.toEqual(expect.arrayContaining(['Bar']));
    expect((await walked(root)).admitted).toEqual(gitList());
  });
});
