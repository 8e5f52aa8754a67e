/**
 * `unsprawl fix`: replaces literals with references where the rewrite is mechanical. Running it
 * is the user's consent, so it never prompts; but nothing is lost: every removed value is written
 * first to a 0600 file outside the repository (or piped to --store-cmd), with the commands that
 * store it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeError, log } from '../../log/logger.js';
import { applyEdits, readText, writeAtomically } from '../../analysis/apply-edits.js';
import type { Finding } from '../../findings/types.js';
import { findRepoRoot } from '../../sources/gitignore.js';
import { UsageError } from '../errors.js';
import { currentFolder } from '../working-folder.js';
import { executeScan, SCAN_OPTIONS } from './scan.js';

export const FIX_HELP = `Usage: unsprawl fix [PATH...] [--target T] [--dry-run] [--force] [--store-cmd CMD]

Replaces secret literals with references (process.env.X, \${{ secrets.X }}, secretKeyRef,
data sources...) where the rewrite is mechanical. Before any file changes, the removed
values are written with mode 0600 to ~/.unsprawl/ (outside the repository), as a script
that stores each one in the target with the value on stdin; --store-cmd CMD pipes that
script to CMD instead. Files with unstaged changes are refused unless --force.
Exits 0 when it rewrote files or had nothing to do.
`;

interface PlannedFile {
  path: string;
  absPath: string;
  findings: Finding[];
}

/** Files whose working copy differs from the index, after refreshing its stat cache. */
function filesWithUnstagedChanges(repoRoot: string | undefined): Set<string> {
  if (!repoRoot) return new Set();
  try {
    execFileSync('git', ['update-index', '-q', '--refresh'], { cwd: repoRoot, stdio: 'ignore' });
  } catch {
    // update-index exits non-zero when files need updating; the diff below still answers.
  }
  const out = execFileSync('git', ['diff', '--name-only', '-z'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return new Set(
    out
      .split('\0')
      .filter(Boolean)
      .map((p) => resolve(repoRoot, p)),
  );
}

/**
 * Text for a `#` comment in the values script: a path or replacement with a line break in it
 * would otherwise end the comment and run as a command.
 */
function commentText(text: string): string {
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(/[\u2028\u2029]/g, ' ');
}

function valuesScript(root: string, plans: PlannedFile[]): string {
  const lines = [
    '#!/bin/sh',
    `# unsprawl fix: values removed from ${commentText(root)} on ${new Date().toISOString()}`,
    '# Each block stores one value (read from stdin, never on a command line).',
    '# Run the blocks you need, rotate the credentials, then delete this file.',
    '',
  ];
  for (const plan of plans) {
    for (const finding of plan.findings) {
      const r = finding.remediation!;
      // A delimiter the value cannot contain, so the here-document ends where it should.
      let delimiter = 'UNSPRAWL_VALUE';
      while (finding.secret!.includes(delimiter)) delimiter += '_';
      lines.push(
        `# ${commentText(plan.path)}:${finding.line} ${finding.ruleId} -> ${commentText(r.replacement.split('\n')[0]!)}`,
      );
      lines.push(`# rotate: ${commentText(r.rotation)} (${commentText(r.rotationUrl)})`);
      lines.push(`${r.storeCommand} <<'${delimiter}'`, finding.secret!, delimiter, '');
    }
  }
  return lines.join('\n');
}

function writePrivateFile(text: string, root: string): string {
  const dir = join(homedir(), '.unsprawl');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = `${root.split('/').filter(Boolean).pop() ?? 'repo'}-${new Date().toISOString().replace(/[:.]/g, '-')}.sh`;
  const path = join(dir, name);
  // 'wx': never overwrite; the mode is set at creation, before any byte is written.
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return path;
}

const FIX_OPTIONS = {
  ...SCAN_OPTIONS,
  'dry-run': { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  'store-cmd': { type: 'string' },
} as const;

export async function fixCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: FIX_OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(FIX_HELP);
    return 0;
  }
  const dryRun = values['dry-run'];
  const storeCmd = values['store-cmd'];
  if (storeCmd !== undefined && !storeCmd.trim())
    throw new UsageError('--store-cmd needs a command');
  const given = { '--history': values.history, '--range': values.range, '--staged': values.staged };
  const source = Object.entries(given).find(([, value]) => value !== undefined && value !== false);
  if (source) {
    throw new UsageError(`${source[0]} does not go with fix: it rewrites the working tree only`);
  }

  const { result } = await executeScan({ ...values, 'no-redact': true }, positionals);
  const repoRoot = findRepoRoot(result.root);
  const dirty = values.force ? new Set<string>() : filesWithUnstagedChanges(repoRoot);

  const byFile = new Map<string, PlannedFile>();
  let manual = 0;
  for (const finding of result.findings) {
    if (finding.suppression) continue;
    if (!finding.remediation?.edit) {
      manual++;
      continue;
    }
    const absPath = resolve(result.root, finding.path);
    // Archive members (`a.zip!x.env`) and names shown escaped cannot be rewritten in place.
    if (!existsSync(absPath) || !statSync(absPath).isFile()) {
      manual++;
      continue;
    }
    const plan = byFile.get(absPath) ?? { path: finding.path, absPath, findings: [] };
    plan.findings.push(finding);
    byFile.set(absPath, plan);
  }

  const plans: PlannedFile[] = [];
  for (const plan of byFile.values()) {
    if (dirty.has(plan.absPath)) {
      log.warn(
        `${plan.path}: has unstaged changes; not rewritten (commit or stage them, or use --force)`,
      );
      continue;
    }
    plans.push(plan);
  }

  if (plans.length === 0) {
    process.stdout.write(
      `nothing to fix${manual ? `; ${manual} finding(s) need a manual change (run unsprawl scan)` : ''}\n`,
    );
    return 0;
  }
  // Every rewrite is computed before anything is written: all of them apply, or none.
  const rewrites: { plan: PlannedFile; text: string }[] = [];
  for (const plan of plans) {
    let after: string | undefined;
    try {
      after = applyEdits(
        readText(plan.absPath),
        plan.findings.map((f) => f.remediation!.edit!),
      );
    } catch (error) {
      log.warn(`${plan.path}: cannot be read (${describeError(error)}); not rewritten`);
      continue;
    }
    if (after === undefined) {
      log.warn(`${plan.path}: changed since the scan; not rewritten`);
      continue;
    }
    rewrites.push({ plan, text: after });
  }
  for (const { plan } of rewrites) {
    for (const f of plan.findings) {
      const shown = JSON.stringify(plan.path).slice(1, -1);
      process.stdout.write(
        `${dryRun ? 'would rewrite' : 'rewrite'} ${shown}:${f.line}:${f.column} ${f.redacted} -> ${f.remediation!.edit!.text || '(removed)'}\n`,
      );
    }
  }
  if (manual)
    process.stdout.write(`${manual} finding(s) need a manual change (run unsprawl scan)\n`);
  if (dryRun || rewrites.length === 0) return 0;

  // The values leave the repository before any file loses them.
  const script = valuesScript(
    result.root,
    rewrites.map((r) => r.plan),
  );
  if (storeCmd) {
    const piped = spawnSync(storeCmd, {
      shell: true,
      input: script,
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    if (piped.status !== 0)
      throw new UsageError(
        `--store-cmd exited with ${piped.status ?? piped.signal}; no file was changed`,
      );
  } else {
    const saved = writePrivateFile(script, result.root);
    log.notice(`removed values and their store commands saved to ${saved} (mode 0600)`);
  }

  let rewritten = 0;
  for (const { plan, text } of rewrites) {
    writeAtomically(plan.absPath, text);
    rewritten++;
  }
  process.stdout.write(
    `rewrote ${rewritten} file(s) under ${relative(currentFolder(), result.root) || '.'}\n`,
  );
  return 0;
}
