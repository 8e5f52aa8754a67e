/**
 * Value filters for rules whose pattern alone cannot tell a secret from ordinary text: the generic
 * "secret-like name = value" rules above all. Each returns true to keep the candidate.
 */
import { shannonEntropy } from './entropy.js';
import type { FilterName } from '../rules/types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** References to where a secret lives: the compliant forms we must not flag. */
const REFERENCE = [
  /^\$\{\{.*\}\}$/,
  /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/,
  /^%[A-Za-z_][A-Za-z0-9_]*%$/,
  /^\{\{.*\}\}$/,
  /^\$\(.*\)$/,
  /^(process\.env|os\.environ|os\.getenv|env|ENV|var|local|data|module|secrets|vault:|projects\/[^/]+\/secrets)[.[(:/]/,
  /^arn:aws[\w-]*:/,
  /^@Microsoft\.KeyVault\(/i,
  /^ENC\[/,
  /^(ref|secretref|secretkeyref|vault|sops|awssm|gcpsm|azkv)\+?:/i,
];
const WORDS_ONLY = /^[A-Za-z]+(?:[ _.-][A-Za-z]+)*$/;
/** Shaped like a path: rooted, relative, home or drive, or name/name. Base64 fits it too. */
const PATH_SHAPE = /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)[^\s]*$|^[\w.-]+\/[\w./-]+$/;
/** Only a path starts so (`./`, `../`, `~/`, `C:\`) or ends in a file extension (`.yaml`). */
const SURELY_PATH = /^(?:\.{1,2}\/|~\/|[A-Za-z]:\\)|\.[A-Za-z][A-Za-z0-9]{0,5}$/;
/** One word (`Summer`, `bin`, `JSON`), a word with a number (`overlay2`, `es2015`) or a number. */
const NAME_SEGMENT = /^(?:[A-Z]?[a-z]+|[A-Z]+)\d*$|^\d+[a-z]*$/;
const MIME_TYPE =
  /^(?:application|audio|font|image|message|model|multipart|text|video)\/[\w.+-]+$/i;
const URL_WITHOUT_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]+(?::\d+)?(?:[/?#][^\s]*)?$/i;
const ANY_URL = /^[a-z][a-z0-9+.-]*:\/\//i;
/**
 * Code, not a value: a call, an arrow, a comparison, a block or a keyword. A bracket alone is
 * not code: generated secrets (Django's among them) contain `(` and `)`.
 */
const CODE_LIKE =
  /^[@\w.$]+\(.*\)$|^[\w.$]+<.*>$|=>|[=!]==|&&|\|\||^\{.*\}$|^\[.*\]$|;\s*$|\s(?:and|or|not|if|else|return)\s|^(?:true|false|null|nil|none|undefined)$/i;
const NUMBER = /^[\d.,:_-]+$/;
const VERSION = /^v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$/;
const I18N_SENTENCE = /\s\S+\s/;
const HASH_PREFIX = /^(?:sha\d{1,3}|md5|sha)[-:]|^data:/i;

export function isReference(value: string): boolean {
  return REFERENCE.some((pattern) => pattern.test(value));
}

/** Character classes present, used to scale the entropy a value must reach. */
function charClasses(value: string): number {
  let classes = 0;
  if (/[a-z]/.test(value)) classes++;
  if (/[A-Z]/.test(value)) classes++;
  if (/[0-9]/.test(value)) classes++;
  if (/[^A-Za-z0-9]/.test(value)) classes++;
  return classes;
}

/**
 * Letters only, in runs that look like words (`?InterpolationInTemplate`, `kEnumerableProperty`):
 * an identifier or a label. Random letters switch case about every other character; words do not.
 */
function readsLikeWords(value: string): boolean {
  const core = value.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  if (!/^[A-Za-z]+$/.test(core)) return false;
  let switches = 0;
  for (let i = 1; i < core.length; i++) {
    const upper = core[i]! <= 'Z';
    if (upper !== core[i - 1]! <= 'Z') switches++;
  }
  return switches / core.length < 0.42;
}

/**
 * A stretch between slashes that reads as random base64 (`CeB1CZFF8jgwdnNTtielB`), not as a
 * name: a folder or file name is words, a number, or a hex digest (content-addressed stores).
 */
function randomSegment(segment: string): boolean {
  if (segment.length < 6 || !/^[A-Za-z0-9+=]+$/.test(segment)) return false;
  if (/^[0-9a-f]+$/.test(segment) || /^[0-9A-F]+$/.test(segment)) return false;
  if (charClasses(segment) < 2 || NAME_SEGMENT.test(segment)) return false;
  return !isIdentifierOrProse(segment);
}

/**
 * A path, not a secret: `/usr/local/bin`, `./config/x.yaml`, `a/b/c.json`, `foo/bar`. Base64
 * has `/` in its alphabet, so a value only shaped like a path is still a secret when most of it
 * is random segments (`CeB1CZFF8jgwdnNTtielB/n8sTqcVsiH95mWIVfw`).
 */
export function looksLikePath(value: string): boolean {
  if (!PATH_SHAPE.test(value)) return false;
  if (SURELY_PATH.test(value)) return true;
  const random = value
    .split('/')
    .filter(randomSegment)
    .reduce((sum, segment) => sum + segment.length, 0);
  return random * 2 < value.length;
}

/**
 * A generic value is kept only when it reads like machine-made randomness: long enough, mixed
 * characters, high entropy for its character set, and not a word, path, URL, number, hash or
 * reference.
 */
function secretLikeValue(value: string): boolean {
  if (value.length < 12 || value.length > 512) return false;
  if (isReference(value) || WORDS_ONLY.test(value) || looksLikePath(value)) return false;
  if (URL_WITHOUT_CREDENTIALS.test(value) || CODE_LIKE.test(value) || NUMBER.test(value))
    return false;
  if (VERSION.test(value) || I18N_SENTENCE.test(value) || HASH_PREFIX.test(value)) return false;
  if (MIME_TYPE.test(value)) return false;
  // A URL, with or without user:password, is not a token; the connection-URI rules own those.
  if (ANY_URL.test(value)) return false;
  // A bare hex digest is kept: under a secret-named key (api_key, client_secret, credentials) a
  // 32/40/64-hex value is usually the secret itself; digests under other names never reach here.
  if (UUID.test(value)) return false;

  if (readsLikeWords(value)) return false;

  const classes = charClasses(value);
  const entropy = shannonEntropy(value);
  if (classes < 2) return false;
  const needed = /^[0-9a-f]+$/i.test(value) ? 3.0 : classes >= 3 ? 3.5 : 3.8;
  return entropy >= needed;
}

/** `self.password`, `opts.db.pass`, `$this->pwd`, `Config::PASS`: code reading a value, not a value. */
const MEMBER_ACCESS = /^[A-Za-z_$][\w$]*(?:(?:\.|->|::)[A-Za-z_$][\w$]*)+$/;
/** An identifier named like a credential (`new_password`, `userPassword`, `DB_PASS`) is a variable. */
const CREDENTIAL_IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const CREDENTIAL_PART =
  /(?:^|[_$.-])(?:pass(?:word|wd)?|pwd|secret|token)|[a-z](?:Pass(?:word|wd)?|Pwd|Secret|Token)|(?:^|_)(?:PASS(?:WORD|WD)?|PWD|SECRET|TOKEN)(?:$|_)/;
/** camelCase identifiers (`hashedValue`, `userInput`) are variables far more often than passwords. */
const CAMEL_IDENTIFIER = /^[a-z]+(?:[A-Z][a-z]+)+$/;
/** Laravel/Yii style validation rules: `required|string|min:8`. */
const VALIDATION_RULES = /^[a-z_]+(?::[\w,.]+)?(?:\|[a-z_]+(?::[\w,.]+)?)+$/;
/** Words that sit in a password-named field without being a password. */
const NOT_A_PASSWORD =
  /^(?:password|passwd|passphrase|secret|token|string|none|null|nil|empty|required|optional|disabled|enabled|readonly|nullable|sometimes|confirmed|undefined|function|boolean|variable|username|anonymous|localhost|unchanged|hidden|protected|private|internal|default|missing|invalid|generated|encrypted|plaintext|sensitive|credentials?|authenticate|autocomplete|unknown|inherit|current|pending|forgotten|incorrect|mismatch|minlength|maxlength|placeholder|textfield|inputtype)/i;

/**
 * Passwords are chosen by people, so they are shorter and less random than tokens; they still
 * must not be a plain word, a reference, a variable or code.
 */
function passwordValue(value: string): boolean {
  if (value.length < 6 || value.length > 256 || /\s/.test(value)) return false;
  if (isReference(value) || looksLikePath(value) || URL_WITHOUT_CREDENTIALS.test(value))
    return false;
  if (CODE_LIKE.test(value) || VERSION.test(value) || I18N_SENTENCE.test(value)) return false;
  if (MEMBER_ACCESS.test(value) || VALIDATION_RULES.test(value) || CAMEL_IDENTIFIER.test(value))
    return false;
  if (CREDENTIAL_IDENTIFIER.test(value) && CREDENTIAL_PART.test(value)) return false;
  if (NOT_A_PASSWORD.test(value)) return false;
  // A single lower-case word is a weak password, but people do use them: keep it from 8 letters.
  if (/^[a-z]+$/.test(value)) return value.length >= 8 && shannonEntropy(value) >= 2.5;
  return charClasses(value) >= 2 && shannonEntropy(value) >= 2.5;
}

export const FILTERS: Record<FilterName, (value: string) => boolean> = {
  'secret-like-value': secretLikeValue,
  'password-value': passwordValue,
  'not-hex-only': (value) => !/^[0-9a-f]+$/i.test(value),
  'not-uuid': (value) => !UUID.test(value),
};

/** One word of a name: lower, Capitalised or SHOUTED, with at most two trailing digits. */
const NAME_WORD = /[A-Z]{2,}(?![a-z])\d{0,2}|[A-Z]?[a-z]+\d{0,2}|[A-Z]\d{1,2}|\d{1,2}/g;

/** A word a person would write: it has a vowel and no run of five consonants. */
function pronounceable(word: string): boolean {
  const letters = word.replace(/\d/g, '');
  if (letters.length <= 3) return true;
  if (new Set(letters.toLowerCase()).size < 2) return false;
  return /[aeiouy]/i.test(letters) && !/[^aeiouy]{5}/i.test(letters);
}

/**
 * The words of a run without separators, when it reads as camelCase, PascalCase or one
 * SHOUTED word; undefined when it does not (random characters).
 */
function nameWords(run: string): string[] | undefined {
  const words = run.match(NAME_WORD) ?? [];
  if (words.join('') !== run) return undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const next = words[i + 1];
    if (!pronounceable(word)) return undefined;
    // Digits end a word only before a capital or at the end: `V3Token`, `Type2`, not `alru08ixe`.
    const initialism = /^[A-Z]\d{1,2}$/.test(word);
    if (/\d$/.test(word) && !initialism && next !== undefined && !/^[A-Z]/.test(next))
      return undefined;
    // Two SHOUTED words in a row are random capitals, not a name.
    if (/^[A-Z]{2,}/.test(word) && next !== undefined && /^[A-Z]{2,}/.test(next)) return undefined;
  }
  return words;
}

/**
 * A name or a sentence, not a secret: `BodyResponseCallback`, `MYSQL_CACHING_SHA2_PASSWORD`,
 * `x-aws-ec2-metadata-token`, `Token imprevisto.`. Shape rules (a provider keyword beside
 * 20 letters) and assignment detectors meet these all the time in real code. Machine-made
 * secrets do not split into pronounceable words.
 */
export function isIdentifierOrProse(value: string): boolean {
  const trimmed = value.trim();
  if (/[A-Za-z]{2,}\S*\s+\S*[A-Za-z]{2,}/.test(trimmed)) return true;
  // Text in another script is a translation, not a credential (secrets are ASCII).
  if (
    (trimmed.match(/[^\x00-\x7f]/g)?.length ?? 0) >= 3 &&
    /\p{L}/u.test(trimmed.replace(/[\x00-\x7f]/g, ''))
  ) {
    return true;
  }
  const runs = trimmed.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const words: string[] = [];
  for (const run of runs) {
    if (/^[A-Za-z]$/.test(run)) continue;
    const found = nameWords(run);
    if (!found) return false;
    words.push(...found.filter((word) => /[A-Za-z]/.test(word)));
  }
  // One lower-case run alone (`abcdefabcdef`) is as likely a token as a name.
  if (words.length < 2) return false;
  const letters = words.join('').replace(/\d/g, '').length;
  return letters / words.length >= 3;
}
