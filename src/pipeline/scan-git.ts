/**
 * Scans from git instead of the working tree: every blob in history, the blobs a commit range
 * introduced, or what is staged in the index. Each returns the same ScanResult as the working
 * tree scan, with paths relative to the repository's top level as git names them.
 */
import { resolve } from 'node:path';
import picomatch from 'picomatch';
import { UsageError } from '../cli/errors.js';
import type { Finding, SkipReason } from '../findings/types.js';
import { log } from '../log/logger.js';
import { builtinRules } from '../rules/load.js';
import { indexBlobs, type BlobIndex } from '../sources/git/history.js';
import { touchesAdded } from '../sources/git/hunks.js';
import type { WalkOptions } from '../sources/git/log.js';
import { readBlobs } from '../sources/git/objects.js';
import {
  NotARepositoryError,
  openRepository,
  openRepositoryQuick,
  type Repository,
} from '../sources/git/repo.js';
import { gitMaybe } from '../sources/git/run.js';
import { stagedChanges, type StagedFile } from '../sources/git/staged.js';
import { attribute, headTree, treeBlobs } from './history-attribution.js';
import { baselines, changedSince, KEPT_VERSION_BYTES, KeptVersions } from './history-versions.js';
import { trackedFiles } from '../analysis/git-facts.js';
import { createEngine } from '../pool/worker.js';
import {
  defaultThreads,
  INLINE_FILES,
  runTargets,
  SkipCounter,
  type RunOutcome,
  type SizedTarget,
} from './run-targets.js';
import { runOptionsFor, type ScanRequest, type ScanResult } from './scan.js';

export interface HistoryOptions {
  /** Only commits after this date (anything `git log --since` reads). */
  since?: string;
  /**
   * Scan every version of a file whole, not only what changed since the version before: the
   * slower form the tests hold the fast one to.
   */
  wholeVersions?: boolean;
}

export async function scanHistory(
  request: ScanRequest,
  options: HistoryOptions = {},
): Promise<ScanResult> {
  const repo = await open(request, '--history');
  const skips = new SkipCounter();
  describe(repo, skips);
  const headPaths = headTreeBeside(repo);
  const index = await indexBlobs(repo.top, walkOptions(['--all'], options.since, true));
  if (index.commits === 0) {
    const why = options.since
      ? `no commit after ${options.since}`
      : 'the repository has no commits yet';
    note(skips, 'warning', repo.top, 'empty-history', `${why}: there was no history to scan`);
  }
  return scanIndex(repo, index, request, skips, {
    wholeVersions: options.wholeVersions,
    headPaths,
  });
}

/** `BASE..HEAD` (or `BASE...HEAD`): the blobs those commits introduced, for a pull request. */
export async function scanRange(
  request: ScanRequest,
  range: string,
  options: HistoryOptions = {},
): Promise<ScanResult> {
  const repo = await open(request, '--range');
  const sides = range.split(/\.\.\.?/);
  if (!range.includes('..') || sides.length !== 2) {
    throw new UsageError(`--range takes BASE..HEAD, not "${range}"`);
  }
  for (const side of sides) {
    if (side.startsWith('-')) throw new UsageError(`--range: "${side}" is not a revision`);
    const rev = side || 'HEAD';
    const found = await gitMaybe(repo.top, ['rev-parse', '-q', '--verify', `${rev}^{commit}`]);
    if (!found) throw new UsageError(`--range: "${rev}" is not a commit in ${repo.top}`);
  }
  const skips = new SkipCounter();
  describe(repo, skips);
  const headPaths = headTreeBeside(repo);
  const baseBlobs = rangeBaseBlobs(repo, sides[0] || 'HEAD', sides[1] || 'HEAD', range);
  const index = await indexBlobs(repo.top, walkOptions([range], options.since, true));
  if (index.commits === 0) note(skips, 'note', range, 'empty-range', 'the range holds no commits');
  return scanIndex(repo, index, request, skips, { preImages: await baseBlobs, headPaths });
}

/**
 * The blobs of the tree the range starts from: BASE's for `BASE..HEAD`, the merge base's for
 * `BASE...HEAD`. A file the range returns to such a version held what that version holds
 * before the range began.
 */
async function rangeBaseBlobs(
  repo: Repository,
  base: string,
  head: string,
  range: string,
): Promise<Set<string>> {
  const start = range.includes('...')
    ? (await gitMaybe(repo.top, ['merge-base', base, head]))?.toString('latin1').trim()
    : base;
  if (!start) return new Set();
  return new Set((await treeBlobs(repo.top, start)).keys());
}

export async function scanStaged(request: ScanRequest): Promise<ScanResult> {
  // A pre-commit hook waits on three rounds of git processes; the first two start together and
  // the rules compile while they run, instead of after.
  const opened = open(request, '--staged', openRepositoryQuick);
  const staged = stagedChanges(resolve(request.paths[0] ?? '.')).catch((error: Error) => error);
  const options = runOptionsFor(request);
  const engine = createEngine(options.setup);
  const repo = await opened;
  if (repo.bare) {
    throw new UsageError(`--staged: ${repo.top} is a bare repository: it has no index to scan`);
  }
  const skips = new SkipCounter();
  const changes = await staged;
  if (changes instanceof Error) throw changes;
  for (const path of changes.submodules) {
    note(skips, 'note', path, 'submodule', 'submodule change: scan the submodule on its own');
  }
  for (const path of changes.unmerged) {
    note(
      skips,
      'warning',
      path,
      'unmerged',
      'unresolved merge conflict: not scanned until resolved',
    );
  }
  const select = pathFilter(request, skips);
  const files = changes.files.filter((file) => select(file.path));
  const tracked = files.length > 0 ? trackedFiles(repo.top) : undefined;
  noteEscaped(
    files.filter((f) => f.pathEscaped).map((f) => f.path),
    skips,
  );

  const byTarget = new Map<string, StagedFile>();
  const dropped = new Set<Finding>();
  /** Secrets HEAD's version of a changed file held, as `rule\0digest\0path`. */
  const heldBefore = new Set<string>();
  // As for a range: a commit that touches a line holding an old secret (a reformat, new line
  // endings) is not blamed for it; the history scan reports that secret.
  const changed = files.filter((file) => file.previousId && file.added.ranges.length > 0);
  async function* targets(): AsyncGenerator<SizedTarget> {
    const wanted = [...files.map((file) => file.id), ...changed.map((file) => file.previousId!)];
    const ids = [...new Set(wanted)];
    const contents = new Map<string, Uint8Array>();
    for await (const record of readBlobs(repo.top, ids, request.maxFileSize)) {
      if ('content' in record) contents.set(record.id, record.content);
      else reportBlobProblem(record, files.find((f) => f.id === record.id)?.path ?? '', skips);
    }
    const uses = new Map<string, number>();
    for (const id of wanted) uses.set(id, (uses.get(id) ?? 0) + 1);
    // Each target owns its bytes, since a worker takes them over: copies until the last use.
    const own = (id: string) => {
      const content = contents.get(id);
      const left = (uses.get(id) ?? 1) - 1;
      uses.set(id, left);
      return content && left > 0 ? content.slice() : content;
    };
    for (const [n, file] of files.entries()) {
      const content = own(file.id);
      if (!content) continue;
      byTarget.set(String(n), file);
      yield { path: file.path, id: String(n), content, size: content.length };
    }
    for (const file of changed) {
      const content = own(file.previousId!);
      if (content) yield { path: file.path, id: 'before', content, size: content.length };
    }
  }
  const outcome = await runTargets(
    targets(),
    {
      ...options,
      engine,
      counted: (result) => result.id !== 'before',
      onResult: (result) => {
        if (result.id === 'before') {
          for (const f of result.findings) {
            heldBefore.add(`${f.ruleId}\0${f.valueDigest}\0${f.path}`);
            dropped.add(f);
          }
          return;
        }
        const file = byTarget.get(result.id ?? '');
        for (const finding of result.findings) {
          if (!file || !touchesAdded(file.added, finding.line, finding.endLine))
            dropped.add(finding);
        }
      },
    },
    skips,
  );
  const held = (f: Finding) => heldBefore.has(`${f.ruleId}\0${f.valueDigest}\0${f.path}`);
  keep(outcome, (finding) => !dropped.has(finding) && !held(finding));
  const escaped = new Set(files.filter((f) => f.pathEscaped).map((f) => f.path));
  return { ...result(repo, outcome, request, escaped), tracked };
}

async function open(
  request: ScanRequest,
  flag: '--history' | '--range' | '--staged',
  discover = openRepository,
): Promise<Repository> {
  if (request.paths.length > 1) {
    throw new UsageError(`${flag} takes one repository path, not ${request.paths.length}`);
  }
  try {
    return await discover(request.paths[0] ?? '.');
  } catch (error) {
    if (error instanceof NotARepositoryError) throw new UsageError(`${flag}: ${error.message}`);
    throw error;
  }
}

const RELATIVE =
  /^(?:\d+[ .](second|minute|hour|day|week|month|year)s?([ .]ago)?|yesterday|today|now)$/i;

function walkOptions(
  revisions: string[],
  since: string | undefined,
  renames: boolean,
): WalkOptions {
  // git reads any text as some date; a typo must not become a silently different window.
  if (since !== undefined && Number.isNaN(Date.parse(since)) && !RELATIVE.test(since.trim())) {
    throw new UsageError(
      `--since takes a date such as 2024-01-31, "6 months ago" or yesterday, not "${since}"`,
    );
  }
  return { revisions, since: since === undefined ? undefined : sinceForGit(since), renames };
}

/**
 * git fills a date without a time with the time of day the scan runs, so `--since 2024-01-31`
 * would drop that day's morning commits in the afternoon: a bare day (`2024-1-31`, `2024/01/31`
 * and `2024.01.31` too) starts at its midnight. A day the calendar lacks is a usage error, not
 * a date git rolls over into the next month.
 */
export function sinceForGit(since: string): string {
  const day = /^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*$/.exec(since);
  if (!day) return since;
  const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
  const real = new Date(Date.UTC(year, month - 1, date));
  if (real.getUTCMonth() !== month - 1 || real.getUTCDate() !== date) {
    throw new UsageError(`--since: ${since.trim()} is not a day of the calendar`);
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${year}-${pad(month)}-${pad(date)} 00:00:00`;
}

/**
 * A notice for the report. It counts in the summary's "skipped" unless `scanned` says the subject
 * was scanned all the same (a name shown with escapes).
 */
function note(
  skips: SkipCounter,
  level: 'warning' | 'note',
  subject: string,
  reason: string,
  message: string,
  { scanned = false } = {},
): void {
  if (level === 'warning') log.warn(`${subject}: ${message}`);
  else log.info(`${subject}: ${message}`);
  skips.notices.push({ level, subject, reason, message });
  if (!scanned) skips.counts[reason] = (skips.counts[reason] ?? 0) + 1;
}

/** What about the repository changes how the result reads: said once, before scanning. */
function describe(repo: Repository, skips: SkipCounter): void {
  for (const cut of repo.shallowCuts) {
    note(
      skips,
      'warning',
      cut,
      'shallow-clone',
      `shallow clone: history is cut at commit ${cut}; older commits are not in this clone and ` +
        'were not scanned, the tree at the cut was scanned whole (fetch with --unshallow for all)',
    );
  }
  if (repo.detached && repo.head) {
    const message = `HEAD is detached at ${repo.head}; its commits are scanned too`;
    note(skips, 'note', 'HEAD', 'detached-head', message);
  }
}

function pathFilter(request: ScanRequest, skips: SkipCounter): (path: string) => boolean {
  const included = request.include.length ? picomatch(request.include, { dot: true }) : undefined;
  const excluded = request.exclude.length ? picomatch(request.exclude, { dot: true }) : undefined;
  return (path) => {
    if (excluded?.(path) || (included && !included(path))) {
      skips.add(path, 'excluded');
      return false;
    }
    return true;
  };
}

function noteEscaped(paths: string[], skips: SkipCounter): void {
  for (const path of paths) {
    note(
      skips,
      'note',
      path,
      'non-utf8-path',
      'file name is not valid UTF-8: shown with \\xNN escapes',
      { scanned: true },
    );
  }
}

function reportBlobProblem(
  record: { id: string; size?: number; tooLarge?: true; problem?: string; detail?: string },
  path: string,
  skips: SkipCounter,
): void {
  if (record.tooLarge) skips.add(path, 'too-large', `${record.size} bytes, blob ${record.id}`);
  else
    skips.add(
      `${path} (blob ${record.id})`,
      'invalid-object',
      `${record.problem}: ${record.detail}`,
    );
}

/**
 * HEAD's tree, read while the commits are walked: a monorepo's tree takes git a while to list.
 * A failure is reported where the result is awaited, not as an unhandled rejection meanwhile.
 */
function headTreeBeside(repo: Repository): Promise<Map<string, string[]>> {
  const paths = headTree(repo);
  paths.catch(() => {});
  return paths;
}

function keep(outcome: RunOutcome, predicate: (finding: Finding) => boolean): void {
  outcome.findings = outcome.findings.filter(predicate);
  outcome.summary.findings = outcome.findings.length;
}

function result(
  repo: Repository,
  outcome: RunOutcome,
  request: ScanRequest,
  escapedPaths: Set<string>,
): ScanResult {
  const rules = [...builtinRules(), ...request.extraRules];
  return { ...outcome, rules, root: repo.top, escapedPaths };
}

/**
 * Scans each indexed blob once, then says where each finding came from and if HEAD has it. A
 * version that replaced one scanned before it at the same path is scanned for what changed
 * (src/sources/changed-lines.ts). With `preImages` (ranges), the version each blob replaced is
 * scanned too, and a secret that version already held is not reported again: a pull request
 * that edits a file is not blamed for it.
 */
async function scanIndex(
  repo: Repository,
  index: BlobIndex,
  request: ScanRequest,
  skips: SkipCounter,
  options: {
    /** For a range: the blobs of the tree it starts from (rangeBaseBlobs). */
    preImages?: Set<string>;
    wholeVersions?: boolean;
    headPaths?: Promise<Map<string, string[]>>;
  } = {},
): Promise<ScanResult> {
  for (const [path, commit] of index.submodules) {
    const message = `submodule (first seen in ${commit}): not entered; scan it on its own`;
    note(skips, 'note', path, 'submodule', message);
  }
  noteEscaped([...index.escapedPaths], skips);
  const select = pathFilter(request, skips);
  const blobs = new Map([...index.blobs].filter(([, sighting]) => select(sighting.path)));
  const preImages = new Map<string, string>();
  if (options.preImages) {
    // What a version replaced, when the range did not make it, or when the range went back to a
    // version its base held (a change undone).
    for (const sighting of blobs.values()) {
      const before = sighting.previousId;
      if (before && (!blobs.has(before) || options.preImages.has(before))) {
        preImages.set(before, sighting.path);
      }
    }
  }

  const headPaths = await (options.headPaths ?? headTree(repo));
  // A range's pre-images already decide what is new in it; it is scanned whole.
  const baselineOf =
    options.preImages || options.wholeVersions
      ? new Map<string, string>()
      : baselines(index, blobs, headPaths);
  const baselineUses = new Map<string, number>();
  for (const before of baselineOf.values())
    baselineUses.set(before, (baselineUses.get(before) ?? 0) + 1);

  /** Blobs read but not scanned (binary, too large): what they hold is not known. */
  const unscanned = new Map<string, SkipReason>();
  async function* targets(): AsyncGenerator<SizedTarget> {
    const ids = [...blobs.keys(), ...preImages.keys()];
    const kept = new KeptVersions(KEPT_VERSION_BYTES);
    // One record per id, in order: past the range's own blobs come the pre-images, which may
    // be blobs of the range too (a change undone) and are then read a second time.
    let read = 0;
    for await (const record of readBlobs(repo.top, ids, request.maxFileSize)) {
      const sighting = read++ < blobs.size ? blobs.get(record.id) : undefined;
      const path = sighting?.path ?? preImages.get(record.id)!;
      const id = sighting ? record.id : `before:${record.id}`;
      if (!('content' in record)) {
        if (sighting) reportBlobProblem(record, path, skips);
        unscanned.set(record.id, 'tooLarge' in record ? 'too-large' : 'invalid-object');
        continue;
      }
      const before = baselineOf.get(record.id);
      const baseline = before ? kept.take(before) : undefined;
      const changed = baseline ? changedSince(path, record.content, baseline) : undefined;
      const uses = baselineUses.get(record.id);
      if (uses) kept.keep(record.id, record.content, uses);
      // Bytes are handed over to a worker: a version kept for later goes as a copy.
      const content = changed ?? (uses ? record.content.slice() : record.content);
      const originalSize = changed ? record.size : undefined;
      yield { path, id, content, size: content.length, originalSize };
    }
  }
  const blobOf = new Map<Finding, string>();
  /** Secrets the pre-images held, as `rule\0digest\0lineage` (the file across renames). */
  const heldBefore = new Set<string>();
  const outcome = await runTargets(
    targets(),
    {
      ...runOptionsFor(request),
      // A history scan reads and compares versions on this thread while git hands them over:
      // on two cores, a second worker only made both wait for each other (2.2 s against 2.0 s).
      threads: request.threads ?? (baselineOf.size ? defaultThreads(1) : undefined),
      large: blobs.size + preImages.size >= INLINE_FILES,
      counted: (result) => !result.id?.startsWith('before:'),
      onResult: (result) => {
        const id = result.id ?? '';
        if (result.skipped) unscanned.set(id, result.skipped.reason);
        if (id.startsWith('before:')) {
          for (const f of result.findings)
            heldBefore.add(`${f.ruleId}\0${f.valueDigest}\0${index.lineageOf(result.path)}`);
        }
        for (const finding of result.findings) blobOf.set(finding, id);
      },
    },
    skips,
  );
  // By lineage: a file renamed in the range held what it held under its old name.
  const isNew = (finding: Finding) =>
    !heldBefore.has(`${finding.ruleId}\0${finding.valueDigest}\0${index.lineageOf(finding.path)}`);
  keep(outcome, (finding) => blobs.has(blobOf.get(finding) ?? '') && isNew(finding));

  outcome.findings = attribute(outcome.findings, {
    index,
    blobs,
    blobOf,
    headPaths,
    select,
    unscanned,
  });
  outcome.summary.findings = outcome.findings.length;
  return result(repo, outcome, request, index.escapedPaths);
}
