/**
 * The built-in pack's pattern needs (pattern-needs.ts), read by the build and saved beside the
 * rules: reading 900 patterns costs a worker about 60 ms at start, and a pre-commit hook more
 * than its scan. Entries are keyed by flags and pattern, so an entry is only ever used for the
 * very pattern it was read from; any other rule is read when the engine is built.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { patternNeeds, type PatternNeeds } from './pattern-needs.js';
import type { RuleSpec } from '../rules/types.js';

export const needsKey = (rule: RuleSpec): string => `${rule.flags ?? ''}/${rule.pattern}`;

export function saveNeeds(path: string, rules: readonly RuleSpec[]): void {
  const entries = rules.map((rule) => [needsKey(rule), patternNeeds(rule.pattern, rule.flags)]);
  writeFileSync(path, JSON.stringify(Object.fromEntries(entries)));
}

/** The saved needs, or an empty map when the file is missing or damaged. */
export function loadNeeds(path: string): ReadonlyMap<string, PatternNeeds> {
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Record<string, PatternNeeds>;
    return new Map(Object.entries(saved).filter(([, needs]) => wellFormed(needs)));
  } catch {
    return new Map();
  }
}

function wellFormed(needs: PatternNeeds): boolean {
  return (
    Number.isInteger(needs?.run) &&
    Array.isArray(needs.literals) &&
    needs.literals.every(
      (clause) => Array.isArray(clause) && clause.every((s) => typeof s === 'string' && s !== ''),
    )
  );
}
