/** Where one text's keywords and trigger words occur, as found by the engine's single pass. */
import { MAX_HITS_PER_KEYWORD } from './prefilter.js';

/**
 * Where the keywords and trigger words occur in one text. A word the engine was not built with,
 * or one whose hit list was capped, is looked up in the text itself, so the answer is always
 * complete.
 */
export class TextHits {
  private readonly looked = new Map<string, number[]>();

  constructor(
    private readonly text: string,
    /** For each keyword index, the end offsets of its occurrences (capped). */
    readonly keywordEnds: (number[] | undefined)[],
    private readonly keywordIndex: ReadonlyMap<string, number>,
    /**
     * Every maximal run of at least MIN_RUN run-alphabet characters (run-alphabet.ts), as flat
     * [start, end) pairs, when the byte pass found them; the decoders look for them otherwise.
     */
    readonly encodedRuns?: readonly number[],
  ) {}

  /** End offsets of every case-insensitive occurrence of `word` (lower case), in text order. */
  endsOf(word: string): readonly number[] {
    const index = this.keywordIndex.get(word);
    if (index !== undefined) {
      const ends = this.keywordEnds[index] ?? [];
      if (ends.length < MAX_HITS_PER_KEYWORD) return ends;
    }
    let ends = this.looked.get(word);
    if (!ends) {
      ends = [];
      // A regex, not toLowerCase(): lower-casing can change the length of non-ASCII text.
      const search = new RegExp(word.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'), 'gi');
      for (let m = search.exec(this.text); m; m = search.exec(this.text)) {
        ends.push(m.index + word.length);
        search.lastIndex = m.index + 1;
      }
      this.looked.set(word, ends);
    }
    return ends;
  }

  /** Start offsets of every occurrence of any of `words`, ascending. */
  startsOfAny(words: readonly string[]): Float64Array {
    const lists = words.map((word) => this.endsOf(word));
    let count = 0;
    for (const ends of lists) count += ends.length;
    const starts = new Float64Array(count);
    let n = 0;
    lists.forEach((ends, w) => {
      for (const end of ends) starts[n++] = end - words[w]!.length;
    });
    // A typed array sorts numerically, natively; repeats are harmless to every caller.
    return starts.sort();
  }
}
