/**
 * The vitest configuration Stryker runs (see scripts/mutation.mjs): the suite's settings,
 * with the test files narrowed to the ones named in SWITCHYARD_MUTATION_TESTS (comma
 * separated), so a folder's mutants are judged by the tests written for that folder.
 */
import { defineConfig } from 'vitest/config';

const tests = (process.env.SWITCHYARD_MUTATION_TESTS ?? '').split(',').filter((entry) => entry.trim() !== '');
if (tests.length === 0) throw new Error('SWITCHYARD_MUTATION_TESTS names no test files: run `npm run test:mutation`');

export default defineConfig({
  test: {
    include: tests,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
