/**
 * The statistics evaluation reports rest on: Wilson score intervals for accuracies,
 * interpolated percentiles for latencies, and Fisher's exact test for comparing runs.
 */

/** z for a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for `successes` out of `trials`: unlike the normal approximation
 * it stays inside [0, 1] and behaves at 0 and 100 %. With no trials it is [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): Interval {
  if (trials <= 0) return { low: 0, high: 1 };
  const proportion = successes / trials;
  const zSquared = z * z;
  const denominator = 1 + zSquared / trials;
  const centre = (proportion + zSquared / (2 * trials)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((proportion * (1 - proportion)) / trials + zSquared / (4 * trials * trials));
  return { low: successes === 0 ? 0 : Math.max(0, centre - halfWidth), high: successes === trials ? 1 : Math.min(1, centre + halfWidth) };
}

/** Percentile with linear interpolation between closest ranks (R type 7, numpy's default); undefined for no values. */
export function percentile(sortedValues: readonly number[], fraction: number): number | undefined {
  if (sortedValues.length === 0) return undefined;
  const position = (sortedValues.length - 1) * Math.min(1, Math.max(0, fraction));
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sortedValues[lower] as number;
  const high = sortedValues[upper] as number;
  return low + (high - low) * (position - lower);
}

export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export interface LatencySummary {
  count: number;
  mean: number;
  min: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
  p99: number;
  max: number;
}

export function summariseLatencies(values: readonly number[]): LatencySummary | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((left, right) => left - right);
  const at = (fraction: number): number => percentile(sorted, fraction) as number;
  return {
    count: sorted.length,
    mean: mean(sorted) as number,
    min: sorted[0] as number,
    p25: at(0.25),
    p50: at(0.5),
    p75: at(0.75),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted[sorted.length - 1] as number,
  };
}

const logFactorials: number[] = [0];

function logFactorial(value: number): number {
  for (let next = logFactorials.length; next <= value; next++) logFactorials.push((logFactorials[next - 1] as number) + Math.log(next));
  return logFactorials[value] as number;
}

/**
 * Two-sided Fisher exact test on the 2×2 table [[a, b], [c, d]]: the probability, under
 * independence with the margins fixed, of every table at most as likely as the observed one
 * (the convention of R's fisher.test).
 */
export function fisherExactTwoSided(a: number, b: number, c: number, d: number): number {
  const rowOne = a + b;
  const rowTwo = c + d;
  const columnOne = a + c;
  const total = rowOne + rowTwo;
  if (total === 0) return 1;
  const logDenominator = logFactorial(total) - logFactorial(rowOne) - logFactorial(rowTwo) - logFactorial(columnOne) - logFactorial(total - columnOne);
  const probabilityOf = (cell: number): number =>
    Math.exp(-logDenominator - logFactorial(cell) - logFactorial(rowOne - cell) - logFactorial(columnOne - cell) - logFactorial(rowTwo - columnOne + cell));
  const observed = probabilityOf(a);
  const lowest = Math.max(0, columnOne - rowTwo);
  const highest = Math.min(rowOne, columnOne);
  let pValue = 0;
  for (let cell = lowest; cell <= highest; cell++) {
    const probability = probabilityOf(cell);
    // Relative tolerance as R uses, so tables equally likely up to rounding count.
    if (probability <= observed * (1 + 1e-7)) pValue += probability;
  }
  return Math.min(1, pValue);
}
