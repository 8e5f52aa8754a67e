/**
 * The analysis stage: runs once all findings are in, names the anti-patterns each one shows and
 * attaches its remediation. Findings are changed in place.
 */
import type { UnsprawlConfig } from '../config/types.js';
import type { AntiPatternId, Finding } from '../findings/types.js';
import type { RuleSpec } from '../rules/types.js';
import { gitFacts } from './git-facts.js';
import { providerAdvice } from './providers.js';
import { buildRemediation, slug, toEnvName, type Names } from './remediation.js';
import { placementKey, placementOf } from './services.js';
import { chooseTarget, describeChoice, readSignals } from './targets.js';
import type { TargetName } from '../config/types.js';

export interface AnalysisContext {
  config: UnsprawlConfig;
  /** Absolute folder reported paths are relative to. */
  root: string;
  /** --target from the command line, overriding the config. */
  target?: string;
  /** Today, for rotation ages (injectable for tests). */
  now?: Date;
  rules?: readonly RuleSpec[];
  /** The findings are on staged added lines: about to be committed, and new, so no line has an
   * age for blame to find (a pre-commit hook saves a git call per finding). */
  staged?: boolean;
  /** The files the scan read, relative to `root`, when it walked a tree. */
  files?: string[];
  /** git's list of tracked files, when the scan started reading it (`trackedFiles`). */
  tracked?: Promise<Set<string> | undefined>;
}

export interface AnalysisResult {
  /** How the remediation target was chosen, printed once. */
  targetNote?: string;
}

const DAY = 24 * 60 * 60 * 1000;
const MAX_SHARED_NAMES = 10;

export async function analyze(
  findings: Finding[],
  context: AnalysisContext,
): Promise<AnalysisResult> {
  if (findings.length === 0) return {};
  const now = context.now ?? new Date();
  const facts = await gitFacts(context.root, context.tracked);
  const references = new Map(context.rules?.map((rule) => [rule.id, rule.reference]));

  const requested = (
    context.target && context.target !== 'auto' ? context.target : context.config.target
  ) as TargetName;
  const k8sFinding = findings.find((f) => f.fileKind === 'k8s-manifest')?.path;
  const signals =
    requested === 'auto' || requested === 'k8s'
      ? readSignals(
          facts.repoRoot ?? context.root,
          k8sFinding,
          facts.trackedPaths() ?? (facts.repoRoot ? undefined : context.files),
        )
      : { clouds: new Map() };
  const choice = chooseTarget(requested, signals, context.config.regulated);

  const placements = findings.map((f) =>
    placementKey(placementOf(f.path, context.config.serviceBoundaries)),
  );
  const byValue = new Map<string, number[]>();
  findings.forEach((finding, index) => {
    const group = byValue.get(finding.valueDigest) ?? [];
    group.push(index);
    byValue.set(finding.valueDigest, group);
  });

  findings.forEach((finding, index) => {
    const antiPatterns = new Set<AntiPatternId>();
    const tracked =
      Boolean(finding.history) || context.staged === true || facts.isTracked(finding.path);
    if (tracked) antiPatterns.add('hardcoded-in-git');
    if (tracked && finding.fileKind === 'env-file') antiPatterns.add('env-file-committed');

    const advice = providerAdvice(finding, references.get(finding.ruleId));
    if (advice.dynamicAlternative) antiPatterns.add('static-long-lived');

    const since = finding.history
      ? new Date(finding.history.date)
      : tracked && !context.staged
        ? facts.lineDate(finding.path, finding.line)
        : undefined;
    if (since && (now.getTime() - since.getTime()) / DAY > context.config.rotationDays)
      antiPatterns.add('unrotated');

    const members = byValue.get(finding.valueDigest) ?? [];
    const places = new Set(members.map((m) => placements[m]));
    if (places.size > 1) {
      antiPatterns.add('shared-across-tenants');
      finding.sharedWith = members
        .filter((m) => m !== index)
        .map((m) => `${findings[m]!.path}:${findings[m]!.line} [${placements[m]}]`)
        .slice(0, MAX_SHARED_NAMES);
    }

    finding.antiPatterns = [...antiPatterns].sort();
    const placement = placementOf(finding.path, context.config.serviceBoundaries);
    const env = toEnvName(finding.variable, finding.kind);
    const names: Names = {
      env,
      key: env.toLowerCase(),
      service: slug(
        placement.service === '.'
          ? ((facts.repoRoot ?? context.root).split('/').pop() ?? 'app')
          : placement.service.split('/').pop()!,
      ),
    };
    finding.remediation = buildRemediation(finding, choice, names, advice);
  });

  return { targetNote: describeChoice(choice) };
}
