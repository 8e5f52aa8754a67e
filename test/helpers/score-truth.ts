/**
 * Scores findings against a truth file (the format of the project's eval truth files): each
 * `detect` entry found counts once, further hits on it are duplicates, and a finding that hits an
 * `ignore` entry or no entry at all is a false alarm.
 */
import type { Finding } from '../../src/findings/types.js';

export interface TruthEntry {
  path: string;
  line: number;
  line_end?: number;
  kind: string;
  expect: 'detect' | 'ignore' | 'either';
}

export interface Score {
  truePositives: number;
  falseNegatives: TruthEntry[];
  falsePositives: { path: string; line: number; ruleId: string; kind: string }[];
  duplicates: number;
  recall: number;
}

function hits(entry: TruthEntry, finding: Finding): boolean {
  if (entry.path !== finding.path) return false;
  const low = entry.line;
  const high = entry.line_end ?? entry.line;
  return finding.line <= high && (finding.endLine ?? finding.line) >= low && finding.line <= high;
}

export function score(truth: TruthEntry[], findings: Finding[]): Score {
  const found = new Set<TruthEntry>();
  const falsePositives: Score['falsePositives'] = [];
  let duplicates = 0;
  // Narrow entries first, as the shared scorer does.
  const ordered = [...truth].sort(
    (a, b) => (a.line_end ?? a.line) - a.line - ((b.line_end ?? b.line) - b.line),
  );
  for (const finding of findings) {
    // A finding credits the entry on its first line; multi-line findings (keys) span further.
    const matches = ordered.filter(
      (entry) =>
        entry.path === finding.path &&
        entry.line >= finding.line &&
        entry.line <= finding.endLine &&
        hits(entry, finding),
    );
    const detect = matches.find((entry) => entry.expect === 'detect' && !found.has(entry));
    if (detect) {
      found.add(detect);
      continue;
    }
    if (matches.some((entry) => entry.expect === 'detect')) {
      duplicates++;
      continue;
    }
    if (matches.some((entry) => entry.expect === 'either')) continue;
    const ignored = matches.find((entry) => entry.expect === 'ignore');
    falsePositives.push({
      path: finding.path,
      line: finding.line,
      ruleId: finding.ruleId,
      kind: ignored?.kind ?? 'unlabeled',
    });
  }
  const expected = truth.filter((entry) => entry.expect === 'detect');
  return {
    truePositives: found.size,
    falseNegatives: expected.filter((entry) => !found.has(entry)),
    falsePositives,
    duplicates,
    recall: expected.length ? found.size / expected.length : 1,
  };
}
