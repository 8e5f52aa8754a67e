/** Machine-readable output: an object with the findings and the summary. */
import type { Finding, Notice, ScanSummary } from '../findings/types.js';

export function toJson(findings: Finding[], summary: ScanSummary, notices: Notice[]): string {
  // The slow value digest links findings inside one scan; it has no use outside it.
  const exported = findings.map(({ valueDigest: _digest, ...rest }) => rest);
  return `${JSON.stringify({ version: 1, findings: exported, summary, notices }, null, 2)}\n`;
}
