/**
 * The GitHub Action entry point. It needs no licence key and no token: it reads the event file,
 * scans (the pull request's commits on pull_request events), writes SARIF for
 * github/codeql-action/upload-sarif, a job summary and at most ten annotations.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { log } from '../log/logger.js';
import { executeScan, parseScanArgs } from '../cli/commands/scan.js';
import { writeReport } from '../cli/output.js';
import { toGithubAnnotations } from '../report/github.js';
import { toSarif } from '../report/sarif.js';
import { toJobSummary } from '../report/summary.js';
import type { Confidence } from '../rules/types.js';

const MAX_ANNOTATIONS = 10;
const FAIL_LEVELS: Record<string, Confidence[]> = {
  high: ['high'],
  medium: ['high', 'medium'],
  low: ['high', 'medium', 'low'],
  none: [],
};

/** Inputs arrive as INPUT_<NAME> with the name upper-cased and spaces made underscores. */
export function input(name: string, fallback = ''): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  return value === undefined || value.trim() === '' ? fallback : value.trim();
}

function setOutput(name: string, value: string): void {
  const file = process.env.GITHUB_OUTPUT;
  if (file) appendFileSync(file, `${name}=${value}\n`);
}

interface PullRequestEvent {
  pull_request?: { base?: { sha?: string }; head?: { sha?: string } };
}

export function pullRequestRange(): string | undefined {
  const eventPath = process.env.GITHUB_EVENT_PATH;
  if (!eventPath) return undefined;
  try {
    const event = JSON.parse(readFileSync(eventPath, 'utf8')) as PullRequestEvent;
    const base = event.pull_request?.base?.sha;
    const head = event.pull_request?.head?.sha;
    return base && head ? `${base}..${head}` : undefined;
  } catch {
    log.warn(`${eventPath}: cannot read the event payload; scanning the whole tree`);
    return undefined;
  }
}

export async function runAction(): Promise<number> {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const path = resolve(workspace, input('path', '.'));
  const range = pullRequestRange();
  const mode = input('mode', range ? 'pr' : 'full');
  const failOn = input('fail-on', 'low');
  if (!['pr', 'full', 'history'].includes(mode)) throw new Error(`input mode must be pr, full or history, not "${mode}"`);
  if (!(failOn in FAIL_LEVELS)) throw new Error(`input fail-on must be high, medium, low or none, not "${failOn}"`);

  const argv = [path, '--target', input('target', 'auto'), '--quiet'];
  if (mode === 'pr' && range) argv.push('--range', range);
  if (mode === 'pr' && !range) log.warn('mode pr outside a pull_request event: scanning the whole tree');
  if (mode === 'history') argv.push('--history');
  const baseline = input('baseline');
  if (baseline) argv.push('--baseline', resolve(workspace, baseline));
  const config = input('config');
  if (config) argv.push('--config', resolve(workspace, config));

  const { values, positionals } = parseScanArgs(argv);
  const { result, targetNote } = await executeScan(values, positionals, { inline: true });

  const sarifFile = resolve(workspace, input('sarif-file', 'unsprawl.sarif'));
  const sarif = toSarif({ findings: result.findings, notices: result.notices, summary: result.summary, rules: result.rules, root: result.root });
  writeReport(`${JSON.stringify(sarif, null, 2)}\n`, sarifFile);
  setOutput('sarif-file', sarifFile);
  setOutput('findings', String(result.summary.findings));

  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) appendFileSync(summaryFile, toJobSummary(result.findings, result.summary, targetNote));
  process.stdout.write(toGithubAnnotations(result.findings, MAX_ANNOTATIONS));

  const failing = result.findings.filter((f) => !f.suppression && FAIL_LEVELS[failOn]!.includes(f.confidence));
  return failing.length > 0 ? 1 : 0;
}

// Run when executed (the bundle), not when a test imports the module.
if (process.env.UNSPRAWL_ACTION_IMPORT !== '1') {
  runAction().then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      process.stdout.write(`::error::unsprawl: ${error.message.replace(/\r?\n/g, '%0A')}\n`);
      process.exitCode = 2;
    },
  );
}
