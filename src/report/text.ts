/** Human output, grouped by file like ESLint's stylish formatter, ending with a summary. */
import type { Finding, ScanSummary } from '../findings/types.js';
import { sarifLevel } from './rule-meta.js';

export interface TextInput {
  findings: Finding[];
  summary: ScanSummary;
  color: boolean;
  /** Print remediation lines under each finding. */
  verbose?: boolean;
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

export function summaryLine(summary: ScanSummary): string {
  const skipped = Object.entries(summary.skipped)
    .filter(([, n]) => n)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  const rate = summary.seconds > 0 ? ` (${formatBytes(summary.bytes / summary.seconds)}/s)` : '';
  return (
    `scanned ${summary.files} files, ${formatBytes(summary.bytes)} in ${summary.seconds.toFixed(2)} s${rate}` +
    `${skipped ? `; skipped: ${skipped}` : ''}`
  );
}

/** A name with a line break or other control character could forge report lines: escape it. */
function printablePath(path: string): string {
  return /[\u0000-\u001f\u007f]/.test(path) ? JSON.stringify(path) : path;
}

export function toText(input: TextInput): string {
  const { color } = input;
  const lines: string[] = [];
  if (input.targetNote) lines.push(paint(color, '2', input.targetNote), '');
  const visible = input.findings.filter((f) => !f.suppression);
  let current = '';
  for (const finding of visible) {
    const path = printablePath(finding.path);
    const location = finding.history ? `${path} @ ${finding.history.commit.slice(0, 12)}` : path;
    if (location !== current) {
      if (current) lines.push('');
      lines.push(paint(color, '4', location));
      current = location;
    }
    const level = sarifLevel(finding.confidence);
    const levelText = paint(
      color,
      level === 'error' ? '31' : level === 'warning' ? '33' : '36',
      level.padEnd(7),
    );
    lines.push(
      `  ${`${finding.line}:${finding.column}`.padEnd(9)} ${levelText} ${finding.ruleName}  ` +
        `${paint(color, '1', finding.secret ?? finding.redacted)}  ${paint(color, '2', finding.ruleId)}`,
    );
    const details: string[] = [];
    if (finding.history) {
      const h = finding.history;
      details.push(
        `introduced by ${h.author} on ${h.date.slice(0, 10)} in ${h.commit.slice(0, 12)}`,
      );
      if (!h.presentInHead) {
        details.push('only in history: no longer in HEAD, but still leaked — rotate it');
      }
    }
    if (finding.decodedVia) details.push(`decoded via ${finding.decodedVia.join(' → ')}`);
    if (finding.antiPatterns?.length)
      details.push(`anti-patterns: ${finding.antiPatterns.join(', ')}`);
    if (finding.sharedWith?.length)
      details.push(`same value also in: ${finding.sharedWith.join(', ')}`);
    if (input.verbose !== false && finding.remediation) {
      const r = finding.remediation;
      details.push(`fix (${r.target}): ${r.summary}`);
      details.push(`  replace with: ${r.replacement.split('\n').join('\n' + ' '.repeat(26))}`);
      details.push(`  store:  ${r.storeCommand}`);
      details.push(`  rotate: ${r.rotation} (${r.rotationUrl})`);
      if (r.extra) details.push(`  then:   ${r.extra}`);
    }
    for (const detail of details) lines.push(`  ${' '.repeat(9)} ${paint(color, '2', detail)}`);
  }

  const suppressed = input.findings.length - visible.length;
  if (lines.length) lines.push('');
  const files = new Set(visible.map((f) => f.path)).size;
  if (visible.length) {
    const byLevel = { high: 0, medium: 0, low: 0 };
    for (const f of visible) byLevel[f.confidence]++;
    lines.push(
      paint(
        color,
        '31;1',
        `✖ ${visible.length} finding${visible.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}` +
          ` (${byLevel.high} high, ${byLevel.medium} medium, ${byLevel.low} low confidence)`,
      ),
    );
  } else {
    lines.push(paint(color, '32', '✔ no secrets found'));
  }
  if (suppressed) lines.push(`${suppressed} suppressed (baseline or allow comment)`);
  lines.push(summaryLine(input.summary));
  return `${lines.join('\n')}\n`;
}
