/**
 * One pass over a file finds every rule keyword in it (Aho-Corasick over ASCII, case-folded), so a
 * file is read once and the rules whose keywords are absent never run.
 */

/** A keyword seen more often than this in one text stops being recorded: its rules run anyway. */
export const MAX_HITS_PER_KEYWORD = 20_000;

export interface KeywordHits {
  /** For each keyword index, the offsets just past each occurrence (capped). */
  ends: (number[] | undefined)[];
  /** Maximal encoded runs (run-alphabet.ts), when the pass found them too. */
  runs?: number[];
}

export interface AutomatonTables {
  classOf: Uint8Array;
  shift: number;
  delta: Int32Array;
  outFirst: Int32Array;
  outNext: Int32Array;
  outKeyword: Int32Array;
}

/**
 * The automaton reads characters through classes: every character that occurs in no keyword is
 * class 0, and an upper-case letter shares its lower-case letter's class. The table then has a
 * few dozen columns instead of 128 and stays in the processor's cache, and case folding costs
 * no branch.
 */
export class KeywordAutomaton {
  readonly keywords: readonly string[];
  private readonly classOf: Uint8Array;
  /** log2 of the row width. */
  private readonly shift: number;
  /**
   * Transitions: the next state's row offset (state << shift), bitwise-negated when that state
   * emits keywords, so the common case is one look-up and one sign test per character.
   */
  private readonly delta: Int32Array;
  /** First keyword index emitted at a state, or -1; further ones through `nextOut`. */
  private readonly outFirst: Int32Array;
  private readonly outNext: Int32Array;
  private readonly outKeyword: Int32Array;

  constructor(keywords: readonly string[], tables?: AutomatonTables) {
    this.keywords = keywords;
    if (tables) {
      ({
        classOf: this.classOf,
        shift: this.shift,
        delta: this.delta,
        outFirst: this.outFirst,
        outNext: this.outNext,
        outKeyword: this.outKeyword,
      } = tables);
      return;
    }

    const classOf = new Uint8Array(65536);
    let classes = 1;
    for (const keyword of keywords) {
      for (const ch of keyword.toLowerCase()) {
        const code = ch.charCodeAt(0);
        if (code >= 128) throw new Error(`keyword "${keyword}" is not ASCII`);
        if (classOf[code] === 0) classOf[code] = classes++;
      }
    }
    for (let upper = 65; upper <= 90; upper++) classOf[upper] = classOf[upper | 32]!;
    let shift = 0;
    while (1 << shift < classes) shift++;
    const width = 1 << shift;
    this.classOf = classOf;
    this.shift = shift;

    // The trie lives in one flat table from the start (a row per state): no per-state arrays to
    // allocate and copy, which kept start-up and the collector busy.
    let capacity = 1;
    for (const keyword of keywords) capacity += keyword.length;
    const delta = new Int32Array(capacity * width).fill(-1);
    const outputs: (number[] | undefined)[] = [undefined];
    let states = 1;
    keywords.forEach((keyword, index) => {
      let state = 0;
      for (const ch of keyword.toLowerCase()) {
        const cell = state * width + classOf[ch.charCodeAt(0)]!;
        if (delta[cell] === -1) {
          delta[cell] = states++;
          outputs.push(undefined);
        }
        state = delta[cell]!;
      }
      (outputs[state] ??= []).push(index);
    });

    // Breadth-first: complete the transition table with failure links, so matching is one
    // table look-up per character.
    const fail = new Int32Array(states);
    const queue = new Int32Array(states);
    let tail = 0;
    for (let c = 0; c < width; c++) {
      const next = delta[c]!;
      if (next === -1) delta[c] = 0;
      else {
        fail[next] = 0;
        queue[tail++] = next;
      }
    }
    for (let head = 0; head < tail; head++) {
      const state = queue[head]!;
      const inherited = outputs[fail[state]!];
      if (inherited) (outputs[state] ??= []).push(...inherited);
      const row = state * width;
      const failRow = fail[state]! * width;
      for (let c = 0; c < width; c++) {
        const next = delta[row + c]!;
        if (next === -1) delta[row + c] = delta[failRow + c]!;
        else {
          fail[next] = delta[failRow + c]!;
          queue[tail++] = next;
        }
      }
    }

    this.delta = delta.subarray(0, states * width);
    for (let cell = 0; cell < this.delta.length; cell++) {
      const next = this.delta[cell]!;
      this.delta[cell] = outputs[next] ? ~(next << shift) : next << shift;
    }
    this.outFirst = new Int32Array(states).fill(-1);
    const next: number[] = [];
    const kw: number[] = [];
    outputs.forEach((list, state) => {
      if (!list) return;
      for (const keywordIndex of [...new Set(list)]) {
        kw.push(keywordIndex);
        next.push(this.outFirst[state]!);
        this.outFirst[state] = kw.length - 1;
      }
    });
    this.outNext = Int32Array.from(next);
    this.outKeyword = Int32Array.from(kw);
  }

  /** The built tables, to be saved and handed back to the constructor for the same keywords. */
  tables(): AutomatonTables {
    const { classOf, shift, delta, outFirst, outNext, outKeyword } = this;
    return { classOf, shift, delta, outFirst, outNext, outKeyword };
  }

  /** Every keyword occurrence in `text`, as end offsets per keyword. */
  scan(text: string): KeywordHits {
    const ends: (number[] | undefined)[] = new Array(this.keywords.length);
    const { classOf, delta, shift, outFirst, outNext, outKeyword } = this;
    let row = 0;
    for (let i = 0; i < text.length; i++) {
      const cell = delta[row + classOf[text.charCodeAt(i)]!]!;
      if (cell >= 0) {
        row = cell;
        continue;
      }
      row = ~cell;
      for (let out = outFirst[row >> shift]!; out !== -1; out = outNext[out]!) {
        const keywordIndex = outKeyword[out]!;
        const list = ends[keywordIndex] ?? (ends[keywordIndex] = []);
        if (list.length < MAX_HITS_PER_KEYWORD) list.push(i + 1);
      }
    }
    return { ends };
  }
}
