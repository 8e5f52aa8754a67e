/**
 * Hostile inputs, leaks and the network: the guarantees the README states, each proved here.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from './helpers/cli.js';
import { fakeGithubToken } from './helpers/tokens.js';

const secrets = [
  fakeGithubToken(301),
  fakeGithubToken(302),
  fakeGithubToken(303),
  fakeGithubToken(304),
];
const isRoot = process.getuid?.() === 0;

/** A one-member zip, the member stored or deflated, built by hand for the test. */
function storedZip(name: string, data: Buffer, deflate = false): Buffer {
  const nameBytes = Buffer.from(name);
  const body = deflate ? deflateRawSync(data) : data;
  const method = deflate ? 8 : 0;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(method, 8);
  local.writeUInt32LE(0, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(method, 10);
  central.writeUInt32LE(body.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + nameBytes.length, 12);
  end.writeUInt32LE(30 + nameBytes.length + body.length, 16);
  return Buffer.concat([local, nameBytes, body, central, nameBytes, end]);
}

/** Builds the adversarial tree at test time: nothing binary or huge is committed. */
function buildAdversarialTree(root: string): void {
  const half = 'x=1;'.repeat(128 * 1024);
  writeFileSync(join(root, 'bundle.min.js'), `${half}var k="${secrets[0]}";${half}`);
  writeFileSync(join(root, 'huge.log'), Buffer.alloc(50 * 1024 * 1024, 0x61));
  writeFileSync(
    join(root, 'blob.bin'),
    Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]), Buffer.from(secrets[1]!)]),
  );
  symlinkSync('loop-b', join(root, 'loop-a'));
  symlinkSync('loop-a', join(root, 'loop-b'));
  mkdirSync(join(root, 'dirloop'));
  symlinkSync('..', join(root, 'dirloop', 'up'));
  symlinkSync('/etc/passwd', join(root, 'outside'));
  symlinkSync('/dev/zero', join(root, 'zero'));
  symlinkSync('/dev/random', join(root, 'random'));
  symlinkSync('/dev/zero', join(root, '.gitignore'));
  symlinkSync('/dev/zero', join(root, '.unsprawl.yaml'));
  execFileSync('mkfifo', [join(root, 'pipe')]);
  writeFileSync(join(root, 'locked.txt'), `${secrets[2]}\n`);
  chmodSync(join(root, 'locked.txt'), 0o000);
  writeFileSync(join(root, 'with space.txt'), `t=${secrets[2]}\n`);
  writeFileSync(join(root, 'new\nline.txt'), `t=${secrets[3]}\n`);
  writeFileSync(Buffer.from(join(root, 'bad-\xff-name.txt'), 'latin1'), `t=${secrets[3]}\n`);
  const gz = gzipSync(Buffer.from(`TOKEN=${secrets[0]}\n`.repeat(200)));
  writeFileSync(join(root, 'cut.env.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
  const zip = storedZip('inner.env', Buffer.from(`TOKEN=${secrets[0]}\n`));
  writeFileSync(join(root, 'cut.zip'), zip.subarray(0, zip.length - 30));
  let deep = join(root, 'deep');
  for (let level = 0; level < 20; level++) deep = join(deep, `d${level}`);
  mkdirSync(deep, { recursive: true });
  for (let i = 0; i < 10_000; i++) writeFileSync(join(deep, `f${i}.txt`), `line ${i}\n`);
  writeFileSync(join(deep, 'found.env'), `TOKEN=${secrets[1]}\n`);
}

let tree: { path: string; cleanup: () => void };
beforeAll(() => {
  tree = tempDir('unsprawl-hostile-');
  buildAdversarialTree(tree.path);
}, 120_000);
afterAll(() => {
  try {
    chmodSync(join(tree.path, 'locked.txt'), 0o600);
  } catch {
    // already gone
  }
  tree.cleanup();
});

describe('hostile working tree', () => {
  it('completes with the right findings and one named warning per bad input', () => {
    const run = runCli(['scan', tree.path, '--format', 'json']);
    expect(run.code).toBe(1);
    const { findings, summary } = JSON.parse(run.stdout);
    const paths = findings.map((f: { path: string }) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'bundle.min.js',
        'with space.txt',
        'new\nline.txt',
        expect.stringMatching(/^deep\/d0\/.*found\.env$/),
      ]),
    );
    expect(paths.some((p: string) => p.startsWith('bad-'))).toBe(true);

    expect(summary.skipped['too-large']).toBe(1);
    expect(summary.skipped.binary).toBe(1);
    expect(summary.skipped.symlink).toBe(8);
    expect(summary.skipped['not-a-regular-file']).toBe(1);
    expect(run.stderr).toMatch(/huge\.log: skipped \(too-large/);
    expect(run.stderr).toMatch(/pipe: skipped \(not-a-regular-file/);
    expect(run.stderr).toMatch(
      /\.gitignore: skipped \(ignore-rules-unused: a symbolic link; git does not follow it/,
    );
    expect(run.stderr).toMatch(/cut\.env\.gz: skipped \(unreadable: corrupt archive/);
    expect(run.stderr).toMatch(/cut\.zip: skipped \(unreadable: corrupt archive/);
    // The two cut-off archives, and the locked file where permissions hold (not for root).
    expect(summary.skipped.unreadable).toBe(isRoot ? 2 : 3);
    expect(run.stderr).toMatch(
      /\.unsprawl\.yaml: config file is a symlink out of the repository|\.unsprawl\.yaml: config file is not a regular file/,
    );
    if (!isRoot) expect(run.stderr).toMatch(/locked\.txt: skipped \(unreadable/);
    for (const secret of secrets) expect(run.stdout + run.stderr).not.toContain(secret);
  }, 120_000);
});

describe('archive members past the size limit', () => {
  it('are skipped as too large by their own name, and the rest of the archive is scanned', () => {
    const dir = tempDir('unsprawl-archive-limit-');
    try {
      const token = fakeGithubToken(7);
      const big = Buffer.from(`# ${'x'.repeat(120)}\n`.repeat(2000));
      writeFileSync(join(dir.path, 'dump.sql.gz'), gzipSync(big));
      writeFileSync(join(dir.path, 'small.env.gz'), gzipSync(Buffer.from(`TOKEN=${token}\n`)));
      writeFileSync(join(dir.path, 'bundle.zip'), storedZip('data/big.txt', big, true));
      const run = runCli(['scan', dir.path, '--format', 'json', '--max-file-size', '100k']);
      const { findings } = JSON.parse(run.stdout);
      expect(findings.map((f: { path: string }) => f.path)).toEqual(['small.env.gz!small.env']);
      expect(run.stderr).toMatch(
        /dump\.sql\.gz!dump\.sql: skipped \(too-large: more than 102400 bytes\)/,
      );
      expect(run.stderr).toMatch(/bundle\.zip!data\/big\.txt: skipped \(too-large: 246000 bytes\)/);
    } finally {
      dir.cleanup();
    }
  });
});

describe('a file named as an archive that is not one', () => {
  it('is scanned as text when it reads as text, and named as unreadable when it does not', () => {
    const dir = tempDir('unsprawl-not-archive-');
    try {
      const token = fakeGithubToken(8);
      writeFileSync(join(dir.path, 'notes.zip'), `PK\x03\x04 pasted: token=${token}\n`);
      writeFileSync(
        join(dir.path, 'half.zip'),
        storedZip('a.env', Buffer.from('A=1\n')).subarray(0, 40),
      );
      const run = runCli(['scan', dir.path, '--format', 'json']);
      const { findings } = JSON.parse(run.stdout);
      expect(findings.map((f: { path: string }) => f.path)).toEqual(['notes.zip']);
      expect(run.stderr).not.toMatch(/notes\.zip/);
      // Binary after all: named as unreadable, not scanned as text.
      expect(run.stderr).toMatch(
        /half\.zip: skipped \(unreadable: corrupt archive: no zip directory\)/,
      );
    } finally {
      dir.cleanup();
    }
  });
});

describe('text a zip carries outside its entries', () => {
  it('is scanned: the archive comment and what was appended after the zip', () => {
    const dir = tempDir('unsprawl-zip-outside-');
    try {
      const zip = storedZip('readme.txt', Buffer.from('nothing here\n'));
      const comment = Buffer.from(`deploy token=${fakeGithubToken(9)}\n`);
      const commented = Buffer.from(zip);
      commented.writeUInt16LE(comment.length, zip.length - 2);
      writeFileSync(join(dir.path, 'commented.zip'), Buffer.concat([commented, comment]));
      const appended = Buffer.from(`\ntoken=${fakeGithubToken(10)}\n`);
      writeFileSync(join(dir.path, 'appended.zip'), Buffer.concat([zip, appended]));

      const run = runCli(['scan', dir.path, '--format', 'json']);
      const paths = JSON.parse(run.stdout).findings.map((f: { path: string }) => f.path);
      expect(paths.sort()).toEqual(['appended.zip!(after the zip)', 'commented.zip!(zip comment)']);
    } finally {
      dir.cleanup();
    }
  });
});

describe('archives of very compressible text', () => {
  it('are scanned: a log that deflates 300:1 is not a bomb, nor is the tarball holding it', () => {
    const dir = tempDir('unsprawl-ratio-');
    try {
      const content = join(dir.path, 'content');
      mkdirSync(content);
      writeFileSync(join(content, 'app.log'), 'GET /health 200 0.1ms\n'.repeat(150_000));
      writeFileSync(join(content, '.env'), `TOKEN=${secrets[2]}\n`);
      execFileSync('tar', ['czf', join(dir.path, 'bundle.tgz'), '-C', content, 'app.log', '.env']);
      execFileSync('rm', ['-r', content]);
      const run = runCli(['scan', dir.path, '--format', 'json']);
      const { findings } = JSON.parse(run.stdout);
      expect(findings.map((f: { path: string }) => f.path)).toEqual(['bundle.tgz!.env']);
      expect(run.stderr).not.toMatch(/bomb/);
    } finally {
      dir.cleanup();
    }
  });
});

describe('a file with more matches of one rule than the cap', () => {
  it('says so, naming the file and the rule', () => {
    const dir = tempDir('unsprawl-cap-');
    try {
      const lines = Array.from(
        { length: 800 },
        (_, i) => `k${i} = AKIAQYLPMN5HHHFPZ${String(i).padStart(3, '0')}\n`,
      );
      writeFileSync(join(dir.path, 'many.txt'), lines.join(''));
      const run = runCli(['scan', dir.path, '--format', 'json']);
      expect(JSON.parse(run.stdout).findings).toHaveLength(500);
      expect(run.stderr).toMatch(
        /many\.txt: skipped \(match-limit: aws-access-key-id stopped after 500/,
      );
    } finally {
      dir.cleanup();
    }
  });
});

describe('a folder that cannot be listed', () => {
  // Root reads every folder; the check runs where permissions hold (not as root).
  it.skipIf(isRoot)('is named as unreadable, and the rest of the tree is scanned', () => {
    const dir = tempDir('unsprawl-closed-');
    const closed = join(dir.path, 'closed');
    try {
      mkdirSync(closed);
      writeFileSync(join(closed, 'a.env'), `TOKEN=${secrets[1]}\n`);
      writeFileSync(join(dir.path, 'b.env'), `TOKEN=${secrets[2]}\n`);
      chmodSync(closed, 0o000);
      const run = runCli(['scan', dir.path, '--format', 'json']);
      expect(JSON.parse(run.stdout).findings.map((f: { path: string }) => f.path)).toEqual([
        'b.env',
      ]);
      expect(run.stderr).toMatch(/closed: skipped \(unreadable: folder cannot be listed\)/);
    } finally {
      chmodSync(closed, 0o755);
      dir.cleanup();
    }
  });
});

describe('control characters in file names', () => {
  it('reach stderr escaped, so a name cannot drive the terminal', () => {
    const dir = tempDir('unsprawl-esc-');
    try {
      writeFileSync(join(dir.path, 'a\x1b[2Jred\r.log'), 'x'.repeat(2000));
      const run = runCli(['scan', dir.path, '--max-file-size', '1k']);
      expect(run.stderr).toContain('a\\x1b[2Jred\\x0d.log: skipped (too-large');
      expect(run.stderr).not.toMatch(/[\x1b\r]/);
      writeFileSync(join(dir.path, 'b\x1b[2J.env'), `TOKEN=${secrets[0]}\n`);
      const github = runCli(['scan', dir.path, '--format', 'github']);
      expect(github.stdout).toContain('file=b%1B[2J.env');
      expect(github.stdout).not.toMatch(/\x1b/);
    } finally {
      dir.cleanup();
    }
  });
});

describe('no leaks', () => {
  let dir: { path: string; cleanup: () => void };
  beforeAll(() => {
    dir = tempDir();
    writeFileSync(
      join(dir.path, 'a.env'),
      `GITHUB_TOKEN=${secrets[0]}\nDB_PASSWORD=Zq8!vR2#kLm9@wX4\n`,
    );
    writeFileSync(join(dir.path, 'b.json'), `{"token": "${secrets[1]}", "broken": }\n`);
    writeFileSync(join(dir.path, 'c.yaml'), `key: [${secrets[2]}\n  bad: : indent\n`);
  });
  afterAll(() => dir.cleanup());

  for (const format of ['text', 'json', 'sarif', 'github']) {
    it(`keeps secrets out of ${format} output and debug logs`, () => {
      const run = runCli(['scan', dir.path, '--format', format, '--debug']);
      expect(run.code).toBe(1);
      for (const secret of [...secrets.slice(0, 3), 'Zq8!vR2#kLm9@wX4']) {
        expect(run.stdout).not.toContain(secret);
        expect(run.stderr).not.toContain(secret);
      }
    });
  }

  it('keeps secrets out of the baseline file', () => {
    mkdirSync(join(dir.path, 'out'), { recursive: true });
    const output = join(dir.path, 'out', 'baseline.json');
    const run = runCli(['baseline', dir.path, '--output', output, '--debug']);
    expect(run.stderr).toContain('baseline of');
    const text = readFileSync(output, 'utf8');
    for (const secret of secrets.slice(0, 3)) expect(text).not.toContain(secret);
  });

  it('prints secrets only when --no-redact is given', () => {
    expect(runCli(['scan', dir.path, '--format', 'json', '--no-redact']).stdout).toContain(
      secrets[0],
    );
  });
});

describe('worker faults', () => {
  let dir: { path: string; cleanup: () => void };
  beforeAll(() => {
    dir = tempDir();
    // Enough files that the scan runs on the worker pool, not in-process.
    for (let i = 0; i < 450; i++) writeFileSync(join(dir.path, `f${i}.txt`), `plain ${i}\n`);
    writeFileSync(join(dir.path, 'good.env'), `TOKEN=${secrets[0]}\n`);
    writeFileSync(join(dir.path, 'poison.env'), `TOKEN=${secrets[1]}\n`);
  });
  afterAll(() => dir.cleanup());

  it('a worker that throws mid-file costs that file, named, and leaks nothing', () => {
    const run = runCli(['scan', dir.path, '--format', 'json', '--threads', '2', '--debug'], {
      env: { UNSPRAWL_TEST_FAULT: 'throw:poison' },
    });
    expect(run.code).toBe(1);
    const { findings, summary } = JSON.parse(run.stdout);
    expect(findings.map((f: { path: string }) => f.path)).toEqual(['good.env']);
    expect(summary.skipped['worker-error']).toBe(1);
    expect(summary.files).toBe(451);
    expect(run.stderr).toMatch(/poison\.env: skipped \(worker-error/);
    expect(run.stdout + run.stderr).not.toContain(secrets[1]);
  });

  it('a worker that runs out of memory costs that file, not the scan', () => {
    const run = runCli(['scan', dir.path, '--format', 'json', '--threads', '2'], {
      env: { UNSPRAWL_TEST_FAULT: 'oom:poison', UNSPRAWL_WORKER_HEAP_MB: '64' },
    });
    expect(run.code).toBe(1);
    const { findings, summary } = JSON.parse(run.stdout);
    expect(findings.map((f: { path: string }) => f.path)).toEqual(['good.env']);
    expect(summary.skipped['worker-error']).toBe(1);
    expect(run.stderr).toMatch(/poison\.env: skipped \(worker-error/);
  }, 120_000);
});

describe('output to a device', () => {
  it('writes through --output that names a device instead of replacing it', () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'a.env'), `TOKEN=${secrets[0]}\n`);
      // A link to /dev/null: if the report were renamed over it, the link (not the device) goes.
      const sink = join(dir.path, 'sink');
      symlinkSync('/dev/null', sink);
      expect(
        runCli(['scan', join(dir.path, 'a.env'), '--format', 'sarif', '--output', sink]).code,
      ).toBe(1);
      expect(lstatSync(sink).isSymbolicLink()).toBe(true);
      expect(statSync(sink).isCharacterDevice()).toBe(true);
    } finally {
      dir.cleanup();
    }
  });

  it('writes through a symlink to a regular file, and names a directory as a usage error', () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'a.env'), `TOKEN=${secrets[0]}\n`);
      writeFileSync(join(dir.path, 'report.json'), 'old');
      const link = join(dir.path, 'latest.json');
      symlinkSync('report.json', link);
      const scanned = runCli(['scan', join(dir.path, 'a.env'), '--format', 'json', '-o', link]);
      expect(scanned.code).toBe(1);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(JSON.parse(readFileSync(join(dir.path, 'report.json'), 'utf8')).findings).toHaveLength(
        1,
      );
      const intoDir = runCli(['scan', join(dir.path, 'a.env'), '-o', dir.path]);
      expect(intoDir.code).toBe(2);
      expect(intoDir.stderr).toContain('is a directory');
    } finally {
      dir.cleanup();
    }
  });
});

describe('no network', () => {
  it('opens no socket and resolves no name during a full scan', () => {
    const dir = tempDir();
    try {
      for (let i = 0; i < 450; i++) writeFileSync(join(dir.path, `f${i}.js`), `const k${i} = 1;\n`);
      writeFileSync(
        join(dir.path, 'a.env'),
        `TOKEN=${secrets[0]}\nURL=postgres://app:Zq8vR2kLm9wX4@db.internal:5432/app\n`,
      );
      const log = join(dir.path, 'net.log');
      const guard = join(ROOT, 'test', 'helpers', 'no-network.mjs');
      const run = runCli(['scan', dir.path, '--format', 'sarif', '--threads', '2'], {
        env: { NODE_OPTIONS: `--import=${guard}`, UNSPRAWL_NET_LOG: log },
      });
      expect(run.code).toBe(1);
      expect(existsSync(log) ? readFileSync(log, 'utf8') : '').toBe('');
    } finally {
      dir.cleanup();
    }
  });
});
