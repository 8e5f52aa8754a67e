/**
 * What every match of a rule's pattern must contain, read from the pattern: strings written in it
 * (`-----BEGIN`, `login`, one of `ENV` or `ARG`) and a stretch of run-alphabet characters (a
 * 40-character key is 40 base64 characters in a row). A text that lacks either cannot hold a
 * match, so the engine skips the rule there without running it. The keyword pass finds both for
 * free: the strings join its automaton, the runs are the encoded runs it already reports.
 *
 * The answer only ever says less than the truth: a node this reader does not understand counts
 * as "any text", which requires nothing.
 */
import type { AstNode as ParsedNode, RootNode as ParsedRoot } from 'regjsparser';
import { regexParser } from '../deps.js';
import { RUN_ALPHABET } from './run-alphabet.js';

export interface PatternNeeds {
  /**
   * Every match contains one string of each clause, ignoring case (the keyword pass does, so the
   * strings are kept in lower case). Strings are printable ASCII and at least MIN_LITERAL long.
   */
  literals: string[][];
  /** Every match contains this many run-alphabet characters in a row (0: nothing proved). */
  run: number;
}

const NO_NEEDS: PatternNeeds = { literals: [], run: 0 };

/**
 * The version of this reading: saved gates made by another version are not used
 * (needs-cache.ts). Bump it with any change to what the reading finds.
 */
export const NEEDS_READER = 1;

/** Shorter strings are in most texts: a gate on them costs hits and skips little. */
const MIN_LITERAL = 3;
/** The strings a node can match, when they are this few or fewer. */
const MAX_STRINGS = 16;
/** A clause of more strings than this is too many words for the keyword pass to carry. */
const MAX_ALTERNATIVES = 32;
/** A clause is kept per rule up to this many; the first ones are the most selective. */
const MAX_CLAUSES = 3;
type Features = { lookbehind: true; namedGroups: true; unicodePropertyEscape: true };
type AstNode = ParsedNode<Features>;

const IN_RUN = new Set([...RUN_ALPHABET].map((c) => c.charCodeAt(0)));

/** What one node of the pattern guarantees. */
interface Reading {
  /** Every string the node matches, when finite and few; else undefined. */
  strings?: string[];
  /** Clauses every match of the node satisfies. */
  clauses: string[][];
  /** The node consumes nothing (a look-around, `^`, `\b`). */
  zeroWidth?: boolean;
  /** Every character the node consumes is in the run alphabet. */
  pure: boolean;
  /** Fewest characters the node consumes. */
  min: number;
  /** Run-alphabet characters every match starts with, ends with, and holds in a row somewhere. */
  prefix: number;
  suffix: number;
  inner: number;
}

const known = new Map<string, PatternNeeds>();

/** What every match of `pattern` needs; the same pattern is read once per process. */
export function patternNeeds(pattern: string, flags = ''): PatternNeeds {
  const key = `${flags}/${pattern}`;
  let needs = known.get(key);
  if (!needs) {
    needs = readPattern(pattern, flags);
    known.set(key, needs);
  }
  return needs;
}

function readPattern(pattern: string, flags: string): PatternNeeds {
  let root: ParsedRoot<Features>;
  try {
    root = regexParser().parse(pattern, flags.replace(/[^imsuy]/g, ''), {
      lookbehind: true,
      namedGroups: true,
      unicodePropertyEscape: true,
    });
  } catch {
    // A pattern V8 accepts and this parser does not: nothing is proved, the rule runs as before.
    return NO_NEEDS;
  }
  const reading = read(root);
  const candidates = [...reading.clauses, ...(reading.strings ? [reading.strings] : [])];
  const literals: string[][] = [];
  const seen = new Set<string>();
  const clauses = candidates.map(shortest).filter(usable);
  for (const clause of clauses.sort((a, b) => selectivity(b) - selectivity(a))) {
    const key = clause.join('\0');
    if (seen.has(key)) continue;
    seen.add(key);
    literals.push(clause);
    if (literals.length === MAX_CLAUSES) break;
  }
  return { literals, run: reading.inner };
}

function usable(clause: string[]): boolean {
  return (
    clause.length <= MAX_ALTERNATIVES &&
    clause.every((s) => s.length >= MIN_LITERAL && /^[\x20-\x7e]+$/.test(s))
  );
}

/**
 * The clause without strings that hold another of its strings: a text with `access_token` has
 * `token`, so `token` alone says as much, and each string left costs the keyword pass its hits.
 */
function shortest(clause: string[]): string[] {
  const lower = [...new Set(clause.map((s) => s.toLowerCase()))];
  return lower.filter((s) => !lower.some((other) => other !== s && s.includes(other)));
}

/** Longer strings are rarer; more alternatives let more texts through. */
function selectivity(clause: string[]): number {
  return Math.min(...clause.map((s) => s.length)) - Math.log2(clause.length) / 2;
}

function product(left: string[], right: string[]): string[] | undefined {
  if (left.length * right.length > MAX_STRINGS) return undefined;
  return left.flatMap((l) => right.map((r) => l + r));
}

/** The most selective clause among `clauses`, if any. */
function best(clauses: string[][]): string[] | undefined {
  let chosen: string[] | undefined;
  for (const clause of clauses) {
    if (clause.some((s) => s === '')) continue;
    if (!chosen || selectivity(clause) > selectivity(chosen)) chosen = clause;
  }
  return chosen;
}

const nothing = (min: number): Reading => ({
  clauses: [],
  pure: false,
  min,
  prefix: 0,
  suffix: 0,
  inner: 0,
});

/** A node whose every character is in the run alphabet: all of its `min` are one run. */
const allRun = (min: number, clauses: string[][], strings?: string[]): Reading => ({
  strings,
  clauses,
  pure: true,
  min,
  prefix: min,
  suffix: min,
  inner: min,
});

const zeroWidth = (): Reading => ({
  clauses: [],
  zeroWidth: true,
  pure: true,
  min: 0,
  prefix: 0,
  suffix: 0,
  inner: 0,
});

function single(chars: number[] | undefined): Reading {
  const pure = chars !== undefined && chars.every((c) => IN_RUN.has(c));
  const strings =
    chars && chars.length <= 4 ? chars.map((c) => String.fromCodePoint(c)) : undefined;
  const run = pure ? 1 : 0;
  return { strings, clauses: [], pure, min: 1, prefix: run, suffix: run, inner: run };
}

/** The characters a one-character node matches, when it is a short explicit list. */
function classMembers(node: AstNode): number[] | undefined {
  if (node.type === 'value') return [node.codePoint];
  if (node.type === 'characterClassEscape') {
    // Only what the run alphabet needs: \d and \w are inside it, the rest are not listed.
    if (node.value === 'd') return range(48, 57);
    if (node.value === 'w') return [...range(48, 57)!, ...range(65, 90)!, ...range(97, 122)!, 95];
    return undefined;
  }
  if (node.type !== 'characterClass' || node.negative) return undefined;
  const members: number[] = [];
  for (const part of node.body) {
    const inner =
      part.type === 'characterClassRange'
        ? range(part.min.codePoint, part.max.codePoint)
        : classMembers(part);
    if (!inner) return undefined;
    members.push(...inner);
  }
  return members;
}

/** A range wider than the run alphabet holds characters outside it: not worth listing. */
function range(from: number, to: number): number[] | undefined {
  if (to - from >= IN_RUN.size) return undefined;
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function read(node: AstNode): Reading {
  switch (node.type) {
    case 'alternative':
      return sequence(node.body.map(read));
    case 'disjunction':
      return choice(node.body.map(read));
    case 'group':
      if (node.behavior === 'normal' || node.behavior === 'ignore') {
        return sequence(node.body.map(read));
      }
      return zeroWidth();
    case 'anchor':
      return zeroWidth();
    case 'quantifier':
      return repeat(read(node.body[0]!), node.min, node.max);
    case 'value':
    case 'characterClass':
    case 'characterClassEscape':
      return single(classMembers(node));
    default:
      // `.`, back references, property escapes: any text, as far as this reader knows.
      return nothing(node.type === 'reference' ? 0 : 1);
  }
}

function sequence(items: Reading[]): Reading {
  const clauses: string[][] = [];
  let strings: string[] | undefined = [''];
  // The strings of the current stretch of finite items, which match contiguous text.
  let stretch: string[] = [''];
  const close = () => {
    if (!(stretch.length === 1 && stretch[0] === '')) clauses.push(stretch);
    stretch = [''];
  };
  let pure = true;
  let min = 0;
  let prefix = 0;
  let run = 0;
  let inner = 0;
  let atStart = true;

  for (const item of items) {
    clauses.push(...item.clauses);
    if (item.zeroWidth) continue;

    if (item.strings) {
      const joined = product(stretch, item.strings);
      if (joined) stretch = joined;
      else {
        close();
        stretch = item.strings;
      }
    } else close();
    strings = strings && item.strings ? product(strings, item.strings) : undefined;

    min += item.min;
    if (item.pure) {
      run += item.min;
      if (atStart) prefix += item.min;
      continue;
    }
    inner = Math.max(inner, run + item.prefix, item.inner);
    if (atStart) prefix += item.prefix;
    atStart = false;
    pure = false;
    run = item.suffix;
  }
  close();
  inner = Math.max(inner, run);
  if (pure) return allRun(min, clauses, strings);
  return { strings, clauses, pure, min, prefix, suffix: run, inner };
}

function choice(branches: Reading[]): Reading {
  let strings: string[] | undefined = [];
  for (const branch of branches) {
    strings =
      strings && branch.strings && strings.length + branch.strings.length <= MAX_STRINGS
        ? [...strings, ...branch.strings]
        : undefined;
  }
  // Each branch brings its own most selective clause; one of those strings is in every match.
  const clauses: string[][] = [];
  if (!strings) {
    const picks = branches.map((b) => best([...b.clauses, ...(b.strings ? [b.strings] : [])]));
    if (picks.every((p) => p !== undefined)) clauses.push(picks.flat());
  }
  const least = (pick: (b: Reading) => number) => Math.min(...branches.map(pick));
  const min = least((b) => b.min);
  if (branches.every((b) => b.pure)) return allRun(min, clauses, strings);
  return {
    strings,
    clauses,
    pure: false,
    min,
    prefix: least((b) => b.prefix),
    suffix: least((b) => b.suffix),
    inner: least((b) => Math.max(b.inner, b.prefix, b.suffix)),
  };
}

function repeat(item: Reading, least: number, most: number | undefined): Reading {
  if (item.zeroWidth) return item;
  if (item.pure) {
    const clauses = least > 0 ? item.clauses : [];
    return allRun(item.min * least, clauses, exactCopies(item, least, most));
  }
  if (least === 0) {
    return { ...nothing(0), strings: exactCopies(item, least, most) };
  }
  return {
    strings: exactCopies(item, least, most),
    clauses: [...item.clauses, ...(item.strings ? [item.strings] : [])],
    pure: false,
    min: item.min * least,
    prefix: item.prefix,
    suffix: item.suffix,
    inner: Math.max(item.inner, least >= 2 ? item.suffix + item.prefix : 0),
  };
}

/** `x?` and `x{n}` of a finite x are finite too; other repeats are not. */
function exactCopies(item: Reading, least: number, most: number | undefined): string[] | undefined {
  if (!item.strings) return undefined;
  if (least === 0 && most === 1) {
    return item.strings.length < MAX_STRINGS ? [...item.strings, ''] : undefined;
  }
  if (least !== most || least > 8) return undefined;
  let strings: string[] | undefined = [''];
  for (let i = 0; i < least && strings; i++) strings = product(strings, item.strings);
  return strings;
}

/** What the engine checks before it runs a rule: the clauses worth a gate, and the run. */
export interface RuleGates {
  clauses: string[][];
  run: number;
}

/** A rule's gates, read from its pattern (the same pattern is read once per process). */
export function ruleGates(rule: {
  pattern: string;
  flags?: string;
  keywords: readonly string[];
}): RuleGates {
  const needs = patternNeeds(rule.pattern, rule.flags);
  return { clauses: gateClauses(needs, rule.keywords), run: needs.run };
}

/**
 * The clauses worth a gate for a rule with these keywords: a clause that the keywords or an
 * earlier clause already imply (each of their strings holds one of its strings) would only add
 * hits to the keyword pass.
 */
export function gateClauses(needs: PatternNeeds, keywords: readonly string[]): string[][] {
  const implies = (strings: readonly string[], clause: readonly string[]) =>
    strings.every((s) => clause.some((c) => s.toLowerCase().includes(c)));
  const kept: string[][] = [];
  for (const clause of needs.literals) {
    if (implies(keywords, clause) || kept.some((earlier) => implies(earlier, clause))) continue;
    kept.push(clause);
  }
  return kept;
}
