#!/usr/bin/env node
/**
 * `npm run test:mutation [-- folder…]`: StrykerJS over the folders that hold money, data and
 * safety (scripts/mutation-folders.mjs), one folder after another, each judged by its own
 * tests. Writes reports/mutation/<folder>.json per folder and merges them into Stryker's
 * standard report, reports/mutation/mutation.json, then prints each folder's score.
 * STRYKER_CONCURRENCY (default 1) sets the sandboxes run at once; SWITCHYARD_MUTATE narrows
 * the files mutated (comma-separated globs) when one folder is too big to run at once, and
 * SWITCHYARD_MUTATION_TESTS the test files that judge them (comma-separated) in place of the folder's list.
 * Flags after the folder names go to Stryker: `--incremental` reruns only the mutants whose code
 * or covering tests changed since the folder's last run (reports/mutation/<folder>-incremental.json).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { MUTATION_FOLDERS } from './mutation-folders.mjs';

// Folder names, then any Stryker flags (`--incremental`, `--force`, `--concurrency 2`…) passed on as they are.
const args = process.argv.slice(2);
const firstFlag = args.findIndex((arg) => arg.startsWith('-'));
const requested = firstFlag === -1 ? args : args.slice(0, firstFlag);
const strykerFlags = firstFlag === -1 ? [] : args.slice(firstFlag);
for (const name of requested) {
  if (!MUTATION_FOLDERS[name]) {
    console.error(`test:mutation: unknown folder "${name}" (known: ${Object.keys(MUTATION_FOLDERS).join(', ')})`);
    process.exit(2);
  }
}
const folders = requested.length > 0 ? requested : Object.keys(MUTATION_FOLDERS);
mkdirSync('reports/mutation', { recursive: true });
// The request log's writer thread runs from dist/: build it from the sources first for the
// store folder (whose code it is), or when there is no build yet (every gateway a test starts needs it).
const needsBuild = folders.includes('store') || !existsSync('dist/store/sqlite-writer-worker.js');
if (needsBuild && spawnSync('npm', ['run', 'build'], { stdio: 'inherit' }).status !== 0) process.exit(1);

let failed = false;
for (const name of folders) {
  const started = Date.now();
  console.log(`test:mutation: ${name} (${MUTATION_FOLDERS[name].mutate.join(' ')})`);
  const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs', ...strykerFlags], {
    stdio: 'inherit',
    env: { ...process.env, SWITCHYARD_MUTATION_FOLDER: name, SWITCHYARD_MUTATION_TESTS: process.env.SWITCHYARD_MUTATION_TESTS ?? MUTATION_FOLDERS[name].tests.join(',') },
  });
  console.log(`test:mutation: ${name} finished in ${Math.round((Date.now() - started) / 1000)} s (exit ${run.status})`);
  if (run.status !== 0) failed = true;
}

/** Score as Stryker counts it: killed + timeout over everything valid that was run or not covered. */
function score(files) {
  let detected = 0;
  let undetected = 0;
  for (const file of Object.values(files)) {
    for (const mutant of file.mutants) {
      if (mutant.status === 'Killed' || mutant.status === 'Timeout') detected++;
      else if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') undetected++;
    }
  }
  return { detected, undetected, score: detected + undetected === 0 ? NaN : (100 * detected) / (detected + undetected) };
}

// One standard report over every folder that has one (from this run or an earlier one).
const merged = { schemaVersion: '2', thresholds: { high: 80, low: 60 }, files: {} };
const table = [];
for (const name of Object.keys(MUTATION_FOLDERS)) {
  const path = `reports/mutation/${name}.json`;
  if (!existsSync(path)) continue;
  const report = JSON.parse(readFileSync(path, 'utf8'));
  Object.assign(merged.files, report.files);
  const { detected, undetected, score: value } = score(report.files);
  table.push(`${name.padEnd(12)} ${value.toFixed(1).padStart(6)} %  (${detected} detected, ${undetected} survived or not covered)`);
}
writeFileSync('reports/mutation/mutation.json', JSON.stringify(merged));
console.log(`\nMutation score per folder (reports/mutation/mutation.json):\n${table.join('\n')}`);
process.exit(failed ? 1 : 0);
