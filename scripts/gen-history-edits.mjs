/**
 * The `edits` history shape: what a real repository's history looks like to a scanner. Long-lived
 * files take small edits (a line replaced, a few inserted, one deleted), a lock file is bumped
 * every few dozen commits, topic branches are merged with merge commits, folders are renamed,
 * a library is vendored into two more places, and old versions of files come back in reverts.
 *
 * Planted (fake tokens): one added in a small edit to a long file and deleted twenty commits
 * later, a new env file kept in HEAD, one inserted into a YAML config, one on the first line of
 * a file for its whole life, one merged from a topic branch, one in a folder that is renamed
 * later, and one on an unmerged branch.
 */
import {
  data,
  fakeToken,
  fastImport,
  lcg,
  randomText,
  signature,
  sourceLine,
  unmergedBranch,
} from './history-kit.mjs';

const SERVICES = 6;
const MODULES = 10;
const FILES_PER_MODULE = 10;
const LOCK_PACKAGES = 1200;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const moduleDir = (service, mod) => `services/svc${service}/src/mod${mod}`;

function lockEntry(random, n, version) {
  const name = `pkg-${n.toString(36)}`;
  return [
    `    "node_modules/${name}": {`,
    `      "version": "${version}",`,
    `      "resolved": "https://registry.example.test/${name}/-/${name}-${version}.tgz",`,
    `      "integrity": "sha512-${randomText(random, 86, B64)}=="`,
    '    },',
  ];
}

function yamlConfig(random, service) {
  const lines = [`service: svc${service}`, 'server:', `  port: ${8000 + service}`];
  for (let i = 0; i < 30; i++) lines.push(`  setting_${i}: ${Math.floor(random() * 1e4)}`);
  return lines;
}

export async function generateEditsRepo({ commits = 5000, dir }) {
  const random = lcg(20261204);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const stream = fastImport(dir);
  const start = Date.UTC(2016, 0, 1) / 1000;
  const planted = [];

  /** The tree as lines per path, and the last versions of each file, for reverts. */
  const files = new Map();
  const versions = new Map();
  const source = (n) => Array.from({ length: n }, (_, i) => sourceLine(random, i));
  for (let s = 0; s < SERVICES; s++) {
    files.set(`services/svc${s}/config.yaml`, yamlConfig(random, s));
    for (let m = 0; m < MODULES; m++) {
      for (let f = 0; f < FILES_PER_MODULE; f++) {
        files.set(`${moduleDir(s, m)}/file${f}.ts`, source(60 + Math.floor(random() * 540)));
      }
    }
  }
  const lockVersions = Array.from({ length: LOCK_PACKAGES }, () => 1);
  const lockfile = () => {
    const lines = ['{', '  "name": "monorepo",', '  "lockfileVersion": 3,', '  "packages": {'];
    // Entries are regenerated from a seed per package and version, so a bump changes 4 lines.
    lockVersions.forEach((v, n) => lines.push(...lockEntry(lcg(n * 7919 + v), n, `1.${v}.0`)));
    lines.push('  }', '}');
    return lines;
  };
  files.set('package-lock.json', lockfile());
  const repeatedPath = `${moduleDir(0, 0)}/file0.ts`;
  files.get(repeatedPath).unshift(`const token = "${fakeToken(random)}";`);
  planted.push({ path: repeatedPath, repeated: true });

  let mark = 0;
  let mainHead;
  const changed = new Set();
  const removed = new Set();
  const text = (path) => `${files.get(path).join('\n')}\n`;
  const commit = async (ref, c, message, parents) => {
    const when = start + c * 3600;
    const ops = [...removed].map((path) => `D ${path}\n`);
    for (const path of changed) {
      const content = text(path);
      ops.push(`M 100644 inline ${path}\n${data(content)}`);
      const kept = versions.get(path) ?? [];
      kept.push(content);
      if (kept.length > 4) kept.shift();
      versions.set(path, kept);
    }
    changed.clear();
    removed.clear();
    mark++;
    await stream.write(
      `commit ${ref}\nmark :${mark}\n` +
        signature(`Dev ${c % 9}`, `dev${c % 9}@example.test`, when) +
        data(message) +
        parents.map((p, i) => `${i === 0 ? 'from' : 'merge'} :${p}\n`).join('') +
        ops.join(''),
    );
    return mark;
  };
  const touch = (path) => changed.add(path);

  /** One small edit: a line replaced, a few inserted or one deleted (never the first line). */
  const edit = (path) => {
    const lines = files.get(path);
    const at = 1 + Math.floor(random() * (lines.length - 1));
    const roll = random();
    if (roll < 0.6) lines[at] = sourceLine(random, at);
    else if (roll < 0.85) {
      const n = 1 + Math.floor(random() * 3);
      lines.splice(at, 0, ...Array.from({ length: n }, (_, i) => sourceLine(random, at + i)));
    } else if (lines.length > 20) lines.splice(at, 1);
    touch(path);
  };
  const editable = () => [...files.keys()].filter((p) => p.endsWith('.ts'));
  let editablePaths = editable();

  for (const path of files.keys()) touch(path);
  mainHead = await commit('refs/heads/main', 0, 'initial import', []);

  let renames = 0;
  for (let c = 1; c < commits; c++) {
    const onTopic = c % 50 >= 45;
    // Planted secrets at fixed commits.
    if (c === 250 || c === 3250 || c === 950) {
      let path = pick(editablePaths.filter((p) => files.get(p).length > 300));
      if (c === 950) path = `${moduleDir(0, 1)}/file3.ts`; // renamed at commit 1000
      const lines = files.get(path);
      lines.splice(lines.length >> 1, 0, `  const apiToken = "${fakeToken(random)}";`);
      touch(path);
      planted.push({ path, commit: c, ...(c === 3250 ? { branch: 'topic' } : {}) });
      if (c === 250) planted.at(-1).removedAt = 270;
    }
    if (c === 270) {
      for (const [path, lines] of files) {
        const at = lines.findIndex((line) => line.startsWith('  const apiToken = '));
        if (at > 0 && planted.some((p) => p.removedAt === 270 && p.path === path)) {
          lines.splice(at, 1);
          touch(path);
        }
      }
    }
    if (c === 1250) {
      files.set('config/secret-1250.env', [`GITHUB_TOKEN=${fakeToken(random)}`]);
      touch('config/secret-1250.env');
      planted.push({ path: 'config/secret-1250.env', commit: c });
    }
    if (c === 2250) {
      files.get('services/svc2/config.yaml').push(`github_token: ${fakeToken(random)}`);
      touch('services/svc2/config.yaml');
      planted.push({ path: 'services/svc2/config.yaml', commit: c });
    }

    const edited = 1 + Math.floor(random() * 3);
    for (let e = 0; e < edited; e++) {
      const path = pick(editablePaths);
      const hunks = 1 + Math.floor(random() * 3);
      for (let h = 0; h < hunks; h++) edit(path);
    }
    if (c % 25 === 0) {
      for (let b = 0; b < 5; b++) lockVersions[Math.floor(random() * LOCK_PACKAGES)]++;
      files.set('package-lock.json', lockfile());
      touch('package-lock.json');
    }
    if (c % 97 === 0) {
      const path = `${moduleDir(c % SERVICES, c % MODULES)}/added${c}.ts`;
      files.set(path, source(100 + Math.floor(random() * 200)));
      touch(path);
      editablePaths = editable();
    }
    if (c % 400 === 200 || c === 1000) {
      // A folder renamed: the same blobs under new paths.
      const from = c === 1000 ? moduleDir(0, 1) : moduleDir(renames % SERVICES, 2 + (renames % 8));
      const to = `${from}-v${++renames}`;
      for (const path of [...files.keys()].filter((p) => p.startsWith(`${from}/`))) {
        const target = to + path.slice(from.length);
        files.set(target, files.get(path));
        files.delete(path);
        removed.add(path);
        changed.delete(path);
        touch(target);
      }
      editablePaths = editable();
    }
    if (c % 300 === 150) {
      // A revert: a file goes back to the version it had two changes ago.
      const path = pick(editablePaths.filter((p) => (versions.get(p)?.length ?? 0) >= 3));
      if (path) {
        const kept = versions.get(path);
        files.set(path, kept[kept.length - 3].replace(/\n$/, '').split('\n'));
        touch(path);
      }
    }
    if (c === 1000) {
      // A library vendored into two more services: the same blobs at new paths.
      for (const path of [...files.keys()].filter((p) => p.startsWith(`${moduleDir(5, 9)}/`))) {
        for (const service of [3, 4]) {
          const copy = path.replace('svc5', `svc${service}`).replace('mod9', 'vendor');
          files.set(copy, [...files.get(path)]);
          touch(copy);
        }
      }
      editablePaths = editable();
    }

    if (onTopic) {
      const topic = `refs/heads/topic-${Math.floor(c / 50)}`;
      const base = c % 50 === 45 ? mainHead : mark;
      const head = await commit(topic, c, `topic work ${c}`, [base]);
      if (c % 50 === 49) {
        // The merge commit's tree is the topic's: main did not move meanwhile.
        mainHead = await commit('refs/heads/main', c, `merge topic ${c}`, [mainHead, head]);
      }
    } else {
      mainHead = await commit('refs/heads/main', c, `change ${c}`, [mainHead]);
    }
  }

  await unmergedBranch(stream, random, {
    mark: ++mark,
    from: Math.ceil(commits / 2),
    when: start + commits * 1800,
  });
  planted.push({ path: 'wip/creds.txt', branch: 'unmerged' });
  await stream.done();
  return { commits: mark, planted };
}
