/**
 * The blob index: every blob the walked commits add or change, once, with the sighting that
 * introduced it (earliest in git's date order: parents first, then committer time) and how many
 * commits carried it. Submodules are gitlinks to another repository's commits: noted, not entered.
 *
 * A file keeps its identity across renames: with rename detection on, each path belongs to a
 * lineage, named by the path it had when it was first added. The same bytes added at another
 * lineage (a copy into a second service) are a sighting of their own, since the same secret in
 * two places is two leaks.
 */
import { walkCommits, ZERO_ID, type CommitInfo, type WalkOptions } from './log.js';

export interface Sighting {
  commit: CommitInfo;
  path: string;
  pathEscaped: boolean;
  /** The path this file was first added under, followed back through renames. */
  lineage: string;
  /** Blob this one replaced in the same file (first parent), when there was one. */
  previousId?: string;
}

export interface BlobIndex {
  /** Each blob's first sighting. */
  blobs: Map<string, Sighting>;
  /** Each blob's first sighting in every other lineage it was added to (copies). */
  copies: Map<string, Sighting[]>;
  /** Submodule path to the first commit that pointed at it. */
  submodules: Map<string, string>;
  /** Paths that are not valid UTF-8, as reported. */
  escapedPaths: Set<string>;
  commits: number;
  /** The lineage of a path, as far as the walked commits tell. */
  lineageOf(path: string): string;
}

const GITLINK = '160000';
/** Renames followed back at most this far: a cycle of renames must not loop. */
const MAX_RENAMES = 1000;

/**
 * Whether `a` was seen before `b`: an ancestor always is, whatever the clocks said (an imported
 * or rebased commit may carry a committer time older than its parent's); between unrelated
 * commits, the earlier committer time. Both come from the walk's order (`--date-order`).
 */
export function seenBefore(a: CommitInfo, b: CommitInfo): boolean {
  return a.order < b.order;
}

export async function indexBlobs(cwd: string, options: WalkOptions): Promise<BlobIndex> {
  const renamedFrom = new Map<string, string>();
  const lineageOf = (path: string) => {
    let at = path;
    for (let n = 0; n < MAX_RENAMES; n++) {
      const before = renamedFrom.get(at);
      if (before === undefined || before === path) break;
      at = before;
    }
    return at;
  };
  const index: BlobIndex = {
    blobs: new Map(),
    copies: new Map(),
    submodules: new Map(),
    escapedPaths: new Set(),
    commits: 0,
    lineageOf,
  };
  for await (const { commit, entries } of walkCommits(cwd, options)) {
    index.commits++;
    for (const entry of entries) {
      if (entry.oldPath !== undefined && entry.oldPath !== entry.path && entry.status[0] === 'R') {
        // Only the first rename into a path counts: a path reused later is a new file.
        if (!renamedFrom.has(entry.path)) renamedFrom.set(entry.path, entry.oldPath);
      }
      if (ZERO_ID.test(entry.id)) continue; // deleted here
      if (entry.mode === GITLINK) {
        if (!index.submodules.has(entry.path)) index.submodules.set(entry.path, commit.id);
        continue;
      }
      // A pure rename or mode change brings no new content.
      if (entry.id === entry.oldId) continue;
      if (entry.pathEscaped) index.escapedPaths.add(entry.path);
      const sighting: Sighting = {
        commit,
        path: entry.path,
        pathEscaped: entry.pathEscaped,
        lineage: lineageOf(entry.path),
        previousId: ZERO_ID.test(entry.oldId) ? undefined : entry.oldId,
      };
      record(index, entry.id, sighting);
    }
  }
  return index;
}

/** Keeps the first sighting per blob, and per blob and other lineage. */
function record(index: BlobIndex, id: string, sighting: Sighting): void {
  const first = index.blobs.get(id);
  if (!first) {
    index.blobs.set(id, sighting);
    return;
  }
  const copies = index.copies.get(id) ?? [];
  const all = [first, ...copies];
  const same = all.findIndex((s) => s.lineage === sighting.lineage);
  if (same === -1) {
    copies.push(sighting);
    index.copies.set(id, copies);
  } else if (seenBefore(sighting.commit, all[same]!.commit)) {
    if (same === 0) index.blobs.set(id, sighting);
    else copies[same - 1] = sighting;
  }
  // The first sighting is the earliest of them all: swap a copy that was seen before it.
  const earliest = copies.findIndex((s) => seenBefore(s.commit, index.blobs.get(id)!.commit));
  if (earliest !== -1) {
    const head = index.blobs.get(id)!;
    index.blobs.set(id, copies[earliest]!);
    copies[earliest] = head;
  }
}
