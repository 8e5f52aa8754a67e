/**
 * One pass over a file finds every rule keyword in it (Aho-Corasick over ASCII, case-folded), so a
 * file is read once and the rules whose keywords are absent never run.
 */

const ALPHABET = 128;
const ROW_SHIFT = 7;
/** A keyword seen more often than this in one text stops being recorded: its rules run anyway. */
export const MAX_HITS_PER_KEYWORD = 20_000;

export interface KeywordHits {
  /** For each keyword index, the offsets just past each occurrence (capped). */
  ends: (number[] | undefined)[];
}

export class KeywordAutomaton {
  readonly keywords: readonly string[];
  private readonly delta: Int32Array;
  /** First keyword index emitted at a state, or -1; further ones through `nextOut`. */
  private readonly outFirst: Int32Array;
  private readonly outNext: Int32Array;
  private readonly outKeyword: Int32Array;

  constructor(keywords: readonly string[]) {
    this.keywords = keywords;

    // The trie lives in one flat table from the start (a row of ALPHABET cells per state): no
    // per-state arrays to allocate and copy, which kept start-up and the collector busy.
    let capacity = 1;
    for (const keyword of keywords) capacity += keyword.length;
    const delta = new Int32Array(capacity * ALPHABET).fill(-1);
    const outputs: (number[] | undefined)[] = [undefined];
    let states = 1;
    keywords.forEach((keyword, index) => {
      let state = 0;
      for (const ch of keyword.toLowerCase()) {
        const code = ch.charCodeAt(0);
        if (code >= ALPHABET) throw new Error(`keyword "${keyword}" is not ASCII`);
        const cell = state * ALPHABET + code;
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
    for (let c = 0; c < ALPHABET; c++) {
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
      const row = state * ALPHABET;
      const failRow = fail[state]! * ALPHABET;
      for (let c = 0; c < ALPHABET; c++) {
        const next = delta[row + c]!;
        if (next === -1) delta[row + c] = delta[failRow + c]!;
        else {
          fail[next] = delta[failRow + c]!;
          queue[tail++] = next;
        }
      }
    }

    // Cells hold the next state's row offset (state * ALPHABET): no multiply per character.
    this.delta = delta.subarray(0, states * ALPHABET);
    for (let cell = 0; cell < this.delta.length; cell++)
      this.delta[cell] = this.delta[cell]! * ALPHABET;
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

  /** Every keyword occurrence in `text`, as end offsets per keyword. */
  scan(text: string): KeywordHits {
    const ends: (number[] | undefined)[] = new Array(this.keywords.length);
    const { delta, outFirst, outNext, outKeyword } = this;
    let row = 0;
    for (let i = 0; i < text.length; i++) {
      let code = text.charCodeAt(i);
      if (code >= 65 && code <= 90) code |= 32;
      else if (code >= ALPHABET) code = 0;
      row = delta[row + code]!;
      for (let out = outFirst[row >> ROW_SHIFT]!; out !== -1; out = outNext[out]!) {
        const keywordIndex = outKeyword[out]!;
        const list = ends[keywordIndex] ?? (ends[keywordIndex] = []);
        if (list.length < MAX_HITS_PER_KEYWORD) list.push(i + 1);
      }
    }
    return { ends };
  }
}
