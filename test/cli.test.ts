/**
 * The command line as scripts and people meet it: how much -q and --verbose say, and how usage
 * problems are reported.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import Module from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli, tempDir, type CliRun } from './helpers/cli.js';
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

describe('an ignore file whose rules are not used', () => {
  it('is a notice in JSON and SARIF, named by a file URI when it lies outside the scan', () => {
    const dir = tempDir('unsprawl-unused-rules-');
    try {
      const repo = join(dir.path, 'repo');
      mkdirSync(join(repo, 'app'), { recursive: true });
      spawnSync('git', ['init', '-q', repo]);
      // Over the 1 MiB an ignore file may have, outside the repository.
      const excludes = join(dir.path, 'huge-ignore');
      writeFileSync(excludes, '*.tmp\n'.repeat(200_000));
      spawnSync('git', ['-C', repo, 'config', 'core.excludesFile', excludes]);
      writeFileSync(join(repo, 'app', 'a.txt'), 'nothing here\n');

      const json = JSON.parse(runCli(['scan', join(repo, 'app'), '--format', 'json']).stdout);
      expect(json.notices).toContainEqual(
        expect.objectContaining({ subject: excludes, reason: 'ignore-rules-unused' }),
      );
      const sarif = JSON.parse(runCli(['scan', join(repo, 'app'), '--format', 'sarif']).stdout);
      const notices = sarif.runs[0].invocations[0].toolExecutionNotifications;
      const location = notices[0].locations[0].physicalLocation.artifactLocation;
      expect(location).toEqual({ uri: `file://${excludes}` });
    } finally {
      dir.cleanup();
    }
  });
});

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

describe('usage errors', () => {
  // <tree> is a folder outside any repository, <file> a file in it, <missing> a path that is not.
  it.each([
    ['bogus', 'unknown command "bogus"; run `unsprawl --help`'],
    ['scan --format yaml <tree>', '--format must be one of text, json, sarif, github, not "yaml"'],
    ['scan --format', "Option '--format <value>' argument missing"],
    ['scan --quiet=yes <tree>', "Option '-q, --quiet' does not take an argument"],
    ['scan --bogus <tree>', 'unknown option --bogus: run `unsprawl scan --help` for the options'],
    ['scan <missing>', '<missing>: no such file or directory'],
    // What Node makes of a name that is not valid UTF-8 on the command line.
    [
      'scan <raw>',
      '<raw>: no such file or directory (a name that is not valid UTF-8 cannot be given on ' +
        'the command line; scan the folder that holds it)',
    ],
    ['scan --threads 0 <tree>', '--threads takes a whole number from 1 to 256, not "0"'],
    ['scan --since 2024-01-01 <tree>', '--since goes with --history or --range'],
    ['scan --history --staged <tree>', '--history, --range and --staged exclude each other'],
    ['scan --staged <tree>', '--staged: <tree> is not in a git repository'],
    ['scan --history <tree> <tree>', '--history takes one repository path, not 2'],
    ['scan -o <tree> <tree>', '--output <tree>: is a directory'],
    ['scan -o <file>/report.json <tree>', '--output <file>/report.json: <file> is not a folder'],
    // Fresh-user test 3: the folders were made silently and the report left there.
    [
      'scan -o <missing>/dir/out.json <tree>',
      '--output <missing>/dir/out.json: folder <missing>/dir does not exist',
    ],
    [
      'baseline -o <missing>/b.json <tree>',
      '--output <missing>/b.json: folder <missing> does not exist',
    ],
    [
      'scan --config <missing> <tree>',
      '<missing>: 1 problem(s) in the config:\n  config file does not exist',
    ],
    ['scan --baseline <missing> <tree>', '<missing>: baseline file does not exist'],
    ['rules --format yaml', '--format must be text or json, not "yaml"'],
    ['hook', 'hook: no action given; the one action is install (unsprawl hook install)'],
    [
      'hook remove',
      'hook: unknown action "remove"; the one action is install (unsprawl hook install)',
    ],
    ['hook install now', 'hook install: unexpected argument "now"'],
    ['hook install --repo <tree>', '<tree>: not a git repository (name one with --repo PATH)'],
    ['fix --history <tree>', '--history does not go with fix: it rewrites the working tree only'],
    ['fix --store-cmd= <tree>', '--store-cmd needs a command'],
  ])('unsprawl %s: %s', (line, message) => {
    const places: Record<string, string> = {
      '<tree>': dir.path,
      '<file>': join(dir.path, 'src', 'app.js'),
      '<missing>': join(dir.path, 'missing.json'),
      '<raw>': join(dir.path, 'caf\uFFFD'),
    };
    const fill = (text: string) => text.replace(/<\w+>/g, (place) => places[place] ?? place);
    const run = runCli(line.split(' ').map(fill));
    expect(run).toEqual({ code: 2, stdout: '', stderr: `unsprawl: error: ${fill(message)}\n` });
  });

  it('names the missing command, with the help on stderr: stdout may be a report file', () => {
    const run = runCli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^unsprawl \d+\.\d+\.\d+ — /);
    expect(run.stderr).toMatch(
      /\nunsprawl: error: no command given: use scan, baseline, fix, rules or hook\n$/,
    );
  });

  it('says where a config or baseline does not parse, never what it holds', () => {
    const tmp = tempDir();
    try {
      const env = join(tmp.path, 'wrong.json');
      writeFileSync(env, `GITHUB_TOKEN=${token}\n`);
      const short = join(tmp.path, 'short.json');
      writeFileSync(short, 'hunter22\n');
      const yaml = join(tmp.path, '.unsprawl.yaml');
      writeFileSync(yaml, `a: b\n c: "${token}\n`);
      const cases: [string[], string][] = [
        [['--baseline', env], `${env}: baseline is not valid JSON (an unexpected character)`],
        [['--baseline', short], `${short}: baseline is not valid JSON (an unexpected character)`],
        [
          ['--config', env],
          `${env}: 1 problem(s) in the config:\n  not valid JSON (an unexpected character)`,
        ],
        [
          ['--config', yaml],
          `${yaml}: 1 problem(s) in the config:\n  not valid YAML (BLOCK_AS_IMPLICIT_KEY at line 1, column 4)`,
        ],
      ];
      for (const [flags, message] of cases) {
        const run = runCli(['scan', join(dir.path, 'image.bin'), ...flags]);
        expect(run).toEqual({ code: 2, stdout: '', stderr: `unsprawl: error: ${message}\n` });
      }
      const positioned = join(tmp.path, 'positioned.json');
      writeFileSync(positioned, '{\n  "findings": [],\n  x\n}\n');
      expect(runCli(['scan', dir.path, '--baseline', positioned]).stderr).toBe(
        `unsprawl: error: ${positioned}: baseline is not valid JSON (at line 3, column 3)\n`,
      );
    } finally {
      tmp.cleanup();
    }
  });
});

describe('the launcher and its code cache', () => {
  it.each(['cli', 'parser'])(
    'is handed a %s code cache this Node accepts, made by the build and sealed with a digest',
    (name) => {
      const bundle = join(ROOT, 'dist', `${name}.cjs`);
      const source = readFileSync(bundle);
      const file = readFileSync(join(ROOT, 'dist', `${name}.cache`));
      const cache = file.subarray(32);
      const digest = createHash('sha256').update(source).update(cache).digest();
      expect(file.subarray(0, 32).equals(digest)).toBe(true);
      const script = new Script(Module.wrap(source.toString('utf8')), {
        filename: bundle,
        cachedData: cache,
      });
      expect(script.cachedDataRejected).toBe(false);
    },
  );

  it("has a parser cache V8 accepts under the pool's flags, for the workers", () => {
    // In a child: flags set in this process would stay set for the other tests.
    const check = [
      "import { applyV8Flags } from './dist/v8-flags.js';",
      "import { Script } from 'node:vm'; import Module from 'node:module';",
      "import { readFileSync } from 'node:fs';",
      'applyV8Flags();',
      "const source = readFileSync('dist/parser.cjs', 'utf8');",
      "const cachedData = readFileSync('dist/parser.tuned.cache').subarray(32);",
      "const script = new Script(Module.wrap(source), { filename: 'x', cachedData });",
      'process.stdout.write(String(script.cachedDataRejected));',
    ].join('\n');
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', check], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('false');
  });

  it('runs the same scan, and the bundle as it is, whatever happened to the cache', () => {
    const pkg = tempDir();
    try {
      mkdirSync(join(pkg.path, 'dist'));
      const files = ['unsprawl.mjs', 'cli.cjs', 'cli.cache', 'worker.mjs', 'rules.json'];
      for (const file of [
        ...files,
        'keywords.bin',
        'rule-needs.json',
        'parser.cjs',
        'parser.cache',
        'parser.tuned.cache',
      ])
        copyFileSync(join(ROOT, 'dist', file), join(pkg.path, 'dist', file));
      copyFileSync(join(ROOT, 'package.json'), join(pkg.path, 'package.json'));
      for (const folder of ['rules', 'schema', 'node_modules'])
        symlinkSync(join(ROOT, folder), join(pkg.path, folder));
      // Started the way npm links a command: through a symlink, kept as it is.
      symlinkSync(join(pkg.path, 'dist', 'unsprawl.mjs'), join(pkg.path, 'unsprawl'));
      const cli = (...args: string[]) =>
        spawnSync(
          process.execPath,
          ['--preserve-symlinks-main', join(pkg.path, 'unsprawl'), ...args],
          {
            encoding: 'utf8',
          },
        );
      // A property only the JavaScript parser reads, so both caches are used.
      const source = join(pkg.path, 'scanned');
      mkdirSync(source);
      writeFileSync(
        join(source, 'config.js'),
        'export default {\n  dbPassword: "Vq7mLr2xTn9KcW4b",\n};\n',
      );
      copyFileSync(join(dir.path, 'src', 'app.js'), join(source, 'app.js'));
      const scan = () => cli('scan', source, '--format', 'json');
      const expected = runCli(['scan', source, '--format', 'json']);
      expect(JSON.parse(expected.stdout).findings).toContainEqual(
        expect.objectContaining({ ruleId: 'js-secret-literal' }),
      );
      const cacheFile = join(pkg.path, 'dist', 'cli.cache');
      const parserCache = join(pkg.path, 'dist', 'parser.cache');
      const intact = readFileSync(cacheFile);
      const parserIntact = readFileSync(parserCache);

      const runs = [scan()];
      // Bytes changed in the middle: V8 would crash on them if it were handed them.
      const damage = (bytes: Buffer) => {
        const damaged = Buffer.from(bytes);
        for (const at of [100, 30_000, damaged.length - 4]) damaged.writeUInt32LE(0xffffffff, at);
        return damaged;
      };
      writeFileSync(cacheFile, damage(intact));
      writeFileSync(parserCache, damage(parserIntact));
      runs.push(scan());
      writeFileSync(cacheFile, 'not a code cache');
      writeFileSync(parserCache, 'not a code cache');
      runs.push(scan());
      rmSync(cacheFile);
      rmSync(parserCache);
      runs.push(scan());
      // A package without the parser's bundle loads the parser from node_modules.
      rmSync(join(pkg.path, 'dist', 'parser.cjs'));
      runs.push(scan());
      for (const run of runs) {
        expect(run.status, run.stderr).toBe(expected.code);
        expect(JSON.parse(run.stdout).findings).toEqual(JSON.parse(expected.stdout).findings);
      }

      // A same-length edit of the bundle runs as edited, not as the cache remembers it.
      writeFileSync(cacheFile, intact);
      const bundle = join(pkg.path, 'dist', 'cli.cjs');
      const text = readFileSync(bundle, 'utf8');
      expect(text).toContain('unknown command');
      writeFileSync(bundle, text.replace('unknown command', 'UNKNOWN COMMAND'));
      expect(cli('nonsense').stderr).toContain('UNKNOWN COMMAND');

      rmSync(bundle);
      const broken = cli('--version');
      expect(broken.status).toBe(2);
      expect(broken.stderr).toMatch(/^unsprawl: error: cannot start: .*cli\.cjs/);
    } finally {
      pkg.cleanup();
    }
  });
});
