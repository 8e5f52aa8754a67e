/**
 * SARIF 2.1.0: one result per secret, notices in the invocation's notifications, locations
 * relative to %SRCROOT% in UTF-16 columns.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { Finding, Notice, ScanSummary } from '../findings/types.js';
import type { RuleSpec } from '../rules/types.js';
import { encodePath } from '../sources/git/paths.js';
import { pascalName, precision, ruleHelpUri, sarifLevel, securitySeverity } from './rule-meta.js';
import { VERSION } from '../version.js';

export interface SarifInput {
  findings: Finding[];
  notices: Notice[];
  summary: ScanSummary;
  rules: readonly RuleSpec[];
  /** Absolute folder that artifact URIs are relative to. */
  root: string;
  /** Paths shown with `\xNN` escapes: their URIs carry the name's own bytes. */
  escapedPaths?: ReadonlySet<string>;
  commandLine?: string;
}

/** What encodeURIComponent leaves as it is, and the `/` between segments. */
const URI_SAFE = /^[A-Za-z0-9\-_.!~*'()/]$/;

/**
 * A path as a URI reference: each byte percent-encoded but for the characters above, so spaces,
 * `#` and `%` survive. A name shown with `\xNN` escapes (not valid UTF-8) is turned back into its
 * bytes first: the URI says `%FF`, as RFC 3986 does for any byte, never the escape text.
 */
export function pathToUri(path: string, escaped = false): string {
  let uri = '';
  for (const byte of encodePath(path, escaped)) {
    const char = String.fromCharCode(byte);
    uri += URI_SAFE.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return uri;
}

type UriOf = (path: string) => string;

function ruleDescriptor(rule: RuleSpec, antiPatternTags: string[]): Sarif.ReportingDescriptor {
  return {
    id: rule.id,
    name: pascalName(rule),
    shortDescription: { text: rule.name },
    fullDescription: { text: rule.description },
    helpUri: ruleHelpUri(rule.id),
    help: {
      text: `${rule.description} Reference: ${rule.reference}`,
      markdown: [
        `**${rule.name}**`,
        '',
        rule.description,
        '',
        `Remove the literal, rotate the credential at the provider, and load it at run time from a`,
        `secrets manager (run \`unsprawl scan --target auto\` for the exact replacement).`,
        '',
        `Token format: ${rule.reference}`,
      ].join('\n'),
    },
    defaultConfiguration: { level: sarifLevel(rule.confidence) },
    properties: {
      tags: ['security', 'secret', ...(rule.tags ?? []), ...antiPatternTags],
      precision: precision(rule.confidence),
      'security-severity': securitySeverity(rule.severity, rule.confidence),
    },
  };
}

function resultFor(finding: Finding, ruleIndex: number, uriOf: UriOf): Sarif.Result {
  const properties: Record<string, unknown> = {
    confidence: finding.confidence,
    fileKind: finding.fileKind,
    redacted: finding.redacted,
    'security-severity': securitySeverity(finding.severity, finding.confidence),
    antiPatterns: finding.antiPatterns ?? [],
  };
  if (finding.validation) properties.validation = finding.validation;
  if (finding.decodedVia) properties.decodedVia = finding.decodedVia;
  if (finding.variable) properties.variable = finding.variable;
  if (finding.sharedWith) properties.sharedWith = finding.sharedWith;
  if (finding.remediation) properties.remediation = finding.remediation;
  if (finding.secret !== undefined) properties.secret = finding.secret;
  if (finding.history) {
    properties.commit = finding.history.commit;
    properties.author = finding.history.author;
    properties.date = finding.history.date;
    properties.presentInHead = finding.history.presentInHead;
    if (finding.history.headNotScanned) properties.headNotScanned = finding.history.headNotScanned;
    if (finding.history.headPath) properties.headPath = finding.history.headPath;
  }

  const where = finding.history ? ` (introduced in ${finding.history.commit.slice(0, 12)})` : '';
  const result: Sarif.Result = {
    ruleId: finding.ruleId,
    ruleIndex,
    level: sarifLevel(finding.confidence),
    message: { text: `${finding.ruleName}: ${finding.redacted}${where}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uriOf(finding.path), uriBaseId: '%SRCROOT%' },
          region: {
            startLine: finding.line,
            startColumn: finding.column,
            endLine: finding.endLine,
            endColumn: finding.endColumn,
          },
        },
      },
    ],
    partialFingerprints: {
      'unsprawl/v1': finding.fingerprint,
      ...(finding.history ? { commitSha: finding.history.commit } : {}),
    },
    properties,
  };
  if (finding.suppression) {
    result.suppressions = [
      {
        kind: finding.suppression.kind,
        status: 'accepted',
        ...(finding.suppression.justification
          ? { justification: finding.suppression.justification }
          : {}),
      },
    ];
  }
  if (finding.remediation?.edit) {
    const edit = finding.remediation.edit;
    result.fixes = [
      {
        description: { text: finding.remediation.summary },
        artifactChanges: [
          {
            artifactLocation: { uri: uriOf(finding.path), uriBaseId: '%SRCROOT%' },
            replacements: [
              {
                deletedRegion: {
                  startLine: edit.line,
                  startColumn: edit.column,
                  endLine: edit.endLine,
                  endColumn: edit.endColumn,
                },
                insertedContent: { text: edit.text },
              },
            ],
          },
        ],
      },
    ];
  }
  return result;
}

export function toSarif(input: SarifInput): Sarif.Log {
  const escaped = input.escapedPaths ?? new Set<string>();
  // An archive member (`a.zip!config/.env`) is named after its archive's path.
  const uriOf: UriOf = (path) =>
    pathToUri(path, escaped.has(path) || escaped.has(path.split('!')[0]!));
  const used = new Map<string, number>();
  const usedRules: RuleSpec[] = [];
  const byId = new Map(input.rules.map((rule) => [rule.id, rule]));
  const tagsByRule = new Map<string, Set<string>>();
  for (const finding of input.findings) {
    if (!used.has(finding.ruleId)) {
      const rule = byId.get(finding.ruleId);
      if (!rule) continue;
      used.set(finding.ruleId, usedRules.length);
      usedRules.push(rule);
    }
    const tags = tagsByRule.get(finding.ruleId) ?? new Set<string>();
    for (const id of finding.antiPatterns ?? []) tags.add(`anti-pattern/${id}`);
    tagsByRule.set(finding.ruleId, tags);
  }

  // A subject outside the scanned folder (the user's git exclude file) is an absolute path: a
  // file URI of its own, not one relative to the source root.
  const locationOf = (subject: string): Sarif.ArtifactLocation =>
    isAbsolute(subject)
      ? { uri: pathToFileURL(subject).href }
      : { uri: uriOf(subject), uriBaseId: '%SRCROOT%' };
  const notifications: Sarif.Notification[] = input.notices.map((notice) => ({
    level: notice.level,
    message: { text: `${notice.subject}: ${notice.message}` },
    descriptor: { id: `skip/${notice.reason}` },
    locations: [{ physicalLocation: { artifactLocation: locationOf(notice.subject) } }],
  }));

  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'unsprawl',
            semanticVersion: VERSION,
            version: VERSION,
            informationUri: 'https://github.com/unsprawl/unsprawl',
            rules: usedRules.map((rule) =>
              ruleDescriptor(rule, [...(tagsByRule.get(rule.id) ?? [])].sort()),
            ),
          },
        },
        originalUriBaseIds: {
          '%SRCROOT%': {
            uri: pathToFileURL(input.root.endsWith('/') ? input.root : `${input.root}/`).href,
          },
        },
        columnKind: 'utf16CodeUnits',
        invocations: [
          {
            executionSuccessful: true,
            ...(input.commandLine ? { commandLine: input.commandLine } : {}),
            toolExecutionNotifications: notifications,
            properties: { summary: input.summary },
          },
        ],
        results: input.findings
          .filter((finding) => used.has(finding.ruleId))
          .map((finding) => resultFor(finding, used.get(finding.ruleId)!, uriOf)),
      },
    ],
  };
}
