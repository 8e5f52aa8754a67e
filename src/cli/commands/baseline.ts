/** `unsprawl baseline`: record today's findings so later scans show only new ones. */
import { join } from 'node:path';
import { log } from '../../log/logger.js';
import { formatBaseline, toBaseline } from '../../findings/baseline.js';
import { scanRoot } from '../../pipeline/scan.js';
import { writeReport } from '../output.js';
import { executeScan, parseScanArgs } from './scan.js';

export const BASELINE_HELP = `Usage: unsprawl baseline [PATH...] [--output FILE] [scan options]

Scans like \`unsprawl scan\` and writes the fingerprints of every finding to FILE
(default: .unsprawl-baseline.json in the scanned folder). The file is sorted and has
no line numbers, commits or timestamps, so it merges cleanly. Pass it to later scans
with --baseline FILE: listed findings are reported as suppressed and do not fail.
`;

export async function baselineCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseScanArgs(argv);
  if (values.help) {
    process.stdout.write(BASELINE_HELP);
    return 0;
  }
  const paths = positionals.length ? positionals : ['.'];
  // Every finding goes in, including ones an older baseline already covered.
  const { result } = await executeScan({ ...values, baseline: undefined, format: 'json' }, paths);
  const output = values.output ?? join(scanRoot(paths), '.unsprawl-baseline.json');
  writeReport(
    formatBaseline(toBaseline(result.findings.filter((f) => f.suppression?.kind !== 'inSource'))),
    output,
  );
  if (output !== '-')
    log.notice(`baseline of ${result.findings.length} finding(s) written to ${output}`);
  return 0;
}
