/**
 * The built-in pack's rule gates (pattern-needs.ts), read by the build and saved beside the
 * rules: reading 900 patterns costs a worker about 60 ms at start, and a pre-commit hook more
 * than its scan. Entries are keyed by a rule's flags, keywords and pattern, so an entry is only
 * ever used for the very rule it was read from; any other rule is read when the engine is built.
 *
 * A gate the pattern does not need would make the engine skip the rule and miss secrets without
 * a word, so the file is sealed: its first line holds the version of the reading that made it
 * and a digest of the second line, the entries. A file that fails either check, or does not
 * parse, is not used (the patterns are read again). A file rewritten with a matching digest is
 * trusted, as any other part of dist/ is.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { NEEDS_READER, ruleGates, type RuleGates } from './pattern-needs.js';
import type { RuleSpec } from '../rules/types.js';

interface Seal {
  reader: number;
  digest: string;
}

const keyOf = (rule: RuleSpec): string =>
  `${rule.flags ?? ''}/${rule.keywords.join('\0')}/${rule.pattern}`;

const digestOf = (entries: string | Buffer) => createHash('sha256').update(entries).digest('hex');

export function saveGates(path: string, rules: readonly RuleSpec[]): void {
  const entries = JSON.stringify(Object.fromEntries(rules.map((r) => [keyOf(r), ruleGates(r)])));
  const seal: Seal = { reader: NEEDS_READER, digest: digestOf(entries) };
  writeFileSync(path, `${JSON.stringify(seal)}\n${entries}`);
}

/**
 * Looks up saved gates; undefined for a rule not saved, or for every rule when the file is
 * missing, damaged, edited or made by another version of the reading.
 */
export function loadGates(path: string): (rule: RuleSpec) => RuleGates | undefined {
  const none = () => undefined;
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return none;
  }
  const newline = file.indexOf(10);
  if (newline === -1) return none;
  const entries = file.subarray(newline + 1);
  let saved: Record<string, RuleGates>;
  try {
    const seal = JSON.parse(file.subarray(0, newline).toString('utf8')) as Seal;
    if (seal.reader !== NEEDS_READER || seal.digest !== digestOf(entries)) return none;
    saved = JSON.parse(entries.toString('utf8')) as Record<string, RuleGates>;
  } catch {
    return none;
  }
  return (rule) => {
    const key = keyOf(rule);
    const gates = Object.hasOwn(saved, key) ? saved[key] : undefined;
    return gates && wellFormed(gates) ? gates : undefined;
  };
}

function wellFormed(gates: RuleGates): boolean {
  return (
    Number.isInteger(gates.run) &&
    Array.isArray(gates.clauses) &&
    gates.clauses.every(
      (clause) => Array.isArray(clause) && clause.every((s) => typeof s === 'string' && s !== ''),
    )
  );
}
