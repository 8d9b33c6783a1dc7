import { defineConfig } from 'vitest/config';

/** `npm run test:agents`: the real agent CLIs against the gateway (test/agents/); slow, so not part of `npm test`. */
export default defineConfig({
  test: {
    include: ['test/agents/**/*.agent.ts'],
    testTimeout: 300_000,
    hookTimeout: 20 * 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
