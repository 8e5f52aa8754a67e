/**
 * The rule engine: from text to candidate spans. Pure and synchronous, so a worker can run it
 * on a batch of files and the tests can run it on a rule's examples.
 */
import { shannonEntropy } from './entropy.js';
import { FILTERS } from './filters.js';
import { isPlaceholder } from './placeholder.js';
import { KeywordAutomaton } from './prefilter.js';
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
}

const CONFIDENCE_RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };
const LOWER: Record<Confidence, Confidence> = { high: 'medium', medium: 'low', low: 'low' };
const DEFAULT_NEAR_SPAN = 200;
/** Matches per rule per text, past which the rest are the same noise. */
const MAX_MATCHES_PER_RULE = 500;

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export class RuleEngine {
  readonly rules: readonly RuleSpec[];
  private readonly compiled: CompiledRule[];
  private readonly automaton: KeywordAutomaton;
  /** For each keyword, the rules that list it. */
  private readonly rulesByKeyword: number[][];

  constructor(rules: readonly RuleSpec[]) {
    this.rules = rules;
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
        if (rule.spec.near === undefined) this.runWhole(rule, text, candidates);
        else this.runNear(rule, text, hits.ends, candidates);
      }
    });

    return resolveOverlaps(candidates, this.compiled);
  }

  private runWhole(rule: CompiledRule, text: string, out: Candidate[]): void {
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
    const starts = rule.keywordIndexes.flatMap((index) => keywordEnds[index] ?? []).sort((a, b) => a - b);
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
      if (end < text.length && isWordChar(text.charCodeAt(end)) && isWordChar(secret.charCodeAt(secret.length - 1))) {
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
 * Two rules matching the same characters are one finding: keep the more confident, more specific
 * rule, then the longer span.
 */
function resolveOverlaps(candidates: Candidate[], compiled: CompiledRule[]): Candidate[] {
  if (candidates.length < 2) return candidates;
  const priority = new Map(compiled.map((rule) => [rule.spec, rule.priority]));
  const rank = (c: Candidate) =>
    (priority.get(c.rule) ?? 0) + CONFIDENCE_RANK[c.confidence] - CONFIDENCE_RANK[c.rule.confidence];
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
