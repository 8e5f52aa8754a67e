/**
 * `unsprawl hook install`: a plain git pre-commit hook running `unsprawl scan --staged`. It goes
 * where git looks (core.hooksPath respected) and never replaces an existing hook unless --force.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { log } from '../../log/logger.js';
import { UsageError } from '../errors.js';
import { currentFolder } from '../working-folder.js';

export const HOOK_HELP = `Usage: unsprawl hook install [--force] [--repo PATH]

Installs a git pre-commit hook that runs \`unsprawl scan --staged\`. Respects
core.hooksPath. An existing pre-commit hook is kept unless --force is given.
`;

export const HOOK_SCRIPT = `#!/bin/sh
# Installed by \`unsprawl hook install\`: blocks commits that stage a secret.
# Bypass once with \`git commit --no-verify\`; allow a line with an \`unsprawl:allow\` comment.
if command -v unsprawl >/dev/null 2>&1; then
  exec unsprawl scan --staged --quiet
fi
top=$(git rev-parse --show-toplevel)
if [ -x "$top/node_modules/.bin/unsprawl" ]; then
  exec "$top/node_modules/.bin/unsprawl" scan --staged --quiet
fi
echo "unsprawl: not found on PATH or in node_modules/.bin; install it (npm install --save-dev unsprawl) or commit with --no-verify" >&2
exit 1
`;

function hooksDir(repo: string): string {
  let output: string;
  try {
    output = execFileSync('git', ['rev-parse', '--git-path', 'hooks'], {
      cwd: repo,
      encoding: 'utf8',
      // git's own "fatal:" line would only repeat the message below.
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    throw new UsageError(`${repo}: not a git repository (name one with --repo PATH)`);
  }
  const dir = output.trim();
  return isAbsolute(dir) ? dir : resolve(repo, dir);
}

export async function hookCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      force: { type: 'boolean', default: false },
      repo: { type: 'string', default: '.' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HOOK_HELP);
    return 0;
  }
  const [action, ...extra] = positionals;
  if (action !== 'install') {
    const problem = action ? `unknown action "${action}"` : 'no action given';
    throw new UsageError(`hook: ${problem}; the one action is install (unsprawl hook install)`);
  }
  if (extra.length) throw new UsageError(`hook install: unexpected argument "${extra[0]}"`);

  // git run in a deleted folder would only say "not a git repository".
  const dir = hooksDir(resolve(currentFolder(), values.repo));
  const hook = join(dir, 'pre-commit');
  if (existsSync(hook) && !values.force) {
    log.error(`${hook} already exists; keeping it. Re-run with --force to replace it.`);
    return 2;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(hook, HOOK_SCRIPT);
  chmodSync(hook, 0o755);
  log.notice(`pre-commit hook installed at ${hook}`);
  return 0;
}
