/**
 * Nested .gitignore files, applied the way git applies them: deeper files override shallower
 * ones, nothing inside an ignored directory can be re-included, and the files above the scanned
 * folder judge paths as seen from their own folder. A folder the user names is entered even when
 * a file above excludes it, as a named file is scanned; patterns that match the paths inside it
 * still apply. Below every .gitignore come the repository's own exclude files, as in git:
 * `$GIT_DIR/info/exclude`, then `core.excludesFile` (by default `~/.config/git/ignore`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore from 'ignore';
import { log } from '../log/logger.js';
import { MAX_UNKEYED, ruleFile, type RuleFile } from './ignore-rules.js';

/** A .gitignore larger than this is not a real one; it is skipped with a warning. */
const MAX_IGNORE_FILE = 1024 * 1024;

const toPosix = (path: string) => (sep === '/' ? path : path.split(sep).join('/'));

/** Told of an ignore file (absolute path) whose rules are not used, and why. */
export type UnusedRulesHandler = (path: string, why: string) => void;

const warnUnused: UnusedRulesHandler = (path, why) =>
  log.warn(`${path}: ${why}; its ignore rules are not used`);

export class GitignoreSet {
  /** Rules of the .gitignore files in `base` and below, by folder ('' for base itself). */
  private readonly byDir = new Map<string, RuleFile>();
  /** Rules of the .gitignore files above `base`, shallowest first, with base seen from each. */
  private readonly above: { prefix: string; rules: RuleFile }[] = [];

  private constructor(
    private readonly base: string,
    /** git's core.ignoreCase for the repository: false on Linux unless set. */
    private readonly ignoreCase: boolean,
    /** Told of an ignore file whose rules are not used, and why. */
    private readonly unused: UnusedRulesHandler,
  ) {}

  /** The rules of the ignore file at `path`, or undefined when it is absent or not used. */
  private rulesAt(path: string, options: { followLink?: boolean } = {}): RuleFile | undefined {
    const lines = this.readIgnoreFile(path, options);
    if (!lines) return undefined;
    if (lines[0]?.startsWith('\uFEFF')) lines[0] = lines[0].slice(1);
    const patterns = lines.map(asGitBytes);
    const rules = ignore({ allowRelativePaths: true, ignorecase: this.ignoreCase }).add(
      this.ignoreCase ? patterns.map(caselessPattern) : patterns,
    );
    const file = ruleFile(rules, this.ignoreCase);
    if (typeof file === 'function') return file;
    this.unused(
      path,
      `${file.unkeyed} patterns with no plain text to look them up by (over ${MAX_UNKEYED}, ` +
        'each tried on every path)',
    );
    return undefined;
  }

  /**
   * The rules of every .gitignore from the repository root down to `base`. Those of folders
   * inside `base` are added by the walk as it enters them (addFolder), before it judges anything
   * there.
   */
  static load(base: string, unused: UnusedRulesHandler = warnUnused): GitignoreSet {
    const repoRoot = findRepoRoot(base);
    const settings = repoRoot ? ignoreSettings(repoRoot) : undefined;
    const set = new GitignoreSet(base, settings?.ignoreCase ?? CASELESS_FILES, unused);
    // Lowest precedence first, as `above` is applied in order and the last verdict stands.
    for (const file of settings?.excludeFiles ?? []) {
      const rules = set.rulesAt(file, { followLink: true });
      if (rules) set.above.push({ prefix: toPosix(relative(repoRoot!, base)), rules });
    }
    const excludes = set.above.length;
    for (let dir = dirname(base); repoRoot && base !== repoRoot; dir = dirname(dir)) {
      const rules = set.rulesAt(join(dir, '.gitignore'));
      if (rules) set.above.splice(excludes, 0, { prefix: toPosix(relative(dir, base)), rules });
      if (dir === repoRoot || dirname(dir) === dir) break;
    }
    set.addFolder('');
    return set;
  }

  /** Reads the .gitignore of `dir` (relative to base, `/`-separated), a folder below base. */
  addFolder(dir: string): void {
    const rules = this.rulesAt(join(this.base, dir, '.gitignore'));
    if (rules) this.byDir.set(dir, rules);
  }

  /** Whether `dir` (relative to base) has rules of its own. */
  hasRules(dir: string): boolean {
    return this.byDir.has(dir);
  }

  /**
   * Whether the entry at `path` (relative to base, `/`-separated) is ignored, given that the
   * folders above it are not (the walk never enters an ignored one). `chain` lists the folders
   * with rules from base down to the entry's folder, shallowest first: the deepest decision wins.
   * Cost is per rule file on the way, not per folder, so depth does not multiply it.
   */
  ignoredEntry(path: string, folder: boolean, chain: readonly string[]): boolean {
    const target = folder ? `${path}/` : path;
    let ignored = false;
    const apply = (rules: RuleFile, rel: string) => {
      const verdict = rules(asGitBytes(rel));
      if (verdict.ignored) ignored = true;
      else if (verdict.unignored) ignored = false;
    };
    for (const { prefix, rules } of this.above)
      apply(rules, prefix ? `${prefix}/${target}` : target);
    for (const dir of chain) {
      apply(this.byDir.get(dir)!, dir ? target.slice(dir.length + 1) : target);
    }
    return ignored;
  }

  private readIgnoreFile(path: string, { followLink = false }): string[] | undefined {
    try {
      const stats = (followLink ? statSync : lstatSync)(path, { throwIfNoEntry: false });
      if (!stats) return undefined;
      // git does not follow a symlinked .gitignore either ("too many levels of symbolic links"),
      // but it does follow its exclude files (dotfile managers link them into place).
      if (stats.isSymbolicLink()) {
        this.unused(path, 'a symbolic link; git does not follow it');
        return undefined;
      }
      if (!stats.isFile()) {
        this.unused(path, 'not a regular file');
        return undefined;
      }
      if (stats.size > MAX_IGNORE_FILE) {
        this.unused(path, `${stats.size} bytes, over the 1 MiB an ignore file may have`);
        return undefined;
      }
      return readFileSync(path, 'utf8').split(/\r?\n/);
    } catch (error) {
      this.unused(path, `cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      return undefined;
    }
  }
}

/**
 * git matches ignore patterns against bytes: `?` and a class take one byte, and only ASCII
 * letters match in any case. The library matches characters and folds every letter (`?` took
 * `É` whole; `é1` ignored `É1`). So patterns and paths reach it with each byte of a non-ASCII
 * character written as a character of its own, from a range no case folding touches
 * (U+E080–U+E0FF, in byte order, so class ranges keep git's meaning).
 */
export function asGitBytes(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += String.fromCharCode(byte < 0x80 ? byte : BYTE_CHARS + byte);
  }
  return out;
}
const NON_ASCII = /[^\x00-\x7f]/;
const BYTE_CHARS = 0xe000;

/**
 * git, matching without case, lowers each letter of the name and of the pattern, except the
 * letters it reads past a backslash or inside a class, which it compares as written. So an
 * escaped uppercase letter (`\Foo`) and an uppercase single member of a class (`[F]oo`,
 * `[\F]`) never match, while ranges (`[E-G]`) and named classes match in either case. The
 * library would let them match `f` and `F` alike, and skip files git keeps, so each is replaced
 * by a character no path holds (U+E000, the stand-in for a NUL byte).
 */
export function caselessPattern(pattern: string): string {
  if (!pattern.includes('[') && !pattern.includes('\\')) return pattern;
  let out = '';
  for (let at = 0; at < pattern.length; at++) {
    const char = pattern[at]!;
    if (char === '\\') {
      const next = pattern[at + 1] ?? '';
      out += next >= 'A' && next <= 'Z' ? NO_BYTE : `${char}${next}`;
      at++;
    } else if (char === '[') {
      const rewritten = caselessClass(pattern, at);
      // A class that never closes is left to the library as it stands.
      if (!rewritten) return `${out}${pattern.slice(at)}`;
      out += rewritten.text;
      at = rewritten.end;
    } else {
      out += char;
    }
  }
  return out;
}

/** The class opening at `open`, rewritten, and where it closes; undefined if it never does. */
function caselessClass(pattern: string, open: number): { text: string; end: number } | undefined {
  let at = open + 1;
  let text = '[';
  if (pattern[at] === '!' || pattern[at] === '^') text += pattern[at++];
  // The first member may be `]`; after it, a `]` closes the class.
  for (let first = true; first || pattern[at] !== ']'; first = false) {
    if (at >= pattern.length) return undefined;
    const member = memberAt(pattern, at);
    if (member === undefined) return undefined;
    if (pattern[member.end] === '-' && member.end + 1 < pattern.length) {
      const last = pattern[member.end + 1] === ']' ? undefined : memberAt(pattern, member.end + 1);
      if (last) {
        text += pattern.slice(at, last.end);
        at = last.end;
        continue;
      }
    }
    const upper = member.char >= 'A' && member.char <= 'Z' && !member.named;
    text += upper ? NO_BYTE : pattern.slice(at, member.end);
    at = member.end;
  }
  return { text: `${text}]`, end: at };
}

/** One member of a class at `at`: an escaped or plain character, or a named class. */
function memberAt(
  pattern: string,
  at: number,
): { char: string; end: number; named: boolean } | undefined {
  if (pattern[at] === '\\') {
    return at + 1 < pattern.length
      ? { char: pattern[at + 1]!, end: at + 2, named: false }
      : undefined;
  }
  if (pattern[at] === '[' && pattern[at + 1] === ':') {
    const close = pattern.indexOf(':]', at + 2);
    return close === -1 ? undefined : { char: '', end: close + 2, named: true };
  }
  return { char: pattern[at]!, end: at + 1, named: false };
}
const NO_BYTE = '\ue000';

/** Where git's own default is to match file names in any case (it sets core.ignoreCase there). */
const CASELESS_FILES = process.platform === 'darwin' || process.platform === 'win32';

interface IgnoreSettings {
  ignoreCase: boolean;
  /** Absolute paths of the exclude files, lowest precedence first; they may not exist. */
  excludeFiles: string[];
}

/**
 * What git's configuration says about ignoring, in the repository at `repoRoot`:
 *
 * - core.ignoreCase, which git sets when it creates a repository on a case-insensitive file
 *   system. `Build/` does not ignore `build` on Linux, and a scan that said otherwise dropped
 *   files git would commit.
 * - core.excludesFile (default `$XDG_CONFIG_HOME/git/ignore`, or `~/.config/git/ignore`) and
 *   `$GIT_DIR/info/exclude`, which git applies below every .gitignore. git itself says where the
 *   latter is: a worktree's or a submodule's `.git` is a file that points elsewhere.
 */
function ignoreSettings(repoRoot: string): IgnoreSettings {
  const config = gitOutput(repoRoot, [
    'config',
    '-z',
    '--type=path',
    '--get-regexp',
    '^core\\.(ignorecase|excludesfile)$',
  ]);
  const values = new Map<string, string>();
  for (const record of config?.split('\0') ?? []) {
    const newline = record.indexOf('\n');
    if (newline > 0) values.set(record.slice(0, newline).toLowerCase(), record.slice(newline + 1));
  }
  const ignoreCase = ['true', 'yes', 'on', '1'].includes(
    (values.get('core.ignorecase') ?? '').toLowerCase(),
  );

  const xdg = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  const configured = values.get('core.excludesfile');
  const userFile = configured ? resolve(repoRoot, configured) : join(xdg, 'git', 'ignore');
  const infoExclude = gitOutput(repoRoot, ['rev-parse', '--git-path', 'info/exclude'])?.trim();
  const excludeFiles = [userFile];
  if (infoExclude)
    excludeFiles.push(isAbsolute(infoExclude) ? infoExclude : join(repoRoot, infoExclude));
  return { ignoreCase, excludeFiles };
}

/** git's output, or undefined when it fails (an unset config key exits 1). */
function gitOutput(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
}

export function findRepoRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
