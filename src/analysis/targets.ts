/**
 * Where the secrets should go. `auto` reads the repository's signals: several clouds → Vault; one
 * cloud's provider blocks or SDKs → that cloud's secret manager; Kubernetes manifests → the k8s
 * route (External Secrets or the Vault agent sidecar) backed by that store; regulated → Vault with
 * KMS auto-unseal.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fastGlob } from '../deps.js';
import type { TargetName } from '../config/types.js';

export type StoreName = 'vault' | 'aws' | 'gcp' | 'azure' | 'sops';

export interface TargetChoice {
  target: Exclude<TargetName, 'auto'>;
  /** The store behind the k8s route, or the target itself. */
  store: StoreName;
  /** Vault unsealed by a cloud KMS (regulated environments). */
  kmsAutoUnseal: boolean;
  reason: string;
}

const CLOUD_SIGNALS: Record<'aws' | 'gcp' | 'azure', RegExp> = {
  aws: /provider\s+"aws"|"@aws-sdk\/|"aws-sdk"|\bboto3\b|github\.com\/aws\/aws-sdk-go|software\.amazon\.awssdk|aws-cdk-lib/,
  gcp: /provider\s+"google(-beta)?"|"@google-cloud\/|google-cloud-[a-z]|cloud\.google\.com\/go|com\.google\.cloud/,
  azure:
    /provider\s+"azurerm"|"@azure\/|\bazure-[a-z]+\b|github\.com\/Azure\/azure-sdk-for-go|com\.azure/,
};
/** Files that name a cloud's provider or SDK: Terraform and each ecosystem's manifest. */
const SIGNAL_FILE =
  /(?:^|\/)(?:[^/]+\.tf|package\.json|requirements[^/]*\.txt|pyproject\.toml|go\.mod|pom\.xml|build\.gradle[^/]*|[^/]+\.csproj)$/;
/** Kubernetes manifests: kustomize and Helm files, and YAML under the usual manifest folders. */
const K8S_FILE =
  /(?:^|\/)(?:kustomization\.ya?ml|Chart\.yaml)$|(?:^|\/)(?:k8s|kubernetes|manifests|helm)\/(?:[^/]+\/)*[^/]+\.ya?ml$/;
/** Folders whose files say nothing about what the project itself runs on. */
const IGNORED_NAMES = ['node_modules', '.git', 'vendor', 'dist', 'fixtures', 'test'];
const IGNORED_DIR = new RegExp(`(?:^|/)(?:${IGNORED_NAMES.join('|').replace('.', '\\.')})/`);
/** The same folders for the walk outside git, which then never enters them. */
const IGNORED_GLOBS = IGNORED_NAMES.map((name) => `**/${name}/**`);
const MAX_SIGNAL_FILES = 400;
const MAX_SIGNAL_BYTES = 256 * 1024;

export interface Signals {
  clouds: Map<'aws' | 'gcp' | 'azure', string>;
  kubernetes?: string;
}

/**
 * Reads the repository's signals. `known` (git's own list of files, or the files the scan just
 * walked) saves walking the tree again, which a pre-commit hook on a large repository cannot
 * afford; without it the tree is walked.
 */
export function readSignals(root: string, k8sFindingPath?: string, known?: string[]): Signals {
  const clouds = new Map<'aws' | 'gcp' | 'azure', string>();
  // Plain patterns over git's list (or one walk outside git): compiling globs cost a
  // pre-commit hook more than reading the files they find.
  const all =
    known ??
    fastGlob().sync('**/*', {
      cwd: root,
      deep: 6,
      dot: true,
      ignore: IGNORED_GLOBS,
      suppressErrors: true,
    });
  const find = (pattern: RegExp, deep: number) =>
    all.filter(
      (path) => pattern.test(path) && !IGNORED_DIR.test(path) && path.split('/').length <= deep,
    );
  const files = find(SIGNAL_FILE, 5).slice(0, MAX_SIGNAL_FILES);
  for (const file of files.sort()) {
    try {
      const path = join(root, file);
      if (statSync(path).size > MAX_SIGNAL_BYTES) continue;
      const text = readFileSync(path, 'utf8');
      for (const [cloud, signal] of Object.entries(CLOUD_SIGNALS) as [
        'aws' | 'gcp' | 'azure',
        RegExp,
      ][]) {
        if (!clouds.has(cloud) && signal.test(text)) clouds.set(cloud, file);
      }
    } catch {
      // An unreadable signal file is just no signal.
    }
  }
  const kubernetes = k8sFindingPath ?? find(K8S_FILE, 6).sort()[0];
  return { clouds, kubernetes };
}

export function chooseTarget(
  requested: TargetName,
  signals: Signals,
  regulated: boolean,
): TargetChoice {
  const clouds = [...signals.clouds.entries()];
  const cloudNote = clouds.map(([cloud, file]) => `${cloud} (${file})`).join(', ');
  let store: StoreName;
  let why: string;
  if (regulated) {
    store = 'vault';
    why = 'regulated environment in the config: Vault with KMS auto-unseal';
  } else if (clouds.length > 1) {
    store = 'vault';
    why = `several clouds in use (${cloudNote}): one Vault serves them all`;
  } else if (clouds.length === 1) {
    store = clouds[0]![0];
    why = `one cloud in use: ${cloudNote}`;
  } else {
    store = 'vault';
    why = 'no cloud provider found: Vault is the portable default';
  }

  if (requested !== 'auto') {
    const chosenStore: StoreName = requested === 'k8s' ? store : requested;
    return {
      target: requested,
      store: chosenStore,
      kmsAutoUnseal: regulated && chosenStore === 'vault',
      reason:
        requested === 'k8s'
          ? `requested k8s; backing store: ${why}`
          : 'requested on the command line or in the config',
    };
  }
  if (signals.kubernetes) {
    return {
      target: 'k8s',
      store,
      kmsAutoUnseal: regulated,
      reason: `Kubernetes manifests found (${signals.kubernetes}); backing store: ${why}`,
    };
  }
  return { target: store, store, kmsAutoUnseal: regulated && store === 'vault', reason: why };
}

export function describeChoice(choice: TargetChoice): string {
  const store = {
    vault: choice.kmsAutoUnseal ? 'HashiCorp Vault (KMS auto-unseal)' : 'HashiCorp Vault',
    aws: 'AWS Secrets Manager',
    gcp: 'GCP Secret Manager',
    azure: 'Azure Key Vault',
    sops: 'SOPS-encrypted files',
  }[choice.store];
  const route =
    choice.target === 'k8s'
      ? `Kubernetes (External Secrets / Vault agent) backed by ${store}`
      : store;
  return `remediation target: ${route} — ${choice.reason}`;
}
