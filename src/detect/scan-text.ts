/**
 * One file's text to findings: the rule engine, then the detectors that apply, then positions,
 * redaction and fingerprints. The raw secret stops here unless the user asked for raw output.
 */
import { DETECTORS, type DetectorCandidate } from './detectors.js';
import type { RuleEngine } from './engine.js';
import { log } from '../log/logger.js';
import { classifyFile } from '../findings/file-kind.js';
import { fingerprint, valueDigest } from '../findings/fingerprint.js';
import { redact } from '../findings/redact.js';
import type { Finding } from '../findings/types.js';
import { PositionMap } from '../sources/text.js';

export interface ScanTextOptions {
  redact: boolean;
}

const CONFIDENCE_RANK = { high: 3, medium: 2, low: 1 } as const;

export function scanText(
  engine: RuleEngine,
  text: string,
  path: string,
  options: ScanTextOptions,
): Finding[] {
  const fileKind = classifyFile(path, text);
  const candidates: DetectorCandidate[] = engine.detect(text);

  for (const detector of DETECTORS) {
    if (!detector.applies(path, text, fileKind)) continue;
    try {
      candidates.push(...detector.detect(text, { engine, path, fileKind }));
    } catch (error) {
      // A parser that fails leaves the plain-text result standing.
      log.debug(`${path}: detector ${detector.name} failed: ${(error as Error).message}`);
    }
  }

  const positions = new PositionMap(text);
  return mergeOverlapping(candidates).map((candidate) => {
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
    if (candidate.variable) finding.variable = candidate.variable;
    return finding;
  });
}

/** Several detectors may see the same secret; one finding per span, the most confident kept. */
function mergeOverlapping(candidates: DetectorCandidate[]): DetectorCandidate[] {
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
