/**
 * The concrete fix for one finding: what replaces the literal in this kind of file, the command
 * that stores the value (reading it from stdin, never from the command line), and how to rotate.
 */
import type { Finding, Remediation } from '../findings/types.js';
import type { ProviderAdvice } from './providers.js';
import type { StoreName, TargetChoice } from './targets.js';

export interface Names {
  /** UPPER_SNAKE environment variable name. */
  env: string;
  /** lower_snake key inside the store. */
  key: string;
  /** Service slug: the path segment the secret belongs to. */
  service: string;
}

export function toEnvName(variable: string | undefined, kind: string): string {
  const generic = /^(value|val|key|secret|token|password|data|auth|default|v|s|x)$/i;
  const source =
    variable && !generic.test(variable.split('.').pop() ?? '') ? variable.split('.').pop()! : kind;
  const snake = source
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return /^[A-Z_]/.test(snake) ? snake : `SECRET_${snake}`;
}

export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'app'
  );
}

/** Stores the value read from stdin; the value never appears on a command line. */
export function storeCommand(store: StoreName, names: Names): string {
  const { service, key } = names;
  switch (store) {
    case 'vault':
      return `vault kv put secret/${service}/${key} value=-`;
    case 'aws':
      return `aws secretsmanager create-secret --name ${service}/${key} --secret-string file:///dev/stdin`;
    case 'gcp':
      return `gcloud secrets create ${service}-${key.replace(/_/g, '-')} --replication-policy=automatic --data-file=-`;
    case 'azure':
      return `az keyvault secret set --vault-name "$AZURE_KEYVAULT" --name ${service}-${key.replace(/_/g, '-')} --file /dev/stdin`;
    case 'sops':
      return `sops --encrypt --input-type binary --output-type binary /dev/stdin > secrets/${service}/${key}.sops`;
  }
}

/** How a running program refers to the stored value, as a config string. */
export function referenceString(store: StoreName, names: Names): string {
  const { service, key } = names;
  switch (store) {
    case 'vault':
      return `vault:secret/data/${service}/${key}#value`;
    case 'aws':
      return `{{resolve:secretsmanager:${service}/${key}}}`;
    case 'gcp':
      return `sm://${service}-${key.replace(/_/g, '-')}`;
    case 'azure':
      return `@Microsoft.KeyVault(SecretUri=https://$AZURE_KEYVAULT.vault.azure.net/secrets/${service}-${key.replace(/_/g, '-')}/)`;
    case 'sops':
      return `sops:secrets/${service}/${key}.sops`;
  }
}

const STORE_LABEL: Record<StoreName, string> = {
  vault: 'HashiCorp Vault',
  aws: 'AWS Secrets Manager',
  gcp: 'GCP Secret Manager',
  azure: 'Azure Key Vault',
  sops: 'a SOPS-encrypted file',
};

/** How the value reaches the process environment at run time, per store. */
function injection(store: StoreName, names: Names): string {
  switch (store) {
    case 'vault':
      return `inject it at run time with \`envconsul -secret secret/${names.service}/${names.key}\` or a Vault agent template`;
    case 'aws':
      return 'inject it at run time through the ECS/EKS task definition `secrets` or the Lambda secrets extension';
    case 'gcp':
      return `inject it at run time with \`--set-secrets ${names.env}=${names.service}-${names.key.replace(/_/g, '-')}:latest\` (Cloud Run) or the CSI driver`;
    case 'azure':
      return 'inject it at run time with a Key Vault reference in App Settings or the CSI secrets-store driver';
    case 'sops':
      return `inject it at run time with \`sops exec-env secrets/${names.service}.env.sops '<command>'\``;
  }
}

function languageAccess(path: string, env: string): string | undefined {
  if (/\.(m?[jt]sx?|cjs|cts|mts|vue|svelte)$/.test(path)) return `process.env.${env}`;
  if (/\.(py|ipynb)$/.test(path)) return `os.environ["${env}"]`;
  if (/\.go$/.test(path)) return `os.Getenv("${env}")`;
  if (/\.(java|kt|scala|groovy)$/.test(path)) return `System.getenv("${env}")`;
  if (/\.rb$/.test(path)) return `ENV.fetch("${env}")`;
  if (/\.cs$/.test(path)) return `Environment.GetEnvironmentVariable("${env}")`;
  if (/\.php$/.test(path)) return `getenv('${env}')`;
  if (/\.(sh|bash|zsh)$/.test(path)) return `"\${${env}:?}"`;
  if (/\.rs$/.test(path)) return `std::env::var("${env}")?`;
  return undefined;
}

function k8sReplacement(choice: TargetChoice, names: Names): string {
  const ref = [
    `valueFrom:`,
    `  secretKeyRef:`,
    `    name: ${names.service}-secrets`,
    `    key: ${names.key}`,
  ].join('\n');
  if (choice.store === 'vault') {
    return [
      ref,
      `# and on the pod template, the Vault agent sidecar (or an ExternalSecret with a Vault store):`,
      `#   vault.hashicorp.com/agent-inject: "true"`,
      `#   vault.hashicorp.com/role: "${names.service}"`,
      `#   vault.hashicorp.com/agent-inject-secret-${names.key}: "secret/data/${names.service}/${names.key}"`,
    ].join('\n');
  }
  const storeKind = {
    aws: 'aws-secrets-manager',
    gcp: 'gcp-secret-manager',
    azure: 'azure-key-vault',
    sops: 'sops',
    vault: 'vault',
  }[choice.store];
  const remote =
    choice.store === 'aws'
      ? `${names.service}/${names.key}`
      : `${names.service}-${names.key.replace(/_/g, '-')}`;
  return [
    ref,
    `# with an ExternalSecret that keeps ${names.service}-secrets in sync:`,
    `# apiVersion: external-secrets.io/v1beta1`,
    `# kind: ExternalSecret`,
    `# metadata: { name: ${names.service}-secrets }`,
    `# spec:`,
    `#   secretStoreRef: { name: ${storeKind}, kind: ClusterSecretStore }`,
    `#   target: { name: ${names.service}-secrets }`,
    `#   data: [{ secretKey: ${names.key}, remoteRef: { key: ${remote} } }]`,
  ].join('\n');
}

function terraformReplacement(store: StoreName, names: Names): string {
  switch (store) {
    case 'aws':
      return `data.aws_secretsmanager_secret_version.${names.key}.secret_string  # data "aws_secretsmanager_secret_version" "${names.key}" { secret_id = "${names.service}/${names.key}" }`;
    case 'gcp':
      return `data.google_secret_manager_secret_version.${names.key}.secret_data  # data "google_secret_manager_secret_version" "${names.key}" { secret = "${names.service}-${names.key.replace(/_/g, '-')}" }`;
    case 'azure':
      return `data.azurerm_key_vault_secret.${names.key}.value  # data "azurerm_key_vault_secret" "${names.key}" { name = "${names.service}-${names.key.replace(/_/g, '-')}", key_vault_id = var.key_vault_id }`;
    case 'vault':
      return `data.vault_kv_secret_v2.${names.key}.data["value"]  # data "vault_kv_secret_v2" "${names.key}" { mount = "secret", name = "${names.service}/${names.key}" }`;
    case 'sops':
      return `data.sops_file.${names.service}.data["${names.key}"]`;
  }
}

/** Replacement text and, where it is mechanical, the edit that applies it. */
function replacementFor(finding: Finding, choice: TargetChoice, names: Names) {
  const { store } = choice;
  const singleLine = finding.endLine === finding.line && !finding.decodedVia;
  const quoted = Boolean(finding.quote) && singleLine;
  const inner = {
    line: finding.line,
    column: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
  };
  const prefix = finding.quotePrefix?.length ?? 0;
  const withQuotes = {
    ...inner,
    column: finding.column - 1 - prefix,
    endColumn: finding.endColumn + 1,
  };

  if (choice.target === 'k8s' && finding.fileKind === 'k8s-manifest') {
    return {
      replacement: k8sReplacement(choice, names),
      summary: `reference the value with a secretKeyRef instead of a literal`,
    };
  }
  switch (finding.fileKind) {
    case 'source': {
      const access = languageAccess(finding.path, names.env);
      if (!access) break;
      return {
        replacement: access,
        summary: `read ${names.env} from the environment; ${injection(store, names)}`,
        edit: quoted ? { ...withQuotes, text: access } : undefined,
      };
    }
    case 'notebook':
      return {
        replacement: `os.environ["${names.env}"]`,
        summary: `read ${names.env} from the environment in the notebook`,
      };
    case 'env-file':
      return {
        replacement: `${names.env}=`,
        summary: `remove the value from the committed env file; ${injection(store, names)}`,
        edit: singleLine ? { ...(quoted ? withQuotes : inner), text: '' } : undefined,
      };
    case 'k8s-manifest':
      return {
        replacement: k8sReplacement({ ...choice, target: 'k8s' }, names),
        summary: 'reference the value with a secretKeyRef',
      };
    case 'compose':
      return {
        replacement: `\${${names.env}:?}  # or a top-level secrets: entry mounted at /run/secrets/${names.key}`,
        summary: `pass ${names.env} in from the environment or a compose secret`,
        edit: singleLine ? { ...inner, text: `\${${names.env}:?}` } : undefined,
      };
    case 'ci-config': {
      const gitlab = /\.gitlab-ci\.ya?ml$/.test(finding.path);
      const text = gitlab ? `$${names.env}` : `\${{ secrets.${names.env} }}`;
      return {
        replacement: text,
        summary: gitlab
          ? `define ${names.env} as a masked, protected CI/CD variable (or fetch it with GitLab's Vault integration)`
          : `define ${names.env} as a repository or environment secret (or fetch it at run time with OIDC)`,
        edit: singleLine ? { ...inner, text } : undefined,
      };
    }
    case 'iac': {
      if (/Dockerfile|Containerfile|\.dockerfile$/i.test(finding.path)) {
        return {
          replacement: `RUN --mount=type=secret,id=${names.key} ...  # docker build --secret id=${names.key},env=${names.env}`,
          summary: 'use a build secret instead of ENV/ARG, which stay in the image layers',
        };
      }
      if (finding.variable === 'default') {
        // A variable's default cannot read a data source: drop it and pass the value in.
        return {
          replacement: `remove the default; mark the variable sensitive = true and set TF_VAR_<name> from the store at plan time`,
          summary:
            'a variable default is stored in the state and the repository: pass the value in instead',
        };
      }
      const text = terraformReplacement(store, names);
      return {
        replacement: text,
        summary:
          'read the value through a data source instead of a literal (mark outputs sensitive)',
        edit: quoted ? { ...withQuotes, text: text.split('  #')[0]! } : undefined,
      };
    }
    case 'package-config':
      return {
        replacement: `\${${names.env}}`,
        summary: `let the package manager read ${names.env} from the environment (npm, yarn and pip expand it)`,
        edit: singleLine ? { ...inner, text: `\${${names.env}}` } : undefined,
      };
    case 'docs':
      return {
        replacement: `<${names.env}>`,
        summary: 'replace the real value with a placeholder in documentation',
        edit: singleLine ? { ...inner, text: `<${names.env}>` } : undefined,
      };
    default:
      break;
  }
  const reference = referenceString(store, names);
  return {
    replacement: reference,
    summary: `replace the literal with a reference to ${STORE_LABEL[store]} resolved at run time`,
    edit: singleLine && finding.fileKind === 'config' ? { ...inner, text: reference } : undefined,
  };
}

export function buildRemediation(
  finding: Finding,
  choice: TargetChoice,
  names: Names,
  advice: ProviderAdvice,
): Remediation {
  const { replacement, summary, edit } = replacementFor(finding, choice, names);
  const remediation: Remediation = {
    target: choice.target === 'k8s' ? `k8s+${choice.store}` : choice.store,
    summary,
    replacement,
    storeCommand: storeCommand(choice.store, names),
    rotation: advice.rotation,
    rotationUrl: advice.rotationUrl,
  };
  if (edit) remediation.edit = edit;
  if (advice.dynamicAlternative) remediation.extra = `prefer ${advice.dynamicAlternative}`;
  return remediation;
}
