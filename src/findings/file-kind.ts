/** What a file is, so the analysis can choose the fix that fits it. */
import type { FileKind } from './types.js';

const CI_PATH =
  /(^|\/)(\.github\/workflows\/[^/]+\.ya?ml|\.gitlab-ci\.ya?ml|\.circleci\/config\.ya?ml|azure-pipelines\.ya?ml|bitbucket-pipelines\.ya?ml|Jenkinsfile|\.travis\.ya?ml|\.drone\.ya?ml|buildkite\.ya?ml|\.buildkite\/[^/]+\.ya?ml)$/i;
const ENV_FILE = /(^|\/)(\.env(\.[\w.-]+)?|[\w.-]+\.env|\.envrc|\.flaskenv)$/i;
const COMPOSE = /(^|\/)(docker-)?compose(\.[\w-]+)?\.ya?ml$/i;
const IAC =
  /\.(tf|tfvars|hcl|bicep)$|(^|\/)(Dockerfile|Containerfile)(\.[\w-]+)?$|\.dockerfile$|(^|\/)(template|cloudformation)[\w.-]*\.(ya?ml|json)$|(^|\/)Pulumi(\.[\w-]+)?\.ya?ml$|(^|\/)serverless\.ya?ml$/i;
const PACKAGE_CONFIG =
  /(^|\/)(package\.json|\.npmrc|\.yarnrc(\.yml)?|\.pypirc|pip\.conf|setup\.cfg|pyproject\.toml|Gemfile|composer\.json|settings\.xml|nuget\.config|\.gemrc|Cargo\.toml|gradle\.properties|\.docker\/config\.json|\.dockercfg)$/i;
const DOCS = /\.(md|markdown|rst|adoc|txt|html?)$/i;
const SOURCE =
  /\.(m?[jt]sx?|cjs|cts|mts|py|rb|go|java|kt|kts|scala|cs|php|swift|rs|c|cc|cpp|h|hpp|m|sh|bash|zsh|ps1|pl|lua|r|dart|ex|exs|erl|clj|groovy|vue|svelte)$/i;
const K8S = /^\s*apiVersion:\s*\S+[\s\S]*?^\s*kind:\s*\S+/m;

export function classifyFile(fullPath: string, text: string): FileKind {
  // An archive member (`app.zip!config/.env`) is classified by its own path.
  const path = fullPath.slice(fullPath.lastIndexOf('!') + 1);
  if (path.endsWith('.ipynb')) return 'notebook';
  if (ENV_FILE.test(path)) return 'env-file';
  if (CI_PATH.test(path)) return 'ci-config';
  if (COMPOSE.test(path)) return 'compose';
  if (IAC.test(path)) return 'iac';
  if (PACKAGE_CONFIG.test(path)) return 'package-config';
  if (/\.ya?ml$/i.test(path) && K8S.test(text.slice(0, 4096))) {
    return /^\s*kind:\s*(Secret|Deployment|Pod|StatefulSet|DaemonSet|Job|CronJob|ConfigMap|ReplicaSet|ExternalSecret|SealedSecret)\b/m.test(
      text,
    )
      ? 'k8s-manifest'
      : 'config';
  }
  if (SOURCE.test(path)) return 'source';
  if (DOCS.test(path)) return 'docs';
  return 'config';
}
