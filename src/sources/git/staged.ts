/**
 * What a commit made now would add: the index against HEAD (or the empty tree before the first
 * commit), with the lines each file adds. One `git diff --cached` gives both, the raw records
 * NUL-separated first, then the patch, so a pre-commit hook costs one git process for this.
 */
import { parsePatch, type AddedLines } from './hunks.js';
import { ZERO_ID } from './log.js';
import { decodePath } from './paths.js';
import { git } from './run.js';

export interface StagedFile {
  /** Blob id in the index. */
  id: string;
  /** Blob id in HEAD (before a rename, at the old path), when the file was there. */
  previousId?: string;
  path: string;
  pathEscaped: boolean;
  mode: string;
  added: AddedLines;
}

export interface StagedChanges {
  files: StagedFile[];
  /** Gitlinks changed in the index: noted, not entered. */
  submodules: string[];
  /** Paths with unresolved merge conflicts: the index has no single blob for them yet. */
  unmerged: string[];
}

export async function stagedChanges(cwd: string): Promise<StagedChanges> {
  const out = await git(cwd, [
    'diff',
    '--cached',
    '--raw',
    '-p',
    '-z',
    '-U0',
    '--no-abbrev',
    '--full-index',
    '-M',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--',
  ]);
  const changes: StagedChanges = { files: [], submodules: [], unmerged: [] };
  const records: Array<{ fields: string[]; path: Buffer }> = [];
  let pos = 0;
  while (pos < out.length && out[pos] === 0x3a /* ':' */) {
    const end = out.indexOf(0, pos);
    const fields = out.toString('latin1', pos, end).split(' ');
    const status = fields[4] ?? '';
    let cursor = end + 1;
    // A rename or copy is followed by the old path, then the new one.
    if (/^[RC]/.test(status)) cursor = out.indexOf(0, cursor) + 1;
    const pathEnd = out.indexOf(0, cursor);
    records.push({ fields, path: out.subarray(cursor, pathEnd) });
    pos = pathEnd + 1;
  }
  // An empty record ends the raw part; the patch follows.
  const sections = parsePatch(out.toString('latin1', pos));

  let next = 0;
  for (const { fields, path: rawPath } of records) {
    const [, mode = '', oldId = '', id = '', status = ''] = fields;
    const path = decodePath(rawPath);
    if (status.startsWith('U')) {
      changes.unmerged.push(path.path);
      continue;
    }
    if (status === 'D' || ZERO_ID.test(id)) continue;
    if (mode === '160000') {
      changes.submodules.push(path.path);
      continue;
    }
    let added: AddedLines | undefined;
    for (let j = next; j < sections.length; j++) {
      if (sections[j]!.id === id) {
        added = sections[j];
        next = j + 1;
        break;
      }
    }
    // No section: a pure rename or mode change, which adds no line.
    changes.files.push({
      id,
      previousId: ZERO_ID.test(oldId) || oldId === '' ? undefined : oldId,
      path: path.path,
      pathEscaped: path.escaped,
      mode,
      added: added ?? { id, ranges: [], whole: false },
    });
  }
  return changes;
}
