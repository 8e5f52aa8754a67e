#!/usr/bin/env node
/** The `unsprawl` command: dispatches to a subcommand and turns failures into exit codes. */
import { ConfigError } from '../config/load.js';
import { GuardedReadError } from '../config/guarded-read.js';
import { BaselineError } from '../findings/baseline.js';
import { log } from '../log/logger.js';
import { VERSION } from '../version.js';
import { UsageError } from './errors.js';
import { isWorkingFolderError, workingFolderError } from './working-folder.js';
import { rulesCommand } from './commands/rules.js';
import { scanCommand } from './commands/scan.js';

const HELP = `unsprawl ${VERSION} — find secrets sprawled across code, history and config,
say which anti-pattern each one is, and how to move it into a secrets manager.

Usage:
  unsprawl scan [PATH...] [options]              scan a working tree, history, a range or the index
  unsprawl baseline [PATH...] [--output FILE]    record today's findings, hashed
  unsprawl fix [PATH...] --target T [--dry-run]  replace literals with references
  unsprawl rules [--format json]                 list the rules with their examples
  unsprawl hook install [--force]                install the git pre-commit hook

Run \`unsprawl COMMAND --help\` for a command's options.
Exit codes: 0 nothing found, 1 findings, 2 usage or runtime error.
`;

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  scan: async () => scanCommand,
  rules: async () => rulesCommand,
  baseline: async () => (await import('./commands/baseline.js')).baselineCommand,
  hook: async () => (await import('./commands/hook.js')).hookCommand,
  fix: async () => (await import('./commands/fix.js')).fixCommand,
};

export function registerCommand(name: string, load: () => Promise<Command>): void {
  COMMANDS[name] = load;
}

/** Errors whose message is the whole story, naming the flag or file: the user fixes that. */
const USER_ERRORS = [UsageError, ConfigError, BaselineError, GuardedReadError];

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    // A usage error: stdout may be a report file, so the help goes to stderr.
    process.stderr.write(HELP);
    log.error('no command given: use scan, baseline, fix, rules or hook');
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    log.error(`unknown command "${name}"; run \`unsprawl --help\``);
    return 2;
  }
  try {
    return await (
      await load()
    )(rest);
  } catch (error) {
    const err = error as Error & { code?: string };
    if (isWorkingFolderError(err)) {
      log.error(workingFolderError(err).message);
      return 2;
    }
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      // Node's own text suggests `-- "--flag"`, which no user of this command wants.
      const option = /'([^']+)'/.exec(err.message)?.[1] ?? 'given';
      log.error(`unknown option ${option}: run \`unsprawl ${name} --help\` for the options`);
      return 2;
    }
    if (USER_ERRORS.some((type) => err instanceof type) || err.code?.startsWith('ERR_PARSE_ARGS')) {
      log.error(err.message);
      return 2;
    }
    log.error(`${err.name}: ${err.message}`);
    log.debug(err.stack ?? '');
    return 2;
  }
}

// A reader that stops early (`unsprawl rules | head`) is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    log.error(error.message);
    process.exitCode = 2;
  },
);
