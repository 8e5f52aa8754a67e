/**
 * The working-tree source: streams the files under the scan roots, honouring .gitignore and the
 * include/exclude globs. Every file it passes over is counted by reason, never dropped silently.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
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

  /** `relPath`: relative to the walked root, for its .gitignore rules; `path`: as reported. */
  const admit = (
    absPath: string,
    size: number,
    path = toPosix(relative(options.base, absPath)) || basename(absPath),
    relPath?: string,
    ignores?: GitignoreSet,
  ) => {
    if (skipPaths.has(absPath)) return undefined;
    if (excluded?.(path) || (included && !included(path))) {
      onSkip(path, 'excluded');
      return undefined;
    }
    if (relPath !== undefined && ignores?.ignores(relPath)) {
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

    const ignores = options.gitignore ? GitignoreSet.load(absRoot) : undefined;
    // Files git tracks are in the repository whatever .gitignore says; they are scanned.
    const trackedIgnored = options.gitignore ? trackedButIgnored(absRoot) : new Set<string>();
    // Reported paths are relative to the base; for a root inside it, without a path.relative each.
    const prefix = toPosix(relative(options.base, absRoot));
    const inside = prefix !== '..' && !prefix.startsWith('../') && !isAbsolute(prefix);
    const shown = (relPath: string) =>
      inside
        ? prefix
          ? `${prefix}/${relPath}`
          : relPath
        : toPosix(relative(options.base, join(absRoot, relPath)));
    for (const entry of listTree(absRoot, ignores, options.dependencies === true)) {
      if ('unlisted' in entry) {
        onSkip(shown(entry.unlisted), 'unreadable', 'folder cannot be listed');
        continue;
      }
      const { relPath, dirent } = entry;
      const absPath = join(absRoot, relPath);
      if (dirent.isDirectory()) {
        if (!options.dependencies && dirent.name === 'node_modules') {
          const detail = 'installed packages; --include-dependencies scans them';
          onSkip(shown(relPath), 'dependencies', detail);
        }
        continue;
      }
      if (dirent.isSymbolicLink()) {
        onSkip(shown(relPath), 'symlink');
        continue;
      }
      if (!dirent.isFile()) {
        onSkip(shown(relPath), 'not-a-regular-file');
        continue;
      }
      if (relPath.includes('\uFFFD')) {
        yield* rawNamed(absRoot, relPath, options, onSkip, onEscaped);
        continue;
      }
      const stats = lstatSync(absPath, { throwIfNoEntry: false });
      if (!stats) {
        onSkip(shown(relPath), 'unreadable', 'vanished during the walk');
        continue;
      }
      const tracked = trackedIgnored.delete(relPath);
      const target = admit(
        absPath,
        stats.size,
        shown(relPath),
        relPath,
        tracked ? undefined : ignores,
      );
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

type Listed = { relPath: string; dirent: Dirent } | { unlisted: string };

/**
 * Every entry under `absRoot`, depth first, as paths relative to it: one readdir per folder, and
 * each folder's .gitignore read before anything in it is judged. Folders never entered: `.git`,
 * the ones .gitignore ignores (nothing inside an ignored folder can be re-included; files git
 * tracks there are added back by the caller), and node_modules unless `dependencies`.
 *
 * fast-glob walked this tree in 0.7 s of the main thread (and once more to find nested
 * .gitignore files); this walk takes 0.15 s, time the workers had been waiting for on two cores.
 */
function* listTree(
  absRoot: string,
  ignores: GitignoreSet | undefined,
  dependencies: boolean,
): Generator<Listed> {
  const folders = [''];
  for (let relDir = folders.pop(); relDir !== undefined; relDir = folders.pop()) {
    let entries: Dirent[];
    try {
      entries = readdirSync(relDir ? join(absRoot, relDir) : absRoot, { withFileTypes: true });
    } catch {
      if (relDir) yield { unlisted: relDir };
      continue;
    }
    if (relDir && entries.some((entry) => entry.name === '.gitignore' && entry.isFile())) {
      ignores?.addFolder(relDir);
    }
    const below: string[] = [];
    for (const dirent of entries) {
      if (dirent.name === '.git') continue;
      const relPath = relDir ? `${relDir}/${dirent.name}` : dirent.name;
      if (dirent.isDirectory()) {
        if (ignores?.ignores(`${relPath}/`)) continue;
        yield { relPath, dirent };
        if (dirent.name !== 'node_modules' || dependencies) below.push(relPath);
        continue;
      }
      yield { relPath, dirent };
    }
    // Popped from the end: reversed, so folders are entered in the order they were listed.
    for (let n = below.length - 1; n >= 0; n--) folders.push(below[n]!);
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
