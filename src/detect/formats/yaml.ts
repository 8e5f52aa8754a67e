/**
 * YAML: Kubernetes Secrets (`data` decoded from base64, `stringData`), Deployment/Pod `env`
 * lists, docker-compose `environment`, CI `env`/`variables`, Helm values and any other mapping of
 * a secret-like key to a literal. SealedSecret `encryptedData`, `secretKeyRef`, ExternalSecret,
 * Vault agent annotations and SOPS metadata are compliant and skipped. A file that does not parse
 * (a Helm template) falls back to `key: value` lines.
 */
import type { Node, Scalar } from 'yaml';
import { yaml } from '../../deps.js';
import { log } from '../../log/logger.js';
import type { Detector, DetectorCandidate } from '../detectors.js';
import type { RuleEngine } from '../engine.js';
import { decodeBase64 } from './decode.js';
import { detectUrlCredentials } from './connection-strings.js';
import {
  assignment,
  classifyName,
  judgeValue,
  makeCandidate,
  nameParts,
  unquote,
} from './judge.js';

const RULE = 'yaml-secret-value';
const KEY_LINE =
  /^[ \t]*(?:-[ \t]+)?([\w.\-/]{1,100})[ \t]*:[ \t]+("(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|[^\s#'"|>&*!{[][^\r\n#]*?)[ \t]*$/gm;
const NOT_SECRET_KEYS =
  /^(user|username|login|host|hostname|port|database|db|url|endpoint|region|namespace)$/i;

interface Walk {
  engine: RuleEngine;
  text: string;
  out: DetectorCandidate[];
}

/**
 * Offsets of a scalar's value inside the text, quotes excluded, and the value. A block scalar
 * (`password: |` or `>-` with the value on the next line) counts when it holds one line: the
 * value is that line, where it stands; a longer block is prose or a key file, which the rules
 * read on their own.
 */
function valueSpan(node: Scalar, text: string): [number, number, string] | undefined {
  const range = node.range;
  if (!range || typeof node.value !== 'string') return undefined;
  if (node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL') {
    const line = node.value.trim();
    if (!line || /[\r\n]/.test(line)) return undefined;
    // From the line after the `|` or `>`, where a comment may stand.
    const body = text.slice(range[0], range[1]).search(/[\r\n]/);
    const at = body === -1 ? -1 : text.indexOf(line, range[0] + body);
    return at !== -1 && at + line.length <= range[1] ? [at, at + line.length, line] : undefined;
  }
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  return quoted ? [range[0] + 1, range[1] - 1, node.value] : [range[0], range[1], node.value];
}

function scalarPair(walk: Walk, name: string, node: Scalar, ruleId = RULE): void {
  const span = valueSpan(node, walk.text);
  if (!span) return;
  const raw = walk.text.slice(span[0], span[1]);
  const candidate = assignment(walk.engine, ruleId, name, span[2], span[0]);
  if (candidate) {
    candidate.end = span[0] + raw.length;
    walk.out.push(candidate);
  }
}

/** `data:` of a Secret: base64 values, decoded and judged under their key. */
function secretData(walk: Walk, node: Node, encoded: boolean): void {
  if (!yaml().isMap(node)) return;
  for (const pair of node.items) {
    if (
      !yaml().isScalar(pair.key) ||
      !yaml().isScalar(pair.value) ||
      typeof pair.value.value !== 'string'
    )
      continue;
    const name = String(pair.key.value);
    const span = valueSpan(pair.value, walk.text);
    if (!span) continue;
    const raw = walk.text.slice(span[0], span[1]);
    const decoded = encoded ? decodeBase64(raw.trim(), span[0]) : undefined;
    if (encoded && !decoded) continue;
    const value = decoded?.text ?? span[2];
    const via = decoded ? ['base64'] : undefined;
    const inner: DetectorCandidate[] = [
      ...walk.engine.detect(value),
      ...detectUrlCredentials(walk.engine, value),
    ];
    if (inner.length > 0) {
      for (const hit of inner) {
        walk.out.push({
          ...hit,
          start: decoded ? decoded.toSource(hit.start, false) : span[0] + hit.start,
          end: decoded ? decoded.toSource(hit.end, true) : span[0] + hit.end,
          decodedVia: [...(via ?? []), ...(hit.decodedVia ?? [])],
          variable: name,
        });
      }
      continue;
    }
    if (NOT_SECRET_KEYS.test(name)) continue;
    const kind = classifyName(name) ?? (nameParts(name).length ? 'password' : undefined);
    // Whatever is in a Secret was put there as a secret: a value that passes is high confidence.
    if (!judgeValue(kind, value.trim())) continue;
    const candidate = makeCandidate(
      walk.engine,
      'k8s-secret-data-value',
      span[0],
      span[1],
      value,
      'high',
      {
        decodedVia: via,
        variable: name,
      },
    );
    if (candidate) walk.out.push(candidate);
  }
}

function visit(walk: Walk, node: Node | null | undefined, key: string, depth: number): void {
  if (!node || depth > 64) return;
  if (yaml().isMap(node)) {
    // An env entry: `- name: DB_PASSWORD` with `value: literal` (valueFrom is the compliant form).
    const nameNode = node.get('name', true);
    const valueNode = node.get('value', true);
    if (
      yaml().isScalar(nameNode) &&
      yaml().isScalar(valueNode) &&
      typeof nameNode.value === 'string'
    ) {
      scalarPair(walk, nameNode.value, valueNode);
    }
    for (const pair of node.items) {
      if (!yaml().isScalar(pair.key)) continue;
      const name = String(pair.key.value);
      if (name === 'sops' || name === 'encryptedData' || name.includes('vault.hashicorp.com/'))
        continue;
      if (yaml().isScalar(pair.value)) {
        if (name !== 'value') scalarPair(walk, name, pair.value);
      } else visit(walk, pair.value as Node, name, depth + 1);
    }
  } else if (yaml().isSeq(node)) {
    for (const item of node.items) {
      // Compose `environment:` list form: `- DB_PASSWORD=literal`.
      if (yaml().isScalar(item) && typeof item.value === 'string' && key === 'environment') {
        const span = valueSpan(item, walk.text);
        const eq = span ? span[2].indexOf('=') : -1;
        if (eq > 0 && span) {
          const name = span[2].slice(0, eq);
          const candidate = assignment(
            walk.engine,
            RULE,
            name,
            span[2].slice(eq + 1),
            span[0] + eq + 1,
          );
          if (candidate) walk.out.push(candidate);
        }
      } else visit(walk, item as Node, key, depth + 1);
    }
  }
}

function fallbackLines(engine: RuleEngine, text: string): DetectorCandidate[] {
  const out: DetectorCandidate[] = [];
  KEY_LINE.lastIndex = 0;
  for (let m = KEY_LINE.exec(text); m; m = KEY_LINE.exec(text)) {
    if (m[0].length === 0) {
      KEY_LINE.lastIndex++;
      continue;
    }
    const raw = m[2]!;
    const { value, shift } = unquote(raw);
    const start = m.index + m[0].lastIndexOf(raw) + shift;
    const candidate = assignment(engine, RULE, m[1]!, value, start);
    if (candidate) out.push(candidate);
  }
  return out;
}

export const yamlDetector: Detector = {
  name: 'yaml',
  applies: (path) => /\.ya?ml$/i.test(path),
  detect(text, { engine, path }) {
    const walk: Walk = { engine, text, out: [] };
    const documents = yaml().parseAllDocuments(text, { uniqueKeys: false });
    const docs = Array.isArray(documents) ? documents : [];
    if (docs.some((doc) => doc.errors.length > 0)) {
      log.debug(`${path}: YAML does not parse, reading key: value lines instead`);
      return fallbackLines(engine, text);
    }
    for (const doc of docs) {
      const root = doc.contents as Node | null;
      if (!yaml().isMap(root)) {
        visit(walk, root, '', 0);
        continue;
      }
      const kind = root.get('kind');
      if (kind === 'Secret') {
        secretData(walk, root.get('data', true) as Node, true);
        secretData(walk, root.get('stringData', true) as Node, false);
        continue;
      }
      if (kind === 'SealedSecret' || kind === 'ExternalSecret' || kind === 'SecretProviderClass')
        continue;
      visit(walk, root, '', 0);
    }
    return walk.out;
  },
};
