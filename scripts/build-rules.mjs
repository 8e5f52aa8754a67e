// Validate rules/*.yaml and write dist/rules.json, the form a scan loads at start.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadRuleFiles, ruleFilesIn, RULES_DIR, COMPILED_RULES } from '../dist/rules/load.js';

try {
  const rules = loadRuleFiles(ruleFilesIn(RULES_DIR));
  mkdirSync(dirname(COMPILED_RULES), { recursive: true });
  // Examples stay in the pack: `unsprawl rules` prints them.
  writeFileSync(COMPILED_RULES, JSON.stringify(rules));
  console.log(`built ${rules.length} rules into ${COMPILED_RULES}`);
} catch (error) {
  console.error(error.message);
  process.exit(2);
}
