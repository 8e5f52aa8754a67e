/**
 * GitHub workflow commands: one annotation per finding (`::error file=…`), the most severe first,
 * at most `limit` of them, and one notice for the rest.
 */
import type { Finding } from '../findings/types.js';
import { sarifLevel, securitySeverity } from './rule-meta.js';
import { historyDetails } from './text.js';

/**
 * Workflow-command data escapes `%`, CR and LF; other control characters (ESC from a file name)
 * are percent-encoded the same way, so a runner log never receives them raw.
 */
function escapeData(value: string): string {
  return value.replace(
    /[%\x00-\x1f\x7f]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** Property values also escape `:` and `,`. */
function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function rankFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      Number(securitySeverity(b.severity, b.confidence)) -
        Number(securitySeverity(a.severity, a.confidence)) ||
      a.path.localeCompare(b.path) ||
      a.line - b.line,
  );
}

export function toGithubAnnotations(findings: Finding[], limit = Infinity): string {
  const visible = rankFindings(findings.filter((f) => !f.suppression));
  const lines = visible.slice(0, limit).map((finding) => {
    const level = sarifLevel(finding.confidence);
    const command = level === 'error' ? 'error' : level === 'warning' ? 'warning' : 'notice';
    const properties = [
      `file=${escapeProperty(finding.path)}`,
      `line=${finding.line}`,
      `col=${finding.column}`,
      `endLine=${finding.endLine}`,
      `endColumn=${finding.endColumn}`,
      `title=${escapeProperty(`${finding.ruleName} (${finding.ruleId})`)}`,
    ].join(',');
    const parts = [finding.secret ?? finding.redacted];
    if (finding.history) parts.push(...historyDetails(finding.history));
    if (finding.antiPatterns?.length)
      parts.push(`anti-patterns: ${finding.antiPatterns.join(', ')}`);
    if (finding.remediation) parts.push(`fix: ${finding.remediation.summary}`);
    return `::${command} ${properties}::${escapeData(parts.join('\n'))}`;
  });
  if (visible.length > limit) {
    lines.push(
      `::notice::${visible.length - limit} more secret findings; see the SARIF report or job summary`,
    );
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
