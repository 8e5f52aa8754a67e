/**
 * The text's line feeds, found once per text on first use: windows of line-bounded rules start
 * and end at lines, and looking for them per keyword hit made long lines cost per hit.
 */
export class LineFeeds {
  private at: Int32Array | undefined;
  private count = 0;
  constructor(private readonly text: string) {}

  private build(): Int32Array {
    let at = new Int32Array(64);
    let count = 0;
    for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) {
      if (count === at.length) {
        const grown = new Int32Array(at.length * 2);
        grown.set(at);
        at = grown;
      }
      at[count++] = i;
    }
    this.count = count;
    return at;
  }

  /** How many line feeds lie before `offset`. */
  private before(offset: number): number {
    const at = (this.at ??= this.build());
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (at[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Just past the `n`th line feed before `end`, or 0 if there are fewer. */
  afterFeedsBefore(end: number, n: number): number {
    const k = this.before(end) - n;
    return k < 0 ? 0 : this.at![k]! + 1;
  }

  /** Just past the `n`th line feed at or after `from`, or the text's length if there are fewer. */
  afterFeedsFrom(from: number, n: number): number {
    const k = this.before(from) + n - 1;
    return k < this.count ? this.at![k]! + 1 : this.text.length;
  }
}
