import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FILTERS, isIdentifierOrProse, looksLikePath } from '../src/detect/filters.js';
import type { DetectorCandidate } from '../src/detect/detectors.js';
import { detectJs, jsAstDetector } from '../src/detect/formats/js-ast.js';
import { scanText } from '../src/detect/scan-text.js';
import { createEngine } from '../src/pool/worker.js';
import { fakeGithubToken, randomString, seeded } from './helpers/tokens.js';

describe('isIdentifierOrProse', () => {
  it('recognises names and sentences that shape rules meet in real code', () => {
    for (const value of [
      'BodyResponseCallback',
      'StringTargetingDimension',
      'addUnrecognizedPropertiesAsExtra',
      'MYSQL_CACHING_SHA2_PASSWORD',
      'x-aws-ec2-metadata-token-ttl-seconds',
      'EC2_TOKEN_HOP_LIMIT_CHECK',
      'X-Amz-S3session-Token',
      'Token imprevisto.',
      'IdentityPoolProviderType2',
      '-organization-client-credentials',
      'my_recaptchaV3Token',
      '分析器预期在此处找到与“{0}”标记匹配的“{1}”。',
      '@aws-cdk/aws-rds:preventRenderingDeprecatedCredentials',
    ]) {
      expect(isIdentifierOrProse(value), value).toBe(true);
    }
  });

  it('leaves machine-made secrets alone', () => {
    for (const value of [
      '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',
      '34cebc81c056a21bc66e212f947d73ec',
      'Vu!f23RFPTMkpKMow13',
      'ia1dFQ9O7HlisFG66vZsiSOBYlc6qdGBJsEJy57w',
      's4dlvaxiv4gx0zzlkdr660t3szpbgtbuc3op41jy',
      'alru08ixemew5lkq',
      'da2-nmaqhbb63zabjactesiydcfuvu',
      'yhTFulkELh3-jC6oudRX',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETSKEY',
      'abcdefabcdefabcdefabcdef',
      'Zq8!vR2#kLm9@wX4',
    ]) {
      expect(isIdentifierOrProse(value), value).toBe(false);
    }
  });

  it('judges fewer than 2% of random tokens to be names', () => {
    const random = seeded(7);
    const alphabets = [
      'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      'abcdefghijklmnopqrstuvwxyz0123456789',
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
    ];
    let names = 0;
    for (let i = 0; i < 6000; i++) {
      if (isIdentifierOrProse(randomString(random, 16 + (i % 30), alphabets[i % 3]))) names++;
    }
    expect(names / 6000).toBeLessThan(0.02);
  });
});

describe('the JS/TS detector skips the parser for candidates in comments', () => {
  const engine = createEngine({ extraRules: [], disabledRules: [] });
  const secret = 'MEYCIQCKZLWyTk5runarx6XiAkU9gvQ7m2ZP';
  const viaDetector = (text: string, path: string) =>
    jsAstDetector.detect(text, { engine, path, fileKind: 'source', hits: engine.scan(text) });
  const viaParser = (text: string, path: string) => detectJs(engine, text, path, engine.scan(text));

  it('and answers as the parser would', () => {
    const docs = `/**\n * @example\n * {\n *   SharedSecret: "${secret}",\n * }\n */\nexport declare class A {}\n`;
    const line = `// const sharedSecret = "${secret}";\nexport const x = 1;\n`;
    const code = `/** apiSecret = "${secret}" */\nconst sharedSecret = "${secret}";\n`;
    for (const [text, path] of [
      [docs, 'commands/A.d.ts'],
      [line, 'a.ts'],
      [code, 'b.ts'],
    ] as const) {
      const spans = (found: DetectorCandidate[]) => found.map((c) => [c.start, c.end, c.rule.id]);
      expect(spans(viaDetector(text, path)), path).toEqual(spans(viaParser(text, path)));
    }
    expect(viaDetector(code, 'b.ts')).toHaveLength(1);
  });
});

describe('code-line assignments', () => {
  const engine = createEngine({ extraRules: [], disabledRules: [] });

  it('report the literal fallback an environment lookup would use', () => {
    const text = [
      'db = os.getenv("DB_PASSWORD", "Hq4vR9tLm2Zx8Kp1Wc")',
      'name = os.getenv("DB_PASSWORD_NAME", "Hq4vR9tLm2Zx8Kp1Wc")',
      'x = os.environ.get("API_TOKEN", "changeme")',
    ].join('\n');
    const found = scanText(engine, `${text}\n`, 'app/settings.py', { redact: true });
    expect(found.map((f) => [f.line, f.column, f.variable])).toEqual([[1, 32, 'DB_PASSWORD']]);
  });

  it('skip the key a getter looks up, and keep a literal passed to anything else', () => {
    const text = [
      'options_password = self.count.get("endpoint", 7)',
      'db_password = os.environ.get("DB_PASSWORD_X9")',
      'token = os.getenv("GITHUB_TOKEN")',
      'secret = config("APP_SECRET_KEY_V2")',
      'api_key = SecretStr("Xk9mQ2vL7pR4wZ8t")',
      'password = hashlib.sha256("hunter2x").hexdigest()',
    ].join('\n');
    const found = scanText(engine, `${text}\n`, 'app/settings.py', { redact: true });
    expect(found.map((f) => [f.line, f.ruleId])).toEqual([
      [5, 'code-secret-literal'],
      [6, 'code-secret-literal'],
    ]);
  });

  it('skip the digests of empty input, which stand for "no value" (fresh-user test 4)', () => {
    const text = [
      'EMPTY_SECRET_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"',
      'API_SECRET_MD5 = "D41D8CD98F00B204E9800998ECF8427E"',
      'TOKEN_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"',
      'API_SECRET = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"',
    ].join('\n');
    const found = scanText(engine, `${text}\n`, 'app/settings.py', { redact: true });
    expect(found.map((f) => f.line)).toEqual([4]);
  });
});

describe('found by the second fresh-user test', () => {
  const engine = createEngine({ extraRules: [], disabledRules: [] });
  const scan = (text: string, path: string) => scanText(engine, text, path, { redact: true });

  it('checks a private key escaped into JSON or a string, or indented in YAML, as a .pem', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim();
    const forms: [string, string][] = [
      ['sa.json', JSON.stringify({ type: 'service_account', private_key: `${pem}\n` }, null, 2)],
      ['key.py', `KEY = "${pem.replaceAll('\n', '\\n')}"\n`],
      ['values.yaml', `tls:\n  key: |\n${pem.replace(/^/gm, '    ')}\n`],
      ['key.pem', `${pem}\n`],
    ];
    for (const [path, text] of forms) {
      const found = scan(text, path);
      expect(
        found.map((f) => [f.confidence, f.validation]),
        path,
      ).toEqual([['high', 'valid']]);
    }
  });

  it('does not read code after `password =` as a connection-string password', () => {
    const code = [
      'def connect_db(cfg):',
      '    password = cfg.get("db_password")',
      '    other = settings.db_password',
      '    return psycopg2.connect(host=cfg.host, user="app", password=password)',
      '',
    ].join('\n');
    expect(scan(code, 'db.py')).toEqual([]);
    const real = 'conn = "Server=db.internal;User Id=app;Password=Hq4vR9tLm2Zx8Kp1Wc;"\n';
    expect(scan(real, 'db.py').map((f) => f.ruleId)).toEqual([
      'ado-net-connection-string-password',
    ]);
  });

  it('reads connection-string context from the password line, not the line above it', () => {
    const ini = '[app]\nhost = db.internal\npassword = Tb8kQ2mZr7Lx0pWv9w5\n';
    expect(scan(ini, 'app.ini').map((f) => [f.ruleId, f.line])).toEqual([
      ['config-secret-value', 3],
    ]);
  });
});

describe('passwords passed as URL parameters', () => {
  const engine = createEngine({ extraRules: [], disabledRules: [] });
  const scan = (text: string, path: string) =>
    scanText(engine, `${text}\n`, path, { redact: true }).map((f) => [
      f.column,
      f.endColumn,
      f.ruleId,
      f.decodedVia?.join() ?? '',
    ]);

  it('are found in a query or a JDBC property list, percent-decoded, to the next separator', () => {
    const cases: [string, string, (string | number)[][]][] = [
      [
        'app.properties',
        'db.url=jdbc:postgresql://db.internal:5432/app?user=admin&password=S3cr3tValue9x',
        [[67, 80, 'connection-string-password', '']],
      ],
      [
        'Db.java',
        'String url = "jdbc:mysql://host/db?user=u&passwd=Hq4vR9tLm2Zx8Kp1&useSSL=true";',
        [[50, 66, 'connection-string-password', '']],
      ],
      [
        'db.yaml',
        'url: jdbc:sqlserver://host:1433;databaseName=x;user=sa;password=Wc7Lm2Zx8Kp1Hq4v',
        [[65, 81, 'ado-net-connection-string-password', '']],
      ],
      [
        'no-user.yaml',
        'url: jdbc:sqlserver://host:1433;databaseName=x;password=Wc7Lm2Zx8Kp1Hq4v',
        [[57, 73, 'connection-string-password', '']],
      ],
      [
        'client.py',
        'LOGIN = "https://api.acme.io/v1/login?user=bob&db_pwd=Zx8K%21p1Hq4vR9tL"',
        [[55, 72, 'connection-string-password', 'percent']],
      ],
      [
        'context.xml',
        '<url>jdbc:mysql://db/app?user=app&amp;password=Tq2Lx8Wm4Zk6Rv1P&amp;ssl=true</url>',
        [[48, 64, 'connection-string-password', '']],
      ],
    ];
    for (const [path, text, expected] of cases) expect(scan(text, path), path).toEqual(expected);
  });

  it('skip templates, stand-ins, words, names that are not a password, and non-URLs', () => {
    const safe = [
      'jdbc:postgresql://db:5432/app?user=admin&password=${DB_PASSWORD}',
      'jdbc:postgresql://db:5432/app?user=admin&password={{ .Values.pw }}',
      'jdbc:postgresql://db:5432/app?user=admin&password={{.Values.pw}}',
      'jdbc:mysql://host/db?user=u&password=changeme',
      'jdbc:mysql://host/db?user=u&password=<password>',
      'jdbc:mysql://host/db?user=u&password=****',
      'jdbc:mysql://host/db?user=u&password=password',
      'jdbc:mysql://host/db?user=u&password=your_password',
      'https://api.acme.io/login?user=bob&password=$PW',
      'https://api.acme.io/login?user=bob&password=:password',
      'https://api.acme.io/reset?password_reset=Zx8Kp1Hq4vR9tLm2',
      'see /login?user=bob&password=Zx8Kp1Hq4vR9tLm2 in the docs',
      'https://api.acme.io/login and then password=Zx8Kp1Hq4vR9tLm2',
    ];
    for (const text of safe) expect(scan(text, 'app.conf'), text).toEqual([]);
    const code = [
      'url = f"postgresql://db/app?user={user}&password={password}"',
      'url = "mysql://db/app?user=" + user + "&password=" + pw',
      'url = "https://h/x?password=%s" % pw',
      'url = f"https://h/x?password={os.environ[\'PW\']}"',
    ];
    for (const text of code) expect(scan(text, 'db.py'), text).toEqual([]);
  });
});

describe('literals wrapped in a pydantic secret type', () => {
  const engine = createEngine({ extraRules: [], disabledRules: [] });
  const scan = (text: string) =>
    scanText(engine, text, 'app/settings.py', { redact: true }).map((f) => [
      f.line,
      f.column,
      f.endColumn,
      f.variable,
    ]);

  it('are secrets whatever they are bound to, positional or by keyword', () => {
    const text = [
      'x = SecretStr("Xk9mQ2vL7pR4wZ8t")',
      'settings = Settings(db=SecretStr(value="Xk9mQ2vL7pR4wZ8u"))',
      'raw = SecretBytes(b"Xk9mQ2vL7pR4wZ8v")',
      "key = SecretStr(secret_value='Tr0ub4dor&3x')",
    ].join('\n');
    expect(scan(`${text}\n`)).toEqual([
      [1, 16, 32, 'x'],
      [2, 41, 57, 'db'],
      [3, 21, 37, 'raw'],
      [4, 31, 43, 'key'],
    ]);
  });

  it('skip lookups, stand-ins, words and what is too short or prose', () => {
    const text = [
      'a = SecretStr(os.environ["UPSTREAM_TOKEN"])',
      'b = SecretStr("${DB_PASSWORD}")',
      'c = SecretStr("changeme")',
      'd = SecretStr("password")',
      'e = SecretStr("**********")',
      "f = SecretStr('a secret')",
      'g = SecretStr(value="<password>")',
      'h = SecretBytes(b"")',
      'i = SecretStr("abc")',
      `        return f"SecretStr('{self}')"`,
    ].join('\n');
    expect(scan(`${text}\n`)).toEqual([]);
  });
});

describe('JSX attributes', () => {
  const engine = createEngine({ extraRules: [], disabledRules: [] });
  const scan = (text: string, path = 'src/App.tsx') =>
    scanText(engine, text, path, { redact: true }).map((f) => [
      f.line,
      f.column,
      f.endColumn,
      f.ruleId,
      f.variable,
    ]);
  const component = (attributes: string[]) =>
    `export const App = () => (\n  <>\n${attributes.join('\n')}\n  </>\n);\n`;

  it('are judged by name like assignments, braced or not, in .tsx and .jsx', () => {
    const text = component([
      '  <Provider secretToken={"abcd1234efgh5678ijkl"} />',
      '  <Client apiKey="Zx8Kp1Hq4vR9tLm2Wc7L" />',
      "  <Login password={'Hq4vR9tLm2Zx8Kp1Wc'} />",
      '  <Login password={`Kp1Hq4vR9tLm2Wc7Zx`} />',
      '  <Login password={process.env.PW ?? "Wc7LZx8Kp1Hq4vR9tL"} />',
    ]);
    const expected = [
      [3, 27, 47, 'js-secret-literal', 'secretToken'],
      [4, 19, 39, 'js-secret-literal', 'apiKey'],
      [5, 21, 39, 'js-secret-literal', 'password'],
      [6, 21, 39, 'js-secret-literal', 'password'],
      [7, 39, 57, 'js-secret-literal', 'password'],
    ];
    expect(scan(text)).toEqual(expected);
    expect(scan(text, 'src/App.jsx')).toEqual(expected);
  });

  it('are found by the parser, not only by the line heuristics that start it', () => {
    const text = component(['  <Provider secretToken={"abcd1234efgh5678ijkl"} />']);
    const found = detectJs(engine, text, 'src/App.tsx', engine.scan(text));
    expect(found.map((c) => [text.slice(c.start, c.end), c.variable])).toEqual([
      ['abcd1234efgh5678ijkl', 'secretToken'],
    ]);
  });

  it('skip the environment, words, stand-ins, templates and names that are not a secret', () => {
    const text = component([
      '  <Provider secretToken={process.env.SECRET_TOKEN} password={process.env.PW} />',
      '  <Login password={"password"} apiKey="YOUR_API_KEY" token={`${prefix}-abc`} />',
      '  <Input type="password" name="password" placeholder="Enter your password" />',
      '  <Field passwordLabel="Choose a strong password" tokenHint={"paste the token here"} />',
      '  <Widget apiKey={"<your-api-key>"} secret={\'********\'} authToken={"{{ token }}"} />',
    ]);
    expect(scan(text)).toEqual([]);
  });
});

describe('tokens glued to an escape', () => {
  const engine = createEngine({ extraRules: [], disabledRules: [] });
  const ghp = fakeGithubToken(31);

  it('are found after \\n, \\t and %XX, at their own columns', () => {
    const cases: [string, string, number][] = [
      ['log.json', `{"log":"line\\n${ghp}"}\n`, 15],
      ['run.sh', `printf "h\\t${ghp}"\n`, 12],
      ['url.txt', `q=token%3D${ghp}\n`, 11],
    ];
    for (const [path, text, column] of cases) {
      const found = scanText(engine, text, path, { redact: true });
      expect(
        found.map((f) => [f.ruleId, f.column]),
        path,
      ).toEqual([['github-classic-pat', column]]);
    }
  });
});

describe('names that say the value is not the secret', () => {
  const engine = createEngine({ extraRules: [], disabledRules: [] });
  const scan = (text: string, path: string) =>
    scanText(engine, text, path, { redact: true }).map((f) => f.ruleId);

  it('silence generic rules, and only them', () => {
    expect(scan('password_hash_algorithm = "pbkdf2_sha256_iterations"\n', 'a.py')).toEqual([]);
    expect(scan('const tokenStorageKey = "@@auth0spajs@@::clientId::default";\n', 'b.ts')).toEqual(
      [],
    );
    expect(scan('db_password = "7nwHUfocJpoTyLsrwoI5acqo"\n', 'c.py')).toEqual([
      'code-secret-literal',
    ]);
  });
});

describe('values with a slash (fresh-user test 3)', () => {
  const engine = createEngine({ extraRules: [], disabledRules: [] });
  const scan = (text: string, path: string) =>
    scanText(engine, text, path, { redact: true }).map((f) => [
      f.ruleId,
      f.line,
      f.column,
      f.endColumn,
    ]);
  // Base64 has `/` in its alphabet; a value holding one was read as a path and dropped.
  const value = 'CeB1CZFF8jgwdnNTtielB/n8sTqcVsiH95mWIVfw';

  it('are secrets when random, in every format', () => {
    expect(scan(`password: ${value}\n`, 'a.yaml')).toEqual([['yaml-secret-value', 1, 11, 51]]);
    expect(scan(`DB_PASSWORD=${value}\n`, 'b.env')).toEqual([['env-file-secret-value', 1, 13, 53]]);
    expect(scan(`{"password": "${value}"}\n`, 'c.json')).toEqual([
      ['json-secret-value', 1, 15, 55],
    ]);
    expect(scan(`password = "${value}"\n`, 'd.py')).toEqual([['code-secret-literal', 1, 13, 53]]);
    expect(scan('password = "Xq9Lm2Pz8R/t4Wv7Yb3Nc"\n', 'e.py')).toEqual([
      ['code-secret-literal', 1, 13, 34],
    ]);
  });

  it('are paths, URLs and media types when made of names', () => {
    for (const path of [
      '/usr/local/bin',
      './config/x.yaml',
      'a/b/c.json',
      'foo/bar',
      '~/.ssh/id_ed25519',
      'src/components/UserProfile2',
      'lib/es2015/AbstractSyntaxTree',
      '/var/lib/docker/overlay2/3f9a8c7e2b1d4a6f9e8d7c6b5a4f3e2d/merged',
      '/uploads/Ab3dEf9GhJk2/photo.png',
      'Summer/2024',
    ]) {
      expect(looksLikePath(path), path).toBe(true);
      expect(FILTERS['secret-like-value'](path), path).toBe(false);
    }
    for (const other of ['https://acme.io/a/b', 's3://bucket/key/file', 'application/vnd.api+json'])
      expect(FILTERS['secret-like-value'](other), other).toBe(false);
    expect(scan('password: /run/secrets/db_password\n', 'a.yaml')).toEqual([]);
    expect(scan('API_TOKEN=./secrets/api-token.txt\n', 'b.env')).toEqual([]);
  });

  it('keep at least 99% of random 40-character base64 values that hold a slash', () => {
    const random = seeded(11);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let tried = 0;
    let kept = 0;
    while (tried < 2000) {
      const candidate = randomString(random, 40, alphabet);
      if (!candidate.includes('/')) continue;
      tried++;
      if (FILTERS['secret-like-value'](candidate)) kept++;
    }
    expect(kept / tried).toBeGreaterThanOrEqual(0.99);
  });
});

describe('AWS secret keys named by their context (fresh-user test 3)', () => {
  const engine = createEngine({ extraRules: [], disabledRules: [] });
  const scan = (text: string, path: string) =>
    scanText(engine, text, path, { redact: true }).map((f) => [
      f.ruleId,
      f.line,
      f.column,
      f.confidence,
    ]);
  const key = 'AKIA67OFAO7VQFTD7XNU';
  const secret = 'b70cbus/FXl2pHqy+15VgwUFkou1iarIKkFGvmZF';

  it('are found under a YAML parent key up to three lines up, or beside their key id', () => {
    const parent = `aws:\n  region: us-east-1\n  secret_access_key: ${secret}\n`;
    expect(scan(parent, 'a.yaml')).toEqual([['aws-secret-access-key', 3, 22, 'high']]);
    const pair = `access_key_id: ${key}\nsecret_access_key: ${secret}\n`;
    expect(scan(pair, 'b.yaml')).toEqual([
      ['aws-access-key-id', 1, 16, 'high'],
      ['aws-secret-access-key', 2, 20, 'high'],
    ]);
  });

  it('are a generic secret when AWS is named too far up', () => {
    const far = `aws:\n  region: us-east-1\n  bucket: media\n  prefix: up\n  secret_key: ${secret}\n`;
    expect(scan(far, 'c.yaml')).toEqual([['yaml-secret-value', 5, 15, 'high']]);
  });

  it('name the provider where a format judge found the same value', () => {
    // The env, ini and YAML judges saw these first and hid the AWS rule behind their own.
    expect(scan(`AWS_SECRET_ACCESS_KEY=${secret}\n`, 'd.env')).toEqual([
      ['aws-secret-access-key', 1, 23, 'high'],
    ]);
    expect(scan(`[default]\naws_secret_access_key = ${secret}\n`, 'credentials')).toEqual([
      ['aws-secret-access-key', 2, 25, 'high'],
    ]);
  });
});
