// Validate rules/*.yaml and write dist/rules.json, the form a scan loads at start.
import { writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  loadRuleFiles,
  ruleFilesIn,
  RULES_DIR,
  COMPILED_RULES,
  SAVED_AUTOMATON,
  SAVED_NEEDS,
} from '../dist/rules/load.js';
import { saveGates } from '../dist/detect/needs-cache.js';
import { saveAutomaton } from '../dist/detect/automaton-cache.js';
import { createEngine } from '../dist/pool/worker.js';

try {
  const rules = loadRuleFiles(ruleFilesIn(RULES_DIR));
  mkdirSync(dirname(COMPILED_RULES), { recursive: true });
  // Examples stay in the pack: `unsprawl rules` prints them.
  writeFileSync(COMPILED_RULES, JSON.stringify(rules));
  console.log(`built ${rules.length} rules into ${COMPILED_RULES}`);
  saveGates(SAVED_NEEDS, rules);
  // The same engine a scan builds, so the saved automaton's keywords match it exactly.
  rmSync(SAVED_AUTOMATON, { force: true });
  saveAutomaton(SAVED_AUTOMATON, createEngine({ extraRules: [], disabledRules: [] }).automaton);
} catch (error) {
  console.error(error.message);
  process.exit(2);
}
