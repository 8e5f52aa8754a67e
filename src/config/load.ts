/**
 * Finds and reads the config: `--config FILE`, else the nearest unsprawl.config.json or
 * .unsprawl.yaml walking up from the scanned folder (stopping at the repository root). Every
 * problem is reported at once, each with the key path, the kind of value given (never the value)
 * and what was expected.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { yaml } from '../deps.js';
import { GuardedReadError, readGuardedFile } from './guarded-read.js';
import { parseProblem } from './parse-error.js';
import { log } from '../log/logger.js';
import { DEFAULT_CONFIG, type UnsprawlConfig } from './types.js';
import { validateRule } from '../rules/validate.js';
import { isIdentifierOrProse } from '../detect/filters.js';
import type { RuleSpec } from '../rules/types.js';
import { findRepoRoot } from '../sources/gitignore.js';
import { builtinRules, PACKAGE_ROOT } from '../rules/load.js';
import { RuleEngine } from '../detect/engine.js';

export const CONFIG_NAMES = ['unsprawl.config.json', '.unsprawl.yaml', '.unsprawl.yml'];

export interface ConfigRequest {
  /** --config FILE, when given. */
  explicit?: string;
  /** Where to start looking upwards. */
  startDir: string;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super(`${file}: ${problems.length} problem(s) in the config:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function findConfig(startDir: string): string | undefined {
  const stop = findRepoRoot(startDir);
  for (let dir = resolve(startDir); ; dir = dirname(dir)) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    if (dir === stop || dirname(dir) === dir) return undefined;
  }
}

type Validator = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string; params: Record<string, unknown> }[] | null;
};

let validator: Validator | undefined;

async function schemaValidator(): Promise<Validator> {
  if (!validator) {
    // Loaded only when a config exists: a hook on a repository without one never pays for ajv.
    const { default: Ajv } = await import('ajv');
    const schema = JSON.parse(
      readFileSync(join(PACKAGE_ROOT, 'schema', 'config.schema.json'), 'utf8'),
    );
    validator = new Ajv.default({ allErrors: true, strict: false }).compile(schema) as Validator;
  }
  return validator;
}

/**
 * What a value is, never what it holds: a config or baseline named by mistake may be full of
 * secrets (`--config .env`), and error messages end up in CI logs.
 */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  if (typeof value === 'string')
    return `a string (${count(value.length, 'character', 'characters')})`;
  if (Array.isArray(value)) return `a list (${count(value.length, 'item', 'items')})`;
  if (typeof value === 'object')
    return `a mapping (${count(Object.keys(value).length, 'key', 'keys')})`;
  return `a ${typeof value}`;
}

/** An unknown key is named when it reads as a name (a typo), else only measured. */
function describeKey(key: string): string {
  const named = key.length <= 64 && (/^[A-Za-z]{1,24}$/.test(key) || isIdentifierOrProse(key));
  return named ? `key "${key}"` : `a key of ${key.length} characters`;
}

function valueAt(data: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], data);
}

export async function loadConfig(request: ConfigRequest): Promise<UnsprawlConfig> {
  const file = request.explicit ? resolve(request.explicit) : findConfig(request.startDir);
  if (!file) return { ...DEFAULT_CONFIG };
  const repoRoot = findRepoRoot(dirname(file)) ?? dirname(file);

  let text: string;
  try {
    text = readGuardedFile(file, repoRoot, 'config');
  } catch (error) {
    // A config the repository itself carries may be hostile (a symlink to /dev/zero): say so and
    // scan with the defaults. One the user named on the command line is an error.
    if (error instanceof GuardedReadError && !request.explicit) {
      log.warn(`${error.message}; scanning with the default policy`);
      return { ...DEFAULT_CONFIG };
    }
    throw new ConfigError(file, [(error as Error).message.replace(`${file}: `, '')]);
  }
  const format = /\.ya?ml$/.test(file) ? 'YAML' : 'JSON';
  let data: unknown;
  try {
    data = format === 'YAML' ? yaml().parse(text) : JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [parseProblem(error, text, format)]);
  }
  data ??= {};

  const validate = await schemaValidator();
  const problems: string[] = [];
  if (!validate(data)) {
    for (const error of validate.errors ?? []) {
      const key = error.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(top level)';
      if (error.params.additionalProperty) {
        const key = String(error.params.additionalProperty);
        problems.push(`${describeKey(key)} is not a config key`);
        continue;
      }
      // An enum's message says "one of the allowed values" without them; name them.
      const allowed = Array.isArray(error.params.allowedValues)
        ? `: ${(error.params.allowedValues as unknown[]).join(', ')}`
        : '';
      problems.push(
        `key "${key}": got ${describeValue(valueAt(data, error.instancePath))}; it ${error.message}${allowed}`,
      );
    }
  }
  const config = data as Partial<UnsprawlConfig>;
  const customRules: RuleSpec[] = [];
  (Array.isArray(config.customRules) ? config.customRules : []).forEach((rule, index) => {
    // Named by position: the rule's id is a value of the config, and may not be an id at all.
    const found = validateRule(rule, file, index);
    problems.push(...found.map((p) => `key "customRules.${index}.${p.field}": ${p.message}`));
    if (found.length > 0) return;
    const spec = { ...(rule as RuleSpec), family: 'custom' };
    if (
      builtinRules().some((builtin) => builtin.id === spec.id) ||
      customRules.some((c) => c.id === spec.id)
    ) {
      problems.push(`key "customRules.${index}.id": is already a rule id`);
      return;
    }
    // A custom rule proves itself the way built-in rules do: by its own examples.
    const engine = new RuleEngine([spec]);
    spec.examples.forEach((example, i) => {
      if (!engine.detect(example.text).length)
        problems.push(`key "customRules.${index}.examples.${i}": the pattern does not find it`);
    });
    spec.negatives.forEach((example, i) => {
      if (engine.detect(example.text).length)
        problems.push(`key "customRules.${index}.negatives.${i}": the pattern matches it`);
    });
    customRules.push(spec);
  });
  if (problems.length) throw new ConfigError(file, problems);

  const known = new Set([
    ...builtinRules().map((rule) => rule.id),
    ...customRules.map((rule) => rule.id),
  ]);
  (config.disabledRules ?? []).forEach((id, index) => {
    if (!known.has(id))
      log.warn(`${file}: disabledRules.${index} is not a rule id (see unsprawl rules)`);
  });

  const here = dirname(file);
  return {
    ...DEFAULT_CONFIG,
    ...config,
    source: file,
    customRules,
    baseline: config.baseline ? resolve(here, config.baseline) : undefined,
  } as UnsprawlConfig;
}
