import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default is one worker less than the cores, so on a two-core machine one test file
    // ran at a time while most of them wait on the gateways, CLIs and timers they start. Two files
    // at once keep both cores busy; every test file uses its own ports, database schema and
    // Redis key prefix, so files do not meet.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
