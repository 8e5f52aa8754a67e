/**
 * One pass over a file finds every rule keyword in it (Aho-Corasick over ASCII, case-folded), so a
 * file is read once and the rules whose keywords are absent never run.
 */

const ALPHABET = 128;
/** A keyword seen more often than this in one text stops being recorded: its rules run anyway. */
const MAX_HITS_PER_KEYWORD = 20_000;

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

    const trie: number[][] = [new Array<number>(ALPHABET).fill(-1)];
    const outputs: number[][] = [[]];
    keywords.forEach((keyword, index) => {
      let state = 0;
      for (const ch of keyword.toLowerCase()) {
        const code = ch.charCodeAt(0);
        if (code >= ALPHABET) throw new Error(`keyword "${keyword}" is not ASCII`);
        const row = trie[state]!;
        if (row[code] === -1) {
          row[code] = trie.length;
          trie.push(new Array<number>(ALPHABET).fill(-1));
          outputs.push([]);
        }
        state = row[code]!;
      }
      outputs[state]!.push(index);
    });

    // Breadth-first: complete the transition table with failure links, so matching is one
    // table look-up per character.
    const fail = new Int32Array(trie.length);
    const queue: number[] = [];
    for (let c = 0; c < ALPHABET; c++) {
      const next = trie[0]![c]!;
      if (next === -1) trie[0]![c] = 0;
      else {
        fail[next] = 0;
        queue.push(next);
      }
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      outputs[state]!.push(...outputs[fail[state]!]!);
      for (let c = 0; c < ALPHABET; c++) {
        const next = trie[state]![c]!;
        if (next === -1) trie[state]![c] = trie[fail[state]!]![c]!;
        else {
          fail[next] = trie[fail[state]!]![c]!;
          queue.push(next);
        }
      }
    }

    this.delta = new Int32Array(trie.length * ALPHABET);
    trie.forEach((row, state) => this.delta.set(row, state * ALPHABET));
    this.outFirst = new Int32Array(trie.length).fill(-1);
    const next: number[] = [];
    const kw: number[] = [];
    outputs.forEach((list, state) => {
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
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      let code = text.charCodeAt(i);
      if (code >= 65 && code <= 90) code |= 32;
      else if (code >= ALPHABET) code = 0;
      state = delta[state * ALPHABET + code]!;
      for (let out = outFirst[state]!; out !== -1; out = outNext[out]!) {
        const keywordIndex = outKeyword[out]!;
        const list = ends[keywordIndex] ?? (ends[keywordIndex] = []);
        if (list.length < MAX_HITS_PER_KEYWORD) list.push(i + 1);
      }
    }
    return { ends };
  }
}
