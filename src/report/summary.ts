/** The GitHub job summary: a findings table with anti-patterns and remediation, in Markdown. */
import type { Finding, ScanSummary } from '../findings/types.js';
import { rankFindings } from './github.js';
import { securitySeverity } from './rule-meta.js';

const MAX_ROWS = 50;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function toJobSummary(
  findings: Finding[],
  summary: ScanSummary,
  targetNote?: string,
): string {
  const visible = rankFindings(findings.filter((f) => !f.suppression));
  const lines = [
    `## unsprawl: ${visible.length} secret finding${visible.length === 1 ? '' : 's'}`,
    '',
  ];
  if (targetNote) lines.push(`_${cell(targetNote)}_`, '');
  if (visible.length) {
    lines.push(
      '| severity | finding | location | anti-patterns | fix |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const f of visible.slice(0, MAX_ROWS)) {
      const where = `\`${cell(f.path)}:${f.line}\`${f.history ? ` @ ${f.history.commit.slice(0, 8)}` : ''}`;
      const fix = f.remediation
        ? `${cell(f.remediation.summary)}<br>store: \`${cell(f.remediation.storeCommand)}\``
        : '';
      lines.push(
        `| ${securitySeverity(f.severity, f.confidence)} | ${cell(f.ruleName)} (\`${f.redacted}\`) | ${where} | ` +
          `${(f.antiPatterns ?? []).join(', ')} | ${fix} |`,
      );
    }
    if (visible.length > MAX_ROWS)
      lines.push('', `…and ${visible.length - MAX_ROWS} more in the SARIF report.`);
  } else {
    lines.push('No secrets found.');
  }
  const suppressed = findings.length - visible.length;
  lines.push(
    '',
    `Scanned ${summary.files} files (${summary.bytes} bytes) in ${summary.seconds.toFixed(1)} s` +
      `${suppressed ? `; ${suppressed} suppressed by baseline or allow comments` : ''}.`,
    '',
  );
  return lines.join('\n');
}
