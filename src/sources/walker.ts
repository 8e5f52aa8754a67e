/**
 * The working-tree source: streams the files under the scan roots, honouring .gitignore and the
 * include/exclude globs. Every file it passes over is counted by reason, never dropped silently.
 */
import { lstatSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import fg, { type Entry } from 'fast-glob';
import picomatch from 'picomatch';
import { GitignoreSet } from './gitignore.js';
import type { SkipReason } from '../findings/types.js';

export interface FileTarget {
  absPath: string;
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
  maxFileSize: number;
  /** Absolute paths never scanned: the config and baseline files the user passed. */
  skipPaths?: Set<string>;
}

export type SkipHandler = (path: string, reason: SkipReason, detail?: string) => void;

const toPosix = (path: string) => (sep === '/' ? path : path.split(sep).join('/'));

export async function* walk(options: WalkOptions, onSkip: SkipHandler): AsyncGenerator<FileTarget> {
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
    const stats = lstatSync(absRoot, { throwIfNoEntry: false });
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

    const ignores = options.gitignore ? await GitignoreSet.load(absRoot) : undefined;
    const stream = fg.stream('**', {
      cwd: absRoot,
      dot: true,
      onlyFiles: false,
      followSymbolicLinks: false,
      suppressErrors: true,
      stats: true,
      objectMode: true,
      ignore: ['**/.git/**', '**/.git', ...(ignores?.pruneGlobs ?? [])],
    });
    for await (const raw of stream) {
      const entry = raw as unknown as Entry;
      const absPath = resolve(absRoot, entry.path);
      const dirent = entry.dirent;
      if (dirent.isDirectory()) continue;
      if (dirent.isSymbolicLink()) {
        onSkip(toPosix(relative(options.base, absPath)), 'symlink');
        continue;
      }
      if (!dirent.isFile()) {
        onSkip(toPosix(relative(options.base, absPath)), 'not-a-regular-file');
        continue;
      }
      const target = admit(absPath, entry.stats?.size ?? 0, absRoot, ignores);
      if (target) yield target;
    }
  }
}
