/** `unsprawl rules`: the rule pack with its examples, for people and for tooling. */
import { parseArgs } from 'node:util';
import { builtinRules } from '../../rules/load.js';
import { UsageError } from '../errors.js';
import { writeReport } from '../output.js';

export const RULES_HELP = `Usage: unsprawl rules [--format text|json] [--output FILE]

Lists every rule: id, name, confidence, keywords, and its examples.
`;

export async function rulesCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      format: { type: 'string', default: 'text' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(RULES_HELP);
    return 0;
  }
  const rules = builtinRules();
  if (values.format === 'json') {
    writeReport(`${JSON.stringify(rules, null, 2)}\n`, values.output);
    return 0;
  }
  if (values.format !== 'text')
    throw new UsageError(`--format must be text or json, not "${values.format}"`);
  const lines = rules.map(
    (rule) =>
      `${rule.id.padEnd(48)} ${rule.confidence.padEnd(6)} ${rule.name}\n` +
      rule.examples.map((e) => `    + ${JSON.stringify(e.text).slice(0, 100)}`).join('\n') +
      '\n' +
      rule.negatives.map((e) => `    - ${JSON.stringify(e.text).slice(0, 100)}`).join('\n'),
  );
  writeReport(`${lines.join('\n')}\n${rules.length} rules\n`, values.output);
  return 0;
}
