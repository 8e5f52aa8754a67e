/**
 * The unit of work a worker receives: a file to read, or bytes already read (a git blob, a staged
 * entry, an archive member). Scanning one target never throws; what went wrong is in its result.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { scanText } from '../detect/scan-text.js';
import { MAX_MATCHES_PER_RULE, type RuleEngine } from '../detect/engine.js';
import type { Finding, SkipReason } from '../findings/types.js';
import { decodeText } from '../sources/text.js';
import {
  archiveKind,
  DEFAULT_ARCHIVE_LIMITS,
  readArchive,
  type ArchiveBudget,
  type ArchiveKind,
} from '../sources/archive.js';

export interface ScanTarget {
  /** Relative, `/`-separated path reported for the target. */
  path: string;
  absPath?: string;
  /** The path as bytes, for names that are not valid UTF-8 (the string form cannot open them). */
  rawPath?: Uint8Array;
  content?: Uint8Array;
  /**
   * Size of the file `content` stands for, when content holds only its changed lines (history):
   * the whole file counts as read.
   */
  originalSize?: number;
  /** Opaque id the source uses to map results back (a blob id). */
  id?: string;
}

export interface ScanOptions {
  redact: boolean;
  maxFileSize: number;
}

export interface TargetResult {
  path: string;
  id?: string;
  findings: Finding[];
  bytes: number;
  skipped?: { reason: SkipReason; detail?: string };
  /** Parts skipped inside a target that was otherwise scanned (archive members). */
  warnings?: { subject: string; reason: SkipReason; detail?: string }[];
}

/** Files up to this size are read into one reused buffer; bigger ones get their own. */
const SCRATCH_LIMIT = 4 * 1024 * 1024;
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * A buffer for `size` bytes. Reading every file into a fresh allocation kept the collector busy;
 * the scan of a target is synchronous and keeps no reference to its bytes once it returns (text
 * is decoded into strings), so one buffer serves them all.
 */
function bufferFor(size: number): Buffer {
  if (size > SCRATCH_LIMIT) return Buffer.allocUnsafe(size);
  if (size > scratch.length) {
    scratch = Buffer.allocUnsafe(Math.min(SCRATCH_LIMIT, Math.max(size, scratch.length * 2)));
  }
  return scratch;
}

function readWhole(
  absPath: string | Buffer,
  maxFileSize: number,
): Buffer | { reason: SkipReason; detail: string } {
  let fd: number;
  try {
    // Non-blocking open: a FIFO that replaced a file since the walk must not hang the scan.
    fd = openSync(absPath, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { reason: 'unreadable', detail: (error as NodeJS.ErrnoException).code ?? 'error' };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { reason: 'not-a-regular-file', detail: 'special file' };
    if (stats.size > maxFileSize) return { reason: 'too-large', detail: `${stats.size} bytes` };
    const buffer = bufferFor(stats.size);
    let read = 0;
    while (read < stats.size) {
      const n = readSync(fd, buffer, read, stats.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } catch (error) {
    return { reason: 'unreadable', detail: (error as NodeJS.ErrnoException).code ?? 'error' };
  } finally {
    closeSync(fd);
  }
}

export function scanTarget(
  engine: RuleEngine,
  target: ScanTarget,
  options: ScanOptions,
): TargetResult {
  const base = { path: target.path, id: target.id };
  let buffer: Buffer;
  if (target.content) {
    buffer = Buffer.from(
      target.content.buffer,
      target.content.byteOffset,
      target.content.byteLength,
    );
  } else if (target.absPath) {
    const path = target.rawPath ? Buffer.from(target.rawPath) : target.absPath;
    const read = readWhole(path, options.maxFileSize);
    if (!Buffer.isBuffer(read)) return { ...base, findings: [], bytes: 0, skipped: read };
    buffer = read;
  } else {
    return {
      ...base,
      findings: [],
      bytes: 0,
      skipped: { reason: 'unreadable', detail: 'no content' },
    };
  }
  if (buffer.length > options.maxFileSize) {
    return {
      ...base,
      findings: [],
      bytes: 0,
      skipped: { reason: 'too-large', detail: `${buffer.length} bytes` },
    };
  }

  const kind = archiveKind(target.path, buffer);
  if (kind) {
    const result: TargetResult = { ...base, findings: [], bytes: buffer.length, warnings: [] };
    const budget: ArchiveBudget = {
      members: 0,
      bytes: 0,
      limits: DEFAULT_ARCHIVE_LIMITS,
      maxMemberBytes: options.maxFileSize,
    };
    scanArchive(engine, target.path, buffer, kind, 1, budget, options, result);
    return result;
  }

  const bytes = target.originalSize ?? buffer.length;
  const decoded = decodeText(buffer);
  if (!decoded) return { ...base, findings: [], bytes, skipped: { reason: 'binary' } };
  const findings = scanText(
    engine,
    decoded.text,
    target.path,
    { redact: options.redact },
    decoded.source,
  );
  const warnings = matchLimitWarnings(target.path, findings);
  return { ...base, findings, bytes, ...(warnings.length ? { warnings } : {}) };
}

/**
 * A rule stops after MAX_MATCHES_PER_RULE matches in one text (past that a file is generated
 * noise, and the cap keeps its cost bounded); the user is told, since more may be real.
 */
function matchLimitWarnings(
  path: string,
  findings: Finding[],
): NonNullable<TargetResult['warnings']> {
  const perRule = new Map<string, number>();
  for (const finding of findings)
    perRule.set(finding.ruleId, (perRule.get(finding.ruleId) ?? 0) + 1);
  return [...perRule]
    .filter(([, count]) => count >= MAX_MATCHES_PER_RULE)
    .map(([ruleId]) => ({
      subject: path,
      reason: 'match-limit' as const,
      detail: `${ruleId} stopped after ${MAX_MATCHES_PER_RULE} matches`,
    }));
}

/**
 * Scans an archive's members as if they were files at `archive.zip!inner/path`, opening nested
 * archives up to the depth limit. Bombs, limits and unreadable members become warnings that name
 * the member; the rest of the archive is still scanned.
 */
function scanArchive(
  engine: RuleEngine,
  path: string,
  buffer: Buffer,
  kind: ArchiveKind,
  depth: number,
  budget: ArchiveBudget,
  options: ScanOptions,
  result: TargetResult,
): void {
  const { members, problems } = readArchive(kind, path, buffer, budget);
  // Its name and first bytes said archive, the rest did not: it may be text after all (a token
  // pasted after `PK`), and then it is scanned as text, as any other file would be.
  const unreadable =
    members.length === 0 && problems.some((p) => !p.name && p.reason === 'corrupt');
  const asText = unreadable ? decodeText(buffer) : undefined;
  if (asText) {
    const found = scanText(engine, asText.text, path, { redact: options.redact }, asText.source);
    result.findings.push(...found);
    return;
  }
  for (const problem of problems) {
    const detail =
      problem.reason === 'zip-bomb'
        ? `zip bomb: ${problem.detail}`
        : problem.reason === 'corrupt'
          ? `corrupt archive: ${problem.detail}`
          : problem.detail;
    const subject = problem.name ? `${path}!${problem.name}` : path;
    // A cut-off or damaged archive cannot be read; archive-limit is for what the limits stop.
    const reason =
      problem.reason === 'too-large'
        ? 'too-large'
        : problem.reason === 'corrupt'
          ? 'unreadable'
          : 'archive-limit';
    result.warnings!.push({ subject, reason, detail });
  }
  for (const member of members) {
    const memberPath = `${path}!${member.name}`;
    const nested = archiveKind(memberPath, member.content);
    if (nested) {
      if (depth >= budget.limits.maxDepth) {
        result.warnings!.push({
          subject: memberPath,
          reason: 'archive-limit',
          detail: 'nested too deep',
        });
      } else {
        scanArchive(engine, memberPath, member.content, nested, depth + 1, budget, options, result);
      }
      continue;
    }
    if (member.content.length > options.maxFileSize) {
      result.warnings!.push({
        subject: memberPath,
        reason: 'too-large',
        detail: `${member.content.length} bytes`,
      });
      continue;
    }
    const decoded = decodeText(member.content);
    if (!decoded) continue;
    const found = scanText(
      engine,
      decoded.text,
      memberPath,
      { redact: options.redact },
      decoded.source,
    );
    result.findings.push(...found);
  }
}
