/**
 * Line-oriented configuration formats: env files and shell exports, properties/ini/TOML (and the
 * credential stores that use them: s3cfg, cloud CLI files, FTP/SFTP client configs), Dockerfile
 * ENV/ARG, .npmrc, netrc and pgpass. Each line is a name and a value; the value is judged under
 * the name. These formats have no parse failure mode worth the name: a bad line is skipped.
 */
import type { Detector, DetectorCandidate } from '../detectors.js';
import type { RuleEngine } from '../engine.js';
import { decodeBase64 } from './decode.js';
import { assignment, judgeValue, makeCandidate, unquote } from './judge.js';

const ENV_PATH = /(^|[/!])(\.env(\.[\w.-]+)?|[\w.-]+\.env|\.envrc|\.flaskenv|env\.list)$/i;
const SHELL_PATH = /\.(sh|bash|zsh|ksh)$|(^|[/!])\.(bashrc|zshrc|profile|bash_profile)$/i;
const KV_PATH =
  /\.(properties|ini|cfg|conf|cnf|toml|s3cfg|pypirc|env\.example)$|(^|[/!])(\.s3cfg|credentials|\.aws\/config|\.boto|boto\.cfg|\.my\.cnf|\.pypirc|WinSCP\.ini|rclone\.conf|\.gitconfig|\.ftpconfig|\.remote-sync\.json)$/i;
const DOCKERFILE_PATH = /(^|[/!])(Dockerfile|Containerfile)(\.[\w-]+)?$|\.dockerfile$/i;
const NPMRC_PATH = /(^|[/!])\.(npmrc|yarnrc)$/i;
const NETRC_PATH = /(^|[/!])[._]netrc$/i;
const PGPASS_PATH = /(^|[/!])\.?pgpass(\.conf)?$/i;

/** `NAME=value` with optional `export`, value bare, single- or double-quoted. */
const ENV_LINE =
  /^[ \t]*(?:export[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*=[ \t]*("(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|[^\s#'"][^\r\n]*?)?[ \t]*(?:[ \t]#[^\r\n]*)?$/gm;
const KV_LINE =
  /^[ \t]*([A-Za-z_][\w.\-/]*)[ \t]*[=:][ \t]*("(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|[^\s;#][^\r\n]*?)[ \t]*$/gm;
const DOCKER_LINE = /^[ \t]*(ENV|ARG)[ \t]+([^\r\n]+)$/gim;
const DOCKER_PAIR = /([A-Za-z_][\w.-]*)(?:=("(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|[^\s"']+))?/g;
const NPMRC_LINE =
  /^[ \t]*(?:[^\s=]*:)?(_authToken|_auth|_password|_token)[ \t]*=[ \t]*("[^"\r\n]*"|[^\s;#]+)/gim;
const NETRC_PASSWORD = /(?:^|\s)password[ \t]+(\S+)/g;
const PGPASS_LINE = /^((?:[^:\\\r\n]|\\.)*:){4}((?:[^:\\\r\n]|\\.)+)$/gm;

function pushIf(out: DetectorCandidate[], candidate: DetectorCandidate | undefined): void {
  if (candidate) out.push(candidate);
}

function pairs(
  engine: RuleEngine,
  text: string,
  line: RegExp,
  ruleId: string,
  out: DetectorCandidate[],
): void {
  line.lastIndex = 0;
  for (let m = line.exec(text); m; m = line.exec(text)) {
    if (m[0].length === 0) {
      line.lastIndex++;
      continue;
    }
    const raw = m[2];
    if (!raw) continue;
    const { value, shift } = unquote(raw);
    const start = m.index + m[0].indexOf(raw, m[1]!.length) + shift;
    pushIf(out, assignment(engine, ruleId, m[1]!, value, start));
  }
}

function dockerfile(engine: RuleEngine, text: string, out: DetectorCandidate[]): void {
  DOCKER_LINE.lastIndex = 0;
  for (let m = DOCKER_LINE.exec(text); m; m = DOCKER_LINE.exec(text)) {
    const body = m[2]!;
    const bodyStart = m.index + m[0].length - body.length;
    // `ENV NAME value` (legacy form): one name, the rest of the line is the value.
    const legacy = /^([A-Za-z_][\w.-]*)[ \t]+([^=\s][^\r\n]*?)[ \t]*$/.exec(body);
    if (legacy && !legacy[1]!.includes('=')) {
      const { value, shift } = unquote(legacy[2]!);
      const start = bodyStart + body.indexOf(legacy[2]!, legacy[1]!.length) + shift;
      pushIf(out, assignment(engine, 'dockerfile-secret-value', legacy[1]!, value, start));
      continue;
    }
    DOCKER_PAIR.lastIndex = 0;
    for (let p = DOCKER_PAIR.exec(body); p; p = DOCKER_PAIR.exec(body)) {
      if (!p[2]) continue;
      const { value, shift } = unquote(p[2]);
      const start = bodyStart + p.index + p[1]!.length + 1 + shift;
      pushIf(out, assignment(engine, 'dockerfile-secret-value', p[1]!, value, start));
    }
  }
}

function npmrc(engine: RuleEngine, text: string, out: DetectorCandidate[]): void {
  NPMRC_LINE.lastIndex = 0;
  for (let m = NPMRC_LINE.exec(text); m; m = NPMRC_LINE.exec(text)) {
    const { value, shift } = unquote(m[2]!);
    const start = m.index + m[0].length - m[2]!.length + shift;
    if (!judgeValue('password', value)) continue;
    const key = m[1]!;
    // `_auth` is base64 of user:password and `_password` base64 of the password.
    const decoded =
      key === '_authToken' || key === '_token' ? undefined : decodeBase64(value, start);
    pushIf(
      out,
      makeCandidate(
        engine,
        'npmrc-auth-token',
        start,
        start + value.length,
        decoded?.text ?? value,
        'high',
        {
          variable: key,
          decodedVia: decoded ? ['base64'] : undefined,
        },
      ),
    );
  }
}

function netrc(engine: RuleEngine, text: string, out: DetectorCandidate[]): void {
  NETRC_PASSWORD.lastIndex = 0;
  for (let m = NETRC_PASSWORD.exec(text); m; m = NETRC_PASSWORD.exec(text)) {
    const value = m[1]!;
    if (!judgeValue('password', value)) continue;
    const start = m.index + m[0].length - value.length;
    pushIf(
      out,
      makeCandidate(engine, 'netrc-password', start, start + value.length, value, 'high'),
    );
  }
}

function pgpass(engine: RuleEngine, text: string, out: DetectorCandidate[]): void {
  PGPASS_LINE.lastIndex = 0;
  for (let m = PGPASS_LINE.exec(text); m; m = PGPASS_LINE.exec(text)) {
    const value = m[2]!;
    if (m[0].trimStart().startsWith('#') || !judgeValue('password', value)) continue;
    const start = m.index + m[0].length - value.length;
    pushIf(
      out,
      makeCandidate(engine, 'pgpass-password', start, start + value.length, value, 'high'),
    );
  }
}

export const configFileDetector: Detector = {
  name: 'config-files',
  applies: (path) =>
    ENV_PATH.test(path) ||
    SHELL_PATH.test(path) ||
    KV_PATH.test(path) ||
    DOCKERFILE_PATH.test(path) ||
    NPMRC_PATH.test(path) ||
    NETRC_PATH.test(path) ||
    PGPASS_PATH.test(path),
  detect(text, { engine, path }) {
    const out: DetectorCandidate[] = [];
    if (ENV_PATH.test(path)) pairs(engine, text, ENV_LINE, 'env-file-secret-value', out);
    else if (SHELL_PATH.test(path)) pairs(engine, text, ENV_LINE, 'code-secret-literal', out);
    else if (DOCKERFILE_PATH.test(path)) dockerfile(engine, text, out);
    else if (NPMRC_PATH.test(path)) npmrc(engine, text, out);
    else if (NETRC_PATH.test(path)) netrc(engine, text, out);
    else if (PGPASS_PATH.test(path)) pgpass(engine, text, out);
    else pairs(engine, text, KV_LINE, 'config-secret-value', out);
    return out;
  },
};
