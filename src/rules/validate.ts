/**
 * Checks a rule record field by field, so a bad rule file stops the program with a message that
 * names the file, the rule and the field. Every problem is collected before reporting.
 */
import type { RuleSpec } from './types.js';

export const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const CONFIDENCES = ['high', 'medium', 'low'];
const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const VALIDATORS = [
  'github-crc32',
  'gitlab-crc32',
  'npm-crc32',
  'jwt',
  'pem-body',
  'base64-json',
  'luhn',
];
const FILTER_NAMES = ['secret-like-value', 'password-value', 'not-hex-only', 'not-uuid'];
const KNOWN_FIELDS = new Set([
  'id',
  'name',
  'description',
  'family',
  'kind',
  'keywords',
  'pattern',
  'flags',
  'near',
  'nearLines',
  'afterKeyword',
  'boundary',
  'minEntropy',
  'validate',
  'onInvalid',
  'filters',
  'allowPlaceholders',
  'confidence',
  'severity',
  'reference',
  'tags',
  'examples',
  'negatives',
]);

export interface RuleProblem {
  file: string;
  ruleId: string;
  field: string;
  message: string;
}

export function formatProblem(problem: RuleProblem): string {
  return `${problem.file}: rule "${problem.ruleId}": field "${problem.field}": ${problem.message}`;
}

/** Number of capturing groups in a regex source, found by compiling it. */
export function captureGroups(source: string, flags = ''): number {
  return new RegExp(`${source}|`, flags).exec('')!.length - 1;
}

export function validateRule(raw: unknown, file: string, index: number): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const record = (raw ?? {}) as Record<string, unknown>;
  // Only a well-formed id names the rule in a message; anything else could be any text at all.
  const ruleId =
    typeof record.id === 'string' && RULE_ID.test(record.id) && record.id.length <= 64
      ? record.id
      : `#${index + 1}`;
  const problem = (field: string, message: string) =>
    problems.push({ file, ruleId, field, message });

  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problem('(rule)', 'must be a mapping of fields');
    return problems;
  }
  for (const key of Object.keys(record)) {
    if (!KNOWN_FIELDS.has(key)) problem(key, 'is not a rule field');
  }

  const text = (field: string, optional = false) => {
    const value = record[field];
    if (value === undefined && optional) return;
    if (typeof value !== 'string' || value.trim() === '')
      problem(field, 'must be a non-empty string');
  };
  text('id');
  if (typeof record.id === 'string' && !RULE_ID.test(record.id)) {
    problem('id', 'must be kebab-case: lower-case letters, digits and single dashes');
  }
  if (typeof record.id === 'string' && record.id.length > 64)
    problem('id', 'must be at most 64 characters');
  text('name');
  text('description');
  text('kind', true);
  text('pattern');
  text('reference');
  if (
    typeof record.reference === 'string' &&
    !/^https:\/\/[^\s/]+\.[^\s/]+(\/\S*)?$/.test(record.reference)
  ) {
    problem('reference', 'must be an https URL');
  }

  const keywords = record.keywords;
  if (!Array.isArray(keywords) || keywords.length === 0) {
    problem('keywords', 'must be a non-empty list of literals');
  } else {
    keywords.forEach((keyword: unknown, i) => {
      if (typeof keyword !== 'string' || keyword.length < 3 || !/^[\x21-\x7e ]+$/.test(keyword)) {
        problem(`keywords.${i}`, 'must be an ASCII literal of three characters or more');
      } else if (keyword !== keyword.toLowerCase()) {
        problem(`keywords.${i}`, 'must be lower-case (the prefilter folds case)');
      }
    });
  }

  if (
    record.flags !== undefined &&
    (typeof record.flags !== 'string' || !/^i?$/.test(record.flags))
  ) {
    problem('flags', 'may only be "i"');
  }
  if (typeof record.pattern === 'string') {
    try {
      const groups = captureGroups(
        record.pattern,
        typeof record.flags === 'string' ? record.flags : '',
      );
      if (groups !== 1)
        problem('pattern', `must have exactly one capturing group (the secret), has ${groups}`);
    } catch (error) {
      // V8 quotes the whole pattern before the reason; say only the reason.
      const reason = /: ([^:]*)$/.exec((error as Error).message)?.[1] ?? 'invalid';
      problem('pattern', `does not compile (${reason})`);
    }
  }

  if (record.afterKeyword !== undefined) {
    if (typeof record.afterKeyword !== 'string' || !record.afterKeyword) {
      problem('afterKeyword', 'must be a pattern');
    } else {
      try {
        if (captureGroups(record.afterKeyword) !== 0)
          problem('afterKeyword', 'must capture nothing');
      } catch {
        problem('afterKeyword', 'does not compile');
      }
    }
  }

  const positiveNumber = (field: string) => {
    const value = record[field];
    if (value !== undefined && (typeof value !== 'number' || !(value > 0))) {
      problem(field, 'must be a positive number');
    }
  };
  positiveNumber('near');
  positiveNumber('minEntropy');
  if (typeof record.near === 'number' && record.near > 400) problem('near', 'must be at most 400');
  if (record.nearLines !== undefined) {
    const lines = record.nearLines;
    if (typeof lines !== 'number' || !Number.isInteger(lines) || lines < 0 || lines > 5)
      problem('nearLines', 'must be a whole number from 0 to 5');
    else if (record.near === undefined) problem('nearLines', 'needs near');
  }

  const oneOf = (field: string, allowed: string[], optional: boolean) => {
    const value = record[field];
    if (value === undefined && optional) return;
    if (typeof value !== 'string' || !allowed.includes(value)) {
      problem(field, `must be one of ${allowed.join(', ')}`);
    }
  };
  oneOf('confidence', CONFIDENCES, false);
  oneOf('severity', SEVERITIES, false);
  oneOf('validate', VALIDATORS, true);
  oneOf('onInvalid', ['lower', 'drop'], true);
  for (const field of ['boundary', 'allowPlaceholders']) {
    if (record[field] !== undefined && typeof record[field] !== 'boolean')
      problem(field, 'must be true or false');
  }
  if (record.filters !== undefined) {
    const filters = record.filters;
    if (!Array.isArray(filters) || filters.some((f) => !FILTER_NAMES.includes(f as string))) {
      problem('filters', `must be a list drawn from ${FILTER_NAMES.join(', ')}`);
    }
  }
  if (record.tags !== undefined) {
    if (!Array.isArray(record.tags) || record.tags.some((t) => typeof t !== 'string')) {
      problem('tags', 'must be a list of strings');
    }
  }

  for (const field of ['examples', 'negatives']) {
    const list = record[field];
    if (!Array.isArray(list) || list.length === 0) {
      problem(field, 'must list at least one example');
      continue;
    }
    list.forEach((example, i) => {
      const ok =
        example !== null &&
        typeof example === 'object' &&
        typeof (example as Record<string, unknown>).text === 'string' &&
        ((example as Record<string, unknown>).why === undefined ||
          typeof (example as Record<string, unknown>).why === 'string');
      if (!ok) problem(`${field}[${i}]`, 'must be {text: string, why?: string}');
    });
  }
  return problems;
}

export function assertRuleSpec(raw: unknown, file: string, index: number): asserts raw is RuleSpec {
  const problems = validateRule(raw, file, index);
  if (problems.length > 0) throw new RuleFileError(problems);
}

export class RuleFileError extends Error {
  readonly problems: RuleProblem[];
  constructor(problems: RuleProblem[]) {
    super(
      `${problems.length} problem(s) in rule files:\n${problems.map(formatProblem).join('\n')}`,
    );
    this.name = 'RuleFileError';
    this.problems = problems;
  }
}
