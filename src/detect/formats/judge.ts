/**
 * Shared judgement for structured detectors: is this name one a secret is stored under, is this
 * value a literal secret rather than a reference or a stand-in, and the candidate record itself.
 */
import type { Confidence, RuleSpec } from '../../rules/types.js';
import type { DetectorCandidate } from '../detectors.js';
import type { RuleEngine } from '../engine.js';
import { shannonEntropy } from '../entropy.js';
import { FILTERS, isReference } from '../filters.js';
import { isPlaceholder } from '../placeholder.js';

/** Word parts that alone mark a secret-holding name. */
const SECRET_PARTS = new Set([
  'password',
  'passwd',
  'pass',
  'pwd',
  'pw',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'auth',
  'authtoken',
  'credential',
  'credentials',
  'creds',
  'apikey',
  'dsn',
  'privatekey',
  'secretkey',
]);
/** Substrings that mark one inside a compound name (`dbPassword`, `clientsecret`). */
const SECRET_INFIX =
  /password|passwd|passphrase|secret|token|apikey|accesskey|privatekey|signingkey|encryptionkey|masterkey|credential/;
/** Pairs of parts: `api key`, `access key`, `account key`. */
const KEY_QUALIFIERS = new Set([
  'api',
  'access',
  'private',
  'signing',
  'encryption',
  'master',
  'account',
  'client',
  'app',
  'license',
  'storage',
  'subscription',
  'shared',
  'hmac',
  'jwt',
  'session',
]);
/** A last part that makes the name about a secret, not the secret (`TOKEN_URL`, `PASSWORD_FILE`). */
const NOT_SECRET_LAST = new Set([
  'name',
  'user',
  'username',
  'id',
  'ids',
  'url',
  'uri',
  'host',
  'endpoint',
  'path',
  'file',
  'dir',
  'type',
  'length',
  'len',
  'expiry',
  'expires',
  'expiration',
  'ttl',
  'timeout',
  'enabled',
  'enable',
  'required',
  'header',
  'field',
  'prefix',
  'suffix',
  'policy',
  'version',
  'mode',
  'format',
  'min',
  'max',
  'count',
  'size',
  'ref',
  'arn',
  'env',
  'var',
  'hint',
  'label',
  'help',
  'description',
  'placeholder',
  'regex',
  'pattern',
  'rotation',
  'provider',
  'method',
  'scheme',
  'store',
  'location',
  'key_id',
  'keyid',
  'algorithm',
  'algo',
  'storage_key',
  'cache_key',
  'lifetime',
  'age',
  'validity',
  'audience',
  'issuer',
  'scope',
  'scopes',
  'kind',
  'manager',
  'source',
  'from',
  'mount',
  'command',
  'cmd',
  'hash',
  'algorithm',
  'rounds',
  'reset',
  'confirm',
  'confirmation',
  'strength',
  'check',
  'level',
  'public',
  'pub',
]);
const PASSWORD_PARTS = /pass|pwd|^pw$/;

/** The parts of an identifier: `dbPassword` → db, password; `AWS_SECRET_ACCESS_KEY` → aws, … */
export function nameParts(name: string): string[] {
  return (
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      // A counter on a name (`apiKey2`, `token_3`) does not change what it holds.
      .map((part) => part.replace(/(?<=[a-z])\d+$/, ''))
      .filter(Boolean)
  );
}

export type NameClass = 'password' | 'secret' | undefined;

/**
 * Whether `name` says what it holds is not the secret itself (`token_url`,
 * `password_hash_algorithm`, `tokenStorageKey`), though a secret-like word is in it.
 */
export function namesNotASecret(name: string): boolean {
  const parts = nameParts(name);
  const last = parts[parts.length - 1];
  if (!last) return false;
  return (
    NOT_SECRET_LAST.has(last) ||
    (parts.length > 1 && NOT_SECRET_LAST.has(`${parts[parts.length - 2]}_${last}`))
  );
}

/**
 * Names already classified. Data files repeat their keys (79,000 JSON pairs of the npm workload
 * have under 10,000 distinct names), and splitting a name into parts costs a microsecond.
 */
const classified = new Map<string, NameClass>();
const MAX_CLASSIFIED = 20_000;

/** Whether a value stored under `name` is a secret, and which kind of check its value needs. */
export function classifyName(name: string): NameClass {
  if (name.length > 100) return undefined;
  const known = classified.get(name);
  if (known !== undefined || classified.has(name)) return known;
  const found = classifyParts(name);
  if (classified.size >= MAX_CLASSIFIED) classified.clear();
  classified.set(detached(name), found);
  return found;
}

/**
 * A copy of `name` that keeps nothing else alive. A name cut from a file's text is, in V8, a
 * view into that text: kept as a map key it held whole files in memory (RSS 370 → 480 MB over
 * workload 1 until this copy).
 */
function detached(name: string): string {
  return Buffer.from(name, 'utf16le').toString('utf16le');
}

function classifyParts(name: string): NameClass {
  const parts = nameParts(name);
  if (parts.length === 0) return undefined;
  const last = parts[parts.length - 1]!;
  if (NOT_SECRET_LAST.has(last)) return undefined;
  if (parts.length > 1 && NOT_SECRET_LAST.has(`${parts[parts.length - 2]}_${last}`))
    return undefined;
  let secret = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (SECRET_PARTS.has(part) || SECRET_INFIX.test(part)) secret = true;
    else if (part === 'key' && i > 0 && KEY_QUALIFIERS.has(parts[i - 1]!)) secret = true;
  }
  if (!secret) {
    const joined = parts.join('');
    if (!SECRET_INFIX.test(joined)) return undefined;
  }
  return parts.some((p) => PASSWORD_PARTS.test(p)) ? 'password' : 'secret';
}

/** Values that point at where a secret lives: compliant, never findings. */
const COMPLIANT =
  /^(?:ENC\[|vault:|vault\+|secretref|secretkeyref|ref\+|!vault|arn:aws:secretsmanager|arn:aws:ssm|projects\/[^/]+\/secrets\/|https:\/\/[\w-]+\.vault\.azure\.net\/)/i;
const COMMON_WEAK =
  /^(?:password|passwd|secret|admin|root|postgres|mysql|test|guest|user|changeit|none|null|true|false|required|optional|string|undefined)$/i;

/**
 * The confidence a literal value earns under a name of class `kind`, or undefined when it is a
 * reference, a placeholder, a word or too weak to be anything but a default.
 */
export function judgeValue(kind: NameClass, value: string): Confidence | undefined {
  if (!kind || value.length < 4 || value.length > 1024) return undefined;
  if (isReference(value) || COMPLIANT.test(value) || isPlaceholder(value)) return undefined;
  if (/^\$\{|^\{\{|^<%|^#\{|^%\{|^\$\(/.test(value)) return undefined;
  if (COMMON_WEAK.test(value)) return undefined;
  if (FILTERS['secret-like-value'](value)) return shannonEntropy(value) >= 4 ? 'high' : 'medium';
  if (kind === 'password' && FILTERS['password-value'](value)) return 'medium';
  return undefined;
}

const ruleCache = new WeakMap<RuleEngine, Map<string, RuleSpec | undefined>>();

/** A rule of the pack by id, or undefined when the user disabled it. */
export function ruleById(engine: RuleEngine, id: string): RuleSpec | undefined {
  let byId = ruleCache.get(engine);
  if (!byId) {
    byId = new Map();
    ruleCache.set(engine, byId);
  }
  if (!byId.has(id))
    byId.set(
      id,
      engine.rules.find((rule) => rule.id === id),
    );
  return byId.get(id);
}

export interface CandidateExtras {
  decodedVia?: string[];
  variable?: string;
}

/** A candidate for one of the structured rules; undefined when that rule is disabled. */
export function makeCandidate(
  engine: RuleEngine,
  ruleId: string,
  start: number,
  end: number,
  secret: string,
  confidence: Confidence,
  extras: CandidateExtras = {},
): DetectorCandidate | undefined {
  const rule = ruleById(engine, ruleId);
  if (!rule) return undefined;
  const candidate: DetectorCandidate = { rule, start, end, secret, confidence };
  if (extras.decodedVia?.length) candidate.decodedVia = extras.decodedVia;
  if (extras.variable) candidate.variable = extras.variable;
  return candidate;
}

/** A name = literal assignment judged and turned into a candidate, or nothing. */
export function assignment(
  engine: RuleEngine,
  ruleId: string,
  name: string,
  value: string,
  start: number,
  extras: CandidateExtras = {},
): DetectorCandidate | undefined {
  const confidence = judgeValue(classifyName(name), value);
  if (!confidence) return undefined;
  return makeCandidate(engine, ruleId, start, start + value.length, value, confidence, {
    variable: name,
    ...extras,
  });
}

/** Strip one layer of matching quotes, returning the inner value and its offset shift. */
export function unquote(raw: string): { value: string; shift: number } {
  const first = raw[0];
  if (raw.length >= 2 && (first === '"' || first === "'" || first === '`') && raw.endsWith(first)) {
    return { value: raw.slice(1, -1), shift: 1 };
  }
  return { value: raw, shift: 0 };
}
