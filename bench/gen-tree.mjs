/**
 * Workload 2: a deterministic tree of realistic source files (JS, TS, Python, Go, JSON, YAML,
 * Markdown, .env) with a few planted fake secrets. Same size argument, same bytes, every time,
 * so runs on different days compare.
 *
 *   node bench/gen-tree.mjs --mb 500 [--out DIR]
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CACHE } from './npm-tree.mjs';

/** Words real code is made of, secret-flavoured ones included, so the prefilter sees hits. */
const WORDS = (
  'const let value config user index result items map filter await async request ' +
  'response token key secret password auth client session cache header body query params ' +
  'error logger handler service account region bucket endpoint url host port timeout retry ' +
  'options default format parse encode decode buffer stream id name type data list count'
).split(' ');
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function lcg(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function makers(random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const word = () => pick(WORDS);
  const camel = () => word() + word()[0].toUpperCase() + word().slice(1);
  const chars = (alphabet, n) => {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(random() * alphabet.length)];
    return out;
  };
  const js = (lines) => {
    let out = `import { ${camel()} } from './${word()}.js';\n\n`;
    for (let i = 0; i < lines; i++) {
      const r = random();
      const pad = '  '.repeat(Math.floor(random() * 4));
      if (r < 0.15) out += `${pad}// ${word()} the ${word()} before the ${word()} is ${word()}ed\n`;
      else if (r < 0.3) out += `${pad}export function ${camel()}(${word()}, ${word()}) {\n`;
      else if (r < 0.4) out += `${pad}}\n`;
      else if (r < 0.55)
        out += `${pad}const ${camel()} = options.${camel()} ?? '${word()}-${word()}';\n`;
      else if (r < 0.7)
        out += `${pad}if (${word()}.${word()} === ${Math.floor(random() * 1e4)}) return ${camel()}(${word()});\n`;
      else if (r < 0.8)
        out += `${pad}await this.${camel()}({ ${word()}: ${word()}, ${word()}: "${word()}" });\n`;
      else out += `${pad}${camel()}.${word()}(\`${word()} \${${word()}} ${word()}\`);\n`;
    }
    return out;
  };
  const py = (lines) => {
    let out = `import ${word()}\nfrom ${word()} import ${camel()}\n\n`;
    for (let i = 0; i < lines; i++) {
      const r = random();
      const pad = '    '.repeat(Math.floor(random() * 3));
      if (r < 0.2) out += `${pad}# ${word()} ${word()} ${word()}\n`;
      else if (r < 0.35) out += `${pad}def ${word()}_${word()}(self, ${word()}, ${word()}=None):\n`;
      else
        out += `${pad}${word()}_${word()} = self.${word()}.get("${word()}", ${Math.floor(random() * 100)})\n`;
    }
    return out;
  };
  const json = (entries) => {
    const body = [];
    for (let i = 0; i < entries; i++)
      body.push(
        `  "${camel()}${i}": ${random() < 0.5 ? `"${word()} ${word()}"` : Math.floor(random() * 1e6)}`,
      );
    return `{\n${body.join(',\n')}\n}\n`;
  };
  const yaml = (entries) => {
    let out = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${word()}-${word()}\ndata:\n`;
    for (let i = 0; i < entries; i++) out += `  ${word()}_${word()}_${i}: "${word()}-${word()}"\n`;
    return out;
  };
  const md = (lines) => {
    let out = `# ${word()} ${word()}\n\n`;
    for (let i = 0; i < lines; i++)
      out += `${word()} ${word()} ${word()} ${word()} ${word()} ${word()} ${word()}.\n`;
    return out;
  };
  const minified = (bytes) => {
    let out = '';
    while (out.length < bytes)
      out += `var ${chars('abcdefgh', 2)}=function(${chars('abcdefgh', 1)}){return ${word()}.${word()}(${Math.floor(random() * 99)})};`;
    return `${out}\n`;
  };
  return { random, pick, word, chars, js, py, json, yaml, md, minified };
}

/** Fake secrets, made here, in shapes the rules look for. */
function plant(m, n) {
  const aws = `AKIA${m.chars(UPPER, 16)}`;
  const awsSecret = m.chars(`${ALNUM}/+`, 40);
  switch (n % 3) {
    case 0:
      return `AWS_ACCESS_KEY_ID=${aws}\nAWS_SECRET_ACCESS_KEY=${awsSecret}\n`;
    case 1:
      return `const stripeKey = "sk_live_${m.chars(ALNUM, 24)}";\n`;
    default:
      return `slack_webhook: "https://hooks.slack.com/services/T${m.chars(UPPER, 8)}/B${m.chars(UPPER, 8)}/${m.chars(ALNUM, 24)}"\n`;
  }
}

/** Writes the tree (about `mb` megabytes) and returns its folder; reuses a finished one. */
export function generateTree(mb, out = join(CACHE, `gen-${mb}mb`)) {
  if (existsSync(join(out, '.complete'))) return out;
  rmSync(out, { recursive: true, force: true });
  const m = makers(lcg(7 + mb));
  const target = mb * 1024 * 1024;
  let written = 0;
  let file = 0;
  let planted = 0;
  while (written < target) {
    const dir = join(out, `pkg${file % 97}`, `mod${Math.floor(file / 97) % 53}`);
    if (file % 50 < 1 || !existsSync(dir)) mkdirSync(dir, { recursive: true });
    const r = m.random();
    let name;
    let text;
    if (r < 0.45)
      [name, text] = [`${m.word()}-${file}.js`, m.js(100 + Math.floor(m.random() * 900))];
    else if (r < 0.6)
      [name, text] = [`${m.word()}_${file}.py`, m.py(100 + Math.floor(m.random() * 600))];
    else if (r < 0.7)
      [name, text] = [`${m.word()}-${file}.json`, m.json(50 + Math.floor(m.random() * 500))];
    else if (r < 0.8)
      [name, text] = [`${m.word()}-${file}.yaml`, m.yaml(20 + Math.floor(m.random() * 200))];
    else if (r < 0.92)
      [name, text] = [`${m.word()}-${file}.md`, m.md(50 + Math.floor(m.random() * 300))];
    else if (r < 0.97)
      [name, text] = [
        `${m.word()}-${file}.min.js`,
        m.minified(20_000 + Math.floor(m.random() * 200_000)),
      ];
    else [name, text] = [`${m.word()}-${file}.ts`, m.js(200 + Math.floor(m.random() * 2000))];
    // One planted secret per ~400 files, in env files and source alike.
    if (file % 400 === 199) {
      text = `${text}${plant(m, planted++)}`;
      if (planted % 2 === 0) name = `.env.${file}`;
    }
    writeFileSync(join(dir, name), text);
    written += Buffer.byteLength(text);
    file++;
  }
  writeFileSync(join(out, '.complete'), `${file} files, ${written} bytes, ${planted} planted\n`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { mb: { type: 'string', default: '500' }, out: { type: 'string' } },
  });
  console.log(generateTree(Number(values.mb), values.out));
}
