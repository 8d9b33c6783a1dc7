// @ts-check
/**
 * StrykerJS for one folder at a time (scripts/mutation.mjs sets SWITCHYARD_MUTATION_FOLDER):
 * the folder's files are mutated and judged by the folder's own tests, per test coverage, one
 * or two sandboxes at once. Each run writes Stryker's JSON report to
 * reports/mutation/<folder>.json; the script merges them into reports/mutation/mutation.json.
 */
import { MUTATION_FOLDERS } from './scripts/mutation-folders.mjs';

const name = process.env.SWITCHYARD_MUTATION_FOLDER ?? '';
const folder = MUTATION_FOLDERS[name];
if (!folder) throw new Error(`SWITCHYARD_MUTATION_FOLDER must be one of ${Object.keys(MUTATION_FOLDERS).join(', ')}: run \`npm run test:mutation\``);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: process.env.SWITCHYARD_MUTATE ? process.env.SWITCHYARD_MUTATE.split(',') : folder.mutate,
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  // A static mutant (in a module-level constant) would need every test of the folder per mutant.
  ignoreStatic: true,
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 1),
  timeoutMS: 15_000,
  timeoutFactor: 2,
  reporters: ['json', 'clear-text', 'progress'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  // With --incremental: one file per folder, so running one folder keeps the others' results.
  incrementalFile: `reports/mutation/${name}-incremental.json`,
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  tempDirName: 'reports/.stryker-tmp',
  cleanTempDir: 'always',
  // dist/ goes along: the request log's writer runs in a worker thread from the built code.
  ignorePatterns: ['reports', 'bench/.tmp', '.switchyard', 'coverage'],
};
