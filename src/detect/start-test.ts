/**
 * Where a match can start, read off a pattern that opens at a line or word boundary: the config
 * line rules begin `(?:^|\n)`, `(?<![^\n\r])` or `(?:^|\s)`, so a match starts only at the
 * text's start or where one character allows it. The engine then makes one anchored attempt at
 * each such start instead of running the pattern along the text: V8 tries a leading
 * look-behind at every character, which made these rules five times slower per character than
 * the rest. Around keyword hits, the same test skips the attempts that cannot match.
 */

export interface StartTest {
  /** Matches start only at line starts (or line feeds): few places, found with indexOf. */
  readonly atLines: boolean;
  /** Whether a match may start at `p`; never false where one does. */
  allows(text: string, p: number): boolean;
  /**
   * For one pass along `text`: the first position from `p` to `last` where a match may start,
   * or -1 when there is none. Asked with `p` never decreasing.
   */
  starts(text: string): (p: number, last: number) => number;
}

/** The opening forms read here; any other pattern gets no test, and every start is tried. */
const ALTERNATIVE = /^\(\?:\^\|((?:\\[nrst]|\[(?:\\.|[^\]\\])+\]))\)/;
const LOOK_BEHIND = /^\(\?<!\[\^((?:\\.|[^\]\\])+)\]\)/;

export function startTest(source: string, flags: string): StartTest | undefined {
  if (hasTopLevelBar(source)) return undefined;

  // With the m flag `^` also matches after each line break: not read here.
  const alternative = flags.includes('m') ? null : ALTERNATIVE.exec(source);
  if (alternative) return new CharacterStart(alternative[1]!, flags, 0);

  const lookBehind = LOOK_BEHIND.exec(source);
  if (lookBehind) return new CharacterStart(`[${lookBehind[1]}]`, flags, 1);
  return undefined;
}

/**
 * A start at 0, or where the character `offset` before it (0: the start itself, the `\n` a
 * pattern consumes first; 1: the one a look-behind reads) is one `atom` matches.
 */
class CharacterStart implements StartTest {
  private readonly table = new Uint8Array(128);
  private readonly matcher: RegExp;
  /** The allowed characters, when they are few and all ASCII: found with indexOf. */
  private readonly few: string[] | undefined;
  readonly atLines: boolean;

  constructor(
    atom: string,
    flags: string,
    private readonly offset: 0 | 1,
  ) {
    this.matcher = new RegExp(`^(?:${atom})$`, flags.replace(/[gyd]/g, ''));
    const allowed: string[] = [];
    for (let c = 0; c < 128; c++) {
      if (!this.matcher.test(String.fromCharCode(c))) continue;
      this.table[c] = 1;
      allowed.push(String.fromCharCode(c));
    }
    // \s and classes with it also match spaces past ASCII, which indexOf would have to list.
    const wide = this.matcher.test('\u00a0') || this.matcher.test('\u2028');
    this.few = allowed.length <= 3 && !wide ? allowed : undefined;
    this.atLines = !wide && allowed.every((c) => c === '\n' || c === '\r');
  }

  allows(text: string, p: number): boolean {
    if (p === 0) return true;
    const at = p - this.offset;
    if (at >= text.length) return false;
    const c = text.charCodeAt(at);
    return c < 128 ? this.table[c] === 1 : this.matcher.test(text[at]!);
  }

  starts(text: string): (p: number, last: number) => number {
    const few = this.few;
    if (!few) {
      return (p, last) => {
        for (let q = p; q <= last; q++) if (this.allows(text, q)) return q;
        return -1;
      };
    }
    // Each character's next occurrence is kept until passed: searching again for a `\r` the
    // text does not hold would read to its end at every line.
    const found = few.map(() => -2);
    return (p, last) => {
      if (p === 0) return 0;
      const from = p - this.offset;
      let first = -1;
      for (let k = 0; k < few.length; k++) {
        let at = found[k]!;
        if (at !== -1 && at < from) {
          at = text.indexOf(few[k]!, from);
          found[k] = at;
        }
        if (at !== -1 && (first === -1 || at < first)) first = at;
      }
      return first === -1 || first + this.offset > last ? -1 : first + this.offset;
    };
  }
}

/** A `|` outside every group and class makes the opening one branch's, not the pattern's. */
function hasTopLevelBar(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}
