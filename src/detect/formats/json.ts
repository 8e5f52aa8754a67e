/**
 * JSON configuration (package.json, appsettings, service-account keys, docker config.json, SFTP
 * client configs) read as `"name": "value"` pairs, without building a tree: a truncated or
 * commented file (JSONC) still yields its pairs. Notebooks get their own pass over cell strings.
 */
import type { Detector, DetectorCandidate } from '../detectors.js';
import type { RuleEngine } from '../engine.js';
import { decodeBase64, decodeEscapes } from './decode.js';
import { assignment, judgeValue, makeCandidate } from './judge.js';
import { detectCodeLines } from './code-lines.js';
import { detectUrlCredentials } from './connection-strings.js';

/** A value may stand on the line after its key, as some writers and hand-edited files put it. */
const JSON_PAIR =
  /"((?:[^"\\\r\n]|\\.){1,100})"[ \t]*:[ \t]*(?:\r?\n[ \t]*)?"((?:[^"\\\r\n]|\\.){1,4096})"/g;
const JSON_STRING = /"((?:[^"\\\r\n]|\\.)*)"/g;

function jsonPairs(engine: RuleEngine, text: string, dockerConfig: boolean): DetectorCandidate[] {
  const out: DetectorCandidate[] = [];
  JSON_PAIR.lastIndex = 0;
  for (let m = JSON_PAIR.exec(text); m; m = JSON_PAIR.exec(text)) {
    const name = m[1]!;
    const raw = m[2]!;
    const start = m.index + m[0].length - raw.length - 1;
    if (dockerConfig && (name === 'auth' || name === 'identitytoken')) {
      const decoded = name === 'auth' ? decodeBase64(raw, start) : undefined;
      const password = decoded ? decoded.text.slice(decoded.text.indexOf(':') + 1) : raw;
      if (decoded && !decoded.text.includes(':')) continue;
      if (!judgeValue('password', password)) continue;
      const candidate = makeCandidate(
        engine,
        'docker-config-auth',
        start,
        start + raw.length,
        password,
        'high',
        {
          variable: name,
          decodedVia: decoded ? ['base64'] : undefined,
        },
      );
      if (candidate) out.push(candidate);
      continue;
    }
    const value = raw.includes('\\') ? decodeEscapes(raw, start).text : raw;
    const candidate = assignment(engine, 'json-secret-value', name, value, start);
    if (candidate) {
      candidate.end = start + raw.length;
      out.push(candidate);
    }
  }
  return out;
}

/**
 * Every string of a notebook (cell source lines, outputs) decoded and scanned as code: the
 * escapes of JSON hide `api_key = "…"` from the plain-text rules. Offsets map back into the
 * .ipynb file, so the line reported is the notebook's own.
 */
function notebookStrings(engine: RuleEngine, text: string): DetectorCandidate[] {
  const out: DetectorCandidate[] = [];
  JSON_STRING.lastIndex = 0;
  for (let m = JSON_STRING.exec(text); m; m = JSON_STRING.exec(text)) {
    const raw = m[1]!;
    if (raw.length < 4 || raw.length > 65536) continue;
    const decoded = decodeEscapes(raw, m.index + 1);
    const hits: DetectorCandidate[] = [
      ...engine.detect(decoded.text),
      ...detectCodeLines(engine, decoded.text, 'code-secret-literal', engine.scan(decoded.text)),
      ...(decoded.text.includes('://') ? detectUrlCredentials(engine, decoded.text) : []),
    ];
    for (const hit of hits) {
      out.push({
        ...hit,
        start: decoded.toSource(hit.start, false),
        end: decoded.toSource(hit.end, true),
        decodedVia: ['json-string', ...(hit.decodedVia ?? [])],
      });
    }
  }
  return out;
}

export const jsonDetector: Detector = {
  name: 'json',
  applies: (path) => /\.(json|jsonc|ipynb)$|(^|[/!])\.dockercfg$/i.test(path),
  detect(text, { engine, path }) {
    if (path.endsWith('.ipynb')) return notebookStrings(engine, text);
    const dockerConfig = /(^|[/!])(config\.json|\.dockercfg)$/.test(path) && text.includes('"auth');
    return jsonPairs(engine, text, dockerConfig);
  },
};
