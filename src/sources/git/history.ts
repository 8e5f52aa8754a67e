/**
 * The blob index: every blob the walked commits add or change, once, with the sighting that
 * introduced it (earliest committer time; git's topological order breaks ties) and how many
 * commits carried it. Submodules are gitlinks to another repository's commits: noted, not entered.
 */
import { walkCommits, ZERO_ID, type CommitInfo, type WalkOptions } from './log.js';

export interface Sighting {
  commit: CommitInfo;
  path: string;
  pathEscaped: boolean;
  /** Blob this one replaced at the same path (first parent), when there was one. */
  previousId?: string;
}

export interface BlobIndex {
  blobs: Map<string, Sighting>;
  /** Submodule path to the first commit that pointed at it. */
  submodules: Map<string, string>;
  /** Paths that are not valid UTF-8, as reported. */
  escapedPaths: Set<string>;
  commits: number;
}

const GITLINK = '160000';

export async function indexBlobs(cwd: string, options: WalkOptions): Promise<BlobIndex> {
  const index: BlobIndex = {
    blobs: new Map(),
    submodules: new Map(),
    escapedPaths: new Set(),
    commits: 0,
  };
  for await (const { commit, entries } of walkCommits(cwd, options)) {
    index.commits++;
    for (const entry of entries) {
      if (ZERO_ID.test(entry.id)) continue; // deleted here
      if (entry.mode === GITLINK) {
        if (!index.submodules.has(entry.path)) index.submodules.set(entry.path, commit.id);
        continue;
      }
      // A pure rename or mode change brings no new content.
      if (entry.id === entry.oldId) continue;
      if (entry.pathEscaped) index.escapedPaths.add(entry.path);
      const seen = index.blobs.get(entry.id);
      if (!seen || commit.committed < seen.commit.committed) {
        index.blobs.set(entry.id, {
          commit,
          path: entry.path,
          pathEscaped: entry.pathEscaped,
          previousId: ZERO_ID.test(entry.oldId) ? undefined : entry.oldId,
        });
      }
    }
  }
  return index;
}
