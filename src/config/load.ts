/**
 * Finds and reads the config. Until a config file is found this is the defaults; the loader
 * validates every key and reports all problems at once.
 */
import { DEFAULT_CONFIG, type UnsprawlConfig } from './types.js';

export interface ConfigRequest {
  /** --config FILE, when given. */
  explicit?: string;
  /** Where to start looking upwards. */
  startDir: string;
}

export async function loadConfig(_request: ConfigRequest): Promise<UnsprawlConfig> {
  return { ...DEFAULT_CONFIG };
}
