/**
 * The public data sets beside the repository (`../shared/data`, or SWITCHYARD_SHARED_DATA):
 * never committed, so a test that needs one runs only where it is. Outside CI a missing set
 * skips the test with a note; in CI (CI=true) the test runs anyway and fails saying what is
 * missing, so a quality bar can never pass by being skipped.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED_DATA = process.env.SWITCHYARD_SHARED_DATA ?? fileURLToPath(new URL('../../../shared/data/', import.meta.url));

export interface SharedData {
  /** Absolute path of the file or folder. */
  path: string;
  present: boolean;
  /** True when the test must be skipped: missing, and not in CI. */
  skip: boolean;
  /** Throws, naming the path, when the data is missing (in CI the test fails here). */
  require(): string;
}

export function sharedData(relative: string): SharedData {
  const path = join(SHARED_DATA, relative);
  const present = existsSync(path);
  const inCi = process.env.CI === 'true';
  if (!present && !inCi) console.warn(`${relative}: ${path} not found — skipping the tests that read it (set SWITCHYARD_SHARED_DATA to the shared data folder)`);
  return {
    path,
    present,
    skip: !present && !inCi,
    require() {
      if (!present) throw new Error(`${path} is missing: CI must have the shared data folder beside the repository (or SWITCHYARD_SHARED_DATA pointing at it)`);
      return path;
    },
  };
}
