/**
 * What a rule's pattern can touch around a match, read from its source: how far it looks back
 * and ahead of a match's start, and whether every match must contain one of the rule's keywords.
 * When both hold, the engine can run the rule only in windows around the keyword hits and find
 * exactly what a run over the whole text finds. Anything this parser does not understand (back
 * references, unbounded repeats, huge counts) makes the answer "no", so the rule runs on the
 * whole text as before.
 */

export interface PatternReach {
  /** Characters a match attempt at p may read before p (look-behinds, `\b`). */
  back: number;
  /** Characters a match attempt at p may read from p on (matched text and look-aheads); may be
   * Infinity when `lines` bounds the attempt instead. */
  ahead: number;
  /** Line feeds an attempt may consume: unbounded repeats (`[ \t]*`) never cross one, so an
   * attempt cannot read past the (lines + 1)th line feed after its start. May be Infinity. */
  lines: number;
  /** Characters from an attempt's start p within which some keyword of every match ends: a
   * match starting at p holds a keyword occurrence ending at or before p + lead. Infinity when
   * no bound is proved (a keyword after an unbounded repeat). */
  lead: number;
}

/** Strings a node can match, when it is a short finite list (`[Pp]ass`, `(?:word|wd)?`). */
const MAX_EXACT = 256;
/** A reach past this gains nothing from windows. */
const MAX_REACH = 4096;

interface Info {
  /** Characters read forward, look-arounds counted as if consumed (a safe over-estimate). */
  len: number;
  /** Characters read backward by look-behinds inside, summed (a safe over-estimate). */
  back: number;
  /** Line feeds consumed at most, look-arounds included. */
  nl: number;
  /** Every string the node matches, when finite and short; else undefined. */
  exact?: string[];
  /** Every match of the node contains a keyword (in its text or a positive look-around). */
  keyword: boolean;
  /** When `keyword`: some such keyword ends within this many characters of the node's start. */
  lead: number;
}

class Unsupported extends Error {}

const cross = (left: string[], right: string[]): string[] | undefined => {
  if (left.length * right.length > MAX_EXACT) return undefined;
  return left.flatMap((l) => right.map((r) => l + r));
};

class Parser {
  private pos = 0;
  constructor(
    private readonly src: string,
    private readonly keywords: readonly string[],
  ) {}

  parse(): Info {
    const info = this.alternation();
    if (this.pos !== this.src.length) throw new Unsupported('unbalanced )');
    return info;
  }

  private hasKeyword(strings: string[]): boolean {
    return strings.every((s) => {
      const lower = s.toLowerCase();
      return this.keywords.some((k) => lower.includes(k));
    });
  }

  private alternation(): Info {
    const branches = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      branches.push(this.sequence());
    }
    if (branches.length === 1) return branches[0]!;
    let exact: string[] | undefined = [];
    for (const b of branches)
      exact =
        b.exact && exact && exact.length + b.exact.length <= MAX_EXACT
          ? [...exact, ...b.exact]
          : undefined;
    return {
      len: Math.max(...branches.map((b) => b.len)),
      back: Math.max(...branches.map((b) => b.back)),
      nl: Math.max(...branches.map((b) => b.nl)),
      exact,
      keyword: branches.every((b) => b.keyword),
      lead: Math.max(...branches.map((b) => b.lead)),
    };
  }

  private sequence(): Info {
    let len = 0;
    let back = 0;
    let nl = 0;
    let keyword = false;
    let lead = Infinity;
    let exact: string[] | undefined = [''];
    // A run of adjacent finite items: the text they match is contiguous, so a keyword may span
    // items (`[Pp]` then `ass`). A keyword in it ends by the run's end.
    let run: string[] | undefined;
    let runEnd = 0;
    const closeRun = () => {
      if (run && this.hasKeyword(run)) {
        keyword = true;
        lead = Math.min(lead, runEnd);
      }
      run = undefined;
    };
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      const before = len;
      const item = this.quantified();
      len += item.len;
      back += item.back;
      nl += item.nl;
      if (item.keyword) {
        keyword = true;
        lead = Math.min(lead, before + item.lead);
      }
      exact = item.exact && exact ? cross(exact, item.exact) : undefined;
      if (item.exact) {
        const joined = cross(run ?? [''], item.exact);
        if (!joined) closeRun();
        run = joined ?? item.exact;
        runEnd = len;
        // The keyword may already be whole here (`[Pp]ass` before `(?:word)?`): the tighter lead.
        if (lead > runEnd && this.hasKeyword(run)) {
          keyword = true;
          lead = runEnd;
        }
      } else closeRun();
    }
    closeRun();
    return { len, back, nl, exact, keyword, lead };
  }

  private quantified(): Info {
    const atom = this.atom();
    const bounds = this.quantifier();
    if (!bounds) return atom;
    const [min, max] = bounds;
    if (this.src[this.pos] === '?') this.pos++;
    let exact: string[] | undefined;
    if (atom.exact && max <= 8) {
      exact = [];
      let power: string[] | undefined = [''];
      for (let n = 0; n <= max && power && exact; n++) {
        if (n >= min)
          exact = exact.length + power.length <= MAX_EXACT ? [...exact, ...power] : undefined;
        power = cross(power, atom.exact);
      }
      if (!power && exact) exact = undefined;
    }
    // 0 × Infinity is NaN: a repeat of something that reads nothing reads nothing.
    const times = (n: number) => (n === 0 ? 0 : n * max);
    return {
      len: times(atom.len),
      back: times(atom.back),
      nl: times(atom.nl),
      exact: exact ? [...new Set(exact)] : undefined,
      keyword: min >= 1 && atom.keyword,
      lead: atom.lead,
    };
  }

  private quantifier(): [number, number] | undefined {
    const c = this.src[this.pos];
    if (c === '*') return (this.pos++, [0, Infinity]);
    if (c === '+') return (this.pos++, [1, Infinity]);
    if (c === '?') return (this.pos++, [0, 1]);
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!m) return undefined;
      this.pos += m[0].length;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      return [min, max];
    }
    return undefined;
  }

  private atom(): Info {
    const c = this.src[this.pos]!;
    if (c === '(') return this.group();
    if (c === '[') return this.charClass();
    this.pos++;
    // `.` never matches a line feed (no `s` flag in the engine).
    if (c === '.') return { len: 1, back: 0, nl: 0, keyword: false, lead: Infinity };
    if (c === '^' || c === '$') {
      return { len: 0, back: 0, nl: 0, exact: [''], keyword: false, lead: Infinity };
    }
    if (c === '\\') return this.escape();
    if (c === '*' || c === '+' || c === '?') throw new Unsupported('stray quantifier');
    return { len: 1, back: 0, nl: c === '\n' ? 1 : 0, exact: [c], keyword: false, lead: Infinity };
  }

  private group(): Info {
    const rest = this.src.slice(this.pos, this.pos + 4);
    let kind: 'group' | 'ahead' | 'behind' | 'negative';
    if (rest.startsWith('(?:')) ((kind = 'group'), (this.pos += 3));
    else if (rest.startsWith('(?=')) ((kind = 'ahead'), (this.pos += 3));
    else if (rest.startsWith('(?!')) ((kind = 'negative'), (this.pos += 3));
    else if (rest.startsWith('(?<=')) ((kind = 'behind'), (this.pos += 4));
    else if (rest.startsWith('(?<!')) {
      kind = 'behind';
      this.pos += 4;
      const body = this.alternation();
      this.expect(')');
      return {
        len: body.len,
        back: body.back + body.len,
        nl: body.nl,
        exact: [''],
        keyword: false,
        lead: Infinity,
      };
    } else if (rest.startsWith('(?<')) {
      const close = this.src.indexOf('>', this.pos);
      if (close === -1) throw new Unsupported('group name');
      kind = 'group';
      this.pos = close + 1;
    } else if (rest.startsWith('(?')) throw new Unsupported('group modifier');
    else ((kind = 'group'), this.pos++);
    const body = this.alternation();
    this.expect(')');
    if (kind === 'group') return body;
    // Look-arounds consume nothing, but what they read is counted in both reaches.
    if (kind === 'behind') {
      // What a look-behind at p matched ends at p, and so does any keyword in it.
      return {
        len: body.len,
        back: body.back + body.len,
        nl: body.nl,
        exact: [''],
        keyword: body.keyword,
        lead: 0,
      };
    }
    return {
      len: body.len,
      back: body.back,
      nl: body.nl,
      exact: [''],
      keyword: kind === 'ahead' && body.keyword,
      lead: body.lead,
    };
  }

  private expect(ch: string): void {
    if (this.src[this.pos] !== ch) throw new Unsupported(`expected ${ch}`);
    this.pos++;
  }

  private escape(): Info {
    const c = this.src[this.pos++];
    if (c === undefined) throw new Unsupported('trailing backslash');
    if (/[1-9k]/.test(c)) throw new Unsupported('back reference');
    if (c === 'b' || c === 'B') {
      return { len: 0, back: 0, nl: 0, exact: [''], keyword: false, lead: Infinity };
    }
    const single = this.escapedChar(c);
    const nl = single === undefined ? Number('sDW'.includes(c)) : Number(single === '\n');
    return {
      len: 1,
      back: 0,
      nl,
      exact: single === undefined ? undefined : [single],
      keyword: false,
      lead: Infinity,
    };
  }

  /** The one character an escape stands for, or undefined for a class (`\d`, `\w`, `\s`). */
  private escapedChar(c: string): string | undefined {
    if ('dDwWsS'.includes(c)) return undefined;
    const controls: Record<string, string> = {
      t: '\t',
      n: '\n',
      r: '\r',
      f: '\f',
      v: '\v',
      '0': '\0',
    };
    if (controls[c] !== undefined) return controls[c];
    const hex = c === 'x' ? 2 : c === 'u' ? 4 : 0;
    if (hex) {
      const digits = this.src.slice(this.pos, this.pos + hex);
      if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) return c;
      this.pos += hex;
      return String.fromCharCode(parseInt(digits, 16));
    }
    if (c === 'c') throw new Unsupported('control escape');
    return c;
  }

  private charClass(): Info {
    this.pos++;
    const negated = this.src[this.pos] === '^';
    if (negated) this.pos++;
    const chars = new Set<string>();
    let large = negated;
    // Whether the listed items (before negation) include a line feed.
    let lineFeed = false;
    while (this.src[this.pos] !== ']') {
      if (this.pos >= this.src.length) throw new Unsupported('unclosed class');
      const lowAt = this.pos;
      const low = this.classChar();
      if (low === undefined) {
        large = true;
        if ('sDW'.includes(this.src[this.pos - 1]!)) lineFeed = true;
        continue;
      }
      if (
        this.src[this.pos] === '-' &&
        this.pos + 1 < this.src.length &&
        this.src[this.pos + 1] !== ']'
      ) {
        this.pos++;
        const high = this.classChar();
        if (high === undefined) throw new Unsupported(`range to a class at ${lowAt}`);
        const from = low.charCodeAt(0);
        const to = high.charCodeAt(0);
        if (from <= 10 && to >= 10) lineFeed = true;
        if (to - from > 8) large = true;
        else for (let code = from; code <= to; code++) chars.add(String.fromCharCode(code));
      } else {
        if (low === '\n') lineFeed = true;
        chars.add(low);
      }
    }
    this.pos++;
    return {
      len: 1,
      back: 0,
      nl: Number(negated !== lineFeed),
      exact: large || chars.size > 8 ? undefined : [...chars],
      keyword: false,
      lead: Infinity,
    };
  }

  private classChar(): string | undefined {
    const c = this.src[this.pos++]!;
    if (c !== '\\') return c;
    const e = this.src[this.pos++];
    if (e === undefined) throw new Unsupported('trailing backslash');
    if (e === 'b') return '\b';
    return this.escapedChar(e);
  }
}

/**
 * The reach of `pattern` when every match must contain one of `keywords` (lower case) and the
 * reach is bounded; undefined when either is not certain.
 */
export function patternReach(
  pattern: string,
  keywords: readonly string[],
): PatternReach | undefined {
  let info: Info;
  try {
    info = new Parser(pattern, keywords).parse();
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  if (!info.keyword || !Number.isFinite(info.back) || info.back > MAX_REACH) return undefined;
  // One more character each side: `\b`, `^` and `$` look at the neighbour or the text's edge.
  const ahead = info.len + 1 > MAX_REACH ? Infinity : info.len + 1;
  if (ahead === Infinity && !Number.isFinite(info.nl)) return undefined;
  const lead = info.lead > MAX_REACH ? Infinity : info.lead;
  return { back: info.back + 1, ahead, lines: info.nl, lead };
}

/**
 * The most characters one match attempt of `pattern` can read, when the parser can prove a bound
 * (no unbounded repeat, no back reference); undefined otherwise.
 */
export function attemptLength(pattern: string): number | undefined {
  try {
    const info = new Parser(pattern, []).parse();
    return Number.isFinite(info.len) && Number.isFinite(info.back)
      ? info.len + info.back
      : undefined;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}
