/**
 * How one ignore file judges a path. The `ignore` library tries every pattern in turn, so a walk
 * costs files × patterns: a 45,000-line .gitignore (under the 1 MiB limit, and a pull request can
 * add one) made a 2,000-file scan take 53 s. A large file's patterns are therefore indexed by the
 * text each one requires: a pattern can match a path only if the path holds the longest run of
 * plain characters in one of its segments (`*.min.js` needs `.min.js`, `build-*\/out` needs
 * `build-`), so only the patterns whose text starts at some position of the path are tried, and
 * those without such text (`*`, `?.o`, `[Bb]in`) are always tried. A file with more of those
 * than MAX_UNKEYED is not used at all (the caller says so): real ones have a few dozen, and a file
 * of thousands is built to stall the walk.
 */
import type { Ignore } from 'ignore';

export interface Verdict {
  ignored: boolean;
  unignored: boolean;
}

/** What a rule file says of a path relative to its own folder (`/`-terminated for folders). */
export type RuleFile = (path: string) => Verdict;

/** The library's compiled rule, as the pinned version keeps it (package-lock.json). */
interface LibraryRule {
  body: string;
  negative: boolean;
  regex: RegExp;
}

interface RuleMatcher {
  _rules?: LibraryRule[];
  test?(path: string, mode: string): Verdict;
}

/** Patterns without text to key them that one file may have; each is tried on every path. */
export const MAX_UNKEYED = 1000;
/**
 * Text whose lowercase form a caseless pattern matches exactly: ASCII, and the characters that
 * stand for the bytes of other characters (gitignore.ts, asGitBytes), which have no case.
 */
const CASE_SAFE = /^[\x20-\x7e\ue080-\ue0ff]+$/;
/** Below this many patterns, trying each is as fast as the index. */
const INDEX_FROM = 64;
/** Characters of a pattern's required text that key the index. */
const KEY = 2;
const NO_MATCH: Verdict = { ignored: false, unignored: false };

/** How the file judges paths, or how many patterns it has without text when over the limit. */
export function ruleFile(rules: Ignore, ignoreCase: boolean): RuleFile | { unkeyed: number } {
  const matcher = (rules as unknown as { _rules?: RuleMatcher })._rules;
  const list = matcher?._rules;
  if (typeof matcher?.test !== 'function') return (path) => rules.test(path);
  if (!Array.isArray(list) || list.length < INDEX_FROM || !list.every(isLibraryRule)) {
    return (path) => ownVerdict(matcher, path);
  }
  return indexedRules(list, ignoreCase);
}

/**
 * What one rule file says of `path` itself. The library's `test` also calls a path ignored when
 * that file ignores one of its folders, even where a deeper .gitignore re-includes the folder
 * (`build/` at the root, `!build/` in pkg/): git judges each path by its own patterns once the
 * walk has entered its folder, so the walk, which never enters an excluded folder, asks for the
 * rule match alone. That is the library's rule list (pinned in package-lock.json); should a
 * release rename it, `test` stands in, and test/walker.test.ts fails on the re-included folder.
 * It also keeps no per-path cache, which grew with every path of the tree.
 */
function ownVerdict(matcher: RuleMatcher, path: string): Verdict {
  return matcher.test!(path, 'regex');
}

/** `regex` is compiled on first use: asked with `in`, a rule never tried is never compiled. */
function isLibraryRule(rule: unknown): rule is LibraryRule {
  const r = rule as Partial<LibraryRule>;
  return typeof r.body === 'string' && typeof r.negative === 'boolean' && 'regex' in r;
}

/**
 * The last pattern to match decides, as in git; the index only narrows which are tried. It is
 * keyed by a text's first characters, then by its length and the text itself, so a path looks up
 * each length present under a key it holds, not every pattern under it (`p_1_*`, `p_2_*` …
 * share a key).
 */
function indexedRules(rules: LibraryRule[], ignoreCase: boolean): RuleFile | { unkeyed: number } {
  const keyed = new Map<string, Map<number, Map<string, number[]>>>();
  const always: number[] = [];
  // A pattern repeated later decides wherever the earlier copy would: only the last is kept.
  const seen = new Set<string>();
  for (let index = rules.length - 1; index >= 0; index--) {
    const rule = rules[index]!;
    // Not `!${body}`: the library unescapes a leading `\!`, so `\!x` has the body `!x` too.
    const identity = `${rule.negative ? 'negated' : 'plain'}\0${rule.body}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    const text = requiredText(rule.body, ignoreCase);
    if (text === undefined) {
      always.push(index);
      continue;
    }
    const key = text.slice(0, KEY);
    const byLength = keyed.get(key) ?? new Map<number, Map<string, number[]>>();
    keyed.set(key, byLength);
    const byText = byLength.get(text.length) ?? new Map<string, number[]>();
    byLength.set(text.length, byText);
    const list = byText.get(text);
    if (list) list.push(index);
    else byText.set(text, [index]);
  }
  if (always.length > MAX_UNKEYED) return { unkeyed: always.length };

  return (path) => {
    const text = ignoreCase ? path.toLowerCase() : path;
    const tried = always.slice();
    for (let at = 0; at + KEY <= text.length; at++) {
      const byLength = keyed.get(text.slice(at, at + KEY));
      if (!byLength) continue;
      for (const [length, byText] of byLength) {
        const list = at + length <= text.length && byText.get(text.slice(at, at + length));
        if (list) for (const index of list) tried.push(index);
      }
    }
    tried.sort((a, b) => b - a);

    for (let i = 0; i < tried.length; i++) {
      if (i > 0 && tried[i] === tried[i - 1]) continue;
      const rule = rules[tried[i]!]!;
      if (rule.regex.test(path)) return { ignored: !rule.negative, unignored: rule.negative };
    }
    return NO_MATCH;
  };
}

/**
 * The longest run of plain characters within one segment of a pattern, which any path it
 * matches must hold; undefined when no run is long enough to key the index. A run stops at a
 * wildcard, a character class and `/` (`**\/` may match no folder at all); a class whose end is
 * not plain to see (`[[:alpha:]]`, no `]`) ends the search. Without case, only text in CASE_SAFE
 * is used: it folds the same way in a lowercased path as in the library's case-blind pattern.
 */
export function requiredText(body: string, ignoreCase: boolean): string | undefined {
  let best = '';
  let run = '';
  const stop = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char === '\\') {
      // An escaped character stands for itself.
      if (i + 1 < body.length) run += body[++i];
    } else if (char === '*' || char === '?' || char === '/') {
      stop();
    } else if (char === '[') {
      // A class is one unknown character: the text on both sides of it still counts.
      const end = classEnd(body, i);
      if (end === undefined) break;
      stop();
      i = end;
    } else {
      run += char;
    }
  }
  stop();

  if (best.length < KEY) return undefined;
  if (!ignoreCase) return best;
  return CASE_SAFE.test(best) ? best.toLowerCase() : undefined;
}

/**
 * Where a plain class (`[abc]`, `[!a-z]`) opening at `open` closes. Undefined for the shapes where
 * readers of the pattern may differ on that (a `]` member, an escape, a named class) and for a
 * class that never closes.
 */
function classEnd(body: string, open: number): number | undefined {
  let at = open + 1;
  if (body[at] === '!' || body[at] === '^') at++;
  if (body[at] === ']') return undefined;
  for (; at < body.length; at++) {
    if (body[at] === '\\' || body[at] === '[') return undefined;
    if (body[at] === ']') return at;
  }
  return undefined;
}
