/**
 * The GitHub Action entry point. It needs no licence key and no token: it reads the event file,
 * scans (the pull request's commits on pull_request events), writes SARIF for
 * github/codeql-action/upload-sarif, a job summary and at most ten annotations.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CONFIG_NAMES } from '../config/load.js';
import { log } from '../log/logger.js';
import { executeScan, parseScanArgs } from '../cli/commands/scan.js';
import { writeReport } from '../cli/output.js';
import { currentFolder, isWorkingFolderError, workingFolderError } from '../cli/working-folder.js';
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

/**
 * On a pull request the policy comes from the base commit: a pull request must not be able to
 * switch its own scan off by adding or editing the config. Returns the --config to use.
 */
function baseConfig(repo: string, base: string, names: readonly string[]): string | undefined {
  for (const name of names) {
    let text: string | undefined;
    try {
      text = execFileSync('git', ['show', `${base}:${name}`], {
        cwd: repo,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch {
      continue;
    }
    const file = join(mkdtempSync(join(tmpdir(), 'unsprawl-config-')), name.split('/').pop()!);
    writeFileSync(file, text);
    return file;
  }
  if (names.some((name) => existsSync(join(repo, name)))) {
    log.warn(
      'the pull request adds a config the base branch does not have: it is ignored for this scan',
    );
  }
  const empty = join(mkdtempSync(join(tmpdir(), 'unsprawl-config-')), 'unsprawl.config.json');
  writeFileSync(empty, '{}\n');
  return empty;
}

/** Findings relative to the workspace, as GitHub expects, whatever folder was scanned. */
function relativeToWorkspace(
  result: {
    findings: { path: string }[];
    notices: { subject: string }[];
    root: string;
    escapedPaths: Set<string>;
  },
  workspace: string,
) {
  const prefix = relative(workspace, result.root).split(sep).join('/');
  if (!prefix) return;
  for (const finding of result.findings) finding.path = `${prefix}/${finding.path}`;
  for (const notice of result.notices) notice.subject = `${prefix}/${notice.subject}`;
  result.escapedPaths = new Set([...result.escapedPaths].map((path) => `${prefix}/${path}`));
  result.root = workspace;
}

export async function runAction(): Promise<number> {
  const workspace = resolve(process.env.GITHUB_WORKSPACE ?? currentFolder());
  const path = resolve(workspace, input('path', '.'));
  const inside = relative(workspace, path);
  if (inside.startsWith('..') || isAbsolute(inside))
    throw new Error(`input path ${path} is outside the workspace ${workspace}`);
  if (!existsSync(path)) throw new Error(`input path ${path} does not exist`);
  if (process.env.GITHUB_EVENT_NAME?.startsWith('pull_request') && !process.env.GITHUB_EVENT_PATH) {
    log.warn('pull_request event without GITHUB_EVENT_PATH: scanning the whole tree');
  }
  const range = pullRequestRange();
  const mode = input('mode', range ? 'pr' : 'full');
  const failOn = input('fail-on', 'low');
  if (!['pr', 'full', 'history'].includes(mode))
    throw new Error(`input mode must be pr, full or history, not "${mode}"`);
  if (!(failOn in FAIL_LEVELS))
    throw new Error(`input fail-on must be high, medium, low or none, not "${failOn}"`);

  const argv = [path, '--target', input('target', 'auto'), '--quiet'];
  if (mode === 'pr' && range) argv.push('--range', range);
  if (mode === 'pr' && !range)
    log.warn('mode pr outside a pull_request event: scanning the whole tree');
  if (mode === 'history') argv.push('--history');
  const baseline = input('baseline');
  if (baseline) argv.push('--baseline', resolve(workspace, baseline));
  const config = input('config');
  if (mode === 'pr' && range) {
    const repo = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: path,
      encoding: 'utf8',
    }).trim();
    const names = config
      ? [relative(repo, resolve(workspace, config)).split(sep).join('/')]
      : CONFIG_NAMES;
    const policy = baseConfig(repo, range.split('..')[0]!, names);
    if (policy) argv.push('--config', policy);
  } else if (config) {
    argv.push('--config', resolve(workspace, config));
  }

  const { values, positionals } = parseScanArgs(argv);
  const { result, targetNote } = await executeScan(values, positionals, { inline: true });
  relativeToWorkspace(result, workspace);

  const sarifFile = resolve(workspace, input('sarif-file', 'unsprawl.sarif'));
  const sarif = toSarif(result);
  writeReport(`${JSON.stringify(sarif, null, 2)}\n`, sarifFile, { createFolders: true });
  setOutput('sarif-file', sarifFile);
  setOutput('findings', String(result.summary.findings));

  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  if (summaryFile)
    appendFileSync(summaryFile, toJobSummary(result.findings, result.summary, targetNote));
  process.stdout.write(toGithubAnnotations(result.findings, MAX_ANNOTATIONS));

  const failing = result.findings.filter(
    (f) => !f.suppression && FAIL_LEVELS[failOn]!.includes(f.confidence),
  );
  return failing.length > 0 ? 1 : 0;
}

// Run when executed (the bundle), not when a test imports the module.
if (process.env.UNSPRAWL_ACTION_IMPORT !== '1') {
  runAction().then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      const message = isWorkingFolderError(error)
        ? workingFolderError(error).message
        : error.message;
      process.stdout.write(`::error::unsprawl: ${message.replace(/\r?\n/g, '%0A')}\n`);
      process.exitCode = 2;
    },
  );
}
