/**
 * The built-in pack's pattern needs (pattern-needs.ts), read by the build and saved beside the
 * rules: reading 900 patterns costs a worker about 60 ms at start, and a pre-commit hook more
 * than its scan. Entries are keyed by flags and pattern, so an entry is only ever used for the
 * very pattern it was read from; any other rule is read when the engine is built.
 *
 * A need the patterns do not have would make the engine skip rules and miss secrets without a
 * word, so the file is sealed: a digest of its entries and the version of the reading that made
 * them. A file that fails either check, or does not parse, is not used (the patterns are read
 * again). A file rewritten with a matching digest is trusted, as any other part of dist/ is.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { NEEDS_READER, patternNeeds, type PatternNeeds } from './pattern-needs.js';
import type { RuleSpec } from '../rules/types.js';

interface SavedNeeds {
  reader: number;
  digest: string;
  needs: Record<string, PatternNeeds>;
}

export const needsKey = (rule: RuleSpec): string => `${rule.flags ?? ''}/${rule.pattern}`;

const digestOf = (needs: Record<string, PatternNeeds>) =>
  createHash('sha256').update(JSON.stringify(needs)).digest('hex');

export function saveNeeds(path: string, rules: readonly RuleSpec[]): void {
  const needs = Object.fromEntries(
    rules.map((rule) => [needsKey(rule), patternNeeds(rule.pattern, rule.flags)]),
  );
  const saved: SavedNeeds = { reader: NEEDS_READER, digest: digestOf(needs), needs };
  writeFileSync(path, JSON.stringify(saved));
}

/** The saved needs, or an empty map when the file is missing, damaged, edited or stale. */
export function loadNeeds(path: string): ReadonlyMap<string, PatternNeeds> {
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as SavedNeeds;
    if (saved.reader !== NEEDS_READER || saved.digest !== digestOf(saved.needs)) return new Map();
    return new Map(Object.entries(saved.needs).filter(([, needs]) => wellFormed(needs)));
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
