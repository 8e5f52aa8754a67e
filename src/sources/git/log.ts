/**
 * Walks commits with `git log --raw -z`: for each commit, the blobs its diff adds or changes. A
 * merge shows, through `-c`, only what differs from every parent (a conflict resolution); the
 * rest was already introduced on one of the branches. Root commits and a shallow clone's
 * boundary commits diff against the empty tree, so their whole tree counts as introduced.
 */
import { decodePath } from './paths.js';
import { GitError, nulRecords, spawnGit } from './run.js';

export interface CommitInfo {
  id: string;
  parents: string[];
  author: string;
  /** Author date, ISO 8601. */
  date: string;
  /**
   * Position in the walk: parents before children, otherwise by committer time. Orders
   * sightings of the same blob, so a skewed clock cannot make a child older than its parent.
   */
  order: number;
}

export interface ChangedEntry {
  /** Object id after the change. */
  id: string;
  /** Object id before (first parent), all zeros when the path is new. */
  oldId: string;
  mode: string;
  status: string;
  path: string;
  pathEscaped: boolean;
  /** Path before a rename or copy, when rename detection is on. */
  oldPath?: string;
}

export interface CommitChanges {
  commit: CommitInfo;
  entries: ChangedEntry[];
}

const HEADER = '%x01%H%x00%P%x00%an <%ae>%x00%aI';
const HEADER_FIELDS = HEADER.split('%x00').length;
export const ZERO_ID = /^0+$/;

export interface WalkOptions {
  /** Revisions (`--all`, `base..head`), placed after `--end-of-options` where they are data. */
  revisions: string[];
  since?: string;
  /** Pair renames, so a moved file keeps its identity and does not count as new. */
  renames: boolean;
}

export async function* walkCommits(
  cwd: string,
  options: WalkOptions,
): AsyncGenerator<CommitChanges> {
  const args = [
    'log',
    '--raw',
    '-z',
    '-c',
    '--root',
    '--no-abbrev',
    // Parents before children, otherwise oldest commit first: what "seen first" means.
    '--date-order',
    '--reverse',
    '--no-textconv',
    '--no-ext-diff',
    options.renames ? '-M' : '--no-renames',
    `--format=${HEADER}`,
    ...(options.since ? [`--since=${options.since}`] : []),
  ];
  const flags = options.revisions.filter((r) => r.startsWith('--'));
  const revs = options.revisions.filter((r) => !r.startsWith('--'));
  args.push(...flags, '--end-of-options', ...revs, '--');
  const child = spawnGit(cwd, args);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const closed = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );

  let current: CommitChanges | undefined;
  let order = 0;
  let header: string[] | undefined;
  /** A raw record waiting for its path(s). */
  let record: { fields: string[]; paths: Buffer[]; want: number } | undefined;
  try {
    for await (const token of nulRecords(child.stdout as AsyncIterable<Buffer>)) {
      if (record) {
        record.paths.push(token);
        if (record.paths.length === record.want) {
          current?.entries.push(toEntry(record.fields, record.paths));
          record = undefined;
        }
        continue;
      }
      if (header) {
        header.push(token.toString('utf8'));
        if (header.length === HEADER_FIELDS) {
          current = { commit: toCommit(header, order++), entries: [] };
          header = undefined;
        }
        continue;
      }
      if (token[0] === 1) {
        if (current) yield current;
        current = undefined;
        header = [token.toString('utf8', 1)];
        continue;
      }
      const text = token.toString('latin1').replace(/^\n/, '');
      if (!text.startsWith(':')) continue;
      const fields = text.split(' ');
      const status = fields[fields.length - 1] ?? '';
      const combined = text.startsWith('::');
      record = { fields, paths: [], want: !combined && /^[RC]/.test(status) ? 2 : 1 };
    }
    if (current) yield current;
  } finally {
    if (child.exitCode === null) child.kill();
  }
  const code = await closed;
  if (code !== 0) throw new GitError(args, stderr, code);
}

function toCommit(header: string[], order: number): CommitInfo {
  return {
    id: header[0]!,
    parents: header[1] ? header[1].split(' ') : [],
    author: header[2]!,
    date: header[3]!,
    order,
  };
}

/**
 * `:old new oldId newId S` for one parent; `::m1 m2 mNew id1 id2 idNew SS` for a combined merge
 * diff. The result's mode and id come last among their groups either way.
 */
function toEntry(fields: string[], paths: Buffer[]): ChangedEntry {
  const parents = fields[0]!.match(/^:+/)![0].length;
  const modes = fields.slice(0, parents + 1);
  const ids = fields.slice(parents + 1, 2 * parents + 2);
  const target = decodePath(paths[paths.length - 1]!);
  return {
    id: ids[ids.length - 1]!,
    oldId: ids[0]!,
    mode: modes[modes.length - 1]!,
    status: fields[fields.length - 1]!,
    path: target.path,
    pathEscaped: target.escaped,
    oldPath: paths.length > 1 ? decodePath(paths[0]!).path : undefined,
  };
}
