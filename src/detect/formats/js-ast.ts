/**
 * JavaScript/TypeScript code context through @typescript-eslint/typescript-estree: a string
 * literal (or a template without expressions) assigned to a secret-like variable, property,
 * class field, parameter default or JSX attribute, and `process.env.X ?? 'literal'` fallbacks.
 * `process.env.X` alone is the compliant form and yields nothing. The parser is heavy, so it is
 * loaded on the first file that needs it; a file it cannot parse falls back to the line
 * heuristics.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { runCachedBundle } from '../../code-cache.js';
import { codeCacheFor } from '../../v8-flags.js';
import { log } from '../../log/logger.js';
import { lineStartWithin } from '../../sources/text.js';
import type { Detector, DetectorCandidate } from '../detectors.js';
import type { RuleEngine } from '../engine.js';
import type { TextHits } from '../text-hits.js';
import { detectCodeLines, SECRET_WORDS } from './code-lines.js';
import { assignment } from './judge.js';
import { readsAsCode } from '../reads-as-code.js';

const RULE = 'js-secret-literal';
const JS_PATH = /\.(m?[jt]sx?|c[jt]s)$/i;
const MAX_PARSE = 512 * 1024;

interface EstreeNode {
  type: string;
  range: [number, number];
  [key: string]: unknown;
}
type ParseFn = (code: string, options: Record<string, unknown>) => EstreeNode;

/** Set in the CLI and worker bundles (scripts/build-bundle.mjs): the parser's own bundle. */
declare const UNSPRAWL_PARSER_BUNDLE: string | undefined;

let parseFn: ParseFn | undefined;
function parser(): ParseFn {
  parseFn ??= (loadParser() as { parse: ParseFn }).parse;
  return parseFn;
}

/**
 * The bundled parser with its code cache when it sits beside this code (an installed CLI);
 * node_modules otherwise (the compiled sources the tests run, or a bundle whose parser is gone).
 */
function loadParser(): unknown {
  if (typeof UNSPRAWL_PARSER_BUNDLE === 'string') {
    const bundle = fileURLToPath(new URL(UNSPRAWL_PARSER_BUNDLE, import.meta.url));
    const cache = codeCacheFor(bundle);
    if (existsSync(bundle)) return runCachedBundle(bundle, cache).exports;
  }
  return createRequire(import.meta.url)('@typescript-eslint/typescript-estree');
}

interface Literal {
  value: string;
  start: number;
  end: number;
  /** The env var name a `process.env.X ?? 'literal'` fallback stands in for. */
  envName?: string;
}

function isNode(value: unknown): value is EstreeNode {
  return (
    typeof value === 'object' && value !== null && typeof (value as EstreeNode).type === 'string'
  );
}

function envMember(node: EstreeNode): string | undefined {
  if (node.type !== 'MemberExpression') return undefined;
  const object = node.object as EstreeNode;
  const property = node.property as EstreeNode;
  const isEnv =
    object.type === 'MemberExpression' &&
    (object.object as EstreeNode).type === 'Identifier' &&
    ((object.object as EstreeNode).name === 'process' ||
      (object.object as EstreeNode).name === 'import') &&
    (object.property as EstreeNode).name === 'env';
  if (!isEnv) return undefined;
  if (property.type === 'Identifier') return property.name as string;
  if (property.type === 'Literal') return String(property.value);
  return undefined;
}

function literalOf(node: unknown): Literal | undefined {
  if (!isNode(node)) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') {
    return { value: node.value, start: node.range[0] + 1, end: node.range[1] - 1 };
  }
  if (node.type === 'TemplateLiteral' && (node.expressions as unknown[]).length === 0) {
    const quasi = (node.quasis as EstreeNode[])[0]!;
    const cooked = (quasi.value as { cooked: string | null }).cooked;
    if (cooked === null) return undefined;
    return { value: cooked, start: node.range[0] + 1, end: node.range[1] - 1 };
  }
  if (node.type === 'LogicalExpression' && (node.operator === '??' || node.operator === '||')) {
    const envName = envMember(node.left as EstreeNode);
    const fallback = literalOf(node.right);
    if (envName && fallback) return { ...fallback, envName };
  }
  if (
    node.type === 'TSAsExpression' ||
    node.type === 'TSSatisfiesExpression' ||
    node.type === 'JSXExpressionContainer'
  ) {
    return literalOf(node.expression);
  }
  return undefined;
}

function nameOf(node: unknown): string | undefined {
  if (!isNode(node)) return undefined;
  if (
    node.type === 'Identifier' ||
    node.type === 'PrivateIdentifier' ||
    node.type === 'JSXIdentifier'
  ) {
    return node.name as string;
  }
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'MemberExpression') return nameOf(node.property);
  return undefined;
}

/** The (name, value) a node binds, for the node types that bind one. */
function binding(node: EstreeNode): [string | undefined, unknown] | undefined {
  switch (node.type) {
    case 'VariableDeclarator':
      return [nameOf(node.id), node.init];
    case 'Property':
    case 'PropertyDefinition':
      return [nameOf(node.key), node.value];
    case 'AssignmentExpression':
      return [nameOf(node.left), node.right];
    case 'AssignmentPattern':
      return [nameOf(node.left), node.right];
    // `<Provider apiKey="…" />`, `password={'…'}`: a prop is bound like a property.
    case 'JSXAttribute':
      return [nameOf(node.name), node.value];
    default:
      return undefined;
  }
}

function walk(root: EstreeNode, each: (node: EstreeNode) => void): void {
  const stack: EstreeNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    each(node);
    for (const key in node) {
      if (key === 'parent' || key === 'range' || key === 'loc') continue;
      const child = node[key];
      if (Array.isArray(child)) {
        for (const item of child) if (isNode(item)) stack.push(item);
      } else if (isNode(child)) stack.push(child);
    }
  }
}

export function detectJs(
  engine: RuleEngine,
  text: string,
  path: string,
  hits: TextHits,
): DetectorCandidate[] {
  let ast: EstreeNode;
  try {
    ast = parser()(text, { range: true, loc: false, comment: false, jsx: /x$|\.js$/i.test(path) });
  } catch (error) {
    log.debug(
      `${path}: not parsed as JS/TS (${(error as Error).message.split('\n')[0]}), using line heuristics`,
    );
    return detectCodeLines(engine, text, RULE, hits);
  }
  const out: DetectorCandidate[] = [];
  walk(ast, (node) => {
    const bound = binding(node);
    if (!bound) return;
    const literal = literalOf(bound[1]);
    if (!literal) return;
    const names = [bound[0], literal.envName].filter((n): n is string => Boolean(n));
    for (const name of names) {
      const candidate = assignment(engine, RULE, name, literal.value, literal.start);
      if (candidate) {
        candidate.end = literal.end;
        out.push(candidate);
        break;
      }
    }
  });
  return out;
}

/** Whether the line holding `offset` is a comment line: `// …`, `/* …` or a doc comment's `* …`. */
function inComment(text: string, offset: number): boolean {
  const lineStart = lineStartWithin(text, offset, 400);
  return COMMENT_LINE.test(text.slice(lineStart, offset));
}
const COMMENT_LINE = /^[ \t]*(?:\/\/|\/\*|\*)/;

export const jsAstDetector: Detector = {
  name: 'js-ast',
  triggers: SECRET_WORDS,
  applies: (path) => JS_PATH.test(path),
  // Past the size limit (bundles), the line heuristics stand in for the parser.
  detect(text, { engine, path, hits }) {
    // The line heuristics are the gate: the parser runs only to confirm a file that has a
    // candidate that would be reported, and sharpens it (names, spans, what is an env fallback
    // and what is compliant). Most code has none, and never loads the parser (its TypeScript
    // compiler costs each worker a third of a second and some 70 MB).
    const quick = detectCodeLines(engine, text, RULE, hits);
    if (text.length > MAX_PARSE) return quick;
    // The parser finds nothing in a comment, so a file whose only candidates sit in comments
    // (the examples in declaration files' docs) is answered without it.
    const worth = quick.filter((c) => !readsAsCode(c) && !inComment(text, c.start));
    return worth.length ? detectJs(engine, text, path, hits) : [];
  },
};
