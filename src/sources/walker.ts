/**
 * The working-tree source: streams the files under the scan roots, honouring .gitignore and the
 * include/exclude globs. Every file it passes over is counted by reason, never dropped silently.
 */
import { execFileSync } from 'node:child_process';
import { isUtf8 } from 'node:buffer';
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
const DOT_GIT = Buffer.from('.git');
const DOT_GITIGNORE = Buffer.from('.gitignore');
const NODE_MODULES = Buffer.from('node_modules');
const toPosix = (path: string) => (sep === '/' ? path : path.split(sep).join('/'));

export async function* walk(
  options: WalkOptions,
  onSkip: SkipHandler,
  onEscaped: EscapedNameHandler = () => {},
): AsyncGenerator<FileTarget> {
  const included = options.include.length ? picomatch(options.include, { dot: true }) : undefined;
  const excluded = options.exclude.length ? picomatch(options.exclude, { dot: true }) : undefined;
  const skipPaths = options.skipPaths ?? new Set<string>();

  /** Whether `path` (as reported) passes --include and --exclude; counted when it does not. */
  const selected = (path: string) => {
    if (excluded?.(path) || (included && !included(path))) {
      onSkip(path, 'excluded');
      return false;
    }
    return true;
  };
  const admit = (
    absPath: string,
    size: number,
    path = toPosix(relative(options.base, absPath)) || basename(absPath),
  ) => {
    if (skipPaths.has(absPath)) return undefined;
    if (!selected(path)) return undefined;
    if (size > options.maxFileSize) {
      onSkip(path, 'too-large', `${size} bytes`);
      return undefined;
    }
    // Roots that overlap (`scan . src`) reach some files twice; they are scanned once.
    if (options.roots.length > 1) {
      if (admitted.has(absPath)) return undefined;
      admitted.add(absPath);
    }
    return { absPath, path, size };
  };
  const admitted = new Set<string>();
  /** Ignore files already said to be unused: roots in one repository share them. */
  const unusedNamed = new Set<string>();
  /** Names that are not valid UTF-8 scanned so far, by their bytes: each once. */
  const rawSeen = new Set<string>();
  const firstRaw = (target: FileTarget) => {
    const key = Buffer.from(target.rawPath!).toString('latin1');
    if (rawSeen.has(key)) return false;
    rawSeen.add(key);
    return true;
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

    // An ignore file whose rules are not used is a notice in the report, as a skipped file is.
    const unusedRules = (path: string, why: string) => {
      if (unusedNamed.has(path)) return;
      unusedNamed.add(path);
      const rel = toPosix(relative(options.base, path));
      const shownPath = rel.startsWith('../') || isAbsolute(rel) ? toPosix(path) : rel;
      onSkip(shownPath, 'ignore-rules-unused', `${why}; its ignore rules are not used`);
    };
    const ignores = options.gitignore ? GitignoreSet.load(absRoot, unusedRules) : undefined;
    // Files git tracks are in the repository whatever .gitignore says; they are scanned.
    const tracked = options.gitignore ? trackedButIgnored(absRoot) : undefined;
    const trackedIgnored = tracked?.names ?? new Set<string>();
    // Names that are not valid UTF-8 reach the walk decoded, U+FFFD in place of the bad bytes.
    const rawTrackedNames = new Set((tracked?.raw ?? []).map((name) => name.toString('utf8')));
    // Reported paths are relative to the base; for a root inside it, without a path.relative each.
    const prefix = toPosix(relative(options.base, absRoot));
    const inside = prefix !== '..' && !prefix.startsWith('../') && !isAbsolute(prefix);
    const shown = (relPath: string) =>
      inside
        ? prefix
          ? `${prefix}/${relPath}`
          : relPath
        : toPosix(relative(options.base, join(absRoot, relPath)));
    const rawFoldersWalked = new Set<string>();
    for (const entry of listTree(absRoot, ignores, options.dependencies === true)) {
      if ('unlisted' in entry) {
        onSkip(shown(entry.unlisted), 'unreadable', 'folder cannot be listed');
        continue;
      }
      if ('rawFolder' in entry) {
        // Every folder whose name decodes the same way is walked at the first of them.
        if (rawFoldersWalked.has(entry.rawFolder)) continue;
        rawFoldersWalked.add(entry.rawFolder);
        const inside = { ignores, chain: entry.chain, options, onSkip, onEscaped };
        for (const target of walkRawFolder(absRoot, entry.rawFolder, inside)) {
          if (firstRaw(target) && selected(target.path)) yield target;
        }
        continue;
      }
      const { relPath, dirent } = entry;
      if (dirent.isDirectory()) {
        if (!options.dependencies && dirent.name === 'node_modules') {
          onSkip(shown(relPath), 'dependencies', DEPENDENCIES);
        }
        continue;
      }
      // Met by the walk: not again by the tracked files' loop below, whatever .gitignore says.
      const isTracked = trackedIgnored.delete(relPath) || rawTrackedNames.has(relPath);
      if (entry.ignored && !isTracked) {
        onSkip(shown(relPath), 'ignored-by-gitignore');
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
        for (const target of rawNamed(absRoot, relPath, options, onSkip, onEscaped)) {
          if (firstRaw(target) && selected(target.path)) yield target;
        }
        continue;
      }
      const absPath = join(absRoot, relPath);
      const stats = lstatSync(absPath, { throwIfNoEntry: false });
      if (!stats) {
        onSkip(shown(relPath), 'unreadable', 'vanished during the walk');
        continue;
      }
      const target = admit(absPath, stats.size, shown(relPath));
      if (target) yield target;
    }
    // Tracked files inside folders .gitignore prunes were never walked.
    for (const name of tracked?.raw ?? []) {
      const target = rawTracked(absRoot, name, options, onSkip, onEscaped);
      if (target && firstRaw(target) && selected(target.path)) yield target;
    }
    const notedDependencies = new Set<string>();
    for (const relPath of trackedIgnored) {
      const parts = relPath.split('/');
      const modules = parts.indexOf('node_modules');
      if (!options.dependencies && modules !== -1) {
        const folder = parts.slice(0, modules + 1).join('/');
        if (!notedDependencies.has(folder)) onSkip(shown(folder), 'dependencies', DEPENDENCIES);
        notedDependencies.add(folder);
        continue;
      }
      const absPath = resolve(absRoot, relPath);
      const stats = lstatSync(absPath, { throwIfNoEntry: false });
      // Deleted from the working tree since: nothing here to scan.
      if (!stats) continue;
      if (stats.isSymbolicLink()) onSkip(shown(relPath), 'symlink');
      else if (!stats.isFile()) onSkip(shown(relPath), 'not-a-regular-file');
      else {
        const target = admit(absPath, stats.size, shown(relPath));
        if (target) yield target;
      }
    }
  }
}

const DEPENDENCIES = 'installed packages; --include-dependencies scans them';

type Listed =
  | { relPath: string; dirent: Dirent; ignored: boolean }
  | { unlisted: string }
  /** A folder whose name is not valid UTF-8: walked by its bytes (walkRawFolder). */
  | { rawFolder: string; chain: string[] };

/**
 * Every entry under `absRoot`, depth first, as paths relative to it, each with whether
 * .gitignore ignores it: one readdir per folder, and each folder's .gitignore read before
 * anything in it is judged. Folders never entered: `.git`, the ones .gitignore ignores (nothing
 * inside can be re-included; files git tracks there are added back by the caller), and
 * node_modules unless `dependencies`.
 *
 * fast-glob walked this tree in 0.7 s of the main thread (and once more to find nested
 * .gitignore files); this walk takes 0.15 s, time the workers had been waiting for on two cores.
 */
function* listTree(
  absRoot: string,
  ignores: GitignoreSet | undefined,
  dependencies: boolean,
): Generator<Listed> {
  /** Folders to enter, with the folders whose rules apply inside them (shallowest first). */
  const folders: { relDir: string; chain: string[] }[] = [
    { relDir: '', chain: ignores?.hasRules('') ? [''] : [] },
  ];
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    const { relDir } = folder;
    // A name that is not valid UTF-8 reached us decoded, U+FFFD in place of the bad bytes, and
    // cannot be opened by that string.
    if (relDir.includes('\uFFFD')) {
      yield { rawFolder: relDir, chain: folder.chain };
      continue;
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(relDir ? join(absRoot, relDir) : absRoot, { withFileTypes: true });
    } catch {
      if (relDir) yield { unlisted: relDir };
      continue;
    }
    let chain = folder.chain;
    // A symlinked .gitignore is read too, to be refused with a warning naming it.
    const ruled = (e: Dirent) => e.name === '.gitignore' && (e.isFile() || e.isSymbolicLink());
    if (relDir && ignores && entries.some(ruled)) {
      ignores.addFolder(relDir);
      if (ignores.hasRules(relDir)) chain = [...chain, relDir];
    }
    const below: { relDir: string; chain: string[] }[] = [];
    for (const dirent of entries) {
      if (dirent.name === '.git') continue;
      const relPath = relDir ? `${relDir}/${dirent.name}` : dirent.name;
      const directory = dirent.isDirectory();
      const ignored = ignores?.ignoredEntry(relPath, directory, chain) ?? false;
      if (directory) {
        if (ignored) continue;
        yield { relPath, dirent, ignored };
        if (dirent.name !== 'node_modules' || dependencies) below.push({ relDir: relPath, chain });
        continue;
      }
      yield { relPath, dirent, ignored };
    }
    // Popped from the end: reversed, so folders are entered in the order they were listed.
    for (let n = below.length - 1; n >= 0; n--) folders.push(below[n]!);
  }
}

/**
 * Tracked files that .gitignore matches (added before the rule, or with `git add -f`), relative
 * to `absRoot`: one git call; outside a repository, none. Names that are not valid UTF-8 come
 * back as their bytes.
 */
function trackedButIgnored(absRoot: string): { names: Set<string>; raw: Buffer[] } {
  const found = { names: new Set<string>(), raw: [] as Buffer[] };
  if (!findRepoRoot(absRoot)) return found;
  let out: Buffer;
  try {
    out = execFileSync('git', ['ls-files', '-z', '-c', '-i', '--exclude-standard', '--', '.'], {
      cwd: absRoot,
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return found;
  }
  for (let at = 0; at < out.length;) {
    const end = out.indexOf(0, at);
    const name = out.subarray(at, end === -1 ? out.length : end);
    at = end === -1 ? out.length : end + 1;
    if (name.length === 0) continue;
    if (isUtf8(name)) found.names.add(name.toString('utf8'));
    else found.raw.push(Buffer.from(name));
  }
  return found;
}

/** A tracked file whose name (relative to `absRoot`, as bytes) is not valid UTF-8. */
function rawTracked(
  absRoot: string,
  name: Buffer,
  options: WalkOptions,
  onSkip: SkipHandler,
  onEscaped: EscapedNameHandler,
): FileTarget | undefined {
  const rawPath = Buffer.concat([Buffer.from(absRoot), SLASH, name]);
  // Deleted from the working tree since it was committed: nothing to scan, nothing to say.
  if (!lstatSync(rawPath, { throwIfNoEntry: false })) return undefined;
  return rawTarget(absRoot, name, rawPath, options, onSkip, onEscaped);
}

/**
 * A path known by its bytes, as reported, and whether it needed escapes: decoded whole, as git
 * decodes a path, bad bytes `\xNN`.
 */
function shownRaw(absRoot: string, rel: Buffer, options: WalkOptions) {
  const prefix = toPosix(relative(options.base, absRoot));
  const { path, escaped } = decodePath(rel);
  return { path: [prefix, path].filter(Boolean).join('/'), escaped };
}

/** The target for a file known by its bytes: `rel` from `absRoot`, `rawPath` whole. */
function rawTarget(
  absRoot: string,
  rel: Buffer,
  rawPath: Buffer,
  options: WalkOptions,
  onSkip: SkipHandler,
  onEscaped: EscapedNameHandler,
): FileTarget | undefined {
  const { path, escaped } = shownRaw(absRoot, rel, options);
  if (escaped) onEscaped(path);
  const stats = lstatSync(rawPath, { throwIfNoEntry: false });
  if (!stats) {
    onSkip(path, 'unreadable', 'vanished during the walk');
    return undefined;
  }
  if (!stats.isFile()) {
    onSkip(path, stats.isSymbolicLink() ? 'symlink' : 'not-a-regular-file');
    return undefined;
  }
  if (stats.size > options.maxFileSize) {
    onSkip(path, 'too-large', `${stats.size} bytes`);
    return undefined;
  }
  return { absPath: resolve(absRoot, rel.toString('utf8')), rawPath, path, size: stats.size };
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
  for (const candidate of rawPaths(absRoot, relPath)) {
    const target = rawTarget(absRoot, candidate.rel, candidate.bytes, options, onSkip, onEscaped);
    if (target) yield target;
  }
}

/** Each path under `absRoot`, as bytes, that decodes to `relPath` (bad bytes as U+FFFD). */
function rawPaths(absRoot: string, relPath: string): { bytes: Buffer; rel: Buffer }[] {
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
  return candidates;
}

/**
 * The files under a folder whose name is not valid UTF-8, listed by their bytes. The .gitignore
 * files above it apply, matched against the decoded names (U+FFFD for each bad byte; git matches
 * the bytes); a .gitignore inside such a folder is not read, so what it excludes is scanned.
 */
function* walkRawFolder(
  absRoot: string,
  relDir: string,
  context: {
    ignores: GitignoreSet | undefined;
    chain: string[];
    options: WalkOptions;
    onSkip: SkipHandler;
    onEscaped: EscapedNameHandler;
  },
): Generator<FileTarget> {
  const { ignores, chain, options, onSkip, onEscaped } = context;
  const folders = rawPaths(absRoot, relDir);
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    let entries: Dirent<Buffer>[];
    try {
      entries = readdirSync(folder.bytes, { encoding: 'buffer', withFileTypes: true });
    } catch {
      onSkip(shownRaw(absRoot, folder.rel, options).path, 'unreadable', 'folder cannot be listed');
      continue;
    }
    for (const entry of entries) {
      const name = entry.name;
      if (name.equals(DOT_GIT)) continue;
      const rel = Buffer.concat([folder.rel, SLASH, name]);
      const bytes = Buffer.concat([folder.bytes, SLASH, name]);
      const directory = entry.isDirectory();
      if (ignores?.ignoredEntry(rel.toString('utf8'), directory, chain)) {
        if (!directory) onSkip(shownRaw(absRoot, rel, options).path, 'ignored-by-gitignore');
        continue;
      }
      if (directory) {
        if (options.dependencies || !name.equals(NODE_MODULES)) folders.push({ bytes, rel });
        else onSkip(shownRaw(absRoot, rel, options).path, 'dependencies', DEPENDENCIES);
        continue;
      }
      if (name.equals(DOT_GITIGNORE) && ignores) {
        const why = 'in a folder whose name is not valid UTF-8; its ignore rules are not used';
        onSkip(shownRaw(absRoot, rel, options).path, 'ignore-rules-unused', why);
      }
      const target = rawTarget(absRoot, rel, bytes, options, onSkip, onEscaped);
      if (target) yield target;
    }
  }
}
