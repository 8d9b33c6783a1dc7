/**
 * `eval compare A B`: per target and category, accuracy in A and in B, the change, and a
 * two-sided Fisher exact test on the 2×2 table (correct / wrong × run A / run B); a
 * significant drop is flagged as a regression. Latency and cost changes alongside.
 * The test treats every call as independent; repeated runs of one case are not quite, so
 * read p-values near alpha with care.
 */
import type { Metrics, RunReport } from './report/aggregate.js';
import { dollars, milliseconds, percent, textTable } from './report/format.js';
import { fisherExactTwoSided } from './statistics.js';

export const COMPARISON_METHOD = 'two-sided Fisher exact test on correct/wrong counts per run';

interface Side {
  graded: number;
  correct: number;
  accuracy: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  costPerCallUsd: number | null;
  costPerCorrectUsd: number | null;
}

export interface ComparisonRow {
  target: string;
  category: string;
  before: Side;
  after: Side;
  accuracyChange: number | null;
  pValue: number | null;
  significant: boolean;
  regression: boolean;
}

export interface Comparison {
  runA: string;
  runB: string;
  method: string;
  alpha: number;
  rows: ComparisonRow[];
  regressions: ComparisonRow[];
  /** Targets in only one of the runs. */
  unmatched: string[];
}

function side(metrics: Metrics): Side {
  return {
    graded: metrics.graded,
    correct: metrics.correct,
    accuracy: metrics.accuracy,
    latencyP50Ms: metrics.latencyMs?.p50 ?? null,
    latencyP95Ms: metrics.latencyMs?.p95 ?? null,
    costPerCallUsd: metrics.calls > 0 ? metrics.costUsd / metrics.calls : null,
    costPerCorrectUsd: metrics.costPerCorrectUsd,
  };
}

function compareMetrics(target: string, category: string, before: Metrics, after: Metrics, alpha: number): ComparisonRow {
  const change = before.accuracy !== null && after.accuracy !== null ? after.accuracy - before.accuracy : null;
  const pValue = before.graded > 0 && after.graded > 0 ? fisherExactTwoSided(before.correct, before.graded - before.correct, after.correct, after.graded - after.correct) : null;
  const significant = pValue !== null && pValue < alpha;
  return { target, category, before: side(before), after: side(after), accuracyChange: change, pValue, significant, regression: significant && (change ?? 0) < 0 };
}

export function compareReports(before: RunReport, after: RunReport, alpha = 0.05): Comparison {
  const rows: ComparisonRow[] = [];
  const unmatched: string[] = [];
  for (const target of before.targets) {
    const other = after.targets.find((candidate) => candidate.target === target.target);
    if (!other) {
      unmatched.push(`${target.target} (only in ${before.run.id})`);
      continue;
    }
    rows.push(compareMetrics(target.target, 'all', target.overall, other.overall, alpha));
    for (const [category, metrics] of Object.entries(target.categories)) {
      const counterpart = other.categories[category];
      if (counterpart) rows.push(compareMetrics(target.target, category, metrics, counterpart, alpha));
    }
  }
  for (const target of after.targets) if (!before.targets.some((candidate) => candidate.target === target.target)) unmatched.push(`${target.target} (only in ${after.run.id})`);
  return { runA: before.run.id, runB: after.run.id, method: COMPARISON_METHOD, alpha, rows, regressions: rows.filter((row) => row.regression), unmatched };
}

function signedPercent(value: number | null): string {
  if (value === null) return '-';
  return `${value > 0 ? '+' : ''}${(value * 100).toFixed(1)} pt`;
}

function relativeChange(before: number | null, after: number | null): string {
  if (before === null || after === null || before === 0) return '-';
  const change = (after - before) / before;
  return `${change > 0 ? '+' : ''}${(change * 100).toFixed(0)}%`;
}

export function renderComparison(comparison: Comparison): string {
  const header = ['target', 'category', 'accuracy A', 'accuracy B', 'change', 'p', 'flag', 'p50 A→B', 'p95 A→B', 'cost/call A→B', 'cost/correct A→B'];
  const rows = comparison.rows.map((row) => [
    row.category === 'all' ? row.target : '',
    row.category,
    `${percent(row.before.accuracy)} (${row.before.correct}/${row.before.graded})`,
    `${percent(row.after.accuracy)} (${row.after.correct}/${row.after.graded})`,
    signedPercent(row.accuracyChange),
    row.pValue === null ? '-' : row.pValue < 0.001 ? '<0.001' : row.pValue.toFixed(3),
    row.regression ? 'REGRESSION' : row.significant ? 'improved' : '',
    `${milliseconds(row.before.latencyP50Ms)}→${milliseconds(row.after.latencyP50Ms)} (${relativeChange(row.before.latencyP50Ms, row.after.latencyP50Ms)})`,
    `${milliseconds(row.before.latencyP95Ms)}→${milliseconds(row.after.latencyP95Ms)} (${relativeChange(row.before.latencyP95Ms, row.after.latencyP95Ms)})`,
    `${dollars(row.before.costPerCallUsd)}→${dollars(row.after.costPerCallUsd)} (${relativeChange(row.before.costPerCallUsd, row.after.costPerCallUsd)})`,
    `${dollars(row.before.costPerCorrectUsd)}→${dollars(row.after.costPerCorrectUsd)} (${relativeChange(row.before.costPerCorrectUsd, row.after.costPerCorrectUsd)})`,
  ]);
  const lines = [`Compare A = ${comparison.runA} with B = ${comparison.runB} (${comparison.method}, alpha ${comparison.alpha})`, '', textTable(header, rows)];
  if (comparison.unmatched.length > 0) lines.push('', `Not compared: ${comparison.unmatched.join(', ')}`);
  lines.push(
    '',
    comparison.regressions.length > 0
      ? `${comparison.regressions.length} significant regression(s): ${comparison.regressions.map((row) => `${row.target}/${row.category} ${signedPercent(row.accuracyChange)}`).join(', ')}`
      : 'No significant regression.',
  );
  return lines.join('\n');
}
