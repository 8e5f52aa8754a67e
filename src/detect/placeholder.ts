/**
 * Values that stand in for a secret in docs, templates and examples. They are never findings,
 * whatever rule matched them, because reporting them teaches users to ignore the scanner.
 */

const PLACEHOLDER_PATTERNS: readonly RegExp[] = [
  /example/i,
  /x{5,}/i,
  /\*{3,}|•{3,}|#{5,}/,
  /\.{3,}|…/,
  /\[redacted\]|redacted/i,
  /dummy|placeholder|changeme|change[-_]me|replace[-_]?me|put[-_]?your|insert[-_]your/i,
  /^<[^>]*>$|^\{\{.*\}\}$|^\$\{.*\}$|^%\(.*\)s$|^\$[A-Z_][A-Z0-9_]*$/,
  /^(your|my)[-_ ]?(api|secret|token|key|password|access|client|app)/i,
  /(^|[-_])(fake|sample|not[-_]?real)([-_]|$)/i,
];

/** A value made of one repeated character, or of zeros with a few letters, is a stand-in. */
function isDegenerate(value: string): boolean {
  if (/^(.)\1*$/.test(value)) return true;
  const zeros = value.split('').filter((ch) => ch === '0').length;
  return value.length >= 12 && zeros / value.length > 0.7;
}

/**
 * MD5, SHA-1 and SHA-256 of nothing: sentinels and test vectors (an empty body's checksum), in
 * every codebase, under names like `EMPTY_SECRET_HASH`.
 */
const EMPTY_INPUT_DIGESTS = new Set([
  'd41d8cd98f00b204e9800998ecf8427e',
  'da39a3ee5e6b4b0d3255bfef95601890afd80709',
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
]);

export function isPlaceholder(value: string): boolean {
  if (isDegenerate(value)) return true;
  if (value.length >= 32 && EMPTY_INPUT_DIGESTS.has(value.toLowerCase())) return true;
  return PLACEHOLDER_PATTERNS.some((pattern) => pattern.test(value));
}
