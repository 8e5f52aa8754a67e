/**
 * A rule is data: what a credential looks like, what it grants, and examples that prove both.
 * Rule files under rules/ hold these records; the engine compiles them once per worker.
 */

export type Confidence = 'high' | 'medium' | 'low';
export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** Named offline checks a rule may ask for; each lives in src/detect/validators.ts. */
export type ValidatorName =
  'github-crc32' | 'gitlab-crc32' | 'npm-crc32' | 'jwt' | 'pem-body' | 'base64-json' | 'luhn';

/** Named value filters; each lives in src/detect/filters.ts. */
export type FilterName = 'secret-like-value' | 'password-value' | 'not-hex-only' | 'not-uuid';

export interface RuleExample {
  /** The text scanned, as it would sit in a file. */
  text: string;
  /** Why this example matches or does not: "wrong prefix", "placeholder". */
  why?: string;
}

export interface RuleSpec {
  /** kebab-case, unique across the pack, ends in the credential type (`github-classic-pat`). */
  id: string;
  name: string;
  /** What the credential grants an attacker who finds it. */
  description: string;
  /** The family file the rule came from (set by the loader). */
  family?: string;
  /** Credential kind used by the analysis stage (`aws-access-key-id`); defaults to the id. */
  kind?: string;
  /**
   * Lower-case literals for the prefilter. A rule only runs on text that holds one of them; with
   * `near`, a match must also start within `near` characters after one of them.
   */
  keywords: string[];
  /** JavaScript regular expression source with exactly one capturing group: the secret. */
  pattern: string;
  /** Only `i` is allowed; the engine adds the flags it needs. */
  flags?: string;
  /** Keyword-context rule: the secret must start within this many characters after a keyword. */
  near?: number;
  /**
   * With `near`, how many line breaks may sit between the keyword and the secret; default 1 (the
   * keyword on the secret's line or the line above). More reaches a YAML or ini parent key.
   */
  nearLines?: number;
  /**
   * Speed hint for rules on common words (`key`, `token`): a pattern that holds where the keyword
   * that ends a match's name ends (`s?[ \t]*[=:]`). Keyword hits where it does not hold start no
   * attempts. It must follow from `pattern`; test/perf-equivalence.test.ts holds the rule to the
   * engine that runs every pattern over the whole text.
   */
  afterKeyword?: string;
  /** Require a non-alphanumeric character (or the text edge) around the secret; default true. */
  boundary?: boolean;
  /** Shannon entropy (bits per character) the secret must reach. */
  minEntropy?: number;
  validate?: ValidatorName;
  /** What a failed validator does: lower the confidence (default) or drop the candidate. */
  onInvalid?: 'lower' | 'drop';
  filters?: FilterName[];
  /** Keep values that look like placeholders (`xxxx`, `EXAMPLE`); for rules whose format has them. */
  allowPlaceholders?: boolean;
  confidence: Confidence;
  severity: Severity;
  /** The provider's token-format documentation, else its documentation home. */
  reference: string;
  tags?: string[];
  examples: RuleExample[];
  negatives: RuleExample[];
}

export interface RuleFile {
  family: string;
  rules: RuleSpec[];
}
