import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ScanRequest } from '../../src/pipeline/scan.js';

/** Git run with no user or system config, so every machine builds the same repository. */
export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
};

export interface TestRepo {
  dir: string;
  git(...args: string[]): string;
  write(path: string | Buffer, content: string): void;
  /** Commits everything staged and unstaged, on a fixed date `day` days after 2024-01-01. */
  commit(message: string, day: number, options?: { all?: boolean }): string;
}

export function initRepo(dir: string): TestRepo {
  const run = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' }).trim();
  mkdirSync(dir, { recursive: true });
  run('init', '-q', '-b', 'main');
  run('config', 'user.name', 'Ann Dev');
  run('config', 'user.email', 'ann@example.test');
  run('config', 'commit.gpgsign', 'false');
  run('config', 'core.quotePath', 'true');
  return {
    dir,
    git: run,
    write(path, content) {
      const full =
        typeof path === 'string' ? join(dir, path) : Buffer.concat([Buffer.from(`${dir}/`), path]);
      if (typeof full === 'string') mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    },
    commit(message, day, options = {}) {
      const date = new Date(Date.UTC(2024, 0, 1 + day, 12)).toISOString();
      if (options.all !== false) execFileSync('git', ['add', '-A'], { cwd: dir, env: GIT_ENV });
      execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], {
        cwd: dir,
        env: { ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      });
      return run('rev-parse', 'HEAD');
    },
  };
}

/** A scan request as the CLI builds it, on one thread so tests stay in-process. */
export function request(path: string, extra: Partial<ScanRequest> = {}): ScanRequest {
  return {
    paths: [path],
    include: [],
    exclude: [],
    gitignore: true,
    maxFileSize: 20 * 1024 * 1024,
    threads: 1,
    redact: true,
    extraRules: [],
    disabledRules: [],
    ...extra,
  };
}
