/**
 * Assignment heuristics for languages without a parser here (Python, Java, Go, Ruby, C#, PHP,
 * Kotlin, shell), Terraform and XML configs: only lines that hold a secret-like word are looked
 * at, and on them a string literal assigned to a name (`=`, `:=`, `=>`, `:`, a typed declaration,
 * PHP `define`) is judged under that name.
 */
import type { Detector, DetectorCandidate } from '../detectors.js';
import type { RuleEngine } from '../engine.js';
import type { TextHits } from '../text-hits.js';
import { decodeBase64 } from './decode.js';
import { assignment, judgeValue, makeCandidate } from './judge.js';

/** A line holding none of these is not looked at; found by the engine's keyword pass. */
export const SECRET_WORDS = [
  'pass',
  'pwd',
  'secret',
  'token',
  'key',
  'auth',
  'cred',
  'dsn',
  'salt',
];
const MAX_LINE = 4000;
const QUOTE = /["'`]/;

export const ASSIGN =
  /(?<![\w.-])([A-Za-z_][\w.-]{0,80})['"]?\]?(?:[ \t]*:[ \t]*[\w.<>[\]?]{1,40}(?=[ \t]*=)|[ \t]+[\w.[\]*]{1,40}(?=[ \t]*=))?[ \t]*(?::=|=>|\?\?=|\|\|=|=(?![=>~])|:(?!:))[ \t]*(?:new[ \t]+)?(?:[\w.]{1,40}\()?[rRbBuUfF]?@?(["'`])((?:(?!\2)[^\\\r\n]|\\.){4,300})\2/g;
/**
 * ASSIGN from its operator to its opening quote: a line without it cannot match ASSIGN, and most
 * lines with a secret-like word and a quote have none (three in four over installed packages),
 * so this test spares them the full pattern (72 → 30 ms over 60,000 such lines).
 */
export const ASSIGN_TAIL =
  /(?::=|=>|\?\?=|\|\|=|=(?![=>~])|:(?!:))[ \t]*(?:new[ \t]+)?(?:[\w.]{1,40}\()?[rRbBuUfF]?@?["'`]/;
/** A JSX prop set to one literal in braces, `secretToken={"…"}`, which ASSIGN does not read. */
const JSX_BRACED =
  /(?<![\w.-])([A-Za-z_][\w-]{0,80})=\{[ \t]*(["'`])((?:(?!\2)[^\\\r\n]|\\.){4,300})\2[ \t]*\}/g;
const PHP_DEFINE =
  /define\([ \t]*['"](\w{1,80})['"][ \t]*,[ \t]*(["'])((?:(?!\2)[^\\\r\n]|\\.){4,300})\2/g;
/** `os.getenv("DB_PASSWORD", "literal")`, `ENV.fetch("TOKEN", "literal")`: a hardcoded fallback. */
const ENV_FALLBACK =
  /(?:getenv|environ\.get|env\.get|Getenv|getEnv|ENV\.fetch)\([ \t]*["']([A-Za-z_][\w.-]{0,80})["'][ \t]*,[ \t]*(["'])((?:(?!\2)[^\\\r\n]|\\.){4,300})\2/g;
/**
 * pydantic's `SecretStr("…")`, `SecretStr(value="…")`, `SecretBytes(b"…")`: the type says the
 * literal is a secret, whatever the name it is bound to (`x = SecretStr(…)`, a keyword argument).
 * https://docs.pydantic.dev/latest/api/types/#pydantic.types.SecretStr
 */
const SECRET_TYPE =
  /\bSecret(?:Str|Bytes)\([ \t]*(?:(?:secret_)?value[ \t]*=[ \t]*)?[rRbBuU]{0,2}(["'])((?:(?!\1)[^\\\r\n]|\\.){4,300})\1[ \t]*[,)]/g;
/** The name a call's result is bound to: `x = `, `field: SecretStr = `, `token=` (a kwarg). */
const BOUND_NAME = /([A-Za-z_]\w{0,80})[ \t]*(?::[^=,(\r\n]{1,60})?=[ \t]*$/;
const XML_KEY_VALUE = /key="([\w.:-]{1,80})"[ \t]+value="([^"\r\n]{4,300})"/g;
const XML_ELEMENT = /<([A-Za-z][\w:-]{0,60})(\s[^>\r\n]{0,200})?>([^<\r\n]{4,300})<\/\1>/g;

export function lineRuns(
  text: string,
  hits: TextHits,
  each: (line: string, offset: number) => void,
): void {
  // Without carriage returns a line ends only at a line feed, which the string's own search
  // finds far faster than a loop; a lone `\r` also ends a line, so those texts take the loop.
  const feedsOnly = !text.includes('\r');
  let doneTo = -1;
  for (const at of hits.startsOfAny(SECRET_WORDS)) {
    if (at < doneTo) continue;
    let start = at;
    let end: number;
    if (feedsOnly) {
      start = at === 0 ? 0 : text.lastIndexOf('\n', at - 1) + 1;
      end = text.indexOf('\n', at);
      if (end === -1) end = text.length;
    } else {
      while (start > 0 && !isBreak(text.charCodeAt(start - 1))) start--;
      end = lineEndAt(text, at);
    }
    doneTo = end;
    if (end - start <= MAX_LINE) each(text.slice(start, end), start);
  }
}

const isBreak = (code: number) => code === 10 || code === 13;

function literalPairs(
  engine: RuleEngine,
  line: string,
  offset: number,
  regex: RegExp,
  ruleId: string,
  out: DetectorCandidate[],
): void {
  regex.lastIndex = 0;
  for (let m = regex.exec(line); m; m = regex.exec(line)) {
    const value = m[m.length - 1]!;
    // The value ends one character (its closing quote) before the match does.
    const start = offset + m.index + m[0].length - value.length - 1;
    if (isLookupKey(m[0], value)) continue;
    const candidate =
      assignment(engine, ruleId, m[1]!, value, start) ??
      (declared(m[0], value)
        ? assignment(engine, ruleId, declared(m[0], value)!, value, start)
        : undefined);
    if (candidate) out.push(candidate);
  }
}

/** `db_password = settings.get("database")`: the literal names what is looked up. */
const LOOKUP_CALL =
  /(?:^|[^\w])(?:get|getenv|getattr|get_secret|getProperty|getString|getValue|lookup|fetch|read|require|env|environ|config|setting|param)\(\s*[rRbBuUfF]?@?["'`]$/i;

/**
 * Whether the literal is the first argument of a getter: then it is the key being looked up
 * (an environment variable, a setting's name), not the value being assigned.
 */
function isLookupKey(match: string, value: string): boolean {
  const head = match.slice(0, match.length - value.length - 1);
  return LOOKUP_CALL.test(head);
}

/**
 * The declared name in `const apiKey = "…"` or `String apiKey = "…"`, where the first word the
 * pattern captured is a keyword or a type: the identifier just before the operator.
 */
function declared(match: string, value: string): string | undefined {
  const head = match.slice(0, match.lastIndexOf(value) - 1);
  const beforeOperator = head.replace(
    /[ \t]*(?::=|=>|\?\?=|\|\|=|=|:)[ \t]*(?:new[ \t]+)?(?:[\w.]{1,40}\()?[rRbBuUfF]?@?$/,
    '',
  );
  return /([A-Za-z_][\w]{0,80})['"]?\]?$/.exec(beforeOperator)?.[1];
}

/**
 * A line that ends in an assignment with nothing assigned yet: `const apiKey =` (Prettier),
 * `API_KEY = (` (Black), `token = \\` (a continuation), `apiKey:` (an object property), maybe
 * with a comment after it (`API_KEY = (  # noqa`).
 */
const WRAPPED = /(?::=|=>|=|:)[ \t]*(?:\(|\\)?[ \t]*(?:(?:#|\/\/)[^\r\n]*)?$/;
/** What comes after the operator on a wrapped line, a comment included: read as spaces. */
const WRAP_TAIL = /[ \t]*(?:\(|\\)?[ \t]*(?:(?:#|\/\/)[^\r\n]*)?$/;
/** Lines that end like an assignment and are not one: comments, control flow, declarations. */
const NOT_ASSIGNMENT =
  /^[ \t]*(?:#|\/\/|\/\*|\*|--|<!--|(?:if|elif|else|for|foreach|while|except|catch|case|default|def|fn|func|function|class|struct|interface|with|return|lambda|switch|when|unless|until|match)\b)/;
/** `:` ends an object key or a dict entry only when the key is all the line holds. */
const KEY_ONLY =
  /^[ \t]*(?:"[^"\r\n]{1,80}"|'[^'\r\n]{1,80}'|[A-Za-z_$][\w$.-]{0,80})[ \t]*:[ \t]*$/;
/** `=>` at a line's end is a quoted array key's (`'token' =>`), not a JavaScript arrow. */
const QUOTED_ARROW = /["'][ \t]*=>[ \t]*$/;
/** The literal a wrapped assignment's indented next line opens with. */
const NEXT_LITERAL = /^[ \t]+[rRbBuUfF]{0,2}@?["'`]/;
/** A value that goes on: the line ends in `+`, `.`, `..` or `\\`, or the next opens a piece. */
const PIECE_ENDS = /(?:[+.\\])[ \t]*$/;
const PIECE_OPENS = /^[ \t]*(?:[rRbBuUfF]{0,2}["'`]|[+.])/;

function wrapsAssignment(line: string): boolean {
  if (!WRAPPED.test(line) || NOT_ASSIGNMENT.test(line)) return false;
  const operator = line.replace(WRAP_TAIL, '');
  if (operator.endsWith('=>')) return QUOTED_ARROW.test(operator);
  if (operator.endsWith(':') && !operator.endsWith(':=')) return KEY_ONLY.test(operator);
  return true;
}

/**
 * The line with the next one after it, the line break (and a `(` or `\\` before it) read as
 * spaces: as long as the text it covers, so offsets stay true, and the assignment reads as one
 * line. Unchanged unless the next line is indented and opens with a literal that is the whole
 * value: a value built of several pieces (`"a"\n"b"` in Python, `"a" +` in JavaScript) is left
 * alone, since its first piece is not the secret and a fix of it would break the code.
 */
function withNextLine(text: string, offset: number, line: string): string {
  const lineEnd = offset + line.length;
  let nextStart = afterBreak(text, lineEnd);
  let nextEnd = lineEndAt(text, nextStart);
  // A comment line or two may stand between (`API_SECRET = (`, `# rotated monthly`, `"…"`).
  for (
    let skipped = 0;
    skipped < 2 && COMMENT_LINE.test(text.slice(nextStart, nextEnd));
    skipped++
  ) {
    nextStart = afterBreak(text, nextEnd);
    nextEnd = lineEndAt(text, nextStart);
  }
  if (nextStart > text.length) return line;
  const next = text.slice(nextStart, nextEnd);
  if (next.length > MAX_LINE || !NEXT_LITERAL.test(next) || PIECE_ENDS.test(next)) return line;
  const afterStart = afterBreak(text, nextEnd);
  const after = text.slice(afterStart, lineEndAt(text, afterStart));
  // Without a `,`, `;` or bracket to end it, a literal followed by another is one piece of many.
  if (!/[,;)\]}][ \t]*$/.test(next) && PIECE_OPENS.test(after)) return line;

  const head = line.replace(WRAP_TAIL, (tail) => ' '.repeat(tail.length));
  return `${head}${' '.repeat(nextStart - lineEnd)}${next}`;
}

const COMMENT_LINE = /^[ \t]*(?:#|\/\/)/;

/** Where the line after the break at `at` starts (past `\r\n`, `\n` or `\r`). */
function afterBreak(text: string, at: number): number {
  return text.startsWith('\r\n', at) ? at + 2 : at + 1;
}

/** Where the line holding `from` ends: its `\n` or `\r`, or the end of the text. */
function lineEndAt(text: string, from: number): number {
  let end = from;
  while (end < text.length && !isBreak(text.charCodeAt(end))) end++;
  return end;
}

/** String literals assigned to secret-like names, in any C-like or scripting language. */
export function detectCodeLines(
  engine: RuleEngine,
  text: string,
  ruleId: string,
  hits: TextHits,
): DetectorCandidate[] {
  const out: DetectorCandidate[] = [];
  lineRuns(text, hits, (line, offset) => {
    // `apiKey =` with the literal on the next line, as formatters wrap a long assignment.
    if (wrapsAssignment(line)) line = withNextLine(text, offset, line);
    // Both patterns end in a quoted literal; most lines with a secret-like word hold none
    // (`readonly apiKey?: string;`), and this test is far cheaper than either pattern.
    if (!QUOTE.test(line)) return;
    if (ASSIGN_TAIL.test(line)) literalPairs(engine, line, offset, ASSIGN, ruleId, out);
    if (line.includes('define(')) literalPairs(engine, line, offset, PHP_DEFINE, ruleId, out);
    if (line.includes('={')) literalPairs(engine, line, offset, JSX_BRACED, ruleId, out);
    if (/env/i.test(line)) literalPairs(engine, line, offset, ENV_FALLBACK, ruleId, out);
    if (line.includes('Secret')) secretTypeLiterals(engine, line, offset, ruleId, out);
  });
  return out;
}

/** Literals wrapped in a secret type, judged as a password: a person may have chosen it. */
function secretTypeLiterals(
  engine: RuleEngine,
  line: string,
  offset: number,
  ruleId: string,
  out: DetectorCandidate[],
): void {
  SECRET_TYPE.lastIndex = 0;
  for (let m = SECRET_TYPE.exec(line); m; m = SECRET_TYPE.exec(line)) {
    const value = m[2]!;
    const confidence = judgeValue('password', value);
    if (!confidence) continue;
    const start = offset + m.index + m[0].lastIndexOf(value);
    const variable = BOUND_NAME.exec(line.slice(Math.max(0, m.index - 160), m.index))?.[1];
    const end = start + value.length;
    const candidate = makeCandidate(engine, ruleId, start, end, value, confidence, { variable });
    if (candidate) out.push(candidate);
  }
}

/** Terraform: literals in resources and providers, and `default`s of secret-like variables. */
function detectTerraform(engine: RuleEngine, text: string, hits: TextHits): DetectorCandidate[] {
  const out = detectCodeLines(engine, text, 'terraform-secret-value', hits);
  const variable = /variable[ \t]+"([\w-]{1,80})"[ \t]*\{/g;
  for (let m = variable.exec(text); m; m = variable.exec(text)) {
    const close = text.indexOf('\n}', m.index);
    const block = text.slice(m.index, close === -1 ? text.length : close);
    const def = /(?:^|\n)[ \t]*default[ \t]*=[ \t]*"((?:[^"\\\r\n]|\\.){4,300})"/.exec(block);
    if (!def) continue;
    const start = m.index + def.index + def[0].length - def[1]!.length - 1;
    const candidate = assignment(engine, 'terraform-secret-value', m[1]!, def[1]!, start);
    if (candidate) out.push(candidate);
  }
  return out;
}

/** XML configs: `<add key="…" value="…"/>`, `<Password>…</Password>`, FileZilla's base64 `<Pass>`. */
function detectXml(engine: RuleEngine, text: string, hits: TextHits): DetectorCandidate[] {
  const out = detectCodeLines(engine, text, 'config-secret-value', hits);
  lineRuns(text, hits, (line, offset) => {
    literalPairs(engine, line, offset, XML_KEY_VALUE, 'config-secret-value', out);
    XML_ELEMENT.lastIndex = 0;
    for (let m = XML_ELEMENT.exec(line); m; m = XML_ELEMENT.exec(line)) {
      const [, name, attributes, raw] = m;
      const start = offset + m.index + m[0].length - raw!.length - name!.length - 3;
      if (attributes?.includes('base64')) {
        const decoded = decodeBase64(raw!, start);
        if (!decoded || !judgeValue('password', decoded.text)) continue;
        const candidate = makeCandidate(
          engine,
          'config-secret-value',
          start,
          start + raw!.length,
          decoded.text,
          'high',
          {
            variable: name,
            decodedVia: ['base64'],
          },
        );
        if (candidate) out.push(candidate);
        continue;
      }
      const candidate = assignment(engine, 'config-secret-value', name!, raw!, start);
      if (candidate) out.push(candidate);
    }
  });
  return out;
}

const CODE_PATH =
  /\.(py|pyw|rb|go|java|kt|kts|scala|groovy|cs|vb|php|phtml|inc|swift|rs|pl|pm|lua|r|dart|ex|exs|ps1|psm1|sh|bash|zsh|c|cc|cpp|h|hpp|m)$|(^|[/!])(Jenkinsfile|Rakefile|Gemfile|Vagrantfile)$/i;
const TERRAFORM_PATH = /\.(tf|tfvars|hcl)$/i;
const XML_PATH = /\.(xml|config|csproj|plist)$/i;

export const codeLinesDetector: Detector = {
  name: 'code-lines',
  applies: (path) => CODE_PATH.test(path) || TERRAFORM_PATH.test(path) || XML_PATH.test(path),
  triggers: SECRET_WORDS,
  detect(text, { engine, path, hits }) {
    if (TERRAFORM_PATH.test(path)) return detectTerraform(engine, text, hits);
    if (XML_PATH.test(path)) return detectXml(engine, text, hits);
    return detectCodeLines(engine, text, 'code-secret-literal', hits);
  },
};
