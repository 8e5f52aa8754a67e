/**
 * The working-tree source: streams the files under the scan roots, honouring .gitignore and the
 * include/exclude globs. Every file it passes over is counted by reason, never dropped silently.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Entry } from 'fast-glob';
import { fastGlob } from '../deps.js';
import picomatch from 'picomatch';
import { decodePath } from './git/paths.js';
import { findRepoRoot, GitignoreSet } from './gitignore.js';
import type { SkipReason } from '../findings/types.js';

export interface FileTarget {
  absPath: string;
  /** Bytes of the path when the name is not valid UTF-8. */
  rawPath?: Uint8Array;
  /** Relative to the scan base, `/`-separated: what reports show. */
  path: string;
  size: number;
}

export interface WalkOptions {
  roots: string[];
  /** Reported paths are relative to this folder. */
  base: string;
  include: string[];
  exclude: string[];
  gitignore: boolean;
  /** Also walk node_modules folders: installed packages, not the project's own code. */
  dependencies?: boolean;
  maxFileSize: number;
  /** Absolute paths never scanned: the config and baseline files the user passed. */
  skipPaths?: Set<string>;
}

export type SkipHandler = (path: string, reason: SkipReason, detail?: string) => void;
/** Told each path the walk reports (scanned or skipped) that shows `\xNN` escapes. */
export type EscapedNameHandler = (path: string) => void;

/**
 * fast-glob's `**` does not match names that hold a line break, so those are asked for by
 * name as well; fast-glob drops the duplicates.
 */
const EVERY_PATH = ['**', '**/*[\n\r]*', '**/*[\n\r]*/**'];

const SLASH = Buffer.from('/');
const toPosix = (path: string) => (sep === '/' ? path : path.split(sep).join('/'));

export async function* walk(
  options: WalkOptions,
  onSkip: SkipHandler,
  onEscaped: EscapedNameHandler = () => {},
): AsyncGenerator<FileTarget> {
  const included = options.include.length ? picomatch(options.include, { dot: true }) : undefined;
  const excluded = options.exclude.length ? picomatch(options.exclude, { dot: true }) : undefined;
  const skipPaths = options.skipPaths ?? new Set<string>();

  const admit = (absPath: string, size: number, root?: string, ignores?: GitignoreSet) => {
    const path = toPosix(relative(options.base, absPath)) || basename(absPath);
    if (skipPaths.has(absPath)) return undefined;
    if (excluded?.(path) || (included && !included(path))) {
      onSkip(path, 'excluded');
      return undefined;
    }
    if (root && ignores?.ignores(toPosix(relative(root, absPath)))) {
      onSkip(path, 'ignored-by-gitignore');
      return undefined;
    }
    if (size > options.maxFileSize) {
      onSkip(path, 'too-large', `${size} bytes`);
      return undefined;
    }
    return { absPath, path, size };
  };

  for (const root of options.roots) {
    const absRoot = isAbsolute(root) ? root : resolve(root);
    let stats = lstatSync(absRoot, { throwIfNoEntry: false });
    // A root the user named is followed when it is a symlink; links inside it never are.
    if (stats?.isSymbolicLink()) stats = statSync(absRoot, { throwIfNoEntry: false }) ?? stats;
    if (!stats) {
      onSkip(toPosix(root), 'unreadable', 'no such file or directory');
      continue;
    }
    if (!stats.isDirectory()) {
      // A file the user named is scanned even when .gitignore lists it.
      if (stats.isSymbolicLink()) onSkip(toPosix(root), 'symlink');
      else if (!stats.isFile()) onSkip(toPosix(root), 'not-a-regular-file');
      else {
        const target = admit(absRoot, stats.size);
        if (target) yield target;
      }
      continue;
    }

    const dependencyGlobs = options.dependencies ? [] : ['**/node_modules/**'];
    const ignores = options.gitignore
      ? await GitignoreSet.load(absRoot, dependencyGlobs)
      : undefined;
    // Files git tracks are in the repository whatever .gitignore says; they are scanned.
    const trackedIgnored = options.gitignore ? trackedButIgnored(absRoot) : new Set<string>();
    // The walk never enters node_modules, so each one is named here, from its parent folder.
    const noteDependencies = (dir: string, relDir: string) => {
      const relPath = relDir ? `${relDir}/node_modules` : 'node_modules';
      if (!existsSync(join(dir, 'node_modules')) || ignores?.ignores(`${relPath}/`)) return;
      const path = toPosix(relative(options.base, join(dir, 'node_modules')));
      onSkip(path, 'dependencies', 'installed packages; --include-dependencies scans them');
    };
    if (dependencyGlobs.length) noteDependencies(absRoot, '');
    const stream = fastGlob().stream(EVERY_PATH, {
      cwd: absRoot,
      dot: true,
      onlyFiles: false,
      followSymbolicLinks: false,
      suppressErrors: true,
      // No stats from fast-glob: one entry it cannot lstat (a name that is not valid UTF-8)
      // silently ends its whole walk. We lstat each file ourselves.
      stats: false,
      objectMode: true,
      ignore: ['**/.git/**', '**/.git', ...dependencyGlobs, ...(ignores?.pruneGlobs ?? [])],
    });
    for await (const raw of stream) {
      const entry = raw as unknown as Entry;
      const absPath = resolve(absRoot, entry.path);
      const dirent = entry.dirent;
      if (dirent.isDirectory()) {
        // fast-glob passes over a folder it cannot list without a word; say so here.
        if (!canList(absPath)) {
          onSkip(toPosix(relative(options.base, absPath)), 'unreadable', 'folder cannot be listed');
        } else if (dependencyGlobs.length) noteDependencies(absPath, toPosix(entry.path));
        continue;
      }
      if (dirent.isSymbolicLink()) {
        onSkip(toPosix(relative(options.base, absPath)), 'symlink');
        continue;
      }
      if (!dirent.isFile()) {
        onSkip(toPosix(relative(options.base, absPath)), 'not-a-regular-file');
        continue;
      }
      if (absPath.includes('\uFFFD')) {
        yield* rawNamed(absRoot, entry.path, options, onSkip, onEscaped);
        continue;
      }
      const stats = lstatSync(absPath, { throwIfNoEntry: false });
      if (!stats) {
        onSkip(toPosix(relative(options.base, absPath)), 'unreadable', 'vanished during the walk');
        continue;
      }
      const relPath = toPosix(entry.path);
      const tracked = trackedIgnored.delete(relPath);
      const target = admit(absPath, stats.size, absRoot, tracked ? undefined : ignores);
      if (target) yield target;
    }
    // Tracked files inside folders .gitignore prunes were never walked.
    for (const relPath of trackedIgnored) {
      const absPath = resolve(absRoot, relPath);
      const stats = lstatSync(absPath, { throwIfNoEntry: false });
      if (!stats?.isFile()) continue;
      if (!options.dependencies && relPath.split('/').includes('node_modules')) continue;
      const target = admit(absPath, stats.size);
      if (target) yield target;
    }
  }
}

function canList(dir: string): boolean {
  try {
    accessSync(dir, constants.R_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Tracked files that .gitignore matches (added before the rule, or with `git add -f`), relative
 * to `absRoot`: one git call; outside a repository, none.
 */
function trackedButIgnored(absRoot: string): Set<string> {
  if (!findRepoRoot(absRoot)) return new Set();
  try {
    const out = execFileSync(
      'git',
      ['ls-files', '-z', '-c', '-i', '--exclude-standard', '--', '.'],
      {
        cwd: absRoot,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    return new Set(out.split('\0').filter(Boolean));
  } catch {
    return new Set();
  }
}

/**
 * A name that is not valid UTF-8 reaches us with U+FFFD in it and cannot be opened by that
 * string. Find the real bytes by listing each folder on the way as bytes; report the name with
 * each invalid byte written `\xNN`, as the git sources do.
 */
function* rawNamed(
  absRoot: string,
  relPath: string,
  options: WalkOptions,
  onSkip: SkipHandler,
  onEscaped: EscapedNameHandler,
): Generator<FileTarget> {
  let candidates: { bytes: Buffer; rel: Buffer }[] = [
    { bytes: Buffer.from(absRoot), rel: Buffer.alloc(0) },
  ];
  for (const segment of relPath.split('/')) {
    const next: typeof candidates = [];
    for (const parent of candidates) {
      let names: Buffer[];
      try {
        names = readdirSync(parent.bytes, { encoding: 'buffer' });
      } catch {
        continue;
      }
      for (const name of names) {
        if (name.toString('utf8') !== segment) continue;
        next.push({
          bytes: Buffer.concat([parent.bytes, SLASH, name]),
          rel: parent.rel.length ? Buffer.concat([parent.rel, SLASH, name]) : name,
        });
      }
    }
    candidates = next;
  }
  const prefix = toPosix(relative(options.base, absRoot));
  for (const candidate of candidates) {
    // Decoded whole, as git decodes a path, so one escaping covers every segment.
    const shown = decodePath(candidate.rel);
    const path = [prefix, shown.path].filter(Boolean).join('/');
    if (shown.escaped) onEscaped(path);
    const stats = lstatSync(candidate.bytes, { throwIfNoEntry: false });
    if (!stats?.isFile()) {
      onSkip(path, stats ? 'not-a-regular-file' : 'unreadable', 'name is not valid UTF-8');
      continue;
    }
    if (stats.size > options.maxFileSize) {
      onSkip(path, 'too-large', `${stats.size} bytes`);
      continue;
    }
    yield { absPath: resolve(absRoot, relPath), rawPath: candidate.bytes, path, size: stats.size };
  }
}
