/**
 * The rule-pack lint: every rule file validates, ids are unique and well formed, every pattern
 * has one secret group and cannot backtrack super-linearly, and every example behaves.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check } from 'recheck';
import { describe, expect, it } from 'vitest';
import { RuleEngine } from '../src/detect/engine.js';
import { attemptLength, patternReach } from '../src/detect/pattern-reach.js';
import { loadRuleFiles, ruleFilesIn, RULES_DIR } from '../src/rules/load.js';
import { captureGroups, RULE_ID, validateRule } from '../src/rules/validate.js';
import { ROOT } from './helpers/cli.js';

const rules = loadRuleFiles(ruleFilesIn(RULES_DIR));
/** Characters one match attempt may read for a polynomial verdict to still mean linear time. */
const BOUNDED_ATTEMPT = 4096;

describe('rule pack lint', () => {
  it('loads every rule file without a problem', () => {
    expect(rules.length).toBeGreaterThan(0);
  });

  it('has unique, well-formed ids with one secret group, a description and a reference', () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const rule of rules) {
      if (seen.has(rule.id)) problems.push(`${rule.id}: duplicate id`);
      seen.add(rule.id);
      if (!RULE_ID.test(rule.id)) problems.push(`${rule.id}: id is not kebab-case`);
      if (captureGroups(rule.pattern, rule.flags) !== 1)
        problems.push(`${rule.id}: not one capture group`);
      if (!rule.description.trim()) problems.push(`${rule.id}: no description`);
      if (!/^https:\/\//.test(rule.reference)) problems.push(`${rule.id}: reference is not https`);
      if (!rule.examples.length || !rule.negatives.length)
        problems.push(`${rule.id}: missing examples`);
    }
    expect(problems).toEqual([]);
  });

  it('finds every positive example and none of the negatives, rule by rule', () => {
    const problems: string[] = [];
    for (const rule of rules) {
      const engine = new RuleEngine([rule]);
      for (const example of rule.examples) {
        if (!engine.detect(example.text).some((c) => c.rule.id === rule.id)) {
          problems.push(`${rule.id}: misses ${JSON.stringify(example.text.slice(0, 80))}`);
        }
      }
      for (const example of rule.negatives) {
        if (engine.detect(example.text).some((c) => c.rule.id === rule.id)) {
          problems.push(
            `${rule.id}: matches negative ${JSON.stringify(example.text.slice(0, 80))}`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('finds a keyword in every match, so the prefilter never hides one', () => {
    // Rules whose keywords are context words (the file must mention the service) or whose
    // keyword the pattern parser cannot see through a class or group, checked by hand.
    const CHECKED_BY_HAND: Record<string, string> = {
      'azure-ad-client-secret': 'the keyword digit is \\d in the pattern',
      'postgres-uri-password': 'scheme variants with +driver',
      'mysql-connection-uri-password': 'scheme variants with +driver',
      'redis-uri-password': 'scheme variants with +driver',
      'curl-basic-auth-password': 'context: the command line is curl',
      'kerberos-roast-password-hash': 'both prefixes are literal, split by a group',
      'secp256k1-private-key': 'context: a wallet or private key is named',
      'twilio-api-key-sid': 'context: Twilio is named',
      'twitter-bearer-token': 'A{22} is the keyword',
    };
    const unproved = rules
      .filter((rule) => rule.near === undefined)
      .filter(
        (rule) =>
          !patternReach(
            rule.pattern,
            rule.keywords.map((k) => k.toLowerCase()),
          ),
      )
      // Unbounded patterns say nothing about keywords either way.
      .filter((rule) => patternReach(rule.pattern, ['']) !== undefined)
      .map((rule) => rule.id);
    expect(unproved.sort()).toEqual(Object.keys(CHECKED_BY_HAND).sort());
  });

  it('has no pattern that can backtrack super-linearly', async () => {
    const problems: string[] = [];
    // One at a time: recheck's agent gives wrong verdicts when checks overlap.
    for (const rule of rules) {
      // A fixed seed: the fuzz checker's verdict must not change from one run to the next.
      const result = await check(rule.pattern, rule.flags ?? '', {
        timeout: 20_000,
        randomSeed: 20261204,
      });
      if (result.status === 'safe') continue;
      // recheck calls a pattern polynomial when an unanchored search may retry it at every
      // position; when one attempt can read at most a few thousand characters (every repeat
      // bounded, proved by the same parser the engine's windows use), that is still linear.
      const bound = attemptLength(rule.pattern);
      const bounded = bound !== undefined && bound <= BOUNDED_ATTEMPT;
      if (result.status === 'vulnerable' && result.complexity?.type === 'polynomial' && bounded)
        continue;
      problems.push(`${rule.id}: ${result.status} ${result.complexity?.type ?? ''}`);
    }
    expect(problems).toEqual([]);
  }, 900_000);

  it('has a docs page per rule, where SARIF helpUri points, that matches the pack', () => {
    const check = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts', 'gen-rule-docs.mjs'), '--check'],
      {
        encoding: 'utf8',
      },
    );
    expect(check.stdout + check.stderr).toContain('up to date');
    const page = readFileSync(join(ROOT, 'docs', 'rules.md'), 'utf8');
    for (const rule of rules) expect(page).toContain(`## ${rule.id}\n`);
  });

  it('has at least 600 provider rules beyond the generic and structural families', () => {
    const generic = new Set([
      'generic',
      'structured',
      'connection-strings',
      'private-keys',
      'jwt',
      'password-hashes',
      'curl',
      'netrc',
    ]);
    expect(rules.filter((rule) => !generic.has(rule.family!)).length).toBeGreaterThanOrEqual(600);
  });

  it('reports every problem of a bad rule with the file, the rule id and the field', () => {
    const problems = validateRule(
      {
        id: 'Bad_Id',
        name: 'x',
        pattern: '(a)(b)',
        keywords: ['AB'],
        confidence: 'sure',
        examples: [],
      },
      'rules/bad.yaml',
      0,
    );
    const text = problems.map((p) => `${p.file} ${p.ruleId} ${p.field}`);
    expect(text).toEqual(
      expect.arrayContaining([
        // A malformed id is not repeated: the record may hold anything (a token in a config).
        'rules/bad.yaml #1 id',
        'rules/bad.yaml #1 pattern',
        'rules/bad.yaml #1 keywords.0',
        'rules/bad.yaml #1 confidence',
        'rules/bad.yaml #1 description',
        'rules/bad.yaml #1 examples',
      ]),
    );
  });

  it('bounds nearLines and allows it only beside near', () => {
    const base = rules.find((rule) => rule.id === 'aws-secret-access-key')!;
    const fields = (extra: Record<string, unknown>) =>
      validateRule({ ...base, family: undefined, ...extra }, 'rules/x.yaml', 0).map(
        (p) => `${p.field}: ${p.message}`,
      );
    expect(fields({})).toEqual([]);
    expect(fields({ nearLines: 6 })).toEqual(['nearLines: must be a whole number from 0 to 5']);
    expect(fields({ nearLines: 1.5 })).toEqual(['nearLines: must be a whole number from 0 to 5']);
    expect(fields({ near: undefined })).toEqual(['nearLines: needs near']);
  });
});

describe('offline validity checks', () => {
  const engine = new RuleEngine(rules);
  const find = (text: string) => engine.detect(text)[0];

  it('checks the CRC32 of GitHub and GitLab routable tokens, lowering confidence when it fails', () => {
    const gitlab = find('TOKEN=glpat-bzoxCnU6N2tfPJoX0uhLBqHH458gtF1oEA.0y0aqm1kn');
    expect(gitlab).toMatchObject({ validation: 'valid', confidence: 'high' });
    const forged = find('TOKEN=glpat-bzoxCnU6N2tfPJoX0uhLBqHH458gtF1oEA.0y0aqm1ko');
    expect(forged).toMatchObject({ validation: 'invalid', confidence: 'medium' });
    expect(find('TOKEN=glpat-Ab3dE6gH9jK2mN5pQ8sT').validation).toBeUndefined();
    expect(find('GITHUB_TOKEN=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').validation).toBe('valid');
    expect(find('GITHUB_TOKEN=ghp_wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUy').validation).toBe(
      'invalid',
    );
  });
});
