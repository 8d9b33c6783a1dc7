/**
 * The JSON file of a learned router (`models/router-*.json`): what it routes between, how
 * its features are built, its threshold and where that came from, the model, and a record
 * of its training (no timestamps: the same data and seed give the same file).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isTarget, type SerializedOutcomeModel, type Target } from './outcome-model.js';
import type { CandidateResult } from './training.js';

export const ROUTER_FORMAT = 'switchyard-learned-router';
export const ROUTER_MODES = ['pre-call', 'cascade'] as const;
export type RouterMode = (typeof ROUTER_MODES)[number];

export interface Calibration {
  /** How the threshold was chosen: out-of-fold at 95 % quality during training, or by `router calibrate`. */
  by: 'training' | 'strong-fraction' | 'quality';
  value: number;
  data?: string;
  /** Strong share and accuracy at the threshold on the calibration data. */
  strongFraction?: number;
  accuracy?: number;
}

export interface RouterFile {
  format: typeof ROUTER_FORMAT;
  version: 1;
  mode: RouterMode;
  strong: string;
  weak: string;
  features: { words: boolean; subject: boolean; buckets: number };
  /** Route to the strong model (escalate, in a cascade) when score ≥ threshold. */
  threshold: number;
  calibration: Calibration;
  model: SerializedOutcomeModel;
  training: {
    data?: string;
    examples: number;
    seed: number;
    target: Target;
    innerSplit: 'subjects' | 'k-fold' | 'none';
    selection: CandidateResult[];
  };
}

export class RouterFileError extends Error {}

function check(condition: boolean, path: string, message: string): asserts condition {
  if (!condition) throw new RouterFileError(`${path}: ${message}`);
}

/** Reads and checks the envelope; the model's own checks happen when it is deserialised. */
export function parseRouterFile(text: string, path: string): RouterFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RouterFileError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  check(typeof value === 'object' && value !== null && !Array.isArray(value), path, 'expected a JSON object');
  const file = value as Partial<RouterFile>;
  check(file.format === ROUTER_FORMAT, path, `not a Switchyard learned router (format ${JSON.stringify(file.format)})`);
  check(file.version === 1, path, `unsupported version ${JSON.stringify(file.version)}`);
  check((ROUTER_MODES as readonly unknown[]).includes(file.mode), path, `"mode" must be one of ${ROUTER_MODES.join(', ')}`);
  check(typeof file.strong === 'string' && typeof file.weak === 'string', path, '"strong" and "weak" must be model names');
  check(typeof file.threshold === 'number' && Number.isFinite(file.threshold), path, '"threshold" must be a number');
  const features = file.features;
  check(typeof features === 'object' && features !== null && typeof features.words === 'boolean' && typeof features.subject === 'boolean' && Number.isInteger(features.buckets), path, '"features" must be {words, subject, buckets}');
  check(typeof file.model === 'object' && file.model !== null && isTarget(file.model.target), path, '"model" is missing or has an unknown target');
  check(typeof file.calibration === 'object' && file.calibration !== null, path, '"calibration" is missing');
  check(typeof file.training === 'object' && file.training !== null, path, '"training" is missing');
  return file as RouterFile;
}

export function readRouterFile(path: string): RouterFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RouterFileError(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message}`);
  }
  return parseRouterFile(text, path);
}

export function writeRouterFile(path: string, file: RouterFile): void {
  writeFileSync(path, `${JSON.stringify(file)}\n`);
}
