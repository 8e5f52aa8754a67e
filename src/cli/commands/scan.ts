/** `unsprawl scan`: the main job. */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { log, setLogLevel } from '../../log/logger.js';
import { analyze } from '../../analysis/index.js';
import { loadConfig } from '../../config/load.js';
import { applySuppressions } from '../../findings/suppress.js';
import {
  scanRoot,
  scanWorkingTree,
  type ScanRequest,
  type ScanResult,
} from '../../pipeline/scan.js';
import { scanHistory, scanRange, scanStaged } from '../../pipeline/scan-git.js';
import { toGithubAnnotations } from '../../report/github.js';
import { toJson } from '../../report/json.js';
import { toSarif } from '../../report/sarif.js';
import { summaryLine, toText, type TextDetail } from '../../report/text.js';
import type { Confidence } from '../../rules/types.js';
import { UsageError } from '../errors.js';
import { checkOutputFolder, writeReport } from '../output.js';
import { currentFolder } from '../working-folder.js';
import { createProgress } from '../progress.js';
import { parseSize } from '../size.js';

export const SCAN_HELP = `Usage: unsprawl scan [PATH...] [options]

Scans the working tree at PATH (default .) for secrets, honouring .gitignore.

Sources:
  --history                every blob reachable from any ref, once each
  --range BASE..HEAD       only what those commits introduced (pull requests)
  --since DATE             with --history: only commits after DATE
  --staged                 only what is staged in the index (pre-commit)

Output:
  --format FORMAT          text (default), json, sarif or github
  -o, --output FILE        write the report to FILE instead of stdout
  --no-redact              print secrets in full (never in CI logs)
  --min-confidence LEVEL   low (default), medium or high
  -q, --quiet              only the findings and a one-line total (nothing when clean);
                           no progress line; only warnings and errors on stderr
  --verbose                also list skipped files, suppressed findings, rule and thread
                           counts; notes on stderr. --debug for everything

Selection:
  --include GLOB           only files matching GLOB (repeatable)
  --exclude GLOB           skip files matching GLOB (repeatable)
  --no-gitignore           also scan files that .gitignore excludes
  --include-dependencies   also scan node_modules folders (skipped by default)
  --max-file-size SIZE     skip larger files (default 20MB)
  --threads N              worker threads (default: cores)

Policy:
  --config FILE            unsprawl.config.json or .unsprawl.yaml (default: found upwards)
  --baseline FILE          hide the findings recorded in FILE
  --target T               auto, vault, aws, gcp, azure, k8s or sops (remediation advice)

Exit codes: 0 nothing found, 1 findings, 2 usage or runtime error.
`;

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
/** A file is scanned as one string, and V8 strings stop a little short of 512 MiB. */
const MAX_FILE_SIZE_LIMIT = 256 * 1024 * 1024;
type Format = (typeof FORMATS)[number];
const CONFIDENCE_ORDER: Confidence[] = ['low', 'medium', 'high'];

export const SCAN_OPTIONS = {
  format: { type: 'string', default: 'text' },
  output: { type: 'string', short: 'o' },
  include: { type: 'string', multiple: true, default: [] as string[] },
  exclude: { type: 'string', multiple: true, default: [] as string[] },
  'max-file-size': { type: 'string', default: '20MB' },
  threads: { type: 'string' },
  'no-gitignore': { type: 'boolean', default: false },
  'include-dependencies': { type: 'boolean', default: false },
  'no-redact': { type: 'boolean', default: false },
  'min-confidence': { type: 'string', default: 'low' },
  quiet: { type: 'boolean', short: 'q', default: false },
  verbose: { type: 'boolean', default: false },
  debug: { type: 'boolean', default: false },
  history: { type: 'boolean', default: false },
  range: { type: 'string' },
  since: { type: 'string' },
  staged: { type: 'boolean', default: false },
  config: { type: 'string' },
  baseline: { type: 'string' },
  target: { type: 'string', default: 'auto' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export type ScanValues = ReturnType<typeof parseScanArgs>['values'];

export function parseScanArgs(argv: string[]) {
  return parseArgs({ args: argv, options: SCAN_OPTIONS, allowPositionals: true, strict: true });
}

export function checkScanValues(values: ScanValues) {
  if (!FORMATS.includes(values.format as Format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${values.format}"`);
  }
  const maxFileSize = parseSize(values['max-file-size']);
  if (maxFileSize === undefined || maxFileSize <= 0) {
    throw new UsageError(
      `--max-file-size takes a size such as 20MB or 512k, not "${values['max-file-size']}"`,
    );
  }
  if (maxFileSize > MAX_FILE_SIZE_LIMIT) {
    throw new UsageError(`--max-file-size can be at most 256MB, not "${values['max-file-size']}"`);
  }
  let threads: number | undefined;
  if (values.threads !== undefined) {
    threads = Number(values.threads);
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
      throw new UsageError(`--threads takes a whole number from 1 to 256, not "${values.threads}"`);
    }
  }
  const minConfidence = values['min-confidence'] as Confidence;
  if (!CONFIDENCE_ORDER.includes(minConfidence)) {
    throw new UsageError(
      `--min-confidence must be low, medium or high, not "${values['min-confidence']}"`,
    );
  }
  const targets = ['auto', 'vault', 'aws', 'gcp', 'azure', 'k8s', 'sops'];
  if (!targets.includes(values.target)) {
    throw new UsageError(`--target must be one of ${targets.join(', ')}, not "${values.target}"`);
  }
  const sources = [values.history, values.range !== undefined, values.staged].filter(
    Boolean,
  ).length;
  if (sources > 1) throw new UsageError('--history, --range and --staged exclude each other');
  if (values.since && !values.history && values.range === undefined) {
    throw new UsageError('--since goes with --history or --range');
  }
  // Before the scan, not after it: a long scan should not end in a report with nowhere to go.
  checkOutputFolder(values.output);
  return { format: values.format as Format, maxFileSize, threads, minConfidence };
}

export function filterByConfidence<T extends { confidence: Confidence }>(
  items: T[],
  min: Confidence,
): T[] {
  const floor = CONFIDENCE_ORDER.indexOf(min);
  return items.filter((item) => CONFIDENCE_ORDER.indexOf(item.confidence) >= floor);
}

/** -q and --verbose change the text report and stderr only: JSON and SARIF stay the same. */
export function textDetail(values: ScanValues): TextDetail {
  if (values.verbose || values.debug) return 'verbose';
  return values.quiet ? 'quiet' : 'normal';
}

export function renderReport(scan: ExecutedScan, values: ScanValues): string {
  const { result } = scan;
  switch (scan.checked.format) {
    case 'json':
      return toJson(result.findings, result.summary, result.notices);
    case 'sarif':
      return `${JSON.stringify(toSarif(result), null, 2)}\n`;
    case 'github':
      return toGithubAnnotations(result.findings);
    case 'text': {
      const color = values['no-color']
        ? false
        : (values.color ?? (process.stdout.isTTY && !process.env.NO_COLOR));
      return toText({
        findings: result.findings,
        summary: result.summary,
        color: Boolean(color),
        detail: textDetail(values),
        notices: result.notices,
        ruleCount: scan.ruleCount,
        targetNote: scan.targetNote,
      });
    }
  }
}

/** Picks the source the flags ask for: working tree, history, a commit range or the index. */
async function runSource(request: ScanRequest, values: ScanValues): Promise<ScanResult> {
  if (values.history) return scanHistory(request, { since: values.since });
  if (values.range !== undefined) return scanRange(request, values.range, { since: values.since });
  if (values.staged) return scanStaged(request);
  return scanWorkingTree(request);
}

export interface ExecutedScan {
  result: ScanResult;
  targetNote?: string;
  checked: ReturnType<typeof checkScanValues>;
  /** Rules the scan ran: the pack and custom rules, less the disabled ones. */
  ruleCount: number;
}

/** Everything `scan` does short of printing: shared by `scan`, `baseline`, `fix` and the Action. */
export async function executeScan(
  values: ScanValues,
  positionals: string[],
  overrides: Partial<ScanRequest> = {},
): Promise<ExecutedScan> {
  if (values.debug) setLogLevel('debug');
  else if (values.verbose) setLogLevel('info');
  else if (values.quiet) setLogLevel('warn');
  const checked = checkScanValues(values);
  // Before the paths are checked: in a deleted folder `.` would read as "no such file".
  currentFolder();
  const paths = positionals.length ? positionals : ['.'];
  for (const path of paths) {
    if (existsSync(path)) continue;
    // Node decodes the command line as UTF-8: a name that is not valid UTF-8 arrives with
    // U+FFFD in it and cannot be opened by it.
    const why = path.includes('\uFFFD')
      ? 'no such file or directory (a name that is not valid UTF-8 cannot be given on the ' +
        'command line; scan the folder that holds it)'
      : 'no such file or directory';
    throw new UsageError(`${path}: ${why}`);
  }

  const config = await loadConfig({ explicit: values.config, startDir: scanRoot(paths) });
  const progress = createProgress(values.quiet);
  const request: ScanRequest = {
    paths,
    include: values.include,
    exclude: [...values.exclude, ...config.allowPaths],
    gitignore: !values['no-gitignore'],
    dependencies: values['include-dependencies'],
    maxFileSize: checked.maxFileSize,
    threads: checked.threads,
    redact: !values['no-redact'],
    extraRules: config.customRules,
    disabledRules: config.disabledRules,
    skipPaths: [values.config, values.baseline, config.source, config.baseline].filter(
      (p): p is string => Boolean(p),
    ),
    onProgress: (p) => progress.update(p),
    ...overrides,
  };
  const result = await runSource(request, values);
  progress.done();

  const analysis = await analyze(result.findings, {
    config,
    root: result.root,
    target: values.target,
    rules: result.rules,
    staged: Boolean(values.staged),
    files: result.files,
    tracked: result.tracked,
  });
  const baseline = values.baseline ?? config.baseline;
  await applySuppressions(result.findings, { config, root: result.root, baseline });
  result.findings = filterByConfidence(result.findings, checked.minConfidence);
  result.summary.findings = result.findings.filter((f) => !f.suppression).length;
  result.summary.suppressed = result.findings.length - result.summary.findings;
  const disabled = new Set(config.disabledRules);
  const ruleCount = result.rules.filter((rule) => !disabled.has(rule.id)).length;
  return { result, targetNote: analysis.targetNote, checked, ruleCount };
}

export async function scanCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseScanArgs(argv);
  if (values.help) {
    process.stdout.write(SCAN_HELP);
    return 0;
  }
  const scan = await executeScan(values, positionals);
  writeReport(renderReport(scan, values), values.output);
  if (scan.checked.format !== 'text') log.info(summaryLine(scan.result.summary, scan.ruleCount));
  return scan.result.summary.findings > 0 ? 1 : 0;
}
