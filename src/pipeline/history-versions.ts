/**
 * Which earlier version each blob of a history scan is compared with, and the versions kept
 * until their successor comes, so only what changed goes to the detectors.
 */
import { archiveKind } from '../sources/archive.js';
import { changedLines } from '../sources/changed-lines.js';
import type { BlobIndex, Sighting } from '../sources/git/history.js';

/**
 * The version each blob can be scanned against: the blob it replaced, when that one is scanned
 * too and was first seen at the same path, so a secret it held is already reported there (the
 * report keeps one finding per secret and path, the earliest). Blobs in HEAD are scanned whole:
 * what they hold decides whether a finding is still in the code.
 */
export function baselines(
  index: BlobIndex,
  blobs: Map<string, Sighting>,
  headPaths: Map<string, string[]>,
): Map<string, string> {
  const baselineOf = new Map<string, string>();
  for (const [id, sighting] of blobs) {
    const before = sighting.previousId;
    // A blob also copied elsewhere is reported there too, so it needs all of its findings.
    if (!before || headPaths.has(id) || index.copies.has(id)) continue;
    if (blobs.get(before)?.lineage !== sighting.lineage) continue;
    baselineOf.set(id, before);
  }
  return baselineOf;
}

/**
 * Blobs are read in history order (reading them grouped by path was 2.6× slower for git, whose
 * delta cache follows history), so a version waits here until the next version of its path comes.
 * Past the byte budget the longest-waiting version is dropped, and the version that needed it is
 * scanned whole: slower, never less.
 */
export const KEPT_VERSION_BYTES = 64 * 1024 * 1024;

export class KeptVersions {
  private readonly versions = new Map<string, { bytes: Uint8Array; uses: number }>();
  private total = 0;

  constructor(private readonly budget: number) {}

  keep(id: string, content: Uint8Array, uses: number): void {
    if (content.length > this.budget / 4) return;
    this.versions.set(id, { bytes: content, uses });
    this.total += content.length;
    for (const [oldest, version] of this.versions) {
      if (this.total <= this.budget) break;
      this.drop(oldest, version.bytes);
    }
  }

  /** The kept version's bytes, for one use: read them before the next call. */
  take(id: string): Uint8Array | undefined {
    const version = this.versions.get(id);
    if (!version) return undefined;
    if (--version.uses === 0) this.drop(id, version.bytes);
    return version.bytes;
  }

  private drop(id: string, bytes: Uint8Array): void {
    this.versions.delete(id);
    this.total -= bytes.length;
  }
}

/** What `content` changed since `baseline`, or undefined to scan it whole (archives too). */
export function changedSince(
  path: string,
  content: Uint8Array,
  baseline: Uint8Array,
): Buffer | undefined {
  const view = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (archiveKind(path, view(content))) return undefined;
  return changedLines(view(content), view(baseline));
}
