import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.js';
import { fakeGithubToken } from './helpers/tokens.js';

const token = fakeGithubToken(11);
const changed = fakeGithubToken(12);
let dir: { path: string; cleanup: () => void };

beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const scanJson = (args: string[]) =>
  JSON.parse(runCli(['scan', ...args, '--format', 'json']).stdout);

describe('fingerprints and the baseline', () => {
  it('survives lines inserted above and a CRLF checkout; a changed secret is new', () => {
    const file = join(dir.path, 'app.py');
    writeFileSync(file, `TOKEN = "${token}"\n`);
    const baselineFile = join(dir.path, 'base', 'baseline.json');
    mkdirSync(join(dir.path, 'base'));
    expect(runCli(['baseline', dir.path, '--output', baselineFile]).code).toBe(0);
    const baseline = readFileSync(baselineFile, 'utf8');
    expect(baseline).not.toContain(token);
    expect(baseline).not.toMatch(/"line"|"date"|"commit"/);

    writeFileSync(file, `import os\n\n\n# config\nTOKEN = "${token}"\n`.replace(/\n/g, '\r\n'));
    const moved = runCli(['scan', dir.path, '--baseline', baselineFile, '--format', 'sarif']);
    expect(moved.code).toBe(0);
    const results = JSON.parse(moved.stdout).runs[0].results;
    expect(results).toHaveLength(1);
    expect(results[0].suppressions[0]).toMatchObject({ kind: 'external', status: 'accepted' });

    writeFileSync(file, `import os\nTOKEN = "${changed}"\n`);
    const fresh = runCli(['scan', dir.path, '--baseline', baselineFile, '--format', 'json']);
    expect(fresh.code).toBe(1);
    expect(JSON.parse(fresh.stdout).summary.findings).toBe(1);
  });

  it('writes a sorted baseline with one entry per line and never reports its own files', () => {
    writeFileSync(join(dir.path, 'b.txt'), `${token}\n`);
    writeFileSync(join(dir.path, 'a.txt'), `${changed}\n`);
    runCli(['baseline', dir.path]);
    const text = readFileSync(join(dir.path, '.unsprawl-baseline.json'), 'utf8');
    const paths = JSON.parse(text).findings.map((f: { path: string }) => f.path);
    expect(paths).toEqual(['a.txt', 'b.txt']);
    const rerun = scanJson([dir.path, '--baseline', join(dir.path, '.unsprawl-baseline.json')]);
    expect(rerun.findings.map((f: { path: string }) => f.path)).toEqual(['a.txt', 'b.txt']);
  });

  it('refuses a baseline that is a device or a symlink out of the repository', () => {
    writeFileSync(join(dir.path, 'a.txt'), `${token}\n`);
    mkdirSync(join(dir.path, '.git'));
    symlinkSync('/dev/zero', join(dir.path, 'zero.json'));
    const run = runCli(['scan', dir.path, '--baseline', join(dir.path, 'zero.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('zero.json');
    expect(run.stderr).toMatch(/symlink out of the repository|not a regular file/);
  });
});

describe('inline allow comments', () => {
  const cases: Record<string, string> = {
    'config.yaml': `api:\n  token: ${token} # unsprawl:allow -- test fixture\n`,
    '.env': `# unsprawl:allow-next-line -- local only\nGITHUB_TOKEN=${token}\n`,
    'settings.json': `{"token": "${token}", "//": "unsprawl:allow -- sample"}\n`,
    'app.js': `// unsprawl:allow-next-line\nconst t = "${token}";\nconst u = "${changed}"; /* unsprawl:allow -- docs */\n`,
    'app.py': `T = "${token}"  # pragma: allowlist secret\nU = "${changed}"  # gitleaks:allow\n`,
    'notes.sql': `-- unsprawl:allow-next-line\nINSERT INTO t VALUES ('${token}');\n`,
    'page.html': `<!-- unsprawl:allow-next-line -->\n<meta name="t" content="${token}">\n`,
  };

  for (const [name, text] of Object.entries(cases)) {
    it(`honours the allow syntax in ${name}`, () => {
      writeFileSync(join(dir.path, name), text);
      const run = runCli(['scan', dir.path, '--format', 'sarif']);
      expect(run.code).toBe(0);
      const results = JSON.parse(run.stdout).runs[0].results;
      expect(results.length).toBeGreaterThan(0);
      for (const result of results) expect(result.suppressions[0].kind).toBe('inSource');
    });
  }

  it('keeps the reason as the suppression justification', () => {
    writeFileSync(join(dir.path, 'config.yaml'), cases['config.yaml']!);
    const result = JSON.parse(runCli(['scan', dir.path, '--format', 'sarif']).stdout).runs[0]
      .results[0];
    expect(result.suppressions[0].justification).toBe('test fixture');
  });

  it('does not allow a line that the comment is not on or above', () => {
    writeFileSync(join(dir.path, 'a.py'), `# unsprawl:allow-next-line\n\nT = "${token}"\n`);
    expect(runCli(['scan', dir.path]).code).toBe(1);
  });
});

describe('config', () => {
  it('reports every problem at once with key path, value and expectation, exit 2', () => {
    writeFileSync(
      join(dir.path, 'unsprawl.config.json'),
      JSON.stringify({
        rotationDays: 'often',
        target: 'moon',
        colour: 1,
        customRules: [{ id: 'X' }],
      }),
    );
    const run = runCli(['scan', dir.path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unsprawl.config.json');
    expect(run.stderr).toContain('key "rotationDays": got a string (5 characters); it must be');
    expect(run.stderr).toMatch(
      /key "target": got a string \(4 characters\); .* allowed values: auto, vault, aws/,
    );
    expect(run.stderr).toContain('key "colour" is not a config key');
    expect(run.stderr).toContain('customRules.0');
  });

  it('never quotes a value, a stray key or a custom rule field, only their kind and length', () => {
    // Fresh-user test 3: a config holding only a token was echoed whole on stderr.
    const config = (name: string, text: string) => {
      const file = join(dir.path, name);
      writeFileSync(file, text);
      const run = runCli(['scan', dir.path, '--config', file]);
      expect(run.code, name).toBe(2);
      expect(run.stderr, name).not.toContain(token.slice(4, 16));
      return run.stderr.split('\n').slice(1, -1);
    };
    const top = (what: string) => [`  key "(top level)": got ${what}; it must be object`];
    expect(config('a.yaml', `${token}\n`)).toEqual(top('a string (40 characters)'));
    expect(config('b.yaml', `- ${token}\n`)).toEqual(top('a list (1 item)'));
    expect(config('c.json', `["${token}"]\n`)).toEqual(top('a list (1 item)'));
    const everywhere = {
      rotationDays: token,
      target: token,
      [token]: 1,
      disabledRules: [token],
      customRules: [{ id: token, keywords: [token], confidence: token, pattern: `${token}(` }],
    };
    expect(config('d.json', JSON.stringify(everywhere))).toEqual(
      expect.arrayContaining([
        '  a key of 40 characters is not a config key',
        '  key "rotationDays": got a string (40 characters); it must be integer',
        expect.stringMatching(/^ {2}key "target": got a string \(40 characters\); .*: auto, /),
        expect.stringMatching(/^ {2}key "disabledRules.0": got a string \(40 characters\); /),
        '  key "customRules.0.id": must be kebab-case: lower-case letters, digits and single dashes',
        '  key "customRules.0.keywords.0": must be lower-case (the prefilter folds case)',
        '  key "customRules.0.confidence": must be one of high, medium, low',
        '  key "customRules.0.pattern": does not compile (Unterminated group)',
      ]),
    );
  });

  it('is found by walking up, applies disabled rules, allowed paths and custom rules', () => {
    mkdirSync(join(dir.path, '.git'));
    mkdirSync(join(dir.path, 'app', 'fixtures'), { recursive: true });
    writeFileSync(
      join(dir.path, '.unsprawl.yaml'),
      [
        'allowPaths: ["fixtures/**"]',
        'customRules:',
        '  - id: acme-internal-token',
        '    name: ACME internal token',
        '    description: Reads the ACME billing API.',
        '    keywords: [acme_]',
        "    pattern: '\\b(acme_[a-z0-9]{24})\\b'",
        '    confidence: high',
        '    severity: high',
        '    reference: https://acme.example.com/docs/tokens',
        "    examples: [{text: 'acme_abcdefghij0123456789klmn'}]",
        "    negatives: [{text: 'acme_short'}]",
      ].join('\n'),
    );
    writeFileSync(join(dir.path, 'app', 'fixtures', 'a.txt'), `${token}\n`);
    writeFileSync(join(dir.path, 'app', 'b.txt'), 'key = acme_q1w2e3r4t5y6u7i8o9p0a1s2\n');
    const result = scanJson([join(dir.path, 'app')]);
    expect(result.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual([
      'acme-internal-token',
    ]);

    // The nearest config wins whole; nothing is merged from the one above.
    writeFileSync(
      join(dir.path, 'app', '.unsprawl.yaml'),
      'allowPaths: ["fixtures/**"]\ndisabledRules: [acme-internal-token]\n',
    );
    expect(runCli(['scan', join(dir.path, 'app')]).code).toBe(0);
  });
});

describe('unsprawl hook install', () => {
  const git = (args: string[], cwd: string) => execFileSync('git', args, { cwd, encoding: 'utf8' });

  it('installs a pre-commit hook, respects core.hooksPath, keeps an existing hook without --force', () => {
    git(['init', '-q'], dir.path);
    expect(runCli(['hook', 'install', '--repo', dir.path]).code).toBe(0);
    const hook = join(dir.path, '.git', 'hooks', 'pre-commit');
    expect(readFileSync(hook, 'utf8')).toContain('unsprawl scan --staged');

    writeFileSync(hook, '#!/bin/sh\necho mine\n');
    expect(runCli(['hook', 'install', '--repo', dir.path]).code).toBe(2);
    expect(readFileSync(hook, 'utf8')).toContain('echo mine');
    expect(runCli(['hook', 'install', '--repo', dir.path, '--force']).code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toContain('unsprawl scan --staged');

    git(['config', 'core.hooksPath', '.githooks'], dir.path);
    expect(runCli(['hook', 'install', '--repo', dir.path]).code).toBe(0);
    expect(readFileSync(join(dir.path, '.githooks', 'pre-commit'), 'utf8')).toContain('--staged');
  });
});
