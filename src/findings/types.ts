/** What a scan reports: one record per secret, free of the secret itself unless asked. */
import type { Confidence, Severity } from '../rules/types.js';

export type FileKind =
  | 'source'
  | 'env-file'
  | 'k8s-manifest'
  | 'compose'
  | 'ci-config'
  | 'iac'
  | 'package-config'
  | 'notebook'
  | 'docs'
  | 'config';

export type AntiPatternId =
  | 'hardcoded-in-git'
  | 'shared-across-tenants'
  | 'unrotated'
  | 'static-long-lived'
  | 'env-file-committed';

/** Where a history finding was first introduced. */
export interface HistorySighting {
  commit: string;
  author: string;
  /** ISO 8601. */
  date: string;
  /** Path of the file at that commit. */
  path: string;
  /** Whether HEAD still holds the secret; null when HEAD's version was not scanned. */
  presentInHead: boolean | null;
  /**
   * HEAD holds this file, but its version there was not scanned (binary, too large), so whether
   * the secret is still in it is unknown: why. Set exactly when presentInHead is null.
   */
  headNotScanned?: SkipReason;
  /** With headNotScanned, the file's path in HEAD when it was renamed since. */
  headPath?: string;
}

export interface Remediation {
  target: string;
  summary: string;
  /** The literal's replacement, for this file kind. */
  replacement: string;
  /** Stores the value; reads it from stdin, never from the command line. */
  storeCommand: string;
  rotation: string;
  rotationUrl: string;
  /** A mechanical rewrite, when there is one. */
  edit?: { line: number; column: number; endLine: number; endColumn: number; text: string };
  extra?: string;
}

export interface Suppression {
  kind: 'inSource' | 'external';
  justification?: string;
}

export interface Finding {
  ruleId: string;
  ruleName: string;
  kind: string;
  confidence: Confidence;
  severity: Severity;
  /** Path relative to the scan root, with `/` separators. */
  path: string;
  line: number;
  column: number;
  endLine: number;
  /** One past the last character. */
  endColumn: number;
  /** A short prefix and the length: safe to print. */
  redacted: string;
  secretLength: number;
  /** Present only with --no-redact. */
  secret?: string;
  /** Stable across line moves and line endings; depends on rule, path and secret. */
  fingerprint: string;
  /** Slow keyed digest of the value alone, to find the same secret in several places. */
  valueDigest: string;
  fileKind: FileKind;
  validation?: 'valid' | 'invalid';
  /** Decoders applied before the rule matched, outermost first (`base64`, `percent`). */
  decodedVia?: string[];
  /** Name the value was assigned to, when the detector saw one (`DB_PASSWORD`). */
  variable?: string;
  /** The quote around the literal in the file, when it is a quoted string. */
  quote?: '"' | "'" | '`';
  /** A string prefix before that quote (Python `b`, `rb`, `f`; C# `@`, `$`), which a fix
   * replaces with the literal. */
  quotePrefix?: string;
  history?: HistorySighting;
  /** Other places the same value was seen in this scan. */
  sharedWith?: string[];
  antiPatterns?: AntiPatternId[];
  remediation?: Remediation;
  suppression?: Suppression;
}

export type SkipReason =
  | 'binary'
  | 'too-large'
  | 'symlink'
  | 'not-a-regular-file'
  | 'unreadable'
  | 'ignored-by-gitignore'
  | 'excluded'
  /** A node_modules folder: installed packages, skipped unless --include-dependencies. */
  | 'dependencies'
  | 'invalid-object'
  | 'archive-limit'
  /** A rule reached its match limit in one file; later matches of it there are not reported. */
  | 'match-limit'
  /** An ignore file that is not followed (a symlink, too large, unreadable): more is scanned. */
  | 'ignore-rules-unused'
  | 'worker-error';

export interface Notice {
  level: 'warning' | 'note' | 'error';
  /** Path or object the notice is about; never content. */
  subject: string;
  reason: SkipReason | string;
  message: string;
}

export interface ScanSummary {
  files: number;
  bytes: number;
  skipped: Partial<Record<string, number>>;
  findings: number;
  suppressed: number;
  seconds: number;
  threads: number;
}
