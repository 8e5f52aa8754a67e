/**
 * Candidates found by shape or by an assigned name, not by a provider's own prefix, meet
 * identifiers and sentences in real code. These tests drop those; scan-text applies them to every
 * file, and the JS/TS detector uses them to skip parsing a file whose only candidates would go.
 */
import type { DetectorCandidate } from './detectors.js';
import { isIdentifierOrProse } from './filters.js';

/** Password rules: their values are judged on their own, since people do choose words. */
function isPasswordRule({ rule }: DetectorCandidate): boolean {
  return (
    /password|passwd|passphrase|pwd/.test(`${rule.id} ${rule.kind ?? ''}`) ||
    Boolean(rule.filters?.includes('password-value'))
  );
}

/** A password value that is a name in the code (`user-password`, `URLPatternComponentResult`). */
function namedLikeCode(value: string): boolean {
  // People write passwords with digits (`secur3Pass`); names in code seldom carry them.
  if (/\d/.test(value) || !isIdentifierOrProse(value)) return false;
  return /pass|pwd|secret|token|key|cred/i.test(value) || /^(?:[A-Z][a-z]+){3,}$/.test(value);
}

/** Found by shape or by an assigned name, not by a provider's own prefix. */
export function judgedByShape(candidate: DetectorCandidate): boolean {
  const { rule } = candidate;
  if (isPasswordRule(candidate)) return false;
  return (
    rule.near !== undefined ||
    rule.confidence !== 'high' ||
    ['generic', 'structured'].includes(rule.family ?? '')
  );
}

/** Whether the candidate is a name or a sentence from the code rather than a secret. */
export function readsAsCode(candidate: DetectorCandidate): boolean {
  return (
    (judgedByShape(candidate) && isIdentifierOrProse(candidate.secret)) ||
    (isPasswordRule(candidate) && namedLikeCode(candidate.secret))
  );
}
