/**
 * Added lines from a `-U0 --full-index` patch. Sections are matched to files by the blob id on
 * their `index` line, never by the quoted path in their header, so odd names cannot confuse it.
 */

export interface AddedLines {
  /** Blob id after the change. */
  id: string;
  /** [first, last] 1-based line ranges that the change added. */
  ranges: Array<[number, number]>;
  /** git judged the file binary and printed no lines: treat every line as added. */
  whole: boolean;
}

const INDEX = /^index ([0-9a-f]+)\.\.([0-9a-f]+)/m;
const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/gm;

/** One entry per patch section that has an `index` line, in the patch's order. */
export function parsePatch(patch: string): AddedLines[] {
  const out: AddedLines[] = [];
  for (const section of patch.split(/^(?=diff --git )/m)) {
    const index = INDEX.exec(section);
    if (!index) continue;
    const ranges: Array<[number, number]> = [];
    for (const hunk of section.matchAll(HUNK)) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      if (count > 0) ranges.push([start, start + count - 1]);
    }
    const whole = ranges.length === 0 && /^Binary files /m.test(section);
    out.push({ id: index[2]!, ranges, whole });
  }
  return out;
}

export function touchesAdded(added: AddedLines, line: number, endLine: number): boolean {
  if (added.whole) return true;
  return added.ranges.some(([first, last]) => line <= last && endLine >= first);
}
