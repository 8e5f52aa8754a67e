/**
 * The rule engine: from text to candidate spans. Pure and synchronous, so a worker can run it
 * on a batch of files and the tests can run it on a rule's examples.
 */
import { shannonEntropy } from './entropy.js';
import { FILTERS } from './filters.js';
import { isPlaceholder } from './placeholder.js';
import { startTest, type StartTest } from './start-test.js';
import { patternReach, type PatternReach } from './pattern-reach.js';
import { ruleGates, type RuleGates } from './pattern-needs.js';
import { preferProvider } from './prefer-provider.js';
import { LineFeeds } from './line-feeds.js';
import { KeywordAutomaton, MAX_HITS_PER_KEYWORD } from './prefilter.js';
import { TextHits } from './text-hits.js';
import { ByteScanner } from './keyword-scan.js';
import type { TextBytes } from '../sources/text.js';
import { MIN_RUN } from './run-alphabet.js';
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
  /** The pattern anchored at lastIndex, for attempts at known starts; built on first use. */
  sticky?: RegExp;
  /** Where a match may start, when the pattern opens at a line or word boundary. */
  startTest?: StartTest | null;
  /** The rule's afterKeyword hint, anchored at lastIndex. */
  afterKeyword?: RegExp;
  /** Clauses of keyword indexes: a text with no hit of any index of a clause holds no match. */
  literalGates: number[][];
  /** Run-alphabet characters in a row every match holds, when the keyword pass can tell (0). */
  runGate: number;
}

const CONFIDENCE_RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };
const LOWER: Record<Confidence, Confidence> = { high: 'medium', medium: 'low', low: 'low' };
const DEFAULT_NEAR_SPAN = 200;
/** Line breaks a keyword-context rule allows between keyword and secret, unless it says. */
const DEFAULT_NEAR_LINES = 1;
/** Matches per rule per text, past which the rest are the same noise. */
export const MAX_MATCHES_PER_RULE = 500;
/** Windows covering more than this share of a text are slower than one pass over it. */
const MAX_WINDOW_SHARE = 0.5;
/** Anchored attempts cost a few times a character of a plain pass: past this share, do that. */
const MAX_START_SHARE = 0.25;
/** Windows closer than this are run as one slice. */
const JOIN_GAP = 256;
/** Packs a keyword's length beside its hit's end offset in one sortable number. */
const KEYWORD_LENGTH_SPAN = 1024;
/** The least a window costs, for the density check before building windows. */
const MIN_WINDOW = 64;

/** Line breaks in `text` before offset `end`. */
function lineFeedsBefore(text: string, end: number): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export class RuleEngine {
  readonly rules: readonly RuleSpec[];
  private readonly compiled: CompiledRule[];
  /** One pass over a text finds every keyword and trigger word. */
  readonly automaton: KeywordAutomaton;
  /** The automaton's byte pass, made on first use; null where WebAssembly cannot run. */
  private byteScanner: ByteScanner | null | undefined;
  /** For each keyword, the rules that list it. */
  private readonly rulesByKeyword: number[][];
  private readonly keywordLengths: number[];
  private readonly keywordIndex: ReadonlyMap<string, number>;

  /** Run provably local whole-text rules in windows around their keyword hits. */
  private readonly windows: boolean;

  /**
   * `windows: false` keeps every whole-text rule on the whole text (the reference behaviour).
   * `triggers` are words the detectors look for (`pass`, `://`): found in the same pass as the
   * rules' keywords, so a detector needs no scan of its own to find where to look.
   */
  constructor(
    rules: readonly RuleSpec[],
    options: {
      windows?: boolean;
      triggers?: readonly string[];
      /** A ready automaton for exactly these keywords (a saved one), or undefined to build. */
      automatonFor?: (keywords: readonly string[]) => KeywordAutomaton | undefined;
      /** A rule's gates, when saved by the build; undefined to read its pattern. */
      gatesOf?: (rule: RuleSpec) => RuleGates | undefined;
    } = {},
  ) {
    this.rules = rules;
    this.windows = options.windows ?? true;
    const keywordIndex = new Map<string, number>();
    const keywords: string[] = [];
    this.rulesByKeyword = [];
    // The index of a word in the automaton, added on first sight. Rules' keywords come first,
    // then words only looked for (gate strings, detectors' triggers).
    const lookFor = (raw: string): number => {
      const word = raw.toLowerCase();
      let index = keywordIndex.get(word);
      if (index === undefined) {
        index = keywords.length;
        keywordIndex.set(word, index);
        keywords.push(word);
        this.rulesByKeyword.push([]);
      }
      return index;
    };

    this.compiled = rules.map((spec, ruleIndex) => {
      const keywordIndexes = spec.keywords.map((raw) => {
        const index = lookFor(raw);
        this.rulesByKeyword[index]!.push(ruleIndex);
        return index;
      });
      const caseless = spec.flags?.includes('i') ? 'i' : '';
      const priority = CONFIDENCE_RANK[spec.confidence] * 10 + (spec.near === undefined ? 2 : 1);
      const regex = new RegExp(spec.pattern, `gd${caseless}`);
      const afterKeyword = spec.afterKeyword
        ? new RegExp(spec.afterKeyword, `y${caseless}`)
        : undefined;
      // Every field present from the start: fields added on first use gave the rules several
      // hidden classes, and the optimized engine code was thrown away each time it met another.
      return {
        spec,
        regex,
        keywordIndexes,
        priority,
        afterKeyword,
        reach: undefined,
        sticky: undefined,
        startTest: undefined,
        literalGates: [],
        runGate: 0,
      };
    });
    // The reference behaviour runs every rule its keywords call for, gates or not.
    if (this.windows) {
      this.compiled.forEach((rule) => {
        const gates = options.gatesOf?.(rule.spec) ?? ruleGates(rule.spec);
        rule.literalGates = gates.clauses.map((clause) => clause.map(lookFor));
        rule.runGate = gates.run >= MIN_RUN ? gates.run : 0;
      });
    }
    for (const raw of options.triggers ?? []) lookFor(raw);
    this.keywordIndex = keywordIndex;
    this.automaton = options.automatonFor?.(keywords) ?? new KeywordAutomaton(keywords);
    this.keywordLengths = keywords.map((keyword) => keyword.length);
  }

  /**
   * Every keyword and trigger word in `text`, in one pass: over `source`, the bytes `text` was
   * decoded from, when given and WebAssembly runs here (twice as fast), else over the string.
   */
  scan(text: string, source?: TextBytes): TextHits {
    if (source && this.byteScanner === undefined) {
      const { automaton } = this;
      this.byteScanner = ByteScanner.create(automaton.tables(), automaton.keywords) ?? null;
    }
    const hits =
      (source && this.byteScanner?.scan(source, this.automaton.keywords.length)) ||
      this.automaton.scan(text);
    return new TextHits(text, hits.ends, this.keywordIndex, hits.runs);
  }

  /** All candidates in `text`, overlapping ones resolved in favour of the more specific rule. */
  detect(text: string, textHits: TextHits = this.scan(text)): Candidate[] {
    const hits = { ends: textHits.keywordEnds };
    const candidates: Candidate[] = [];
    const ruleSeen = new Set<number>();
    const feeds = new LineFeeds(text);
    const longestRun = textHits.encodedRuns && longest(textHits.encodedRuns);

    hits.ends.forEach((ends, keywordIndex) => {
      if (!ends) return;
      for (const ruleIndex of this.rulesByKeyword[keywordIndex]!) {
        if (ruleSeen.has(ruleIndex)) continue;
        ruleSeen.add(ruleIndex);
        const rule = this.compiled[ruleIndex]!;
        if (!opens(rule, hits.ends, longestRun)) continue;
        if (rule.spec.near === undefined) this.runWhole(rule, text, hits.ends, feeds, candidates);
        else this.runNear(rule, text, hits.ends, candidates);
      }
    });

    return resolveOverlaps(candidates, this.compiled);
  }

  private runWhole(
    rule: CompiledRule,
    text: string,
    keywordEnds: (number[] | undefined)[],
    feeds: LineFeeds,
    out: Candidate[],
  ): void {
    const reach = this.reachOf(rule);
    const hits = reach && this.hitsInOrder(rule, keywordEnds, text);
    if (hits?.length === 0) return;
    // Line-anchored patterns: attempts at each line start beat V8's pass along the text, which
    // tries a leading look-behind at every character.
    const anchored = this.startTestOf(rule)?.atLines === true;
    if (reach && hits) {
      const starts = this.startsFor(reach, hits, text.length);
      if (starts) return this.runStarts(rule, text, starts, out);
      const windows = this.windowsFor(reach, hits, text.length, feeds);
      if (windows && anchored) return this.runStarts(rule, text, startsOf(windows), out);
      if (windows) return this.runWindows(rule, text, windows, out);
    }
    if (anchored) return this.runStarts(rule, text, [0, text.length], out);
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

  private startTestOf(rule: CompiledRule): StartTest | undefined {
    if (rule.startTest === undefined) {
      // The reference behaviour (`windows: false`) runs every pattern along the whole text.
      rule.startTest = this.windows
        ? (startTest(rule.regex.source, rule.regex.flags) ?? null)
        : null;
    }
    return rule.startTest ?? undefined;
  }

  /** What the rule's pattern reads around a keyword, when provably bounded (null: it is not). */
  private reachOf(rule: CompiledRule): PatternReach | null {
    if (rule.reach === undefined) {
      const keywords = rule.spec.keywords.map((k) => k.toLowerCase());
      rule.reach = this.windows ? (patternReach(rule.spec.pattern, keywords) ?? null) : null;
    }
    return rule.reach;
  }

  /**
   * The rule's keyword hits in text order, each packed with its keyword's length; undefined when
   * a hit list was capped (some hits are unknown) or the hits are so dense that windows around
   * them would cover the text anyway.
   */
  private hitsInOrder(
    rule: CompiledRule,
    keywordEnds: (number[] | undefined)[],
    text: string,
  ): Float64Array | undefined {
    let hitCount = 0;
    for (const index of rule.keywordIndexes) {
      const ends = keywordEnds[index];
      if (!ends) continue;
      if (ends.length >= MAX_HITS_PER_KEYWORD) return undefined;
      hitCount += ends.length;
    }
    // A rule's afterKeyword hint drops most hits of a common word, so density is judged after it.
    const dense = (count: number) => count * MIN_WINDOW > text.length * MAX_WINDOW_SHARE;
    if (!rule.afterKeyword && dense(hitCount)) return undefined;
    let hits: Float64Array = new Float64Array(hitCount);
    let n = 0;
    for (const index of rule.keywordIndexes) {
      // A shorter length only widens the window, so an over-long keyword stays correct.
      const keywordLength = Math.min(this.keywordLengths[index]!, KEYWORD_LENGTH_SPAN - 1);
      for (const end of keywordEnds[index] ?? []) {
        hits[n++] = end * KEYWORD_LENGTH_SPAN + keywordLength;
      }
    }
    if (rule.afterKeyword) {
      hits = keptHits(hits, rule.afterKeyword, text);
      if (dense(hits.length)) return undefined;
    }
    if (rule.keywordIndexes.length > 1) hits.sort();
    return hits;
  }

  /**
   * Every position where a match of the rule can start, as merged [first, last] pairs: a match
   * holds a keyword ending within `lead` of its start, and starts at most `back` past that
   * keyword's start. Undefined when no lead is proved or the positions are too many for one
   * anchored attempt each to beat a plain pass over the text.
   */
  private startsFor(reach: PatternReach, hits: Float64Array, length: number): number[] | undefined {
    const { lead, back } = reach;
    if (lead === Infinity) return undefined;
    const budget = length * MAX_START_SHARE;
    const starts: number[] = [];
    let positions = 0;
    for (let h = 0; h < hits.length; h++) {
      const end = Math.floor(hits[h]! / KEYWORD_LENGTH_SPAN);
      const keywordLength = hits[h]! - end * KEYWORD_LENGTH_SPAN;
      const first = Math.max(0, end - lead);
      const last = Math.min(length, end - keywordLength + back);
      const top = starts.length - 1;
      if (top > 0 && first <= starts[top]! + 1) {
        if (last > starts[top]!) {
          positions += last - starts[top]!;
          starts[top] = last;
        }
      } else {
        positions += last - first + 1;
        starts.push(first, last);
      }
      if (positions > budget) return undefined;
    }
    return starts;
  }

  /**
   * One anchored (sticky) attempt at each possible start on the whole text: the same matches,
   * in the same order, as the whole-text loop, since no match starts anywhere else. Cheap on
   * long minified lines, where windows reaching to the end of the line were not.
   */
  private runStarts(rule: CompiledRule, text: string, starts: number[], out: Candidate[]): void {
    const sticky = (rule.sticky ??= new RegExp(
      rule.regex.source,
      rule.regex.flags.replace('g', 'y'),
    ));
    const test = this.startTestOf(rule);
    const nextStart = test ? test.starts(text) : (p: number, last: number) => (p <= last ? p : -1);
    let next = 0;
    let count = 0;
    for (let w = 0; w < starts.length; w += 2) {
      const last = starts[w + 1]!;
      for (
        let p = nextStart(Math.max(starts[w]!, next), last);
        p !== -1 && p <= last;
        p = nextStart(p + 1, last)
      ) {
        sticky.lastIndex = p;
        const match = sticky.exec(text);
        if (!match) continue;
        next = match[0].length === 0 ? p + 1 : sticky.lastIndex;
        const span = match.indices?.[1];
        if (span && match[1] !== undefined) this.accept(rule, text, span[0], span[1], out);
        if (++count >= MAX_MATCHES_PER_RULE) return;
        p = next - 1;
      }
    }
  }

  /**
   * Where a match of `rule` can start, as merged windows around its keyword hits: every match
   * contains a keyword (proved from the pattern by patternReach) and reads a bounded stretch of
   * text, so no match starts elsewhere. Flat triples: first start, last start, end of the text
   * the attempts there can read. Undefined when the windows would cover most of the text anyway.
   */
  private windowsFor(
    reach: PatternReach,
    hits: Float64Array,
    length: number,
    feeds: LineFeeds,
  ): number[] | undefined {
    const { back, ahead, lines } = reach;
    const hitCount = hits.length;
    const windows: number[] = [];
    const budget = length * MAX_WINDOW_SHARE;
    let covered = 0;
    let openFirst = -1;
    let openLast = -1;
    for (let h = 0; h <= hitCount; h++) {
      let first = length;
      let last = length;
      if (h < hitCount) {
        const end = Math.floor(hits[h]! / KEYWORD_LENGTH_SPAN);
        const keywordLength = hits[h]! - end * KEYWORD_LENGTH_SPAN;
        first = ahead === Infinity ? 0 : Math.max(0, end - ahead);
        if (lines !== Infinity) first = Math.max(first, feeds.afterFeedsBefore(end, lines + 1));
        last = Math.min(length, end - keywordLength + back);
        // Join windows whose gap is smaller than a slice's own overhead.
        if (openFirst >= 0 && first <= openLast + JOIN_GAP) {
          openLast = Math.max(openLast, last);
          continue;
        }
      }
      if (openFirst >= 0) {
        let readTo = ahead === Infinity ? length : Math.min(length, openLast + ahead);
        if (lines !== Infinity)
          readTo = Math.min(readTo, feeds.afterFeedsFrom(openLast, lines + 1));
        covered += readTo - openFirst + back;
        if (covered > budget) return undefined;
        windows.push(openFirst, openLast, readTo);
      }
      openFirst = first;
      openLast = last;
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
    const lines = rule.spec.nearLines ?? DEFAULT_NEAR_LINES;
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
        if (lineFeedsBefore(window, span[0]) > lines) break;
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
 * Two rules matching the same characters are one finding: a provider's rule over a name-judged one
 * on the same span, else the more confident, more specific rule, then the longer span.
 */
function resolveOverlaps(found: Candidate[], compiled: CompiledRule[]): Candidate[] {
  if (found.length < 2) return found;
  const candidates = preferProvider(found);
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

/** Windows' flat (first start, last start, end) triples as runStarts' (first, last) pairs. */
function startsOf(windows: number[]): number[] {
  const starts: number[] = [];
  for (let w = 0; w < windows.length; w += 3) starts.push(windows[w]!, windows[w + 1]!);
  return starts;
}

/**
 * Whether the text has what every match of the rule needs: a hit for each gate clause and, when
 * the keyword pass listed the encoded runs (`longestRun` defined), a long enough one.
 */
function opens(
  rule: CompiledRule,
  keywordEnds: readonly (readonly number[] | undefined)[],
  longestRun: number | undefined,
): boolean {
  if (longestRun !== undefined && longestRun < rule.runGate) return false;
  return rule.literalGates.every((clause) => clause.some((index) => keywordEnds[index]?.length));
}

/** The longest of flat [start, end) pairs. */
function longest(runs: readonly number[]): number {
  let most = 0;
  for (let r = 0; r < runs.length; r += 2) most = Math.max(most, runs[r + 1]! - runs[r]!);
  return most;
}

/** The packed hits (end * KEYWORD_LENGTH_SPAN + length) where `after` matches at the end. */
function keptHits(hits: Float64Array, after: RegExp, text: string): Float64Array {
  let kept = 0;
  for (let h = 0; h < hits.length; h++) {
    after.lastIndex = Math.floor(hits[h]! / KEYWORD_LENGTH_SPAN);
    if (after.test(text)) hits[kept++] = hits[h]!;
  }
  return hits.subarray(0, kept);
}
