/**
 * Per-provider facts the remediation needs: how to rotate the credential, where that is
 * documented, and whether a short-lived or dynamic alternative exists (static-long-lived).
 */
import type { Finding } from '../findings/types.js';

export interface ProviderAdvice {
  rotation: string;
  rotationUrl: string;
  /** The short-lived or dynamic alternative, when the credential kind has one. */
  dynamicAlternative?: string;
}

interface ProviderEntry extends ProviderAdvice {
  /** Tested against `ruleId kind`. */
  match: RegExp;
  /** Extra test on the finding (AKIA user keys, not ASIA session keys). */
  when?: (finding: Finding) => boolean;
}

const AWS_KEY_ROTATION: ProviderAdvice = {
  rotation:
    'Create a new access key for the IAM user, deploy it, then deactivate and delete the old key',
  rotationUrl:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console',
};

const PROVIDERS: ProviderEntry[] = [
  {
    // ASIA keys are already STS session credentials: rotate, but they are not static.
    match: /aws-access-key-id/,
    when: (f) => f.redacted.startsWith('ASIA'),
    ...AWS_KEY_ROTATION,
  },
  {
    match: /aws-access-key-id|aws-secret-access-key|aws-(?!session)/,
    ...AWS_KEY_ROTATION,
    dynamicAlternative:
      'IAM roles with STS temporary credentials (instance/task roles, IRSA, or OIDC federation from CI)',
  },
  {
    match: /github-(classic-pat|pat|personal)/,
    rotation:
      'Delete the token under Settings → Developer settings → Personal access tokens and create a new one with an expiry',
    rotationUrl:
      'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens',
    dynamicAlternative:
      'a GitHub App installation token (one hour) or the workflow GITHUB_TOKEN / OIDC in Actions',
  },
  {
    match: /github/,
    rotation:
      'Revoke the token in GitHub (Settings → Applications or the app’s settings) and issue a new one',
    rotationUrl:
      'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/token-expiration-and-revocation',
  },
  {
    match: /gitlab-(personal|pat)/,
    rotation:
      'Rotate the token with the personal access token rotation API or revoke it under User Settings → Access tokens',
    rotationUrl:
      'https://docs.gitlab.com/ee/api/personal_access_tokens.html#rotate-a-personal-access-token',
    dynamicAlternative:
      'CI_JOB_TOKEN or OIDC id_tokens in GitLab CI, or a project access token with a short expiry',
  },
  {
    match: /gitlab/,
    rotation: 'Revoke and recreate the token in GitLab (or use its rotate API)',
    rotationUrl: 'https://docs.gitlab.com/ee/security/token_overview.html',
  },
  {
    match: /slack-webhook|webhook/,
    rotation: 'Delete the webhook URL in the provider’s app settings and create a new one',
    rotationUrl: 'https://api.slack.com/messaging/webhooks',
    dynamicAlternative:
      'a bot token with scoped permissions fetched at run time, or a signed webhook with a rotating signing secret',
  },
  {
    match: /slack/,
    rotation:
      'Rotate the token in the Slack app’s OAuth settings (enable token rotation) and reinstall the app',
    rotationUrl: 'https://api.slack.com/authentication/rotation',
  },
  {
    match: /stripe/,
    rotation:
      'Roll the key in the Stripe Dashboard → Developers → API keys (roll with an expiry for the old key)',
    rotationUrl: 'https://docs.stripe.com/keys#rolling-keys',
  },
  {
    match: /service-account|gcp-|json-embedded-private-key/,
    rotation:
      'Create a new service-account key, deploy it, then delete the old key with gcloud iam service-accounts keys delete',
    rotationUrl: 'https://cloud.google.com/iam/docs/keys-create-delete',
    dynamicAlternative:
      'Workload Identity Federation or attached service accounts (no key file at all)',
  },
  {
    match: /google|firebase/,
    rotation:
      'Regenerate the key in Google Cloud Console → APIs & Services → Credentials and restrict it',
    rotationUrl: 'https://cloud.google.com/docs/authentication/api-keys#rotate',
  },
  {
    match: /azure-storage|azure.*(connection|account-key)/,
    rotation:
      'Rotate the storage account key (key1/key2) in the portal or with az storage account keys renew',
    rotationUrl: 'https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage',
    dynamicAlternative:
      'managed identities with Azure AD, or short-lived user-delegation SAS tokens',
  },
  {
    match: /azure/,
    rotation:
      'Create a new client secret or key in Entra ID / the resource, deploy it, then delete the old one',
    rotationUrl: 'https://learn.microsoft.com/azure/key-vault/secrets/tutorial-rotation',
  },
  {
    match: /npm/,
    rotation: 'Revoke the token with npm token revoke and create a granular token with an expiry',
    rotationUrl: 'https://docs.npmjs.com/revoking-access-tokens',
    dynamicAlternative: 'trusted publishing with OIDC from CI (no stored token)',
  },
  {
    match: /pypi/,
    rotation: 'Remove the API token in PyPI account settings and create a project-scoped one',
    rotationUrl: 'https://pypi.org/help/#apitoken',
    dynamicAlternative: 'trusted publishing with OIDC from CI (no stored token)',
  },
  {
    match: /openai/,
    rotation: 'Revoke the key on the OpenAI API keys page and create a project-scoped key',
    rotationUrl: 'https://platform.openai.com/docs/api-reference/authentication',
  },
  {
    match: /anthropic/,
    rotation: 'Disable the key in the Anthropic Console → API keys and create a new one',
    rotationUrl: 'https://docs.anthropic.com/en/api/getting-started',
  },
  {
    match: /sendgrid/,
    rotation:
      'Delete the API key in SendGrid Settings → API Keys and create one with restricted scopes',
    rotationUrl: 'https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys',
  },
  {
    match: /twilio/,
    rotation:
      'Create a new API key (or promote the secondary auth token) and delete the old one in the Twilio Console',
    rotationUrl: 'https://www.twilio.com/docs/iam/api-keys',
  },
  {
    match:
      /connection-string|database|postgres|mysql|mongo|redis|amqp|jdbc|url-basic-auth|credentials-in/,
    rotation: 'Change the database user’s password (ALTER USER … PASSWORD) and update every client',
    rotationUrl: 'https://developer.hashicorp.com/vault/docs/secrets/databases',
    dynamicAlternative:
      'Vault dynamic database credentials (database secrets engine) or IAM database authentication',
  },
  {
    match: /private-key|pem|ssh|putty|pgp/,
    rotation:
      'Generate a new key pair, install the new public key where the old one was trusted, then remove the old one',
    rotationUrl: 'https://developer.hashicorp.com/vault/docs/secrets/pki',
    dynamicAlternative: 'short-lived certificates from Vault PKI or an SSH certificate authority',
  },
  {
    match: /vault/,
    rotation: 'Revoke the token with vault token revoke and issue one with a TTL',
    rotationUrl: 'https://developer.hashicorp.com/vault/docs/commands/token/revoke',
  },
  {
    match: /jwt/,
    rotation:
      'Rotate the signing key (publish the new key, then retire the old one) and let issued tokens expire',
    rotationUrl: 'https://datatracker.ietf.org/doc/html/rfc7517',
  },
];

export function providerAdvice(finding: Finding, reference: string | undefined): ProviderAdvice {
  const key = `${finding.ruleId} ${finding.kind}`;
  const entry = PROVIDERS.find((p) => p.match.test(key) && (!p.when || p.when(finding)));
  if (entry) {
    return {
      rotation: entry.rotation,
      rotationUrl: entry.rotationUrl,
      dynamicAlternative: entry.dynamicAlternative,
    };
  }
  return {
    rotation:
      'Revoke the credential in the provider’s console, issue a new one, store it, then redeploy',
    rotationUrl: reference ?? 'https://owasp.org/www-project-top-ten/',
  };
}
