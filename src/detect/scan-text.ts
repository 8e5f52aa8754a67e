/**
 * One file's text to findings: the rule engine, then the detectors that apply, then positions,
 * redaction and fingerprints. The raw secret stops here unless the user asked for raw output.
 */
import { DETECTORS, type DetectorCandidate } from './detectors.js';
import type { RuleEngine } from './engine.js';
import { namedByKey, preferProvider } from './prefer-provider.js';
import { namesNotASecret } from './formats/judge.js';
import { judgedByShape, readsAsCode } from './reads-as-code.js';
import { isPlaceholder } from './placeholder.js';
import { describeError, log } from '../log/logger.js';
import { allowedBy } from '../findings/allow-comments.js';
import { classifyFile } from '../findings/file-kind.js';
import { fingerprint, valueDigest } from '../findings/fingerprint.js';
import { redact } from '../findings/redact.js';
import type { Finding } from '../findings/types.js';
import { lineStartWithin, PositionMap, type TextBytes } from '../sources/text.js';

export interface ScanTextOptions {
  redact: boolean;
}

const CONFIDENCE_RANK = { high: 3, medium: 2, low: 1 } as const;

export function scanText(
  engine: RuleEngine,
  text: string,
  path: string,
  options: ScanTextOptions,
  source?: TextBytes,
): Finding[] {
  const fileKind = classifyFile(path, text);
  const hits = engine.scan(text, source);
  let candidates: DetectorCandidate[] = engine.detect(text, hits);

  for (const detector of DETECTORS) {
    if (!detector.applies(path, text, fileKind)) continue;
    try {
      candidates.push(...detector.detect(text, { engine, path, fileKind, hits }));
    } catch (error) {
      // A parser that fails leaves the plain-text result standing.
      log.debug(`${path}: detector ${detector.name} failed (${describeError(error)})`);
    }
  }

  // A SealedSecret's values are ciphertext only its controller can open: only a provider's own
  // token format, found verbatim, still counts there.
  const sealed = fileKind === 'k8s-manifest' && /^kind:\s*SealedSecret\b/m.test(text);
  if (sealed) {
    candidates = candidates.filter(
      (c) => c.rule.confidence === 'high' && c.rule.near === undefined && !judgedByShape(c),
    );
  }
  const positions = new PositionMap(text);
  // A decoded secret is reported at its encoded span; a span that is itself a stand-in
  // (`ops_DUMMY…`) is documentation, whatever it decodes to.
  const kept = candidates.filter(
    (c) =>
      (!c.decodedVia?.length ||
        c.rule.allowPlaceholders ||
        !isPlaceholder(encodedToken(text, c.start, c.end))) &&
      !readsAsCode(c) &&
      !namedOtherwise(text, c),
  );
  return mergeOverlapping(kept).map((candidate) => {
    const start = positions.at(candidate.start);
    const end = positions.at(candidate.end);
    const digest = valueDigest(candidate.secret);
    const finding: Finding = {
      ruleId: candidate.rule.id,
      ruleName: candidate.rule.name,
      kind: candidate.rule.kind ?? candidate.rule.id,
      confidence: candidate.confidence,
      severity: candidate.rule.severity,
      path,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      redacted: redact(candidate.secret),
      secretLength: candidate.secret.length,
      fingerprint: fingerprint(candidate.rule.id, path, digest),
      valueDigest: digest,
      fileKind,
    };
    if (!options.redact) finding.secret = candidate.secret;
    if (candidate.validation) finding.validation = candidate.validation;
    if (candidate.decodedVia?.length) finding.decodedVia = candidate.decodedVia;
    const variable = candidate.variable ?? assignedName(text, candidate.start);
    if (variable) finding.variable = variable;
    const quote = quoteAround(text, candidate.start, candidate.end);
    if (quote) finding.quote = quote;
    // A backtick's prefix is a tag function, which the code calls: not part of the literal.
    const before = text.slice(Math.max(0, candidate.start - 4), candidate.start - 1);
    const prefix = quote && quote !== '`' ? STRING_PREFIX.exec(before) : null;
    if (prefix) finding.quotePrefix = prefix[1];
    const previous = start.line > 1 ? positions.lineText(start.line - 1) : undefined;
    const allow = allowedBy(positions.lineText(start.line), previous);
    if (allow) {
      finding.suppression = {
        kind: 'inSource',
        justification: allow.justification ?? 'allow comment',
      };
    }
    return finding;
  });
}

/** Only what sits between the name and the value: `NAME = "`, `"name": "`, `name: `, `:=`. */
const ASSIGNMENT_BEFORE =
  /([A-Za-z_][\w.-]{0,80})["'\]]?(?:\s{0,4}:\s{0,4}[A-Za-z_][\w.<>[\]| ]{0,40}?)?\s{0,4}(?:=|:=|=>|:|,)\s{0,4}["'`]?$/;

/**
 * A generic keyword-context rule reads a secret word near the value; the whole name it is
 * assigned to may say the value is something else (`password_hash_algorithm = "pbkdf2_sha256"`).
 * Provider rules are left alone: their keyword names the provider, not the value.
 */
function namedOtherwise(text: string, candidate: DetectorCandidate): boolean {
  const { rule } = candidate;
  if (rule.near === undefined || !namedByKey(rule)) {
    return false;
  }
  const name = candidate.variable ?? assignedName(text, candidate.start, false);
  return name !== undefined && namesNotASecret(name);
}

/**
 * The name a literal is assigned to, read from the text just before it on its line. With
 * `afterComma` false, a name before a comma does not count: in an argument list it names
 * another argument, not this value.
 */
function assignedName(text: string, start: number, afterComma = true): string | undefined {
  const lineStart = lineStartWithin(text, start, 160);
  const match = ASSIGNMENT_BEFORE.exec(text.slice(lineStart, start));
  if (!match || (!afterComma && /,\s{0,4}["'`]?$/.test(match[0]))) return undefined;
  return match[1];
}

/** Python's `b"…"`, `rb'…'`, `f"…"` and C#'s `@"…"`, `$"…"`: part of the literal, not of the code. */
const STRING_PREFIX = /(?<![\w$@])([rRbBuUfF]{1,2}|[@$]{1,2})$/;

/** The quote character around a literal, so a fix can replace the whole string literal. */
function quoteAround(text: string, start: number, end: number): '"' | "'" | '`' | undefined {
  const before = text[start - 1];
  if ((before === '"' || before === "'" || before === '`') && text[end] === before) return before;
  return undefined;
}

const TOKEN_CHAR = /[A-Za-z0-9+/=_%.-]/;

/** The whole encoded token a decoded span sits in, out to the nearest non-token characters. */
function encodedToken(text: string, start: number, end: number): string {
  let from = start;
  let to = end;
  while (from > 0 && start - from < 4096 && TOKEN_CHAR.test(text[from - 1]!)) from--;
  while (to < text.length && to - end < 4096 && TOKEN_CHAR.test(text[to]!)) to++;
  return text.slice(from, to);
}

/** Several detectors may see the same secret; one finding per span, the most confident kept. */
function mergeOverlapping(all: DetectorCandidate[]): DetectorCandidate[] {
  const candidates = preferProvider(all);
  const ordered = [...candidates].sort(
    (a, b) =>
      CONFIDENCE_RANK[b.confidence] - CONFIDENCE_RANK[a.confidence] ||
      (a.decodedVia?.length ?? 0) - (b.decodedVia?.length ?? 0) ||
      b.end - b.start - (a.end - a.start),
  );
  const kept: DetectorCandidate[] = [];
  for (const candidate of ordered) {
    if (!kept.some((k) => candidate.start < k.end && k.start < candidate.end)) kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}
