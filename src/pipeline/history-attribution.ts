/**
 * Which finding a history scan reports for each secret and file, with the sighting that dates it
 * and the place it is shown: HEAD's line while the secret is still there.
 */
import type { Finding, SkipReason } from '../findings/types.js';
import { fingerprint } from '../findings/fingerprint.js';
import { seenBefore, type BlobIndex, type Sighting } from '../sources/git/history.js';
import { decodePath } from '../sources/git/paths.js';
import type { Repository } from '../sources/git/repo.js';
import { git } from '../sources/git/run.js';
import { compareFindings } from './run-targets.js';

/**
 * One finding per secret and file: the same line kept across fifty edits is one leak, a copy of
 * it in another service is another. Each is dated by the sighting that introduced it, and shown
 * where it sits in HEAD when it is still there, so code scanning points at today's line.
 */
export function attribute(
  findings: Finding[],
  context: {
    index: BlobIndex;
    blobs: Map<string, Sighting>;
    blobOf: Map<Finding, string>;
    headPaths: Map<string, string[]>;
    select: (path: string) => boolean;
    /** Blobs that were read but not scanned, and why. */
    unscanned: Map<string, SkipReason>;
  },
): Finding[] {
  const { index, blobs, blobOf, headPaths, select, unscanned } = context;
  const keyOf = (finding: Finding, lineage: string) =>
    `${finding.ruleId}\0${finding.valueDigest}\0${lineage}`;

  const inHead = new Map<string, Finding>();
  for (const finding of findings) {
    for (const path of headPaths.get(blobOf.get(finding) ?? '') ?? []) {
      const key = keyOf(finding, index.lineageOf(path));
      const seen = inHead.get(key);
      if (!seen || finding.line < seen.line) inHead.set(key, placedAt(finding, path));
    }
  }
  // A file whose HEAD version was not scanned (it became binary, or too large) may still hold
  // what an earlier version held: that is unknown, not gone.
  const unscannedInHead = new Map<string, { reason: SkipReason; path: string }>();
  for (const [id, reason] of unscanned) {
    for (const path of headPaths.get(id) ?? []) {
      unscannedInHead.set(index.lineageOf(path), { reason, path });
    }
  }

  const earliest = new Map<string, { finding: Finding; sighting: Sighting }>();
  for (const finding of findings) {
    const id = blobOf.get(finding) ?? '';
    const first = blobs.get(id);
    if (!first) continue;
    const copies = (index.copies.get(id) ?? []).filter((copy) => select(copy.path));
    for (const sighting of [first, ...copies]) {
      const key = keyOf(finding, sighting.lineage);
      const seen = earliest.get(key);
      if (!seen || seenBefore(sighting.commit, seen.sighting.commit)) {
        earliest.set(key, { finding: placedAt(finding, sighting.path), sighting });
      }
    }
  }

  const attributed: Finding[] = [];
  for (const [key, { finding, sighting }] of earliest) {
    const now = inHead.get(key);
    const shown = now ? { ...now } : finding;
    shown.history = {
      commit: sighting.commit.id,
      author: sighting.commit.author,
      date: sighting.commit.date,
      path: sighting.path,
      // Of this file: the same value elsewhere in HEAD is a finding of its own.
      presentInHead: now !== undefined,
    };
    const unread = unscannedInHead.get(sighting.lineage);
    if (!shown.history.presentInHead && unread) {
      shown.history.presentInHead = null;
      shown.history.headNotScanned = unread.reason;
      // Renamed since: the file to look at in HEAD is not the one the finding is shown in.
      if (unread.path !== shown.path) shown.history.headPath = unread.path;
    }
    attributed.push(shown);
  }
  return attributed.sort(compareFindings);
}

/** The finding as it reads at another path holding the same bytes. */
function placedAt(finding: Finding, path: string): Finding {
  if (finding.path === path) return { ...finding };
  return { ...finding, path, fingerprint: fingerprint(finding.ruleId, path, finding.valueDigest) };
}

/** HEAD's tree as blob id to the paths holding it: a finding in one is still in the code. */
export function headTree(repo: Repository): Promise<Map<string, string[]>> {
  return repo.head ? treeBlobs(repo.top, repo.head) : Promise.resolve(new Map());
}

/** A commit's tree as blob id to the paths holding it. */
export async function treeBlobs(top: string, commit: string): Promise<Map<string, string[]>> {
  const paths = new Map<string, string[]>();
  const out = await git(top, ['ls-tree', '-r', '-z', '--full-tree', commit]);
  for (let at = 0; at < out.length;) {
    const end = out.indexOf(0, at);
    const record = out.subarray(at, end === -1 ? out.length : end);
    at = end === -1 ? out.length : end + 1;
    // `mode type id<TAB>path`, the path as raw bytes.
    const tab = record.indexOf(9);
    if (tab === -1) continue;
    const [, type, id] = record.toString('latin1', 0, tab).split(' ');
    if (type !== 'blob' || !id) continue;
    const { path } = decodePath(record.subarray(tab + 1));
    const list = paths.get(id);
    if (list) list.push(path);
    else paths.set(id, [path]);
  }
  return paths;
}
