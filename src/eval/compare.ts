/**
 * `eval compare A B`: per target and category, accuracy in A and in B, the change, and a
 * two-sided Fisher exact test on the 2×2 table (correct / wrong × A / B); a significant
 * drop is flagged as a regression. A and B are runs (targets matched by name) or one
 * target of a run each (`RUN:TARGET`: a route against a model, a model against another,
 * in the same run or two). Latency and cost changes alongside.
 *
 * Where no drop is significant, the verdict says how large a drop these sample sizes could
 * have detected at all (the smallest drop from A's accuracy the test would have flagged),
 * so "no regression" on 20 cases is not read as "no change".
 * The test treats every call as independent; repeated runs of one case are not quite, so
 * read p-values near alpha with care.
 */
import type { Metrics, RunReport, TargetReport } from './report/aggregate.js';
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
  /** The smallest drop from A's accuracy (0..1) that B's sample size would have flagged; null when none could be. */
  detectableDrop: number | null;
}

export interface Comparison {
  runA: string;
  runB: string;
  /** What each side is: a run, or one target of a run. */
  labelA: string;
  labelB: string;
  method: string;
  alpha: number;
  rows: ComparisonRow[];
  regressions: ComparisonRow[];
  /** Targets in only one of the runs. */
  unmatched: string[];
  /** The verdict in words. */
  verdict: string;
}

/** Which target of each run to compare (by default every target present in both, by name). */
export interface ComparePick {
  targetA?: string;
  targetB?: string;
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

/**
 * The smallest drop from A's accuracy that the test flags with B's sample size: the
 * largest count of correct answers in B, below A's rate, whose table is significant.
 */
export function detectableDrop(correctA: number, gradedA: number, gradedB: number, alpha: number): number | null {
  if (gradedA === 0 || gradedB === 0) return null;
  const rateA = correctA / gradedA;
  for (let correctB = Math.ceil(rateA * gradedB) - 1; correctB >= 0; correctB--) {
    if (fisherExactTwoSided(correctA, gradedA - correctA, correctB, gradedB - correctB) < alpha) return rateA - correctB / gradedB;
  }
  return null;
}

function compareMetrics(target: string, category: string, before: Metrics, after: Metrics, alpha: number): ComparisonRow {
  const change = before.accuracy !== null && after.accuracy !== null ? after.accuracy - before.accuracy : null;
  const pValue = before.graded > 0 && after.graded > 0 ? fisherExactTwoSided(before.correct, before.graded - before.correct, after.correct, after.graded - after.correct) : null;
  const significant = pValue !== null && pValue < alpha;
  return {
    target,
    category,
    before: side(before),
    after: side(after),
    accuracyChange: change,
    pValue,
    significant,
    regression: significant && (change ?? 0) < 0,
    detectableDrop: detectableDrop(before.correct, before.graded, after.graded, alpha),
  };
}

function compareTargets(rows: ComparisonRow[], label: string, before: TargetReport, after: TargetReport, alpha: number): void {
  rows.push(compareMetrics(label, 'all', before.overall, after.overall, alpha));
  for (const [category, metrics] of Object.entries(before.categories)) {
    const counterpart = after.categories[category];
    if (counterpart) rows.push(compareMetrics(label, category, metrics, counterpart, alpha));
  }
}

function findTarget(report: RunReport, name: string): TargetReport | undefined {
  return report.targets.find((target) => target.target === name);
}

export function compareReports(before: RunReport, after: RunReport, alpha = 0.05, pick: ComparePick = {}): Comparison {
  const rows: ComparisonRow[] = [];
  const unmatched: string[] = [];
  const nameA = pick.targetA ?? pick.targetB;
  const nameB = pick.targetB ?? pick.targetA;
  if (nameA !== undefined && nameB !== undefined) {
    const targetA = findTarget(before, nameA);
    const targetB = findTarget(after, nameB);
    if (!targetA) unmatched.push(`${nameA} (not in ${before.run.id})`);
    if (!targetB) unmatched.push(`${nameB} (not in ${after.run.id})`);
    if (targetA && targetB) compareTargets(rows, nameA === nameB ? nameA : `${nameA} → ${nameB}`, targetA, targetB, alpha);
  } else {
    for (const target of before.targets) {
      const other = findTarget(after, target.target);
      if (other) compareTargets(rows, target.target, target, other, alpha);
      else unmatched.push(`${target.target} (only in ${before.run.id})`);
    }
    for (const target of after.targets) if (!findTarget(before, target.target)) unmatched.push(`${target.target} (only in ${after.run.id})`);
  }
  const regressions = rows.filter((row) => row.regression);
  const labelA = nameA !== undefined ? `${before.run.name}:${nameA}` : before.run.name;
  const labelB = nameB !== undefined ? `${after.run.name}:${nameB}` : after.run.name;
  return { runA: before.run.id, runB: after.run.id, labelA, labelB, method: COMPARISON_METHOD, alpha, rows, regressions, unmatched, verdict: verdictOf(rows, regressions) };
}

function points(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}`;
}

/** The verdict, worded from what the samples could show. */
function verdictOf(rows: readonly ComparisonRow[], regressions: readonly ComparisonRow[]): string {
  if (rows.length === 0) return 'Nothing could be compared: no target (or category) is present on both sides.';
  if (regressions.length > 0) {
    return `${regressions.length} significant regression(s): ${regressions.map((row) => `${row.target}/${row.category} ${signedPercent(row.accuracyChange)}`).join(', ')}`;
  }
  const blind = rows.filter((row) => row.detectableDrop === null);
  const detectable = rows.flatMap((row) => (row.detectableDrop === null ? [] : [{ row, drop: row.detectableDrop }]));
  const parts = ['No regression detected'];
  if (detectable.length > 0) {
    const overall = detectable.filter((entry) => entry.row.category === 'all').map((entry) => entry.drop);
    const categories = detectable.filter((entry) => entry.row.category !== 'all').map((entry) => entry.drop);
    const span = (drops: number[]): string => {
      const low = Math.min(...drops);
      const high = Math.max(...drops);
      return low === high ? `${points(low)} points` : `${points(low)}–${points(high)} points`;
    };
    const clauses: string[] = [];
    if (overall.length > 0) clauses.push(`overall only drops larger than ${span(overall)}`);
    if (categories.length > 0) clauses.push(`per category only drops larger than ${span(categories)}`);
    parts.push(`; these samples could detect ${clauses.join(', and ')} (column "detects")`);
  }
  if (blind.length > 0) parts.push(`; ${blind.length} row(s) too small to detect any drop`);
  return `${parts.join('')}.`;
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
  const header = ['target', 'category', 'accuracy A', 'accuracy B', 'change', 'p', 'flag', 'detects', 'p50 A→B', 'p95 A→B', 'cost/call A→B', 'cost/correct A→B'];
  const rows = comparison.rows.map((row) => [
    row.category === 'all' ? row.target : '',
    row.category,
    `${percent(row.before.accuracy)} (${row.before.correct}/${row.before.graded})`,
    `${percent(row.after.accuracy)} (${row.after.correct}/${row.after.graded})`,
    signedPercent(row.accuracyChange),
    row.pValue === null ? '-' : row.pValue < 0.001 ? '<0.001' : row.pValue.toFixed(3),
    row.regression ? 'REGRESSION' : row.significant ? 'improved' : '',
    row.detectableDrop === null ? 'none' : `>${points(row.detectableDrop)} pt`,
    `${milliseconds(row.before.latencyP50Ms)}→${milliseconds(row.after.latencyP50Ms)} (${relativeChange(row.before.latencyP50Ms, row.after.latencyP50Ms)})`,
    `${milliseconds(row.before.latencyP95Ms)}→${milliseconds(row.after.latencyP95Ms)} (${relativeChange(row.before.latencyP95Ms, row.after.latencyP95Ms)})`,
    `${dollars(row.before.costPerCallUsd)}→${dollars(row.after.costPerCallUsd)} (${relativeChange(row.before.costPerCallUsd, row.after.costPerCallUsd)})`,
    `${dollars(row.before.costPerCorrectUsd)}→${dollars(row.after.costPerCorrectUsd)} (${relativeChange(row.before.costPerCorrectUsd, row.after.costPerCorrectUsd)})`,
  ]);
  const lines = [`Compare A = ${comparison.labelA} with B = ${comparison.labelB} (${comparison.method}, alpha ${comparison.alpha})`, ''];
  if (rows.length > 0) lines.push(textTable(header, rows));
  if (comparison.unmatched.length > 0) lines.push('', `Not compared: ${comparison.unmatched.join(', ')}`);
  lines.push('', comparison.verdict);
  return lines.join('\n');
}
