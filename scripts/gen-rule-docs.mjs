// Writes docs/rules.md from the rule pack: one section per rule, anchored by its id, which is
// where every SARIF result's helpUri points. `--check` fails when the committed page is stale.
import { join } from 'node:path';
import { loadRuleFiles, ruleFilesIn, RULES_DIR, PACKAGE_ROOT } from '../dist/rules/load.js';
import { writeOrCheck } from './generated-file.mjs';

const rules = loadRuleFiles(ruleFilesIn(RULES_DIR)).sort((a, b) => a.id.localeCompare(b.id));
const families = [...new Set(rules.map((r) => r.family))].sort();
const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

const lines = [
  '# unsprawl rules',
  '',
  `Generated from \`rules/*.yaml\` by \`scripts/gen-rule-docs.mjs\`: ${rules.length} rules in ${families.length} families.`,
  'Each rule lists what the credential grants, how sure a match is, and its own examples (run by `npm test`).',
  '',
];
for (const rule of rules) {
  lines.push(`## ${rule.id}`, '');
  lines.push(
    `**${cell(rule.name)}** — ${rule.confidence} confidence, ${rule.severity} severity, family \`${rule.family}\`.`,
    '',
  );
  lines.push(cell(rule.description), '');
  lines.push(`Token format: <${rule.reference}>`, '');
  const example = rule.examples[0];
  if (example?.why) lines.push(`Matches, for example: ${cell(example.why)}.`, '');
}
const page = `${lines.join('\n')}\n`;
const target = join(PACKAGE_ROOT, 'docs', 'rules.md');

writeOrCheck(target, page, 'node scripts/gen-rule-docs.mjs');
