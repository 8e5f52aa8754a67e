/**
 * The rule engine: from text to candidate spans. Pure and synchronous, so a worker can run it
 * on a batch of files and the tests can run it on a rule's examples.
 */
import { shannonEntropy } from './entropy.js';
import { FILTERS } from './filters.js';
import { isPlaceholder } from './placeholder.js';
import { patternReach, type PatternReach } from './pattern-reach.js';
import { KeywordAutomaton, MAX_HITS_PER_KEYWORD } from './prefilter.js';
import { VALIDATORS, type Validation } from './validators.js';
import type { Confidence, RuleSpec } from '../rules/types.js';

/** A secret the engine found: offsets are UTF-16 indexes into the scanned text. */
export interface Candidate {
  rule: RuleSpec;
  /** Offset of the secret's first character. */
  start: number;
  /** Offset one past the secret's last character. */
  end: number;
  secret: string;
  confidence: Confidence;
  validation?: Validation;
}

interface CompiledRule {
  spec: RuleSpec;
  regex: RegExp;
  keywordIndexes: number[];
  priority: number;
  /** How far a match reaches around a keyword hit, when bounded (null: whole text only). */
  reach?: PatternReach | null;
}

const CONFIDENCE_RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };
const LOWER: Record<Confidence, Confidence> = { high: 'medium', medium: 'low', low: 'low' };
const DEFAULT_NEAR_SPAN = 200;
/** Matches per rule per text, past which the rest are the same noise. */
const MAX_MATCHES_PER_RULE = 500;
/** Windows covering more than this share of a text are slower than one pass over it. */
const MAX_WINDOW_SHARE = 0.5;
/** Windows closer than this are run as one slice. */
const JOIN_GAP = 256;
/** Lines around a keyword longer than this together: the rule runs on the whole text. */
const MAX_LINES_SPAN = 8192;
/** The least a window costs, for the density check before building windows. */
const MIN_WINDOW = 64;

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export class RuleEngine {
  readonly rules: readonly RuleSpec[];
  private readonly compiled: CompiledRule[];
  private readonly automaton: KeywordAutomaton;
  /** For each keyword, the rules that list it. */
  private readonly rulesByKeyword: number[][];
  private readonly keywordLengths: number[];

  /** Run provably local whole-text rules in windows around their keyword hits. */
  private readonly windows: boolean;

  /** `windows: false` keeps every whole-text rule on the whole text (the reference behaviour). */
  constructor(rules: readonly RuleSpec[], options: { windows?: boolean } = {}) {
    this.rules = rules;
    this.windows = options.windows ?? true;
    const keywordIndex = new Map<string, number>();
    const keywords: string[] = [];
    this.rulesByKeyword = [];

    this.compiled = rules.map((spec, ruleIndex) => {
      const keywordIndexes = spec.keywords.map((raw) => {
        const keyword = raw.toLowerCase();
        let index = keywordIndex.get(keyword);
        if (index === undefined) {
          index = keywords.length;
          keywordIndex.set(keyword, index);
          keywords.push(keyword);
          this.rulesByKeyword.push([]);
        }
        this.rulesByKeyword[index]!.push(ruleIndex);
        return index;
      });
      const flags = `gd${spec.flags?.includes('i') ? 'i' : ''}`;
      const priority = CONFIDENCE_RANK[spec.confidence] * 10 + (spec.near === undefined ? 2 : 1);
      return { spec, regex: new RegExp(spec.pattern, flags), keywordIndexes, priority };
    });
    this.automaton = new KeywordAutomaton(keywords);
    this.keywordLengths = keywords.map((keyword) => keyword.length);
  }

  /** All candidates in `text`, overlapping ones resolved in favour of the more specific rule. */
  detect(text: string): Candidate[] {
    const hits = this.automaton.scan(text);
    const candidates: Candidate[] = [];
    const ruleSeen = new Set<number>();

    hits.ends.forEach((ends, keywordIndex) => {
      if (!ends) return;
      for (const ruleIndex of this.rulesByKeyword[keywordIndex]!) {
        if (ruleSeen.has(ruleIndex)) continue;
        ruleSeen.add(ruleIndex);
        const rule = this.compiled[ruleIndex]!;
        if (rule.spec.near === undefined) this.runWhole(rule, text, hits.ends, candidates);
        else this.runNear(rule, text, hits.ends, candidates);
      }
    });

    return resolveOverlaps(candidates, this.compiled);
  }

  private runWhole(
    rule: CompiledRule,
    text: string,
    keywordEnds: (number[] | undefined)[],
    out: Candidate[],
  ): void {
    const windows = this.windowsFor(rule, text, keywordEnds);
    if (windows) return this.runWindows(rule, text, windows, out);
    const { regex } = rule;
    regex.lastIndex = 0;
    let count = 0;
    for (let match = regex.exec(text); match; match = regex.exec(text)) {
      if (match[0].length === 0) regex.lastIndex++;
      const span = match.indices?.[1];
      if (span && match[1] !== undefined) this.accept(rule, text, span[0], span[1], out);
      if (++count >= MAX_MATCHES_PER_RULE) break;
    }
  }

  /**
   * Where a match of `rule` can start, as merged windows around its keyword hits: every match
   * contains a keyword (proved from the pattern by patternReach) and reads a bounded stretch of
   * text, so no match starts elsewhere. Flat triples: first start, last start, end of the text
   * the attempts there can read. Undefined when the rule must run over the whole text: unproved
   * patterns, capped hit lists, or windows that would cover most of the text anyway.
   */
  private windowsFor(
    rule: CompiledRule,
    text: string,
    keywordEnds: (number[] | undefined)[],
  ): number[] | undefined {
    if (rule.reach === undefined) {
      const keywords = rule.spec.keywords.map((k) => k.toLowerCase());
      rule.reach = this.windows ? (patternReach(rule.spec.pattern, keywords) ?? null) : null;
    }
    const reach = rule.reach;
    if (!reach) return undefined;
    const { back, ahead, lines } = reach;
    const length = text.length;
    let hitCount = 0;
    for (const index of rule.keywordIndexes) hitCount += keywordEnds[index]?.length ?? 0;
    // Dense hits: the windows would cover the text, so do not pay for building them.
    if (hitCount * MIN_WINDOW > length * MAX_WINDOW_SHARE) return undefined;
    const pairs: number[] = [];
    for (const index of rule.keywordIndexes) {
      const ends = keywordEnds[index];
      if (!ends) continue;
      if (ends.length >= MAX_HITS_PER_KEYWORD) return undefined;
      const keywordLength = this.keywordLengths[index]!;
      for (const end of ends) {
        let first = ahead === Infinity ? 0 : end - ahead;
        if (lines !== Infinity) {
          const lineStart = afterLineFeedsBefore(text, end, lines + 1);
          if (lineStart < 0) return undefined;
          first = Math.max(first, lineStart);
        }
        pairs.push(Math.max(0, first), Math.min(length, end - keywordLength + back));
      }
    }
    const order = rule.keywordIndexes.length > 1 ? sortedPairOrder(pairs) : undefined;
    const merged: number[] = [];
    for (let n = 0; n < pairs.length; n += 2) {
      const at = order ? order[n >> 1]! * 2 : n;
      const first = pairs[at]!;
      const last = pairs[at + 1]!;
      const top = merged.length - 1;
      // Join windows whose gap is smaller than a slice's own overhead.
      if (top >= 0 && first <= merged[top]! + JOIN_GAP) merged[top] = Math.max(merged[top]!, last);
      else merged.push(first, last);
    }
    const windows: number[] = [];
    let covered = 0;
    const budget = length * MAX_WINDOW_SHARE;
    for (let n = 0; n < merged.length; n += 2) {
      const first = merged[n]!;
      const last = merged[n + 1]!;
      let readTo = ahead === Infinity ? length : Math.min(length, last + ahead);
      if (lines !== Infinity) {
        const lineEnd = afterLineFeedsFrom(text, last, lines + 1);
        if (lineEnd < 0) return undefined;
        readTo = Math.min(readTo, lineEnd);
      }
      covered += readTo - first + back;
      if (covered > budget) return undefined;
      windows.push(first, last, readTo);
    }
    return windows;
  }

  /**
   * The whole-text loop restricted to windows: the regex runs on a slice holding each window
   * plus what its attempts can read, so every attempt inside the window sees the same characters
   * as in the whole text, and matches come out in the same order with the same offsets.
   */
  private runWindows(rule: CompiledRule, text: string, windows: number[], out: Candidate[]): void {
    const { regex } = rule;
    const { back } = rule.reach!;
    let next = 0;
    let count = 0;
    for (let w = 0; w < windows.length; w += 3) {
      const first = windows[w]!;
      const last = windows[w + 1]!;
      const from = Math.max(first, next);
      if (from > last) continue;
      const sliceStart = Math.max(0, first - back);
      const slice = text.slice(sliceStart, windows[w + 2]!);
      regex.lastIndex = from - sliceStart;
      for (let match = regex.exec(slice); match; match = regex.exec(slice)) {
        if (match.index + sliceStart > last) break;
        if (match[0].length === 0) regex.lastIndex++;
        next = sliceStart + regex.lastIndex;
        const span = match.indices?.[1];
        if (span && match[1] !== undefined)
          this.accept(rule, text, sliceStart + span[0], sliceStart + span[1], out);
        if (++count >= MAX_MATCHES_PER_RULE) return;
      }
    }
  }

  /**
   * A keyword-context rule looks only at the window after each keyword occurrence, so its cost is
   * bounded by the number of keyword hits, not the size of the file.
   */
  private runNear(
    rule: CompiledRule,
    text: string,
    keywordEnds: (number[] | undefined)[],
    out: Candidate[],
  ): void {
    const near = rule.spec.near!;
    let scannedTo = -1;
    let count = 0;
    const starts = rule.keywordIndexes
      .flatMap((index) => keywordEnds[index] ?? [])
      .sort((a, b) => a - b);
    for (const from of starts) {
      const windowEnd = Math.min(text.length, from + near + DEFAULT_NEAR_SPAN);
      const windowStart = Math.max(from, scannedTo);
      if (windowStart >= from + near) continue;
      const window = text.slice(from, windowEnd);
      const { regex } = rule;
      regex.lastIndex = windowStart - from;
      for (let match = regex.exec(window); match; match = regex.exec(window)) {
        if (match[0].length === 0) regex.lastIndex++;
        const span = match.indices?.[1];
        if (!span || match[1] === undefined) continue;
        if (span[0] > near) break;
        const gap = window.slice(0, span[0]);
        if (gap.split('\n').length > 2) break;
        this.accept(rule, text, from + span[0], from + span[1], out);
        scannedTo = from + span[1];
        if (++count >= MAX_MATCHES_PER_RULE) return;
      }
    }
  }

  private accept(rule: CompiledRule, text: string, start: number, end: number, out: Candidate[]) {
    const { spec } = rule;
    const secret = text.slice(start, end);
    if (secret.length === 0) return;

    if (spec.boundary !== false) {
      if (start > 0 && isWordChar(text.charCodeAt(start - 1)) && isWordChar(secret.charCodeAt(0))) {
        return;
      }
      if (
        end < text.length &&
        isWordChar(text.charCodeAt(end)) &&
        isWordChar(secret.charCodeAt(secret.length - 1))
      ) {
        return;
      }
    }
    if (!spec.allowPlaceholders && isPlaceholder(secret)) return;
    if (spec.minEntropy !== undefined && shannonEntropy(secret) < spec.minEntropy) return;
    if (spec.filters?.some((name) => !FILTERS[name](secret))) return;

    let confidence = spec.confidence;
    let validation: Validation | undefined;
    if (spec.validate) {
      validation = VALIDATORS[spec.validate](secret);
      if (validation === 'invalid') {
        if (spec.onInvalid === 'drop') return;
        confidence = LOWER[confidence];
      }
    }
    out.push({ rule: spec, start, end, secret, confidence, validation });
  }
}

/**
 * Just past the `n`th line feed before `end` (0 if there are fewer), or -1 when that is further
 * back than MAX_LINES_SPAN: long lines (minified code) make windows pointless, and an unbounded
 * search per hit would be quadratic on them.
 */
function afterLineFeedsBefore(text: string, end: number, n: number): number {
  const stop = Math.max(0, end - MAX_LINES_SPAN);
  let seen = 0;
  for (let at = end - 1; at >= stop; at--) {
    if (text.charCodeAt(at) === 10 && ++seen === n) return at + 1;
  }
  return stop === 0 ? 0 : -1;
}

/** Just past the `n`th line feed at or after `from` (the text's length if there are fewer), or
 * -1 when that is further than MAX_LINES_SPAN. */
function afterLineFeedsFrom(text: string, from: number, n: number): number {
  const stop = Math.min(text.length, from + MAX_LINES_SPAN);
  let seen = 0;
  for (let at = from; at < stop; at++) {
    if (text.charCodeAt(at) === 10 && ++seen === n) return at + 1;
  }
  return stop === text.length ? text.length : -1;
}

/** Indexes of the [first, last] pairs in `flat`, ordered by first position. */
function sortedPairOrder(flat: number[]): number[] {
  const order = Array.from({ length: flat.length >> 1 }, (_, i) => i);
  return order.sort((a, b) => flat[a * 2]! - flat[b * 2]!);
}

/**
 * Two rules matching the same characters are one finding: keep the more confident, more specific
 * rule, then the longer span.
 */
function resolveOverlaps(candidates: Candidate[], compiled: CompiledRule[]): Candidate[] {
  if (candidates.length < 2) return candidates;
  const priority = new Map(compiled.map((rule) => [rule.spec, rule.priority]));
  const rank = (c: Candidate) =>
    (priority.get(c.rule) ?? 0) +
    CONFIDENCE_RANK[c.confidence] -
    CONFIDENCE_RANK[c.rule.confidence];
  const ordered = [...candidates].sort(
    (a, b) => rank(b) - rank(a) || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: Candidate[] = [];
  for (const candidate of ordered) {
    const overlaps = kept.some((k) => candidate.start < k.end && k.start < candidate.end);
    if (!overlaps) kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end);
}
