import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { ROOT } from './cli.js';

/** Validates a SARIF log against the official 2.1.0 schema (draft-04) shipped in schema/. */
export function sarifValidator(): (log: unknown) => string[] {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'sarif-schema-2.1.0.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (log) =>
    validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
