/**
 * Seeded fold assignments for measuring routers on prompts they never saw: plain k-fold,
 * and k folds of whole groups (MMLU subjects), so a router is scored on subjects it was
 * never trained on. Plus mean ± standard deviation for reports.
 */
import { seededRandom } from '../../core/random.js';

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

/** fold[i] ∈ [0, k): a seeded shuffle dealt round-robin, so fold sizes differ by at most one. */
export function kFoldAssignment(count: number, folds: number, seed: number): Int32Array {
  if (!Number.isInteger(folds) || folds < 2 || folds > count) throw new Error(`cannot make ${folds} folds of ${count} examples`);
  const assignment = new Int32Array(count);
  shuffled(Array.from({ length: count }, (_, index) => index), seed).forEach((index, position) => (assignment[index] = position % folds));
  return assignment;
}

/** Whole groups per fold: the sorted group names, shuffled by the seed and dealt round-robin. */
export function groupFoldAssignment(groups: readonly string[], folds: number, seed: number): { assignment: Int32Array; groupsByFold: string[][] } {
  const names = [...new Set(groups)].sort();
  if (!Number.isInteger(folds) || folds < 2 || folds > names.length) throw new Error(`cannot make ${folds} folds of ${names.length} groups`);
  const foldOf = new Map<string, number>();
  const groupsByFold: string[][] = Array.from({ length: folds }, () => []);
  shuffled(names, seed).forEach((name, position) => {
    foldOf.set(name, position % folds);
    groupsByFold[position % folds]?.push(name);
  });
  return { assignment: Int32Array.from(groups, (group) => foldOf.get(group) as number), groupsByFold: groupsByFold.map((names) => names.sort()) };
}

/** The examples of one fold and the rest. */
export function splitByFold<T>(items: readonly T[], assignment: Int32Array, fold: number): { train: T[]; test: T[] } {
  const train: T[] = [];
  const test: T[] = [];
  items.forEach((item, index) => (assignment[index] === fold ? test : train).push(item));
  return { train, test };
}

export interface Summary {
  mean: number;
  sd: number;
}

/** Mean and sample standard deviation, ignoring NaN. */
export function summarize(values: readonly number[]): Summary {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { mean: Number.NaN, sd: Number.NaN };
  const mean = finite.reduce((sum, value) => sum + value, 0) / finite.length;
  const variance = finite.length > 1 ? finite.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (finite.length - 1) : 0;
  return { mean, sd: Math.sqrt(variance) };
}
