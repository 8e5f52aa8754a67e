/** The project's policy, from unsprawl.config.json or .unsprawl.yaml; every field optional. */
import type { RuleSpec } from '../rules/types.js';

export type TargetName = 'auto' | 'vault' | 'aws' | 'gcp' | 'azure' | 'k8s' | 'sops';

export interface UnsprawlConfig {
  /** Absolute path of the file it came from, if any. */
  source?: string;
  /** Globs, relative to the scanned folder, whose files are never scanned or reported. */
  allowPaths: string[];
  disabledRules: string[];
  customRules: RuleSpec[];
  rotationDays: number;
  target: TargetName;
  /** Regulated environments: Vault with KMS auto-unseal when the target is chosen automatically. */
  regulated: boolean;
  /** Globs whose first match names a service (`services/*`, `packages/*`); see analysis. */
  serviceBoundaries: string[];
  baseline?: string;
}

export const DEFAULT_CONFIG: UnsprawlConfig = {
  allowPaths: [],
  disabledRules: [],
  customRules: [],
  rotationDays: 90,
  target: 'auto',
  regulated: false,
  serviceBoundaries: [],
};
