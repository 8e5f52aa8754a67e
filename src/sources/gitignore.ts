/**
 * Nested .gitignore files, applied the way git applies them: deeper files override shallower
 * ones, and nothing inside an ignored directory can be re-included.
 */
import { readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fastGlob } from '../deps.js';
import ignore, { type Ignore } from 'ignore';
import { log } from '../log/logger.js';

/** A .gitignore larger than this is not a real one; it is skipped with a warning. */
const MAX_IGNORE_FILE = 1024 * 1024;

const toPosix = (path: string) => (sep === '/' ? path : path.split(sep).join('/'));

export class GitignoreSet {
  /** Directory (relative to `base`, '' for base itself) to its rules. */
  private readonly byDir = new Map<string, Ignore>();
  /** Glob patterns that prune whole directories from the walk, when that is exact. */
  readonly pruneGlobs: string[] = [];

  private constructor(private readonly base: string) {}

  /**
   * Loads every .gitignore from the repository root down to and inside `base`, except inside
   * folders matched by `skipGlobs` (which the walk will not enter either).
   */
  static async load(base: string, skipGlobs: string[] = []): Promise<GitignoreSet> {
    const set = new GitignoreSet(base);
    const repoRoot = findRepoRoot(base);
    const ancestors: string[] = [];
    for (let dir = base; repoRoot && dir !== repoRoot; dir = dirname(dir)) {
      ancestors.unshift(dir);
      if (dirname(dir) === dir) break;
    }
    if (repoRoot) ancestors.unshift(repoRoot);

    const allLines: string[] = [];
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
        allLines.push(...lines);
      }
    }
    const rootLines = set.readIgnoreFile(join(base, '.gitignore'));
    if (rootLines) {
      set.addRules('', rootLines);
      allLines.push(...rootLines);
    }
    set.pruneGlobs.push(...pruneGlobsFor(allLines));

    const nested = await fastGlob()('**/.gitignore', {
      cwd: base,
      dot: true,
      onlyFiles: true,
      followSymbolicLinks: false,
      suppressErrors: true,
      ignore: ['**/.git/**', ...skipGlobs, ...set.pruneGlobs],
    });
    for (const file of nested.sort()) {
      if (file === '.gitignore') continue;
      const dir = dirname(file);
      const lines = set.readIgnoreFile(join(base, file));
      if (lines) set.addRules(dir, lines);
    }
    return set;
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

/**
 * Directory names that the ignore files exclude outright (`node_modules/`, `dist`) become walk
 * prunes, so the walker never lists them. Only when no rule re-includes anything, since a
 * negation could bring a file back from inside.
 */
function pruneGlobsFor(lines: string[]): string[] {
  if (lines.some((line) => line.trim().startsWith('!'))) return [];
  const globs: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const name = line.replace(/^\*\*\//, '').replace(/\/$/, '');
    if (/^[\w.-]+$/.test(name) && name !== '.' && name !== '..') globs.push(`**/${name}/**`);
  }
  return globs;
}
