/**
 * Value filters for rules whose pattern alone cannot tell a secret from ordinary text: the generic
 * "secret-like name = value" rules above all. Each returns true to keep the candidate.
 */
import { shannonEntropy } from './entropy.js';
import type { FilterName } from '../rules/types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_DIGEST = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$/i;
/** References to where a secret lives: the compliant forms we must not flag. */
const REFERENCE = [
  /^\$\{\{.*\}\}$/,
  /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/,
  /^%[A-Za-z_][A-Za-z0-9_]*%$/,
  /^\{\{.*\}\}$/,
  /^\$\(.*\)$/,
  /^(process\.env|os\.environ|os\.getenv|env|ENV|var|local|data|module|secrets|vault:|arn:aws:|projects\/[^/]+\/secrets)[.[(:/]/,
  /^ENC\[/,
  /^(ref|secretref|secretkeyref|vault|sops|awssm|gcpsm|azkv)\+?:/i,
];
const WORDS_ONLY = /^[A-Za-z]+(?:[ _.-][A-Za-z]+)*$/;
const PATH_LIKE = /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)[^\s]*$|^[\w.-]+\/[\w./-]+$/;
const URL_WITHOUT_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]+(?::\d+)?(?:[/?#][^\s]*)?$/i;
const CODE_LIKE = /[()[\]{};]|=>|\s(?:and|or|not|if|else|return)\s|^(?:true|false|null|nil|none|undefined)$/i;
const NUMBER = /^[\d.,:_-]+$/;
const VERSION = /^v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$/;
const I18N_SENTENCE = /\s\S+\s/;
const MIME_OR_HASH_PREFIX = /^(?:sha\d{1,3}|md5|sha)[-:]|^data:|^[a-z]+\/[a-z0-9.+-]+$/i;

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
 * A generic value is kept only when it reads like machine-made randomness: long enough, mixed
 * characters, high entropy for its character set, and not a word, path, URL, number, hash or
 * reference.
 */
function secretLikeValue(value: string): boolean {
  if (value.length < 12 || value.length > 512) return false;
  if (isReference(value) || WORDS_ONLY.test(value) || PATH_LIKE.test(value)) return false;
  if (URL_WITHOUT_CREDENTIALS.test(value) || CODE_LIKE.test(value) || NUMBER.test(value)) return false;
  if (VERSION.test(value) || I18N_SENTENCE.test(value) || MIME_OR_HASH_PREFIX.test(value)) return false;
  if (UUID.test(value) || HEX_DIGEST.test(value)) return false;

  const classes = charClasses(value);
  const entropy = shannonEntropy(value);
  if (classes < 2) return false;
  const needed = /^[0-9a-f]+$/i.test(value) ? 3.0 : classes >= 3 ? 3.5 : 3.8;
  return entropy >= needed;
}

/**
 * Passwords are chosen by people, so they are shorter and less random than tokens; they still
 * must not be a plain word, a reference or code.
 */
function passwordValue(value: string): boolean {
  if (value.length < 6 || value.length > 256) return false;
  if (isReference(value) || PATH_LIKE.test(value) || URL_WITHOUT_CREDENTIALS.test(value)) return false;
  if (CODE_LIKE.test(value) || VERSION.test(value) || I18N_SENTENCE.test(value)) return false;
  if (/^[a-z]+$/.test(value) && value.length < 10) return false;
  if (/^(password|passwd|secret|token|string|none|null|empty|required|optional)/i.test(value)) {
    return false;
  }
  return charClasses(value) >= 2 && shannonEntropy(value) >= 2.5;
}

export const FILTERS: Record<FilterName, (value: string) => boolean> = {
  'secret-like-value': secretLikeValue,
  'password-value': passwordValue,
  'not-hex-only': (value) => !/^[0-9a-f]+$/i.test(value),
  'not-uuid': (value) => !UUID.test(value),
};
