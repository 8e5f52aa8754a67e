/**
 * Issue 4: secrets in encodings, file formats, archives and code context. The fixture tree
 * fixtures/formats/ (built by fixtures/build-formats.mjs) holds each format with a secret and a
 * safe twin; the real pipeline scans it and the truth file scores it.
 */
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanWorkingTree, type ScanResult } from '../src/pipeline/scan.js';
import { builtinRules, loadRuleFiles, RULES_DIR } from '../src/rules/load.js';
import type { RuleSpec } from '../src/rules/types.js';
import { decodeText } from '../src/sources/text.js';
import { score, type TruthEntry } from './helpers/score-truth.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'formats');

/** The structured rules, added when the compiled pack predates them (a pack build in flight). */
function structuredRules(): RuleSpec[] {
  const have = new Set(builtinRules().map((rule) => rule.id));
  return loadRuleFiles([join(RULES_DIR, 'structured.yaml')]).filter((rule) => !have.has(rule.id));
}

async function scan(path: string): Promise<ScanResult> {
  return scanWorkingTree({
    paths: [path],
    include: [],
    exclude: ['truth.json'],
    gitignore: false,
    maxFileSize: 8 * 1024 * 1024,
    threads: 1,
    redact: true,
    extraRules: structuredRules(),
    disabledRules: [],
  });
}

describe('formats fixture tree', () => {
  let result: ScanResult;
  beforeAll(async () => {
    result = await scan(FIXTURES);
  });

  it('finds >= 97% of the planted secrets with no false alarm', () => {
    const truth = (
      JSON.parse(readFileSync(join(FIXTURES, 'truth.json'), 'utf8')) as {
        working_tree: TruthEntry[];
      }
    ).working_tree;
    const outcome = score(truth, result.findings);
    const report = {
      misses: outcome.falseNegatives.map((e) => `${e.path}:${e.line} ${e.kind}`),
      falseAlarms: outcome.falsePositives.map((f) => `${f.path}:${f.line} ${f.ruleId} [${f.kind}]`),
    };
    expect(report.falseAlarms).toEqual([]);
    expect(outcome.recall, JSON.stringify(report.misses)).toBeGreaterThanOrEqual(0.97);
  });

  it('gives every finding a file kind', () => {
    const kinds = new Map(result.findings.map((f) => [f.path, f.fileKind]));
    expect(kinds.get('env/.env')).toBe('env-file');
    expect(kinds.get('k8s/secret.yaml')).toBe('k8s-manifest');
    expect(kinds.get('compose/docker-compose.yml')).toBe('compose');
    expect(kinds.get('ci/.gitlab-ci.yml')).toBe('ci-config');
    expect(kinds.get('terraform/main.tf')).toBe('iac');
    expect(kinds.get('npm/.npmrc')).toBe('package-config');
    expect(kinds.get('notebook/analysis.ipynb')).toBe('notebook');
    expect(kinds.get('code/config.ts')).toBe('source');
    expect(kinds.get('archives/bundle.zip!config/.env')).toBe('env-file');
    expect(result.findings.every((f) => f.fileKind)).toBe(true);
  });

  it('reports decoded secrets at the encoded span with the decoding chain', () => {
    const k8s = result.findings.find((f) => f.path === 'k8s/secret.yaml' && f.line === 8)!;
    expect(k8s.decodedVia).toEqual(['base64']);
    expect(k8s.column).toBe(13);
    const nested = result.findings.find((f) => f.path === 'encoded/nested.yaml')!;
    expect(nested.decodedVia).toEqual(['base64', 'base64']);
    const escaped = result.findings.find((f) => f.path === 'encoded/strings.js')!;
    expect(escaped.decodedVia).toEqual(['escape']);
    const percent = result.findings.find((f) => f.path === 'encoded/callback.txt')!;
    expect(percent.decodedVia).toEqual(['percent']);
    const notebook = result.findings.find(
      (f) => f.path === 'notebook/analysis.ipynb' && f.variable === 'api_key',
    )!;
    expect(notebook.decodedVia).toEqual(['json-string']);
  });

  it('names the zip bomb and skips it', () => {
    const bomb = result.notices.find((n) => n.subject.startsWith('archives/bomb.zip'));
    expect(bomb?.message).toMatch(/zip bomb/);
    expect(result.findings.some((f) => f.path.startsWith('archives/bomb.zip'))).toBe(false);
  });
});

describe('line endings', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'unsprawl-crlf-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('CRLF and LF copies give identical findings, columns included', async () => {
    const textFiles: string[] = [];
    const walk = (rel: string) => {
      for (const name of readdirSync(join(FIXTURES, rel))) {
        const path = rel ? `${rel}/${name}` : name;
        if (statSync(join(FIXTURES, path)).isDirectory()) walk(path);
        else if (!/\.(zip|gz|docx)$|utf16|utf32|truth\.json/.test(path)) textFiles.push(path);
      }
    };
    walk('');
    cpSync(FIXTURES, join(dir, 'lf'), { recursive: true });
    cpSync(FIXTURES, join(dir, 'crlf'), { recursive: true });
    for (const path of textFiles) {
      const text = readFileSync(join(FIXTURES, path), 'utf8');
      writeFileSync(join(dir, 'crlf', path), text.replace(/\r?\n/g, '\r\n'));
    }
    const shape = (r: ScanResult) =>
      r.findings
        .map(
          (f) =>
            `${f.path}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.ruleId} ${f.fingerprint}`,
        )
        .sort();
    const lf = shape(await scan(join(dir, 'lf')));
    const crlf = shape(await scan(join(dir, 'crlf')));
    expect(lf.length).toBeGreaterThan(50);
    expect(crlf).toEqual(lf);
  });
});

describe('text encodings', () => {
  const utf32 = (text: string, littleEndian: boolean, units: number[] = []) => {
    const points = [0xfeff, ...[...text].map((ch) => ch.codePointAt(0)!), ...units];
    const bytes = Buffer.alloc(points.length * 4);
    points.forEach((p, i) =>
      littleEndian ? bytes.writeUInt32LE(p, 4 * i) : bytes.writeUInt32BE(p, 4 * i),
    );
    return bytes;
  };

  it('reads UTF-32 in either byte order, bad units as U+FFFD', () => {
    const text = 'key = "Qw7Tz3Kd9Lm2Xv5Rb8Hn" # 🔑\n';
    expect(decodeText(utf32(text, true))).toEqual({ text, encoding: 'utf32le' });
    expect(decodeText(utf32(text, false))).toEqual({ text, encoding: 'utf32be' });
    const bad = decodeText(utf32('a', true, [0xd800, 0x110000]))!;
    expect(bad.text).toBe('a\ufffd\ufffd');
  });

  it('still reads UTF-16 with a byte-order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a=1\n', 'utf16le')]);
    expect(decodeText(bytes)).toEqual({ text: 'a=1\n', encoding: 'utf16le' });
  });
});
