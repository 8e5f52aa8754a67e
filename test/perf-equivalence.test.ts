/**
 * Speed changes must not change what the engine finds. Whole-text rules now run in windows
 * around their keyword hits when the pattern proves every match holds a keyword; this test
 * compares that engine with the reference one (every whole-text rule over the whole text) on the
 * fixtures, every rule example and negative (alone and buried in long text, so the windows are
 * really used), and a sample of real third-party files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuleEngine, type Candidate } from '../src/detect/engine.js';
import { patternReach } from '../src/detect/pattern-reach.js';
import { builtinRules } from '../src/rules/load.js';

const ROOT = join(__dirname, '..');
const rules = builtinRules();
const fast = new RuleEngine(rules);
const reference = new RuleEngine(rules, { windows: false });

const shape = (found: Candidate[]) =>
  found.map((c) => `${c.rule.id} ${c.start}-${c.end} ${c.confidence} ${c.validation ?? ''}`);

function expectSame(text: string, label: string): void {
  const expected = shape(reference.detect(text));
  expect(shape(fast.detect(text)), label).toEqual(expected);
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

describe('pattern reach', () => {
  it('proves a keyword in every match, across classes and optional groups', () => {
    expect(patternReach('\\b[Pp]ass(?:word|wd)?=([a-z]{8,20})\\b', ['pass'])).toEqual({
      back: 1,
      ahead: 30,
      lines: 0,
    });
    // Unbounded repeats that cannot cross a line feed are bounded by lines instead.
    expect(patternReach('pass[ \\t]*=[ \\t]*(\\S+)', ['pass'])).toEqual({
      back: 1,
      ahead: Infinity,
      lines: 0,
    });
    expect(patternReach('(?:^|\\n)pass=([^"\\r\\n]+)(?=\\r?\\n)', ['pass'])).toEqual({
      back: 1,
      ahead: Infinity,
      lines: 2,
    });
    expect(
      patternReach('(?<![A-Za-z])(?:api[_.-]?(?:key|token)|auth)[ =]{1,3}(\\w{16})', [
        'key',
        'token',
        'auth',
      ]),
    ).toBeDefined();
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
