/** Human output, grouped by file like ESLint's stylish formatter, ending with a summary. */
import type { Finding, HistorySighting, Notice, ScanSummary } from '../findings/types.js';
import { sarifLevel } from './rule-meta.js';

/**
 * How much the report says. `quiet` is the findings and a one-line total, nothing at all when
 * there is none (a pre-commit hook's output); `verbose` adds what was skipped and why, the
 * suppressed findings, and the rule and thread counts.
 */
export type TextDetail = 'quiet' | 'normal' | 'verbose';

export interface TextInput {
  findings: Finding[];
  summary: ScanSummary;
  color: boolean;
  detail?: TextDetail;
  /** Listed with --verbose: the same notices JSON and SARIF carry. */
  notices?: Notice[];
  /** Rules the scan ran, for the verbose summary. */
  ruleCount?: number;
  /** How the target was chosen, printed once. */
  targetNote?: string;
}

const paint = (on: boolean, code: string, text: string) =>
  on ? `\x1b[${code}m${text}\x1b[0m` : text;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** One line on what was read; with a rule count, also how many rules ran on how many threads. */
export function summaryLine(summary: ScanSummary, ruleCount?: number): string {
  const skipped = Object.entries(summary.skipped)
    .filter(([, n]) => n)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  const rate = summary.seconds > 0 ? ` (${formatBytes(summary.bytes / summary.seconds)}/s)` : '';
  // A small scan runs in the main thread (threads 0): starting workers would cost more.
  const where =
    summary.threads === 0
      ? 'in the main thread'
      : `on ${summary.threads} worker thread${summary.threads === 1 ? '' : 's'}`;
  const engine = ruleCount === undefined ? '' : ` with ${ruleCount} rules ${where}`;
  return (
    `scanned ${plural(summary.files, 'file')}, ${formatBytes(summary.bytes)} in ${summary.seconds.toFixed(2)} s${rate}` +
    `${engine}${skipped ? `; skipped: ${skipped}` : ''}`
  );
}

/** A name with a line break or other control character could forge report lines: escape it. */
function printablePath(path: string): string {
  return /[\u0000-\u001f\u007f]/.test(path) ? JSON.stringify(path) : path;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function findingLines(finding: Finding, input: TextInput): string[] {
  const { color } = input;
  const level = sarifLevel(finding.confidence);
  const levelText = paint(
    color,
    level === 'error' ? '31' : level === 'warning' ? '33' : '36',
    level.padEnd(7),
  );
  const lines = [
    `  ${`${finding.line}:${finding.column}`.padEnd(9)} ${levelText} ${finding.ruleName}  ` +
      `${paint(color, '1', finding.secret ?? finding.redacted)}  ${paint(color, '2', finding.ruleId)}`,
  ];
  const details: string[] = finding.history ? historyDetails(finding.history) : [];
  if (finding.decodedVia) details.push(`decoded via ${finding.decodedVia.join(' → ')}`);
  if (finding.antiPatterns?.length)
    details.push(`anti-patterns: ${finding.antiPatterns.join(', ')}`);
  if (finding.sharedWith?.length)
    details.push(`same value also in: ${finding.sharedWith.join(', ')}`);
  // The fix is advice, five lines a finding: a quiet report keeps only what was found.
  if (input.detail !== 'quiet' && finding.remediation) {
    const r = finding.remediation;
    details.push(`fix (${r.target}): ${r.summary}`);
    details.push(`  replace with: ${r.replacement.split('\n').join('\n' + ' '.repeat(26))}`);
    details.push(`  store:  ${r.storeCommand}`);
    details.push(`  rotate: ${r.rotation} (${r.rotationUrl})`);
    if (r.extra) details.push(`  then:   ${r.extra}`);
  }
  for (const detail of details) lines.push(`  ${' '.repeat(9)} ${paint(color, '2', detail)}`);
  return lines;
}

function totalLine(visible: Finding[], color: boolean): string {
  if (!visible.length) return paint(color, '32', '✔ no secrets found');
  const byLevel = { high: 0, medium: 0, low: 0 };
  for (const f of visible) byLevel[f.confidence]++;
  const files = new Set(visible.map((f) => f.path)).size;
  return paint(
    color,
    '31;1',
    `✖ ${plural(visible.length, 'finding')} in ${plural(files, 'file')}` +
      ` (${byLevel.high} high, ${byLevel.medium} medium, ${byLevel.low} low confidence)`,
  );
}

/** What --verbose adds: each suppressed finding, and each file skipped or noted, by reason. */
function verboseLines(input: TextInput, suppressed: Finding[]): string[] {
  const lines: string[] = [];
  for (const f of suppressed) {
    const by = f.suppression?.kind === 'inSource' ? 'allow comment' : 'baseline';
    lines.push(`  ${printablePath(f.path)}:${f.line}:${f.column}  ${f.ruleId}  (${by})`);
  }
  const byReason = new Map<string, Notice[]>();
  for (const notice of input.notices ?? []) {
    byReason.set(notice.reason, [...(byReason.get(notice.reason) ?? []), notice]);
  }
  if (byReason.size) lines.push('skipped or noted:');
  // By reason, then by name: the walk's order depends on the file system.
  for (const reason of [...byReason.keys()].sort()) {
    const notices = byReason.get(reason)!.sort((a, b) => a.subject.localeCompare(b.subject));
    for (const n of notices) lines.push(`  ${printablePath(n.subject)}: ${n.message}`);
    // Notices stop at a cap per reason; the summary counted every one.
    const more = (input.summary.skipped[reason] ?? 0) - notices.length;
    if (more > 0) lines.push(`  …and ${more} more (${reason})`);
  }
  return lines;
}

export function toText(input: TextInput): string {
  const { color } = input;
  const quiet = input.detail === 'quiet';
  const visible = input.findings.filter((f) => !f.suppression);
  if (quiet && !visible.length) return '';
  const lines: string[] = [];
  if (input.targetNote && !quiet) lines.push(paint(color, '2', input.targetNote), '');
  let current = '';
  for (const finding of visible) {
    const path = printablePath(finding.path);
    const location = finding.history ? `${path} @ ${finding.history.commit.slice(0, 12)}` : path;
    if (location !== current) {
      if (current) lines.push('');
      lines.push(paint(color, '4', location));
      current = location;
    }
    lines.push(...findingLines(finding, input));
  }
  if (lines.length) lines.push('');
  lines.push(totalLine(visible, color));
  if (quiet) return `${lines.join('\n')}\n`;

  const suppressed = input.findings.filter((f) => f.suppression);
  if (suppressed.length) lines.push(`${suppressed.length} suppressed (baseline or allow comment)`);
  const verbose = input.detail === 'verbose';
  if (verbose) lines.push(...verboseLines(input, suppressed));
  lines.push(summaryLine(input.summary, verbose ? input.ruleCount : undefined));
  return `${lines.join('\n')}\n`;
}

/** Where a history finding came from and whether HEAD still holds it, a line each. */
export function historyDetails(h: HistorySighting): string[] {
  const details = [
    `introduced by ${h.author} on ${h.date.slice(0, 10)} in ${h.commit.slice(0, 12)}`,
  ];
  if (h.headNotScanned) {
    const file = h.headPath ? `this file (now ${h.headPath})` : 'this file';
    details.push(
      `HEAD's version of ${file} was not scanned (${h.headNotScanned}): it may still hold ` +
        'the secret, which leaked either way — rotate it',
    );
  } else if (!h.presentInHead) {
    details.push(
      'not in this file in HEAD (only in history or on another branch), but leaked — rotate it',
    );
  }
  return details;
}
