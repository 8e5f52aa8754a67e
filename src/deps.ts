/**
 * Dependencies that only some runs need, loaded on first use: a pre-commit hook that scans three
 * JavaScript files neither parses YAML nor walks a tree, and loading those libraries cost it more
 * than its scan. The Action's bundle replaces this module with static imports
 * (scripts/build-action.mjs), since a runner has no node_modules to load them from.
 */
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
type FastGlob = typeof import('fast-glob');
type RegexParser = typeof import('regjsparser');

const load = createRequire(import.meta.url);
let yamlModule: Yaml | undefined;
let fastGlobModule: FastGlob | undefined;
let regexParserModule: RegexParser | undefined;

export function yaml(): Yaml {
  return (yamlModule ??= load('yaml') as Yaml);
}

export function fastGlob(): FastGlob {
  return (fastGlobModule ??= load('fast-glob') as FastGlob);
}

/** Only for rules whose pattern analysis the build did not save (a user's own rules). */
export function regexParser(): RegexParser {
  return (regexParserModule ??= load('regjsparser') as RegexParser);
}
