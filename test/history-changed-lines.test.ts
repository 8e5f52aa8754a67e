import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../src/findings/types.js';
import { scanHistory } from '../src/pipeline/scan-git.js';
import { changedLines, CONTEXT_LINES, HEAD_LINES } from '../src/sources/changed-lines.js';
import { ROOT, tempDir } from './helpers/cli.js';
import { GIT_ENV, request } from './helpers/git-repo.js';
import { fakeGithubToken, randomString, seeded } from './helpers/tokens.js';

const codeLine = (random: () => number, n: number) =>
  `  const item${n} = compute(${Math.floor(random() * 1e6)}, "${randomString(random, 6)}");`;
const file = (lines: string[]) => Buffer.from(`${lines.join('\n')}\n`);
const linesOf = (bytes: Buffer) => bytes.toString('latin1').split('\n');

describe('changedLines', () => {
  const random = seeded(7);
  const before = Array.from({ length: 500 }, (_, i) => codeLine(random, i));

  it('keeps a line inserted mid-file at its own line number, with its context', () => {
    const after = [...before];
    after.splice(250, 0, `  const apiToken = "${fakeGithubToken(1)}";`);
    const out = changedLines(file(after), file(before))!;
    const lines = linesOf(out);

    expect(lines).toHaveLength(after.length + 1);
    expect(lines[250]).toBe(after[250]);
    for (let i = 250 - CONTEXT_LINES; i <= 250 + CONTEXT_LINES; i++)
      expect(lines[i]).toBe(after[i]);
    for (let i = 0; i < HEAD_LINES; i++) expect(lines[i]).toBe(after[i]);
    expect(lines[100]).toBe('');
    expect(lines[400]).toBe('');
    expect(out.length).toBeLessThan(2000);
  });

  it('keeps context where lines were only deleted', () => {
    const after = [...before];
    after.splice(300, 2);
    const lines = linesOf(changedLines(file(after), file(before))!);
    expect(lines[299]).toBe(after[299]);
    expect(lines[300]).toBe(after[300]);
    expect(lines[200]).toBe('');
  });

  it('keeps a whole encoded block when one line inside it changed', () => {
    const body = Array.from({ length: 30 }, () => randomString(random, 64));
    const key = (rows: string[]) => [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      ...rows,
      '-----END OPENSSH PRIVATE KEY-----',
    ];
    const old = [...before.slice(0, 100), ...key(body), ...before.slice(100)];
    const edited = [...body];
    edited[15] = randomString(random, 64);
    const now = [...before.slice(0, 100), ...key(edited), ...before.slice(100)];
    const lines = linesOf(changedLines(file(now), file(old))!);
    for (let i = 100; i <= 131; i++) expect(lines[i]).toBe(now[i]);
    expect(lines[90]).toBe('');
  });

  it('keeps the whole block when an earlier change is kept already', () => {
    const body = Array.from({ length: 30 }, () => randomString(random, 64));
    const key = (rows: string[]) => [
      '-----BEGIN RSA PRIVATE KEY-----',
      ...rows,
      '-----END RSA PRIVATE KEY-----',
    ];
    const old = [...before.slice(0, 100), ...key(body), ...before.slice(100)];
    const now = [...old];
    now[96] = codeLine(random, 96);
    now[120] = randomString(random, 64);
    const lines = linesOf(changedLines(file(now), file(old))!);
    for (let i = 93; i <= 131; i++) expect(lines[i]).toBe(now[i]);
    expect(lines[80]).toBe('');
    expect(lines[140]).toBe('');
  });

  it('keeps CRLF lines whole', () => {
    const crlf = (lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n`);
    const after = [...before];
    after[200] = 'password = "Zx81-crlf-value-99"';
    const out = changedLines(crlf(after), crlf(before))!.toString('latin1').split('\n');
    expect(out[200]).toBe(`${after[200]}\r`);
    expect(out[50]).toBe('');
  });

  it('leaves binary, UTF-16 and mostly rewritten files to be scanned whole', () => {
    const old = file(before);
    expect(changedLines(Buffer.concat([old, Buffer.from([0, 1, 2])]), old)).toBeUndefined();
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\nb\n', 'utf16le')]);
    expect(changedLines(utf16, old)).toBeUndefined();
    const rewritten = before.map((_, i) => codeLine(random, i));
    expect(changedLines(file(rewritten), old)).toBeUndefined();
  });

  it('never drops a line the old version did not hold (random edits)', () => {
    const rnd = seeded(99);
    for (let round = 0; round < 300; round++) {
      const old = Array.from({ length: 20 + Math.floor(rnd() * 300) }, (_, i) =>
        rnd() < 0.1 ? '}' : codeLine(rnd, i),
      );
      const now = [...old];
      const edits = 1 + Math.floor(rnd() * 6);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rnd() * now.length);
        const roll = rnd();
        if (roll < 0.4) now[at] = codeLine(rnd, at);
        else if (roll < 0.7) now.splice(at, 0, ...[codeLine(rnd, at), '}'].slice(0, 1 + (at % 2)));
        else if (roll < 0.85) now.splice(at, 1 + Math.floor(rnd() * 3));
        else now.splice(at, 0, now[Math.floor(rnd() * now.length)]!); // a repeated line
      }
      const out = changedLines(file(now), file(old));
      if (!out) continue;
      const kept = linesOf(out);
      const held = new Set(old);
      expect(kept).toHaveLength(now.length + 1);
      now.forEach((line, i) => {
        if (!held.has(line)) expect(kept[i]).toBe(line);
        else expect([line, '']).toContain(kept[i]);
      });
    }
  });
});

/**
 * A repository whose files take small random edits, some of them secrets of several shapes,
 * some later edited around or removed; a private key whose body changes; a file renamed and
 * edited after. Scanning what changed must report exactly what scanning every version does.
 */
describe('history scan of what changed', () => {
  let tmp: { path: string; cleanup: () => void };
  let dir: string;

  beforeAll(() => {
    tmp = tempDir();
    dir = join(tmp.path, 'repo');
    execFileSync('git', ['init', '-q', '-b', 'main', dir], { env: GIT_ENV });
    const random = seeded(2026);
    const files = new Map<string, string[]>();
    for (let f = 0; f < 10; f++) {
      const path = f % 3 === 0 ? `conf/app${f}.yaml` : `src/mod${f}.ts`;
      files.set(
        path,
        Array.from({ length: 60 + Math.floor(random() * 200) }, (_, i) =>
          path.endsWith('.yaml')
            ? `setting_${i}: ${Math.floor(random() * 1e4)}`
            : codeLine(random, i),
        ),
      );
    }
    const keyText = readFileSync(join(ROOT, 'fixtures/formats/keys/id_ed25519'), 'utf8');
    const secrets = (n: number): string[] => {
      switch (n % 6) {
        case 0:
          return [`  const apiToken = "${fakeGithubToken(100 + n)}";`];
        case 1:
          return [`GITHUB_TOKEN=${fakeGithubToken(100 + n)}`];
        case 2:
          return [`  password = "${randomString(random, 10)}-${randomString(random, 8)}9!";`];
        case 3:
          return [
            `  const headers = {`,
            `    Authorization: "token ${fakeGithubToken(100 + n)}",`,
            `  };`,
          ];
        case 4:
          return keyText.trimEnd().split('\n');
        default:
          return [`db_url: postgres://app:${randomString(random, 14)}@db.internal:5432/app`];
      }
    };

    let stream = '';
    const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
    for (let c = 0; c < 160; c++) {
      const ops: string[] = [];
      const touched = new Set<string>();
      const paths = [...files.keys()];
      for (let e = 0; e < 1 + Math.floor(random() * 2); e++) {
        const path = paths[Math.floor(random() * paths.length)]!;
        const lines = files.get(path)!;
        const at = Math.floor(random() * lines.length);
        const roll = random();
        if (roll < 0.2) lines.splice(at, 0, ...secrets(c));
        else if (roll < 0.6) lines[at] = codeLine(random, at);
        else if (roll < 0.8) lines.splice(at, 1);
        else {
          // Edit inside a key's body, when the file holds one.
          const body = lines.findIndex((line) => /^[A-Za-z0-9+/]{40,}$/.test(line));
          if (body >= 0) lines[body + 1] = randomString(random, 70);
          else lines.splice(at, 0, codeLine(random, at));
        }
        touched.add(path);
      }
      if (c === 80) {
        // A rename, then edits at the new path.
        files.set('src/renamed.ts', files.get('src/mod1.ts')!);
        files.delete('src/mod1.ts');
        ops.push('D src/mod1.ts\n');
        touched.delete('src/mod1.ts');
        touched.add('src/renamed.ts');
      }
      for (const path of touched)
        ops.push(`M 100644 inline ${path}\n${data(`${files.get(path)!.join('\n')}\n`)}`);
      const when = 1_700_000_000 + c * 3600;
      stream +=
        `commit refs/heads/main\nmark :${c + 1}\n` +
        `author Dev <dev@example.test> ${when} +0000\ncommitter Dev <dev@example.test> ${when} +0000\n` +
        data(`change ${c}`) +
        (c ? `from :${c}\n` : '') +
        ops.join('');
    }
    const imported = spawnSync('git', ['fast-import', '--quiet'], {
      cwd: dir,
      input: stream,
      env: GIT_ENV,
    });
    expect(imported.status).toBe(0);
    execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: dir, env: GIT_ENV });
  });
  afterAll(() => tmp.cleanup());

  const summary = (findings: Finding[]) =>
    findings
      .map((f) =>
        [
          f.ruleId,
          f.path,
          f.line,
          f.column,
          f.endLine,
          f.endColumn,
          f.valueDigest,
          f.validation,
          f.history?.commit,
          f.history?.presentInHead,
        ].join(' '),
      )
      .sort();

  it('reports what scanning every version whole reports', async () => {
    const whole = await scanHistory(request(dir), { wholeVersions: true });
    const changed = await scanHistory(request(dir));
    expect(whole.findings.length).toBeGreaterThan(20);
    expect(summary(changed.findings)).toEqual(summary(whole.findings));
    expect(changed.summary.bytes).toBe(whole.summary.bytes);
  });
});
