/**
 * Nested .gitignore files, applied the way git applies them: deeper files override shallower
 * ones, and nothing inside an ignored directory can be re-included.
 */
import { readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { log } from '../log/logger.js';

/** A .gitignore larger than this is not a real one; it is skipped with a warning. */
const MAX_IGNORE_FILE = 1024 * 1024;

const toPosix = (path: string) => (sep === '/' ? path : path.split(sep).join('/'));

export class GitignoreSet {
  /** Directory (relative to `base`, '' for base itself) to its rules. */
  private readonly byDir = new Map<string, Ignore>();
  private constructor(private readonly base: string) {}

  /**
   * The rules of every .gitignore from the repository root down to `base`. Those of folders
   * inside `base` are added by the walk as it enters them (addFolder), before it judges anything
   * there.
   */
  static load(base: string): GitignoreSet {
    const set = new GitignoreSet(base);
    const repoRoot = findRepoRoot(base);
    const ancestors: string[] = [];
    for (let dir = base; repoRoot && dir !== repoRoot; dir = dirname(dir)) {
      ancestors.unshift(dir);
      if (dirname(dir) === dir) break;
    }
    if (repoRoot) ancestors.unshift(repoRoot);

    for (const dir of ancestors) {
      if (dir === base) continue;
      const lines = set.readIgnoreFile(join(dir, '.gitignore'));
      if (lines) {
        // Patterns above the scan root apply with paths relative to their own folder; rebase the
        // ones that can be rebased, keep the rest as they are (names without a slash).
        const prefix = toPosix(relative(dir, base));
        set.addRules(
          '',
          lines.flatMap((line) => rebase(line, prefix)),
        );
      }
    }
    const rootLines = set.readIgnoreFile(join(base, '.gitignore'));
    if (rootLines) set.addRules('', rootLines);
    return set;
  }

  /** Reads the .gitignore of `dir` (relative to base, `/`-separated), a folder below base. */
  addFolder(dir: string): void {
    const lines = this.readIgnoreFile(join(this.base, dir, '.gitignore'));
    if (lines) this.addRules(dir, lines);
  }

  private readIgnoreFile(path: string): string[] | undefined {
    try {
      const stats = statSync(path, { throwIfNoEntry: false });
      if (!stats) return undefined;
      if (!stats.isFile() || stats.size > MAX_IGNORE_FILE) {
        log.warn(`${path}: not a regular file of at most 1 MiB; its ignore rules are not used`);
        return undefined;
      }
      return readFileSync(path, 'utf8').split(/\r?\n/);
    } catch (error) {
      log.warn(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      return undefined;
    }
  }

  private addRules(dir: string, lines: string[]): void {
    const existing = this.byDir.get(dir);
    if (existing) existing.add(lines);
    else this.byDir.set(dir, ignore({ allowRelativePaths: true }).add(lines));
  }

  /** Whether `path` (relative to base, `/`-separated) is ignored. */
  ignores(path: string): boolean {
    const parts = path.split('/');
    // An ignored directory hides everything below it.
    for (let depth = 1; depth < parts.length; depth++) {
      if (this.decide(parts.slice(0, depth).join('/') + '/', parts, depth - 1)) return true;
    }
    return this.decide(path, parts, parts.length - 1);
  }

  /** Applies the rules of every folder above `target`, the deepest decision winning. */
  private decide(target: string, parts: string[], depth: number): boolean {
    let ignored = false;
    for (let level = 0; level <= depth; level++) {
      const dir = parts.slice(0, level).join('/');
      const rules = this.byDir.get(dir);
      if (!rules) continue;
      const rel = dir ? target.slice(dir.length + 1) : target;
      if (!rel) continue;
      const verdict = rules.test(rel);
      if (verdict.ignored) ignored = true;
      else if (verdict.unignored) ignored = false;
    }
    return ignored;
  }
}

export function findRepoRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** A pattern written in a parent folder, seen from a folder `prefix` below it. */
function rebase(line: string, prefix: string): string[] {
  const trimmed = line.trim();
  if (!trimmed || trimmed.startsWith('#')) return [];
  const negated = trimmed.startsWith('!');
  const body = negated ? trimmed.slice(1) : trimmed;
  const anchored = body.replace(/\/$/, '').includes('/');
  if (!anchored) return [line];
  const clean = body.replace(/^\//, '');
  if (!clean.startsWith(`${prefix}/`)) return [];
  return [`${negated ? '!' : ''}/${clean.slice(prefix.length + 1)}`];
}
