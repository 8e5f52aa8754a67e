import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests that spawn the CLI share one build; vitest's default thread pool is fine for the rest.
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
  },
});
