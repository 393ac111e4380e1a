import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration suites spawn real processes and talk to real servers; two cores are all we have.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
