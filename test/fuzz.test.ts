/**
 * Property tests: the whole rule pack, every decoder and every structured parser get random and
 * worst-case text. None may throw, every span must lie inside the input, and no report may hold
 * a secret in the clear.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RuleEngine } from '../src/detect/engine.js';
import { loadFormatDetectors } from '../src/detect/formats/index.js';
import { scanText } from '../src/detect/scan-text.js';
import { loadRuleFiles, ruleFilesIn, RULES_DIR } from '../src/rules/load.js';
import { lineStarts } from '../src/sources/text.js';

const rules = loadRuleFiles(ruleFilesIn(RULES_DIR));
const engine = new RuleEngine(rules);
loadFormatDetectors();

/** Paths that switch on each structured detector and decoder. */
const PATHS = [
  'a.txt',
  '.env',
  'config.yaml',
  'deploy/secret.yaml',
  'docker-compose.yml',
  '.github/workflows/ci.yml',
  'package.json',
  'appsettings.json',
  '.npmrc',
  'app.properties',
  'config.toml',
  'Dockerfile',
  'main.tf',
  'notebook.ipynb',
  'app.js',
  'app.ts',
  'app.py',
  'Main.java',
  'main.go',
  'app.rb',
  'App.cs',
  'index.php',
  'run.sh',
  '.netrc',
  '.pgpass',
  '.git-credentials',
  '.s3cfg',
  'credentials',
  'wp-config.php',
  '.htpasswd',
  'dump.sql',
  'id_rsa',
  'key.ppk',
  'README.md',
];

/** Pieces that steer random text into the detectors' interesting paths. */
const FRAGMENTS = [
  'password',
  'secret',
  'token',
  'api_key',
  '=',
  ': ',
  '"',
  "'",
  '\n',
  '\r\n',
  '\\n',
  '\\u00',
  '%2',
  '==',
  'ghp_',
  'AKIA',
  'xoxb-',
  'sk_live_',
  'eyJ',
  '-----BEGIN RSA PRIVATE KEY-----',
  '-----END',
  'postgres://',
  'u:p@h',
  '${',
  '}}',
  'ENC[',
  'data:',
  'kind: Secret',
  'stringData:',
  '{"cells":[',
  'process.env.',
  'const a = ',
  'export ',
  'Password=',
  ';',
  'base64',
  'aGVsbG8=',
  'ZGF0YQ==',
  '0x',
  'ab12cd34',
  '\t',
  ' ',
];

const textArbitrary = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((parts) => parts.join('')),
  fc
    .tuple(
      fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 20 }),
      fc.string({ unit: 'grapheme', maxLength: 80 }),
    )
    .map(([parts, noise]) => parts.join(noise.slice(0, 5))),
);

function checkInvariants(text: string, path: string) {
  const findings = scanText(engine, text, path, { redact: true });
  const lines = lineStarts(text).length;
  for (const finding of findings) {
    expect(finding.line).toBeGreaterThanOrEqual(1);
    expect(finding.endLine).toBeLessThanOrEqual(lines);
    expect(finding.endLine).toBeGreaterThanOrEqual(finding.line);
    expect(finding.column).toBeGreaterThanOrEqual(1);
    expect(finding.secret).toBeUndefined();
    expect(finding.redacted.split('…')[0]!.length).toBeLessThanOrEqual(4);
  }
}

describe('fuzz', () => {
  it('never throws, keeps spans inside the text and redacts, on random text for every file kind', () => {
    fc.assert(
      fc.property(textArbitrary, fc.constantFrom(...PATHS), (text, path) =>
        checkInvariants(text, path),
      ),
      { numRuns: 1500, seed: 20261204 },
    );
  }, 120_000);

  it('stays fast on worst-case shapes: long runs of token characters, keywords and encodings', () => {
    const shapes = [
      'a'.repeat(200_000),
      'ghp_'.repeat(50_000),
      'password='.repeat(20_000),
      '='.repeat(200_000),
      'eyJ'.repeat(60_000) + '.',
      '-----BEGIN PRIVATE KEY-----\n' + 'A'.repeat(150_000),
      'QUFB'.repeat(50_000),
      '%41'.repeat(60_000),
      '\\u0041'.repeat(30_000),
      'x:y@'.repeat(50_000),
      '0123456789abcdef'.repeat(12_000),
      'password = "abc token: \'def secret=`ghi '.repeat(10_000),
    ];
    for (const shape of shapes) {
      for (const path of [
        'a.txt',
        '.env',
        'config.yaml',
        'app.js',
        'data.json',
        'open-quotes.py',
      ]) {
        const started = performance.now();
        checkInvariants(shape, path);
        // A generous ceiling that only super-linear behaviour can break, even on a loaded machine.
        expect(performance.now() - started).toBeLessThan(20_000);
      }
    }
  }, 300_000);
});
