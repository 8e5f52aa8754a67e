/**
 * Registers the decoders and structured-format detectors with the detector registry. Kept
 * behind one call so that a scan that never needs them does not pay for loading them.
 */
import { DETECTORS } from '../detectors.js';
import { codeLinesDetector } from './code-lines.js';
import { configFileDetector } from './config-files.js';
import { connectionStringDetector } from './connection-strings.js';
import { decodingDetector } from './decoders.js';
import { gluedTokenDetector } from './glued.js';
import { jsAstDetector } from './js-ast.js';
import { jsonDetector } from './json.js';
import { yamlDetector } from './yaml.js';

let loaded = false;

export function loadFormatDetectors(): void {
  if (loaded) return;
  loaded = true;
  DETECTORS.push(
    decodingDetector,
    gluedTokenDetector,
    connectionStringDetector,
    configFileDetector,
    yamlDetector,
    jsonDetector,
    codeLinesDetector,
    jsAstDetector,
  );
}
