/**
 * Detectors beyond the line-oriented rule engine: decoders and structured parsers. Each one gets
 * the whole text and the engine, and returns candidates with offsets into that same text, so
 * positions are always reported against the original file.
 */
import type { Candidate, RuleEngine } from './engine.js';
import type { TextHits } from './text-hits.js';
import type { FileKind } from '../findings/types.js';

export interface DetectorContext {
  engine: RuleEngine;
  /** Path relative to the scan root. */
  path: string;
  fileKind: FileKind;
  /** Where the engine's keywords and the detectors' trigger words occur in the text. */
  hits: TextHits;
}

export interface DetectorCandidate extends Candidate {
  /** Decoders applied before the rule matched, outermost first. */
  decodedVia?: string[];
  /** The name the value was assigned to, when known. */
  variable?: string;
}

export interface Detector {
  /** Short id for debug logs (`k8s-secret`, `base64`). */
  name: string;
  /** Words this detector looks for, found in the engine's one pass over the text. */
  triggers?: readonly string[];
  /** Cheap test on the path and text; the detector runs only when it says yes. */
  applies(path: string, text: string, fileKind: FileKind): boolean;
  detect(text: string, context: DetectorContext): DetectorCandidate[];
}

/** The registry, in the order they run. Format modules add themselves in src/detect/formats/. */
export const DETECTORS: Detector[] = [];
