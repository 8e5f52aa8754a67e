/**
 * Archive members as scan targets: zip (and jar, war, whl, nupkg, apk, docx, xlsx…), tar,
 * tar.gz and .gz.
 * Expansion is bounded by depth, member count and total expanded bytes; a member that inflates
 * past the budget or at a ratio no real file has is named a zip bomb and skipped. Inflation uses
 * node:zlib with `maxOutputLength`, so a lying size in a header cannot make us allocate more.
 */
import { gunzipSync, inflateRawSync } from 'node:zlib';

export interface ArchiveLimits {
  maxDepth: number;
  maxMembers: number;
  maxTotalBytes: number;
  /** Expansion ratio past which a member of more than a megabyte is a bomb. */
  maxRatio: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxDepth: 3,
  maxMembers: 10_000,
  maxTotalBytes: 256 * 1024 * 1024,
  // Deflate cannot pass about 1032:1 in one layer; plain text of repeated lines (logs, dumps)
  // reaches a few hundred, and at 200 such a member cost the whole archive.
  maxRatio: 1000,
};

export type ArchiveKind = 'zip' | 'tar' | 'tgz' | 'gz';

export interface ArchiveMember {
  /** Path inside the archive, `/`-separated. */
  name: string;
  content: Buffer;
}

export interface ArchiveProblem {
  /** The member (or the archive, when empty) the problem is about. */
  name: string;
  reason: 'zip-bomb' | 'archive-limit' | 'unsupported' | 'corrupt' | 'too-large';
  detail: string;
}

/** Shared across one archive and everything nested in it. */
export interface ArchiveBudget {
  members: number;
  bytes: number;
  limits: ArchiveLimits;
  /** A member larger than this is skipped as too large, and never inflated past it. */
  maxMemberBytes: number;
}

// Office and OpenDocument files are zips of XML: a token pasted into a runbook is in there.
const ZIP_PATH =
  /\.(zip|jar|war|ear|aar|apk|whl|egg|nupkg|vsix|xpi|crx|ipa|docx|xlsx|pptx|odt|ods|odp)$/i;
const TGZ_PATH = /\.(tar\.gz|tgz)$/i;

/** The kind of archive at `path`, confirmed by its magic bytes. */
export function archiveKind(path: string, buffer: Uint8Array): ArchiveKind | undefined {
  const inner = path.slice(path.lastIndexOf('!') + 1);
  if (ZIP_PATH.test(inner) && buffer[0] === 0x50 && buffer[1] === 0x4b) return 'zip';
  if (TGZ_PATH.test(inner) && buffer[0] === 0x1f && buffer[1] === 0x8b) return 'tgz';
  if (/\.gz$/i.test(inner) && buffer[0] === 0x1f && buffer[1] === 0x8b) return 'gz';
  if (/\.tar$/i.test(inner) && buffer.length >= 512 && readString(buffer, 257, 5) === 'ustar')
    return 'tar';
  return undefined;
}

function readString(buffer: Uint8Array, start: number, length: number): string {
  const slice = buffer.subarray(start, start + length);
  const nul = slice.indexOf(0);
  return Buffer.from(nul === -1 ? slice : slice.subarray(0, nul)).toString('utf8');
}

class BombError extends Error {}
class TooLargeError extends Error {}

function remaining(budget: ArchiveBudget): number {
  return budget.limits.maxTotalBytes - budget.bytes;
}

/** Whether the archive budget has no member left; says so once, naming the member. */
function memberLimitReached(
  budget: ArchiveBudget,
  name: string,
  problems: ArchiveProblem[],
): boolean {
  if (budget.members < budget.limits.maxMembers) return false;
  problems.push({
    name,
    reason: 'archive-limit',
    detail: `more than ${budget.limits.maxMembers} members`,
  });
  return true;
}

function take(budget: ArchiveBudget, size: number): void {
  budget.bytes += size;
  budget.members++;
}

/**
 * Inflates at most the archive's remaining budget, and at most one byte past `memberCap` for a
 * single member: a member that will be skipped as too large is not expanded whole first (a
 * 145 MB member used to be, and the memory stayed with the process).
 */
function inflate(
  data: Uint8Array,
  budget: ArchiveBudget,
  gzip: boolean,
  memberCap: number,
): Buffer {
  const total = remaining(budget);
  if (total <= 0) throw new BombError('total expanded size limit reached');
  const limit = Math.min(total, memberCap + 1);
  try {
    return gzip
      ? gunzipSync(data, { maxOutputLength: limit })
      : inflateRawSync(data, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw error;
    if (limit < total) throw new TooLargeError(`more than ${memberCap} bytes`);
    throw new BombError(`expands past ${limit} bytes`);
  }
}

function failureReason(error: unknown): ArchiveProblem['reason'] {
  if (error instanceof BombError) return 'zip-bomb';
  return error instanceof TooLargeError ? 'too-large' : 'corrupt';
}

function isBomb(compressed: number, expanded: number, limits: ArchiveLimits): boolean {
  return expanded > 1024 * 1024 && expanded / Math.max(1, compressed) > limits.maxRatio;
}

function readZip(
  buffer: Buffer,
  budget: ArchiveBudget,
): { members: ArchiveMember[]; problems: ArchiveProblem[] } {
  const members: ArchiveMember[] = [];
  const problems: ArchiveProblem[] = [];
  // End of central directory: at the end, before a comment of at most 65535 bytes.
  let eocd = -1;
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 65557); i--) {
    if (buffer.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1)
    return { members, problems: [{ name: '', reason: 'corrupt', detail: 'no zip directory' }] };
  const count = buffer.readUInt16LE(eocd + 10);
  let at = buffer.readUInt32LE(eocd + 16);
  for (let n = 0; n < count && at + 46 <= buffer.length; n++) {
    if (buffer.readUInt32LE(at) !== 0x02014b50) break;
    const flags = buffer.readUInt16LE(at + 8);
    const method = buffer.readUInt16LE(at + 10);
    const compressed = buffer.readUInt32LE(at + 20);
    const size = buffer.readUInt32LE(at + 24);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const local = buffer.readUInt32LE(at + 42);
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (memberLimitReached(budget, name, problems)) break;
    if (flags & 1) {
      problems.push({ name, reason: 'unsupported', detail: 'encrypted member' });
      continue;
    }
    if (size === 0xffffffff || compressed === 0xffffffff) {
      problems.push({ name, reason: 'unsupported', detail: 'zip64 member' });
      continue;
    }
    if (isBomb(compressed, size, budget.limits) || size > remaining(budget)) {
      problems.push({
        name,
        reason: 'zip-bomb',
        detail: `declares ${size} bytes from ${compressed}`,
      });
      continue;
    }
    if (size > budget.maxMemberBytes) {
      problems.push({ name, reason: 'too-large', detail: `${size} bytes` });
      continue;
    }
    if (local + 30 > buffer.length || buffer.readUInt32LE(local) !== 0x04034b50) {
      problems.push({ name, reason: 'corrupt', detail: 'bad local header' });
      continue;
    }
    const dataStart =
      local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(dataStart, dataStart + compressed);
    try {
      let content: Buffer;
      if (method === 0) content = Buffer.from(data);
      else if (method === 8) content = inflate(data, budget, false, budget.maxMemberBytes);
      else {
        problems.push({ name, reason: 'unsupported', detail: `compression method ${method}` });
        continue;
      }
      if (isBomb(compressed, content.length, budget.limits)) throw new BombError('expansion ratio');
      take(budget, content.length);
      members.push({ name, content });
    } catch (error) {
      problems.push({ name, reason: failureReason(error), detail: (error as Error).message });
    }
  }
  members.push(...outsideEntries(buffer, eocd));
  return { members, problems };
}

/**
 * Text a zip carries outside its entries, which unzip shows or ignores and a person may have
 * pasted a token into: the archive's comment, and bytes appended after its end record. Each is
 * a member of its own, named in parentheses (no entry of the archive is named so in practice).
 */
function outsideEntries(buffer: Buffer, eocd: number): ArchiveMember[] {
  const members: ArchiveMember[] = [];
  const commentStart = eocd + 22;
  const commentEnd = Math.min(buffer.length, commentStart + buffer.readUInt16LE(eocd + 20));
  if (commentEnd > commentStart) {
    members.push({ name: '(zip comment)', content: buffer.subarray(commentStart, commentEnd) });
  }
  if (buffer.length > commentEnd) {
    members.push({ name: '(after the zip)', content: buffer.subarray(commentEnd) });
  }
  return members;
}

function readTar(
  buffer: Buffer,
  budget: ArchiveBudget,
): { members: ArchiveMember[]; problems: ArchiveProblem[] } {
  const members: ArchiveMember[] = [];
  const problems: ArchiveProblem[] = [];
  let at = 0;
  let longName: string | undefined;
  while (at + 512 <= buffer.length) {
    const header = buffer.subarray(at, at + 512);
    if (header.every((byte) => byte === 0)) break;
    const size = parseInt(readString(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = readString(header, 345, 155);
    let name =
      longName ?? (prefix ? `${prefix}/${readString(header, 0, 100)}` : readString(header, 0, 100));
    longName = undefined;
    const body = buffer.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (Number.isNaN(size)) {
      problems.push({ name, reason: 'corrupt', detail: 'bad size field' });
      break;
    }
    if (type === 'L') {
      longName = readString(body, 0, body.length);
      continue;
    }
    if (type === 'x') {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (path) longName = path[1];
      continue;
    }
    if (type !== '0' && type !== '7') continue;
    name = name.replace(/^\.\//, '');
    if (memberLimitReached(budget, name, problems)) break;
    take(budget, size);
    members.push({ name, content: Buffer.from(body) });
  }
  return { members, problems };
}

/** The members of one archive (not yet the archives inside it). */
export function readArchive(
  kind: ArchiveKind,
  path: string,
  buffer: Buffer,
  budget: ArchiveBudget,
): { members: ArchiveMember[]; problems: ArchiveProblem[] } {
  if (kind === 'zip') return readZip(buffer, budget);
  if (kind === 'tar') return readTar(buffer, budget);
  const inner = path
    .slice(path.lastIndexOf('!') + 1)
    .replace(/^.*\//, '')
    .replace(/\.gz$/i, '');
  let inflated: Buffer;
  try {
    // A tarball holds many members, so only its total is capped; a .gz holds one.
    inflated = inflate(buffer, budget, true, kind === 'tgz' ? Infinity : budget.maxMemberBytes);
    if (isBomb(buffer.length, inflated.length, budget.limits))
      throw new BombError('expansion ratio');
  } catch (error) {
    const reason = failureReason(error);
    // A .gz too large to scan is named by the file inside, as a plain file would be.
    const name = reason === 'too-large' && kind === 'gz' ? inner : '';
    return { members: [], problems: [{ name, reason, detail: (error as Error).message }] };
  }
  if (kind === 'tgz') return readTar(inflated, budget);
  take(budget, inflated.length);
  return { members: [{ name: inner, content: inflated }], problems: [] };
}
