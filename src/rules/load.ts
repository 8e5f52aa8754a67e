/**
 * Loading the rule pack. The source of truth is rules/*.yaml; `npm run build` validates it and
 * writes dist/rules.json so a scan does not parse YAML on every start.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { yaml } from '../deps.js';
import { RuleFileError, validateRule, type RuleProblem } from './validate.js';
import type { RuleSpec } from './types.js';

/**
 * The package root: the nearest folder above this module with unsprawl's package.json. Found by
 * walking up, so src/, dist/ and the bundled Action in dist-action/ all find rules/ and schema/.
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && /"name":\s*"unsprawl"/.test(readFileSync(manifest, 'utf8')))
      return dir;
    if (dirname(dir) === dir) return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
    dir = dirname(dir);
  }
}

export const PACKAGE_ROOT = packageRoot();
export const RULES_DIR = join(PACKAGE_ROOT, 'rules');
export const COMPILED_RULES = join(PACKAGE_ROOT, 'dist', 'rules.json');
/** The built-in pack's keyword automaton, saved by the build (src/detect/automaton-cache.ts). */
export const SAVED_AUTOMATON = join(PACKAGE_ROOT, 'dist', 'keywords.bin');
/** The built-in rules' gates (src/detect/needs-cache.ts), saved by the build. */
export const SAVED_NEEDS = join(PACKAGE_ROOT, 'dist', 'rule-needs.json');

/** Parse and validate rule files; every problem in every file is reported at once. */
export function loadRuleFiles(files: readonly string[]): RuleSpec[] {
  const problems: RuleProblem[] = [];
  const rules: RuleSpec[] = [];
  const seen = new Map<string, string>();

  for (const file of files) {
    const family = basename(file).replace(/\.ya?ml$/, '');
    let doc: unknown;
    try {
      doc = yaml().parse(readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push({ file, ruleId: '(file)', field: '(yaml)', message: (error as Error).message });
      continue;
    }
    const list = (doc as { rules?: unknown } | null)?.rules;
    if (!Array.isArray(list)) {
      problems.push({ file, ruleId: '(file)', field: 'rules', message: 'must be a list of rules' });
      continue;
    }
    list.forEach((raw, index) => {
      const found = validateRule(raw, file, index);
      problems.push(...found);
      if (found.length > 0) return;
      const rule = { ...(raw as RuleSpec), family };
      const earlier = seen.get(rule.id);
      if (earlier) {
        problems.push({
          file,
          ruleId: rule.id,
          field: 'id',
          message: `is also defined in ${earlier}`,
        });
        return;
      }
      seen.set(rule.id, file);
      rules.push(rule);
    });
  }
  if (problems.length > 0) throw new RuleFileError(problems);
  return rules;
}

export function ruleFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

let builtin: RuleSpec[] | undefined;

/** The built-in pack: the compiled JSON when it is there, else the YAML sources. */
export function builtinRules(): RuleSpec[] {
  if (!builtin) {
    builtin = existsSync(COMPILED_RULES)
      ? (JSON.parse(readFileSync(COMPILED_RULES, 'utf8')) as RuleSpec[])
      : loadRuleFiles(ruleFilesIn(RULES_DIR));
  }
  return builtin;
}
