import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildRemediation, referenceString, storeCommand } from '../src/analysis/remediation.js';
import { providerAdvice } from '../src/analysis/providers.js';
import { chooseTarget, readSignals } from '../src/analysis/targets.js';
import type { StoreName, TargetChoice } from '../src/analysis/targets.js';
import type { FileKind, Finding } from '../src/findings/types.js';
import { ROOT, runCli, tempDir } from './helpers/cli.js';

const FIXTURE = join(ROOT, 'fixtures', 'remediation-repo');
let dir: { path: string; cleanup: () => void };
let home: { path: string; cleanup: () => void };

function git(args: string[], env: NodeJS.ProcessEnv = {}) {
  return execFileSync('git', args, {
    cwd: dir.path,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

/** A copy of the fixture repository, committed on a date far in the past. */
function fixtureRepo(date = '2023-03-01T12:00:00Z') {
  cpSync(FIXTURE, dir.path, { recursive: true });
  git(['init', '-q', '-b', 'main']);
  git(['config', 'user.email', 'dev@example.com']);
  git(['config', 'user.name', 'Dev']);
  git(['config', 'commit.gpgsign', 'false']);
  git(['add', '-A']);
  git(['commit', '-qm', 'initial'], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
}

beforeEach(() => {
  dir = tempDir();
  home = tempDir('unsprawl-home-');
});
afterEach(() => {
  dir.cleanup();
  home.cleanup();
});

const scan = (args: string[] = []) =>
  JSON.parse(
    runCli(['scan', dir.path, '--format', 'json', ...args], { env: { HOME: home.path } }).stdout,
  );
const byPath = (findings: Finding[], path: string) => findings.find((f) => f.path === path)!;

describe('anti-patterns', () => {
  it('names hardcoded-in-git, env-file-committed, unrotated, shared and static-long-lived', () => {
    fixtureRepo();
    const { findings } = scan();
    const env = byPath(findings, 'services/api/.env');
    expect(env.antiPatterns).toEqual(
      expect.arrayContaining([
        'hardcoded-in-git',
        'env-file-committed',
        'unrotated',
        'shared-across-tenants',
        'static-long-lived',
      ]),
    );
    expect(env.sharedWith?.[0]).toContain('services/web/config.js');
    expect(byPath(findings, 'services/web/config.js').antiPatterns).toContain(
      'shared-across-tenants',
    );
    expect(byPath(findings, 'deploy/api.yaml').antiPatterns).toContain('static-long-lived');
    expect(byPath(findings, 'services/web/client.py').antiPatterns).not.toContain(
      'shared-across-tenants',
    );
  });

  it('does not call a recent secret unrotated, nor an untracked file hardcoded in git', () => {
    fixtureRepo(new Date().toISOString());
    writeFileSync(join(dir.path, 'scratch.env'), readFileSync(join(FIXTURE, 'services/api/.env')));
    const { findings } = scan();
    expect(byPath(findings, 'services/api/.env').antiPatterns).not.toContain('unrotated');
    const untracked = byPath(findings, 'scratch.env');
    expect(untracked.antiPatterns).not.toContain('hardcoded-in-git');
    expect(untracked.antiPatterns).not.toContain('env-file-committed');
  });

  it('puts anti-patterns in SARIF results and rule tags, remediation in properties and fixes', () => {
    fixtureRepo();
    const run = runCli(['scan', dir.path, '--format', 'sarif'], { env: { HOME: home.path } });
    const sarif = JSON.parse(run.stdout).runs[0];
    for (const result of sarif.results) {
      expect(result.properties.antiPatterns.length).toBeGreaterThan(0);
      expect(result.properties.remediation.storeCommand).toBeTruthy();
      expect(result.properties.remediation.rotationUrl).toMatch(/^https:\/\//);
    }
    const tags = sarif.tool.driver.rules.flatMap(
      (r: { properties: { tags: string[] } }) => r.properties.tags,
    );
    expect(tags).toContain('anti-pattern/hardcoded-in-git');
    expect(sarif.results.some((r: { fixes?: unknown[] }) => r.fixes?.length)).toBe(true);
  });
});

describe('static-long-lived', () => {
  const awsKey = (prefix: string) =>
    ({
      ruleId: 'aws-access-key-id',
      kind: 'aws-access-key-id',
      redacted: `${prefix}…(20 chars)`,
    }) as Finding;

  it('holds for AKIA user keys, not for ASIA session keys', () => {
    expect(providerAdvice(awsKey('AKIA'), undefined).dynamicAlternative).toContain('STS');
    const session = providerAdvice(awsKey('ASIA'), undefined);
    expect(session.dynamicAlternative).toBeUndefined();
    expect(session.rotationUrl).toContain('docs.aws.amazon.com');
  });
});

describe('target choice', () => {
  const signals = (clouds: string[], kubernetes?: string) => ({
    clouds: new Map(clouds.map((c) => [c as 'aws', `${c}.tf`])),
    kubernetes,
  });
  it('chooses from the repository signals and says why', () => {
    expect(chooseTarget('auto', signals(['aws', 'gcp']), false)).toMatchObject({
      target: 'vault',
      store: 'vault',
    });
    expect(chooseTarget('auto', signals(['gcp']), false)).toMatchObject({
      target: 'gcp',
      store: 'gcp',
    });
    expect(chooseTarget('auto', signals(['aws'], 'deploy/api.yaml'), false)).toMatchObject({
      target: 'k8s',
      store: 'aws',
    });
    expect(chooseTarget('auto', signals(['aws']), true)).toMatchObject({
      store: 'vault',
      kmsAutoUnseal: true,
    });
    expect(chooseTarget('auto', signals([]), false).reason).toContain('no cloud');
    expect(chooseTarget('azure', signals(['aws']), false)).toMatchObject({
      target: 'azure',
      store: 'azure',
    });
  });

  it('prints the choice with the scan', () => {
    fixtureRepo();
    const run = runCli(['scan', dir.path], { env: { HOME: home.path } });
    expect(run.stdout).toMatch(
      /remediation target: Kubernetes .* backed by AWS Secrets Manager — Kubernetes manifests found/,
    );
  });
});

describe('repository signals', () => {
  it('come from manifests and manifest folders, not from dependencies, fixtures or tests', () => {
    const dir = tempDir('unsprawl-signals-');
    try {
      const files: Record<string, string> = {
        'infra/main.tf': 'provider "aws" {\n  region = "eu-west-1"\n}\n',
        'node_modules/x/package.json': '{"dependencies":{"@google-cloud/storage":"7"}}',
        'test/package.json': '{"dependencies":{"@azure/identity":"4"}}',
        'services/api/requirements-dev.txt': 'pytest\n',
        'deploy/k8s/base/app.yaml': 'kind: Deployment\n',
        'charts/web/Chart.yaml': 'name: web\n',
        'a/b/c/d/e/f/package.json': '{"dependencies":{"@google-cloud/kms":"4"}}',
      };
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(join(dir.path, path, '..'), { recursive: true });
        writeFileSync(join(dir.path, path), text);
      }
      const expected = {
        clouds: new Map([['aws', 'infra/main.tf']]),
        kubernetes: 'charts/web/Chart.yaml',
      };
      // Walking the folder, and reading git's list of the same files, agree.
      expect(readSignals(dir.path)).toEqual(expected);
      expect(readSignals(dir.path, undefined, Object.keys(files))).toEqual(expected);
    } finally {
      dir.cleanup();
    }
  });
});

describe('remediation per target and file kind', () => {
  const stores: StoreName[] = ['vault', 'aws', 'gcp', 'azure', 'sops'];
  const kinds: [FileKind, string, string | RegExp][] = [
    ['source', 'src/app.ts', 'process.env.DB_PASSWORD'],
    ['source', 'app.py', 'os.environ["DB_PASSWORD"]'],
    ['env-file', '.env', 'DB_PASSWORD='],
    ['k8s-manifest', 'deploy.yaml', 'secretKeyRef'],
    ['compose', 'docker-compose.yml', '${DB_PASSWORD:?}'],
    ['ci-config', '.github/workflows/ci.yml', '${{ secrets.DB_PASSWORD }}'],
    ['ci-config', '.gitlab-ci.yml', '$DB_PASSWORD'],
    ['iac', 'main.tf', /^data\./],
    ['iac', 'Dockerfile', '--mount=type=secret'],
    ['package-config', '.npmrc', '${DB_PASSWORD}'],
    ['notebook', 'a.ipynb', 'os.environ'],
    ['docs', 'README.md', '<DB_PASSWORD>'],
    ['config', 'settings.json', /vault:|resolve:secretsmanager|sm:\/\/|Microsoft\.KeyVault|sops:/],
  ];
  const finding = (fileKind: FileKind, path: string): Finding => ({
    ruleId: 'generic-password',
    ruleName: 'Password',
    kind: 'generic-password',
    confidence: 'low',
    severity: 'high',
    path,
    line: 2,
    column: 10,
    endLine: 2,
    endColumn: 22,
    redacted: 'Xk9#…(12 chars)',
    secretLength: 12,
    fingerprint: '0'.repeat(32),
    valueDigest: '1'.repeat(32),
    fileKind,
    variable: 'db_password',
    quote: '"',
  });
  for (const store of stores) {
    for (const [fileKind, path, expected] of kinds) {
      it(`${store}: ${fileKind} (${path})`, () => {
        const choice: TargetChoice = { target: store, store, kmsAutoUnseal: false, reason: 'test' };
        const names = { env: 'DB_PASSWORD', key: 'db_password', service: 'api' };
        const advice = { rotation: 'rotate it', rotationUrl: 'https://example.com/rotate' };
        const r = buildRemediation(finding(fileKind, path), choice, names, advice);
        if (typeof expected === 'string') expect(r.replacement).toContain(expected);
        else expect(r.replacement).toMatch(expected);
        expect(r.storeCommand).toMatch(/=-|\/dev\/stdin|--data-file=-/);
        expect(r.rotation).toBe('rotate it');
      });
    }
  }

  it('never puts a value on the command line', () => {
    const names = { env: 'A', key: 'a', service: 's' };
    for (const store of stores) {
      expect(storeCommand(store, names)).not.toMatch(/\$\(|`/);
      expect(referenceString(store, names)).toContain('a');
    }
  });
});

describe('unsprawl fix', () => {
  it('saves values to a 0600 file, rewrites files, re-scans clean, is a no-op the second time', () => {
    fixtureRepo();
    const first = runCli(['fix', dir.path], { env: { HOME: home.path } });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/rewrote \d+ file/);

    const saved = readdirSync(join(home.path, '.unsprawl'));
    expect(saved).toHaveLength(1);
    const valuesFile = join(home.path, '.unsprawl', saved[0]!);
    expect(statSync(valuesFile).mode & 0o777).toBe(0o600);
    const values = readFileSync(valuesFile, 'utf8');
    const token = readFileSync(join(FIXTURE, 'services/api/.env'), 'utf8').match(/ghp_\w+/)![0];
    expect(values).toContain(token);
    expect(values).toMatch(/vault kv put|secretsmanager create-secret/);

    expect(readFileSync(join(dir.path, 'services/web/config.js'), 'utf8')).toContain(
      'process.env.GITHUB_TOKEN',
    );
    expect(readFileSync(join(dir.path, 'services/api/.env'), 'utf8')).toContain('GITHUB_TOKEN=\n');
    const rescan = scan();
    for (const path of ['services/web/config.js', 'services/api/.env', 'services/web/client.py']) {
      expect(rescan.findings.filter((f: Finding) => f.path === path)).toEqual([]);
    }

    const before = git(['diff']);
    const second = runCli(['fix', dir.path], { env: { HOME: home.path } });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('nothing to fix');
    expect(git(['diff'])).toBe(before);
    expect(readdirSync(join(home.path, '.unsprawl'))).toHaveLength(1);
  });

  it('replaces a string prefix with its literal: b"…" must not become bos.environ[…]', () => {
    fixtureRepo();
    const token = readFileSync(join(FIXTURE, 'services/api/.env'), 'utf8').match(/ghp_\w+/)![0];
    writeFileSync(join(dir.path, 'prefixed.py'), `import os\nGITHUB_TOKEN = b"${token}"\n`);
    git(['add', '-A']);
    git(['commit', '-qm', 'prefixed literal']);
    expect(runCli(['fix', dir.path], { env: { HOME: home.path } }).code).toBe(0);
    const fixed = readFileSync(join(dir.path, 'prefixed.py'), 'utf8');
    expect(fixed).not.toContain(token);
    expect(fixed).toMatch(/^GITHUB_TOKEN = os\.environ/m);
  });

  it('quotes file names in the values script and leaves archive members for a manual change', () => {
    fixtureRepo();
    const hostile = 'a\ntouch PWNED\n.env';
    writeFileSync(
      join(dir.path, hostile),
      `T=${readFileSync(join(FIXTURE, 'services/api/.env'), 'utf8').match(/ghp_\w+/)![0]}\n`,
    );
    git(['add', '-A']);
    git(['commit', '-qm', 'hostile name']);
    const script = join(dir.path, 'values.sh');
    const run = runCli(['fix', dir.path, '--store-cmd', `cat > ${script}`], {
      env: { HOME: home.path },
    });
    expect(run.code).toBe(0);
    const text = readFileSync(script, 'utf8');
    expect(text.split('\n').some((line) => line.startsWith('touch PWNED'))).toBe(false);
    expect(readFileSync(join(dir.path, hostile), 'utf8')).not.toContain('ghp_');
  });

  it('refuses a file with unstaged changes unless --force, and --dry-run changes nothing', () => {
    fixtureRepo();
    const file = join(dir.path, 'services/web/client.py');
    writeFileSync(file, `${readFileSync(file, 'utf8')}# local edit\n`);
    const dry = runCli(['fix', dir.path, '--dry-run'], { env: { HOME: home.path } });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('would rewrite');
    expect(git(['status', '--porcelain'])).toBe(' M services/web/client.py\n');

    const run = runCli(['fix', dir.path], { env: { HOME: home.path } });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('client.py: has unstaged changes');
    expect(readFileSync(file, 'utf8')).toContain('sk_live_');
    runCli(['fix', dir.path, '--force'], { env: { HOME: home.path } });
    expect(readFileSync(file, 'utf8')).not.toContain('sk_live_');
  });
});

describe('detection details found by trying the tool', () => {
  it('reads names with a counter and typed declarations', () => {
    const text =
      'const apiKey2 = "x7Kp2Lq9b4NzR8vW3mT6yH1cJ5dF0aQe";\nString token3 = "Wq9vR2pLm7Zk4Tn8Xc1Bd5Gh0Jf3Ys6U";\n';
    writeFileSync(join(dir.path, 'k.js'), text);
    writeFileSync(join(dir.path, 'K.java'), text);
    const { findings } = scan();
    expect(findings.map((f: Finding) => `${f.path}:${f.variable}`).sort()).toEqual([
      'K.java:apiKey2',
      'K.java:token3',
      'k.js:apiKey2',
      'k.js:token3',
    ]);
  });

  it('ignores SealedSecret ciphertext, reads the name past a TS type, and skips Python keyword defaults', () => {
    writeFileSync(
      join(dir.path, 'sealed.yaml'),
      'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\nspec:\n  encryptedData:\n' +
        '    password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq7b4nRwZ9kpEKmBq1Ib9WqpwPNeUoC4kDVabDzHu5H4vkb0h0sJJ/OwnJuHmwGOPc\n',
    );
    writeFileSync(
      join(dir.path, 'a.ts'),
      'const DATADOG_API_KEY: string = "6047c2a1f3b94f1e8e2b5a7d9c0e4f13";\n',
    );
    writeFileSync(
      join(dir.path, 'n.py'),
      'def login(self, user=None, password=None, ssl_context=None,\n',
    );
    writeFileSync(
      join(dir.path, 'settings.py'),
      "SECRET_KEY = 'x7Kp2Lq9(b4N!zR8)vW3#mT6^yH1&cJ5@dF0'\n",
    );
    const { findings } = scan();
    expect(findings.map((f: Finding) => f.path)).toEqual(['a.ts', 'settings.py']);
    expect(findings[0].remediation.replacement).toBe('process.env.DATADOG_API_KEY');
  });
});
