/**
 * A provider rule and a rule that judges a value by the name it is stored under (the generic and
 * structured families) may find the very same span: `aws_secret_access_key: …` is both an AWS
 * secret and a secret-named YAML value. They agree it is a secret; the provider's rule says whose,
 * which is what the report, the severity and the remediation need.
 */
import type { Candidate } from './engine.js';
import type { RuleSpec } from '../rules/types.js';

const CONFIDENCE_RANK = { high: 3, medium: 2, low: 1 } as const;
const NAMED_BY_KEY = new Set(['generic', 'structured']);

/** Whether the rule judges a value by its name, knowing no provider. */
export function namedByKey(rule: RuleSpec): boolean {
  return NAMED_BY_KEY.has(rule.family ?? '');
}

type Merged = Candidate & { variable?: string; decodedVia?: string[] };

/**
 * Drops each name-judged candidate whose exact span a provider candidate also holds, raising the
 * provider's confidence to the dropped one's when that was higher. Decoded candidates are left
 * alone: their span is the encoded text, not the value either rule read.
 */
export function preferProvider<T extends Merged>(candidates: T[]): T[] {
  const providers = candidates.filter((c) => !namedByKey(c.rule) && !c.decodedVia?.length);
  if (providers.length === 0) return candidates;
  return candidates.filter((c) => {
    if (!namedByKey(c.rule) || c.decodedVia?.length) return true;
    const same = providers.find((p) => p.start === c.start && p.end === c.end);
    if (!same) return true;
    if (CONFIDENCE_RANK[c.confidence] > CONFIDENCE_RANK[same.confidence])
      same.confidence = c.confidence;
    if (c.variable !== undefined) same.variable ??= c.variable;
    return false;
  });
}
