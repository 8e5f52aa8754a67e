/**
 * Speed changes must not change what the engine finds. Whole-text rules now run in windows
 * around their keyword hits when the pattern proves every match holds a keyword; this test
 * compares that engine with the reference one (every whole-text rule over the whole text) on the
 * fixtures, every rule example and negative (alone and buried in long text, so the windows are
 * really used), and a sample of real third-party files.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadAutomaton, saveAutomaton } from '../src/detect/automaton-cache.js';
import { DETECTORS } from '../src/detect/detectors.js';
import { RuleEngine, type Candidate } from '../src/detect/engine.js';
import { detectUrlCredentials } from '../src/detect/formats/connection-strings.js';
import { decodeBase64, decodeHex, mayDecodePrintable } from '../src/detect/formats/decode.js';
import { ASSIGN, ASSIGN_TAIL, lineRuns, SECRET_WORDS } from '../src/detect/formats/code-lines.js';
import {
  encodedRunSpans,
  ESCAPE_SEED,
  ESCAPE_STOP,
  PERCENT_SEED,
  PERCENT_STOP,
  seededRuns,
} from '../src/detect/formats/decoders.js';
import { detectGlued } from '../src/detect/formats/glued.js';
import { loadFormatDetectors } from '../src/detect/formats/index.js';
import { classifyName, judgeValue } from '../src/detect/formats/judge.js';
import { patternReach } from '../src/detect/pattern-reach.js';
import { startTest } from '../src/detect/start-test.js';
import { KeywordAutomaton } from '../src/detect/prefilter.js';
import { scanText } from '../src/detect/scan-text.js';
import { builtinRules, SAVED_AUTOMATON, SAVED_NEEDS } from '../src/rules/load.js';
import { decodeText } from '../src/sources/text.js';
import {
  gateClauses,
  patternNeeds,
  ruleGates,
  type PatternNeeds,
} from '../src/detect/pattern-needs.js';
import { loadGates } from '../src/detect/needs-cache.js';
import { RUN_ALPHABET } from '../src/detect/run-alphabet.js';
import { createEngine } from '../src/pool/worker.js';
import { fakeGithubToken } from './helpers/tokens.js';

const ROOT = join(__dirname, '..');
const rules = builtinRules();
const fast = new RuleEngine(rules);
const reference = new RuleEngine(rules, { windows: false });

const shape = (found: Candidate[]) =>
  found.map((c) => `${c.rule.id} ${c.start}-${c.end} ${c.confidence} ${c.validation ?? ''}`);

function expectSame(text: string, label: string): void {
  const expected = shape(reference.detect(text));
  expect(shape(fast.detect(text)), label).toEqual(expected);
  // Through the byte pass too, which also lists the encoded runs the run gates read.
  const decoded = decodeText(Buffer.from(text, 'utf8'));
  if (decoded?.source && decoded.text === text) {
    const hits = fast.scan(text, decoded.source);
    expect(shape(fast.detect(text, hits)), `${label} (bytes)`).toEqual(expected);
  }
}

function* filesUnder(dir: string, filter: (path: string) => boolean): Generator<string> {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of entries) {
    const path = join(dir, name);
    const stats = statSync(path, { throwIfNoEntry: false });
    if (!stats) continue;
    if (stats.isDirectory()) yield* filesUnder(path, filter);
    else if (stats.isFile() && filter(path)) yield path;
  }
}

/** Code-like filler with no keyword of the usual generic rules. */
const FILLER = 'const value = compute(left, right); // a plain line of code\nif (x > 1) { y(); }\n';
const pad = (n: number) => FILLER.repeat(Math.ceil(n / FILLER.length)).slice(0, n);
/** The same filler as one long line, as in minified bundles, where windows cannot end early. */
const padLine = (n: number) => pad(n).replaceAll('\n', ' ');

describe('pattern reach', () => {
  it('proves a keyword in every match, across classes and optional groups', () => {
    expect(patternReach('\\b[Pp]ass(?:word|wd)?=([a-z]{8,20})\\b', ['pass'])).toEqual({
      back: 1,
      ahead: 30,
      lines: 0,
      lead: 4,
    });
    // Unbounded repeats that cannot cross a line feed are bounded by lines instead.
    expect(patternReach('pass[ \\t]*=[ \\t]*(\\S+)', ['pass'])).toEqual({
      back: 1,
      ahead: Infinity,
      lines: 0,
      lead: 4,
    });
    expect(patternReach('(?:^|\\n)pass=([^"\\r\\n]+)(?=\\r?\\n)', ['pass'])).toEqual({
      back: 1,
      ahead: Infinity,
      lines: 2,
      lead: 5,
    });
    expect(
      patternReach('(?<![A-Za-z])(?:api[_.-]?(?:key|token)|auth)[ =]{1,3}(\\w{16})', [
        'key',
        'token',
        'auth',
      ]),
    ).toBeDefined();
  });

  it('bounds where the first keyword of a match ends (lead), look-arounds included', () => {
    expect(patternReach('(?<=token=)(\\w{16})', ['token'])?.lead).toBe(0);
    expect(patternReach('(\\w{16})(?=.{0,5}token)', ['token'])?.lead).toBe(26);
    expect(patternReach('x{0,3}(?:ab|pass)pass', ['pass'])?.lead).toBe(11);
    // A keyword after an unbounded repeat: windows by lines, no lead.
    expect(patternReach('[ \\t]*pass=(\\w{8})', ['pass'])?.lead).toBe(Infinity);
  });

  it('refuses unbounded patterns, back references and matches that may lack the keyword', () => {
    expect(patternReach('pass=([\\s\\S]+)', ['pass'])).toBeUndefined();
    expect(patternReach('pass=([^"]+)', ['pass'])).toBeUndefined();
    expect(patternReach('(["\'])pass\\1', ['pass'])).toBeUndefined();
    expect(patternReach('(?:pass|pwd)=(\\w{8})', ['pass'])).toBeUndefined();
    expect(patternReach('(?!pass)(\\w{8})', ['pass'])).toBeUndefined();
    expect(patternReach('(?:pass)?=(\\w{8})', ['pass'])).toBeUndefined();
  });

  it('applies to a good share of the pack', () => {
    const whole = rules.filter((r) => r.near === undefined);
    const local = whole.filter((r) =>
      patternReach(
        r.pattern,
        r.keywords.map((k) => k.toLowerCase()),
      ),
    );
    expect(local.length).toBeGreaterThan(whole.length / 2);
  });
});

/** Whether `text` holds what `needs` says every match holds. */
function holds(needs: PatternNeeds, text: string): boolean {
  const lower = text.toLowerCase();
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = RUN_ALPHABET.includes(c) ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest >= needs.run && needs.literals.every((c) => c.some((s) => lower.includes(s)));
}

describe('pattern needs: what every match must contain', () => {
  const needs = (pattern: string, flags = '') => patternNeeds(pattern, flags);

  it('reads written strings, alternatives and optional parts as the text they require', () => {
    expect(needs('-----BEGIN [A-Z]+ KEY-----').literals).toEqual([['-----begin '], [' key-----']]);
    expect(needs('(?:ENV|ARG)[ \\t]+X').literals).toEqual([['env', 'arg']]);
    // An optional tail leaves the shorter string, which the longer one holds anyway.
    expect(needs('xox[bp]-(?:ab)?').literals).toEqual([['xoxb-', 'xoxp-']]);
    // Zero-width parts join the text on both sides; a repeat or a `.` breaks it.
    expect(needs('abc(?=d)def\\bghi').literals).toEqual([['abcdefghi']]);
    expect(needs('abc.def').literals).toEqual([['abc'], ['def']]);
    // Each branch of a choice brings one string; a branch with none makes the choice useless.
    expect(needs('(?:foo[0-9]+bar|quux)').literals).toEqual([['foo', 'quux']]);
    expect(needs('(?:foo|[0-9]+)zz').literals).toEqual([]);
    // Strings shorter than three characters or outside printable ASCII are not worth a gate.
    expect(needs('ab[0-9]').literals).toEqual([]);
    expect(needs('café\\d').literals).toEqual([]);
  });

  it('reads runs of base64, hex and identifier characters, and what breaks them', () => {
    expect(needs('AKIA[0-9A-Z]{16}').run).toBe(20);
    expect(needs('(?<![A-Za-z0-9])0x[0-9a-f]{64}').run).toBe(66);
    expect(needs('ghp_\\w{36}').run).toBe(40);
    expect(needs('[A-Za-z0-9]{20}\\.[A-Za-z0-9]{30}').run).toBe(30);
    expect(needs('[A-Za-z0-9]{10}(?:-[a-z]{5}|_[0-9]{12})').run).toBe(16);
    expect(needs('x{0,40}[a-z]{3}').run).toBe(3);
    expect(needs('[^"]{40}').run).toBe(0);
    expect(needs('[!-~]{40}').run).toBe(0);
    expect(needs('(ab\\1)').run).toBe(2);
  });

  it('says nothing of a pattern its parser cannot read', () => {
    expect(needs('(?<=a)b(', '')).toEqual({ literals: [], run: 0 });
  });

  it('holds for every match in every built-in rule example', () => {
    let checked = 0;
    for (const rule of rules) {
      const regex = new RegExp(rule.pattern, `g${rule.flags ?? ''}`);
      const ruleNeeds = patternNeeds(rule.pattern, rule.flags);
      for (const { text } of [...rule.examples, ...rule.negatives]) {
        for (const m of text.matchAll(regex)) {
          expect(holds(ruleNeeds, m[0]), `${rule.id}: ${m[0]}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('holds for every match of tricky patterns in random text of their pieces', () => {
    const cases: [string, string, string[]][] = [
      [
        '(?:[Tt]oken|PAT)[a-z_]{0,3}["\']? ?=["\']([a-z2-7]{8})["\']',
        '',
        ['token', 'Token', 'PAT', '"', "'", '=', 'ab', '234', '_', ' '],
      ],
      [
        '(?<![\\w-])(sk-(?:live|test)-[A-Za-z0-9]{6,})(?!\\w)',
        '',
        ['sk-', 'live', 'test', '-', 'Ab9', 'x', ' ', '_'],
      ],
      [
        '(?:^|\\n)(?:export +)?[A-Z_]{0,5}(?:KEY|SECRET)=([^\\s]{4,})',
        'i',
        ['export ', 'KEY', 'secret', '=', 'A_', '\n', ' ', 'val', 'x'],
      ],
      ['(ab|abc)?d{2}(?:e|fg)+h', '', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'ab']],
      [
        '\\b(?:key|pw)(?=[:=])[:=]+([+/\\w]{5,8})(?:\\.([A-Z]{2}))?',
        '',
        ['key', 'pw', ':', '=', '+/', 'w9', 'Q', '.', 'AB', ' '],
      ],
    ];
    for (const [pattern, flags, pieces] of cases) {
      const regex = new RegExp(pattern, `g${flags}`);
      const patternNeed = patternNeeds(pattern, flags);
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
          for (const m of parts.join('').matchAll(regex)) {
            if (!holds(patternNeed, m[0])) return false;
          }
          return true;
        }),
        { numRuns: 3000 },
      );
    }
  });

  it('gates only on what the keywords and earlier clauses do not already imply', () => {
    const read = { literals: [['sk_live_', 'sk_test_'], ['live', 'test'], ['zq9']], run: 0 };
    expect(gateClauses(read, ['sk_live_', 'sk_test_'])).toEqual([['zq9']]);
    expect(gateClauses(read, ['sk_'])).toEqual([['sk_live_', 'sk_test_'], ['zq9']]);
  });

  it('are saved by the build for every built-in rule, as the engine would read them', () => {
    const saved = loadGates(SAVED_NEEDS);
    for (const rule of rules) expect(saved(rule), rule.id).toEqual(ruleGates(rule));
    // Another rule with the same pattern and other keywords is not answered from the file.
    const rule = rules.find((r) => ruleGates(r).clauses.length > 0)!;
    expect(saved({ ...rule, keywords: ['zzzq'] })).toBeUndefined();
    expect(loadGates(join(ROOT, 'no-such-file.json'))(rule)).toBeUndefined();
  });

  it('are not taken from a saved file that was edited, cut short or made by another reader', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unsprawl-needs-'));
    try {
      const path = join(dir, 'rule-needs.json');
      const intact = readFileSync(SAVED_NEEDS, 'utf8');
      const [sealLine, entriesLine] = intact.split('\n') as [string, string];
      const seal = JSON.parse(sealLine);
      const entries = JSON.parse(entriesLine);
      const rule = rules.find((r) => ruleGates(r).run > 0)!;
      const key = Object.keys(entries).find((k) => k.endsWith(`/${rule.pattern}`))!;
      const edited = { ...entries, [key]: { clauses: [], run: 100_000 } };
      const tried = {
        edited: `${sealLine}\n${JSON.stringify(edited)}`,
        'another reader': `${JSON.stringify({ ...seal, reader: seal.reader + 1 })}\n${entriesLine}`,
        'cut short': intact.slice(0, intact.length / 2),
        'one line': entriesLine,
      };
      for (const [label, content] of Object.entries(tried)) {
        writeFileSync(path, content);
        expect(loadGates(path)(rule), label).toBeUndefined();
      }
      writeFileSync(path, intact);
      expect(loadGates(path)(rule)).toEqual(ruleGates(rule));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('start tests read where a match may begin', () => {
  const allowed = (source: string, flags: string, text: string) => {
    const test = startTest(source, flags)!;
    const all: number[] = [];
    for (let p = 0; p <= text.length; p++) if (test.allows(text, p)) all.push(p);
    const stepped: number[] = [];
    const next = test.starts(text);
    for (let p = next(0, text.length); p !== -1; p = next(p + 1, text.length)) stepped.push(p);
    expect(stepped, `${source} next`).toEqual(all);
    return all;
  };

  it('reads line and word boundaries at the opening, and nothing else', () => {
    expect(allowed('(?:^|\\n)[ \\t]*key=(\\w+)', 'i', 'ab\nkey=1\n')).toEqual([0, 2, 8]);
    expect(allowed('(?<![^\\n\\r])[ \\t]*key', '', 'a\r\nkey\n')).toEqual([0, 2, 3, 7]);
    expect(allowed('(?:^|[\\n;])pwd=(\\w+)', '', 'a;b\nc d')).toEqual([0, 1, 3]);
    expect(allowed('(?:^|\\s)-u (\\S+)', '', 'a\u00a0-u x')).toEqual([0, 1, 4]);

    for (const [source, flags] of [
      ['(?:^|\\n)a|b', ''],
      ['(?:^|\\n)a', 'm'],
      ['(?:^|(?<!&amp);|["\'\\s])Password=', 'i'],
      ['(?<![A-Za-z0-9])(ghp_[A-Za-z0-9]{36})', ''],
    ]) {
      expect(startTest(source!, flags!), source).toBeUndefined();
    }
  });

  it('never rules out where a built-in rule matches', () => {
    const tested = rules.flatMap((rule) => {
      const regex = new RegExp(rule.pattern, `${rule.flags ?? ''}g`);
      const test = startTest(regex.source, regex.flags);
      return test ? [{ rule, regex, test }] : [];
    });
    expect(tested.length).toBeGreaterThanOrEqual(8);
    const lines = fc.array(
      fc.constantFrom(...tested.flatMap(({ rule }) => rule.examples.map((e) => e.text)), ...PIECES),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(lines, fc.constantFrom('\n', '\r\n', ';', ' ', ''), (parts, glue) => {
        const text = parts.join(glue);
        for (const { rule, regex, test } of tested) {
          for (const m of text.matchAll(regex)) {
            expect(test.allows(text, m.index), rule.id).toBe(true);
          }
        }
      }),
      { numRuns: 300, seed: 20261204 },
    );
  });
});

describe('windowed whole-text rules find exactly what whole-text runs find', () => {
  it('on every rule example and negative, alone and buried in long text', () => {
    const all = rules.flatMap((r) =>
      [...r.examples, ...r.negatives].map((e) => ({ id: r.id, text: e.text })),
    );
    for (const { id, text } of all) {
      expectSame(text, id);
      expectSame(`${pad(30_000)}${text}${pad(30_000)}`, `${id} buried`);
      // At both edges of the text, and twice close together (windows that merge).
      expectSame(`${text}${pad(40_000)}${text}`, `${id} at the edges`);
      expectSame(`${pad(20_000)}${text} ${text}\n${text}${pad(20_000)}`, `${id} close together`);
      expectSame(`${padLine(30_000)}${text}${padLine(30_000)}`, `${id} in a long line`);
    }
  });

  it('on many examples at once, their keywords spread through a large text', () => {
    const all = rules.flatMap((r) => r.examples.map((e) => e.text));
    const parts: string[] = [];
    all.forEach((text, i) => parts.push(text, pad(200 + ((i * 7919) % 3000))));
    expectSame(parts.join('\n'), 'spread');
  });

  it('on the fixtures', () => {
    let count = 0;
    for (const path of filesUnder(join(ROOT, 'fixtures'), () => true)) {
      const text = readFileSync(path, 'utf8');
      if (text.includes('\0')) continue;
      expectSame(text, path);
      expectSame(`${pad(30_000)}${text}${pad(30_000)}`, `${path} buried`);
      count++;
    }
    expect(count).toBeGreaterThan(20);
  });

  it('on a sample of real third-party files', () => {
    const pick = /\.(js|cjs|mjs|ts|json|md|yml|yaml)$/;
    let bytes = 0;
    let n = 0;
    for (const path of filesUnder(join(ROOT, 'node_modules'), (p) => pick.test(p))) {
      if (n++ % 23 !== 0) continue;
      const size = statSync(path).size;
      if (size > 2_000_000) continue;
      expectSame(readFileSync(path, 'utf8'), path);
      bytes += size;
      if (bytes > 12_000_000) break;
    }
    expect(bytes).toBeGreaterThan(1_000_000);
  });
});

/** Random text made of pieces that meet the fast paths' edge cases. */
const PIECES = [
  'a',
  'Z',
  '9',
  '+',
  '/',
  '_',
  '-',
  '=',
  '==',
  ' ',
  '\n',
  '"',
  '://',
  ':',
  '@',
  '.',
  'é',
  'PASSWORD',
  'token',
  'KEY',
  'postgres',
  'git+ssh',
  'user',
  'c2VjcmV0LXBhc3N3b3JkLXZhbHVl',
  'dGhpcyBpcyBhIHNlY3JldCB0b2tlbiB2YWx1ZQ==',
  '6d7953656372657450617373776f7264',
  'getOwnPropertyDescriptors',
];
const pieceText = fc
  .array(fc.constantFrom(...PIECES), { maxLength: 120 })
  .map((parts) => parts.join(''));

describe('fast paths agree with the plain forms they replace', () => {
  it('the keyword automaton finds every case-insensitive occurrence, overlapping ones too', () => {
    const words = ['pass', 'password', 'key', 'ss', '://', 'to', 'token', 'e'];
    const automaton = new KeywordAutomaton(words);
    fc.assert(
      fc.property(pieceText, (text) => {
        const found = automaton.scan(text).ends;
        words.forEach((word, index) => {
          const expected: number[] = [];
          const lower = text.toLowerCase();
          for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + 1)) {
            expected.push(at + word.length);
          }
          expect(found[index] ?? []).toEqual(expected);
        });
      }),
      { numRuns: 400, seed: 20261204 },
    );
  });

  it('a saved automaton answers as the built one, and only for its own keywords', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unsprawl-automaton-'));
    try {
      const built = fast.automaton;
      const file = join(dir, 'keywords.bin');
      saveAutomaton(file, built);
      const keywords = [...built.keywords];
      const loaded = loadAutomaton(file, keywords)!;
      expect(loaded).toBeDefined();
      fc.assert(
        fc.property(pieceText, (text) => {
          expect(loaded.scan(text)).toEqual(built.scan(text));
        }),
        { numRuns: 200, seed: 20261204 },
      );
      expect(loadAutomaton(file, [...keywords, 'extra'])).toBeUndefined();
      expect(loadAutomaton(file, keywords.slice(1))).toBeUndefined();
      writeFileSync(file, readFileSync(file).subarray(0, 1000));
      expect(loadAutomaton(file, keywords)).toBeUndefined();
      expect(loadAutomaton(join(dir, 'missing.bin'), keywords)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the build saves the automaton a scan of the built-in pack asks for', () => {
    const engine = createEngine({ extraRules: [], disabledRules: [] });
    expect(loadAutomaton(SAVED_AUTOMATON, engine.automaton.keywords)).toBeDefined();
  });

  it('the encoded-run scan keeps every run the regex finds that can decode to text', () => {
    const REFERENCE = /[A-Za-z0-9+/_-]{20,}={0,2}/g;
    fc.assert(
      fc.property(pieceText, (text) => {
        const spans = encodedRunSpans(text);
        const kept = new Set<string>();
        for (let n = 0; n < spans.length; n += 2) kept.add(`${spans[n]}-${spans[n + 1]}`);
        for (const m of text.matchAll(REFERENCE)) {
          const run = m[0];
          const decodes = decodeHex(run, 0) ?? decodeBase64(run, 0);
          if (decodes) expect(kept.has(`${m.index}-${m.index + run.length}`), run).toBe(true);
        }
        // Nothing outside the regex's runs.
        const runs = new Set(
          [...text.matchAll(REFERENCE)].map((m) => `${m.index}-${m.index + m[0].length}`),
        );
        for (const span of kept) expect(runs.has(span)).toBe(true);
      }),
      { numRuns: 400, seed: 20261204 },
    );
  });

  it('the base64 pre-check never turns away a run that decodes to printable text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 6, maxLength: 60 }), fc.boolean(), (plain, url) => {
        const run = Buffer.from(plain, 'latin1').toString(url ? 'base64url' : 'base64');
        const body = run.replace(/=+$/, '');
        const decoded = Buffer.from(body, url ? 'base64url' : 'base64').toString('latin1');
        let good = 0;
        for (const ch of decoded) if (/[\x20-\x7e\t\n\r]/.test(ch)) good++;
        if (good / decoded.length >= 0.95)
          expect(mayDecodePrintable(body, 0, body.length)).toBe(true);
      }),
      { numRuns: 1000, seed: 20261204 },
    );
  });

  it('URL credentials found from each :// match what the old whole-text regex found', () => {
    const OLD =
      /\b([a-z][a-z0-9+.-]{1,30}):\/\/([^\s:/?#@"'<>`]{1,128}):([^\s/?#@"'<>`]{1,256})@[\w\-[]/gi;
    const url = fc
      .tuple(
        fc.constantFrom(
          'postgres',
          'git+ssh',
          'x',
          'a.b-c',
          '9db',
          'redis',
          'x'.repeat(31),
          'y'.repeat(40),
        ),
        fc.constantFrom('admin', 'u', '', 'a:b', 'svc-user'),
        fc.constantFrom('S3cr3t-Pa55w0rd', 'admin', '$PASS', 'Xk9#mQ2$vL7pR4wZ', 'p@ss', ''),
        fc.constantFrom('@db', '@[::1]', '@', '@-h'),
      )
      .map(([scheme, user, password, host]) => `${scheme}://${user}:${password}${host}`);
    const noise = fc.constantFrom(' ', '\n', '_', 'x', '.', '://', ':', '@', '"', 'é');
    const urlPieces = fc
      .array(fc.oneof(url, noise), { maxLength: 12 })
      .map((parts) => parts.join(''));
    let matched = 0;
    fc.assert(
      fc.property(urlPieces, (text) => {
        const expected = [...text.matchAll(OLD)]
          .filter((m) => m[3] !== m[2] && !m[3]!.startsWith('$') && judgeValue('password', m[3]!))
          .map((m) => m.index + m[1]!.length + 3 + m[2]!.length + 1);
        const found = detectUrlCredentials(fast, text).map((c) => c.start);
        expect(found).toEqual(expected);
        matched += expected.length;
      }),
      { numRuns: 1000, seed: 20261204 },
    );
    expect(matched).toBeGreaterThan(20);
  });

  it('detectors given the engine pass for their trigger words find what their own search found', () => {
    loadFormatDetectors();
    const triggers = DETECTORS.flatMap((d) => d.triggers ?? []);
    expect(triggers.length).toBeGreaterThan(0);
    const withTriggers = new RuleEngine(rules, { triggers });
    const texts: [string, string][] = [];
    for (const path of filesUnder(join(ROOT, 'fixtures'), () => true)) {
      const text = readFileSync(path, 'utf8');
      if (!text.includes('\0')) texts.push([path.slice(ROOT.length + 1), text]);
    }
    const findings = (engine: RuleEngine, path: string, text: string) =>
      scanText(engine, text, path, { redact: true }).map(
        (f) => `${f.ruleId} ${f.line}:${f.column}`,
      );
    for (const [path, text] of texts) {
      expect(findings(withTriggers, path, text), path).toEqual(findings(fast, path, text));
    }
    expect(texts.length).toBeGreaterThan(20);
  });
});

describe('names classified once answer as when classified anew', () => {
  it('across more names than the cache keeps, asked twice and in any order', () => {
    const parts = [
      'db',
      'Password',
      '_',
      'token',
      'Key',
      'api',
      '2',
      'x',
      'URL',
      '-',
      'pw',
      'au',
      'th',
    ];
    const names = fc.sample(
      fc.array(fc.constantFrom(...parts), { minLength: 1, maxLength: 6 }).map((p) => p.join('')),
      { numRuns: 30_000, seed: 7 },
    );
    const first = names.map((name) => classifyName(name));
    expect(names.map((name) => classifyName(name))).toEqual(first);
    expect([...names].reverse().map((name) => classifyName(name))).toEqual([...first].reverse());
    expect(classifyName('dbPassword')).toBe('password');
    expect(classifyName('apiKey2')).toBe('secret');
    expect(classifyName('token_url')).toBeUndefined();
    expect(classifyName('to_ken')).toBe('secret');
    expect(classifyName('x'.repeat(101) + 'password')).toBeUndefined();
  });
});

describe('string searches agree with the regex and loop scans they replace', () => {
  // Escapes, separators and token pieces, so the texts are dense with what each scan looks for.
  const piece = fc.constantFrom(
    '\\n',
    '\\t',
    '\\r',
    '\\\\n',
    '\\',
    '%3D',
    '%2f',
    '%',
    '%G1',
    '%4',
    '\\u0041',
    '\\x4a',
    '\\u12',
    ' ',
    '\n',
    '\r',
    '\r\n',
    '"',
    '=',
    'a',
    'Z',
    '_',
    '9',
    'ghp_',
    'AKIA',
    'token',
    'password',
    'secret',
    'key',
    fakeGithubToken(3),
    'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  );
  const texts = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(''));

  it('glued tokens found from each backslash and percent sign', () => {
    const GLUED_OLD = /(?:\\[nrt]|%[0-9A-Fa-f]{2})(?=[A-Za-z0-9_])/g;
    const stops = new Set([...' \t\r\n"\'`\\<>()[]{},;'].map((c) => c.charCodeAt(0)));
    const reference = (text: string) => {
      const out: string[] = [];
      GLUED_OLD.lastIndex = 0;
      for (let m = GLUED_OLD.exec(text); m; m = GLUED_OLD.exec(text)) {
        const start = m.index + m[0].length;
        let end = start;
        while (end < text.length && end - start < 4096 && !stops.has(text.charCodeAt(end))) end++;
        GLUED_OLD.lastIndex = end;
        if (end - start < 16) continue;
        for (const hit of fast.detect(text.slice(start, end))) {
          out.push(`${hit.rule.id} ${start + hit.start}-${start + hit.end}`);
        }
      }
      return out;
    };
    let found = 0;
    fc.assert(
      fc.property(texts, (text) => {
        const expected = reference(text);
        const got = detectGlued(text, fast).map((c) => `${c.rule.id} ${c.start}-${c.end}`);
        expect(got).toEqual(expected);
        found += expected.length;
      }),
      { numRuns: 2000, seed: 20261204 },
    );
    expect(found).toBeGreaterThan(20);
  });

  it('percent and escape runs found from each sign', () => {
    const reference = (text: string, shared: RegExp, stop: Set<number>, minSeeds: number) => {
      const out: string[] = [];
      const seed = new RegExp(shared.source, 'g');
      for (let m = seed.exec(text); m; m = seed.exec(text)) {
        let start = m.index;
        while (start > 0 && !stop.has(text.charCodeAt(start - 1))) start--;
        let end = m.index + m[0].length;
        while (end < text.length && !stop.has(text.charCodeAt(end))) end++;
        seed.lastIndex = end;
        const run = text.slice(start, end);
        const seeds = run.split(m[0][0]!).length - 1;
        if (seeds >= minSeeds) out.push(`${start} ${run}`);
      }
      return out;
    };
    let found = 0;
    fc.assert(
      fc.property(texts, (text) => {
        for (const [seed, stop, min] of [
          [PERCENT_SEED, PERCENT_STOP, 2],
          [ESCAPE_SEED, ESCAPE_STOP, 4],
        ] as const) {
          const expected = reference(text, seed, stop, min);
          const got = [...seededRuns(text, seed, stop, min)].map((r) => `${r.start} ${r.run}`);
          expect(got).toEqual(expected);
          found += expected.length;
        }
      }),
      { numRuns: 2000, seed: 20261204 },
    );
    expect(found).toBeGreaterThan(20);
  });

  it('lines around secret words found by the string search, line feeds or not', () => {
    const reference = (text: string) => {
      const out: string[] = [];
      let doneTo = -1;
      const isBreak = (code: number) => code === 10 || code === 13;
      for (const at of fast.scan(text).startsOfAny(SECRET_WORDS)) {
        if (at < doneTo) continue;
        let start = at;
        while (start > 0 && !isBreak(text.charCodeAt(start - 1))) start--;
        let end = at;
        while (end < text.length && !isBreak(text.charCodeAt(end))) end++;
        doneTo = end;
        if (end - start <= 4000) out.push(`${start} ${text.slice(start, end)}`);
      }
      return out;
    };
    let found = 0;
    fc.assert(
      fc.property(texts, (text) => {
        const got: string[] = [];
        lineRuns(text, fast.scan(text), (line, offset) => got.push(`${offset} ${line}`));
        const expected = reference(text);
        expect(got).toEqual(expected);
        found += expected.length;
      }),
      { numRuns: 2000, seed: 20261204 },
    );
    expect(found).toBeGreaterThan(100);
  });

  it('never spares a line the assignment pattern would match (random lines of its pieces)', () => {
    const pick = (...options: string[]) => fc.constantFrom(...options);
    const noise = pick('', ' ', '.', '-', '[', ']', '?', '~', '\\', ':', '=', '"', "'", 'x');
    const line = fc
      .tuple(
        fc.array(noise, { maxLength: 3 }),
        pick('api_key', 'token', 'x.secret', 'a-b', '_k', '9key'),
        pick('', '"', "']", ': string', ' String', ': Map<K, V>', '\t*p'),
        pick('', ' ', '\t', '  '),
        pick('=', ':', ':=', '=>', '??=', '||=', '==', '::', '=~', '=>'),
        pick('', ' ', '\t'),
        pick('', 'new ', 'new\t', 'get(', 'a.b(', 'r', 'f', '@', 'b@'),
        pick('"', "'", '`'),
        pick('abcd1234', 'abc', 'ab\\"cd1234', 'x'.repeat(300), ''),
        pick('"', "'", '`'),
        fc.array(noise, { maxLength: 3 }),
      )
      .map(([before, ...rest]) => [...before, ...rest.slice(0, -1), ...rest.at(-1)!].join(''));
    let matched = 0;
    fc.assert(
      fc.property(line, (text) => {
        ASSIGN.lastIndex = 0;
        if (!ASSIGN.test(text)) return;
        matched++;
        expect(ASSIGN_TAIL.test(text)).toBe(true);
      }),
      { numRuns: 20000, seed: 20261205 },
    );
    expect(matched).toBeGreaterThan(1000);
  });
});
