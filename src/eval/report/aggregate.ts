/**
 * A run's results reduced to what reports show, per target (model or route) overall and
 * per category: accuracy with its 95 % Wilson interval, refusal and error rates, latency
 * percentiles, tokens, cost, cost per correct answer, and which models served the calls.
 *
 * Accuracy counts a failed call (an error) as a wrong answer, and leaves out results the
 * scorer could not decide (an unreadable judge verdict): those are not the model's fault.
 */
import { TASK_CATEGORIES } from '../../core/categories.js';
import { planOf } from '../runner.js';
import { UNREADABLE_DETAILS } from '../scoring/score-answer.js';
import { summariseLatencies, wilsonInterval, type LatencySummary } from '../statistics.js';
import type { ResultRow, StoredRun } from '../store.js';

export interface Metrics {
  calls: number;
  /** Results that count for accuracy: scored ones and errors. */
  graded: number;
  correct: number;
  unscorable: number;
  /** Answers in which the scorer found nothing to read (no letter, number or JSON): counted as wrong. */
  unreadable: number;
  errors: number;
  refusals: number;
  accuracy: number | null;
  accuracyLow: number | null;
  accuracyHigh: number | null;
  refusalRate: number | null;
  errorRate: number | null;
  /** Successful calls only. */
  latencyMs: LatencySummary | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  costPerCorrectUsd: number | null;
  /** Share of calls each model served (routes choose; models may fall back). */
  servedShare: Record<string, number>;
  /** Judge, reference and embedding calls made to score these results. */
  scoringCostUsd: number;
}

export interface TargetReport {
  target: string;
  kind: 'model' | 'route';
  overall: Metrics;
  categories: Record<string, Metrics>;
}

export interface RunReport {
  run: {
    id: string;
    name: string;
    status: string;
    createdAt: string;
    dataset: string;
    datasetHash: string;
    cases: number;
    runs: number;
    judge: string | null;
    embeddingModel: string | null;
    planned: number;
    stored: number;
  };
  categories: string[];
  targets: TargetReport[];
  scoring: { costUsd: number; calls: number; cacheHits: number };
  /** Categories where the scorer could not read a large share of the answers. */
  warnings: string[];
}

/** From this share of unreadable answers in a category, the report warns. */
export const UNREADABLE_WARNING_SHARE = 0.1;

export function metricsOf(rows: readonly ResultRow[]): Metrics {
  const errors = rows.filter((row) => row.scoreStatus === 'error').length;
  const unscorable = rows.filter((row) => row.scoreStatus === 'unscorable').length;
  const correct = rows.filter((row) => row.correct).length;
  const graded = rows.length - unscorable;
  const answered = rows.length - errors;
  const refusals = rows.filter((row) => row.refusal).length;
  const interval = graded > 0 ? wilsonInterval(correct, graded) : undefined;
  const costUsd = rows.reduce((sum, row) => sum + row.costUsd, 0);
  const served = new Map<string, number>();
  for (const row of rows) if (row.servedModel) served.set(row.servedModel, (served.get(row.servedModel) ?? 0) + 1);
  const servedTotal = [...served.values()].reduce((sum, count) => sum + count, 0);
  return {
    calls: rows.length,
    graded,
    correct,
    unscorable,
    unreadable: rows.filter((row) => row.scoreStatus === 'scored' && UNREADABLE_DETAILS.has(row.scoreDetail)).length,
    errors,
    refusals,
    accuracy: graded > 0 ? correct / graded : null,
    accuracyLow: interval?.low ?? null,
    accuracyHigh: interval?.high ?? null,
    refusalRate: answered > 0 ? refusals / answered : null,
    errorRate: rows.length > 0 ? errors / rows.length : null,
    latencyMs: summariseLatencies(rows.filter((row) => row.scoreStatus !== 'error').map((row) => row.latencyMs)) ?? null,
    inputTokens: rows.reduce((sum, row) => sum + row.inputTokens, 0),
    outputTokens: rows.reduce((sum, row) => sum + row.outputTokens, 0),
    costUsd,
    costPerCorrectUsd: correct > 0 ? costUsd / correct : null,
    servedShare: Object.fromEntries([...served.entries()].sort((left, right) => right[1] - left[1]).map(([model, count]) => [model, count / servedTotal])),
    scoringCostUsd: rows.reduce((sum, row) => sum + row.scoringCostUsd, 0),
  };
}

export function buildReport(run: StoredRun, rows: readonly ResultRow[]): RunReport {
  const present = new Set(rows.map((row) => row.category));
  const categories = TASK_CATEGORIES.filter((category) => present.has(category));
  const targets: TargetReport[] = run.targets.map((target) => {
    const own = rows.filter((row) => row.target === target.name);
    const byCategory: Record<string, Metrics> = {};
    for (const category of categories) {
      const inCategory = own.filter((row) => row.category === category);
      if (inCategory.length > 0) byCategory[category] = metricsOf(inCategory);
    }
    return { target: target.name, kind: target.kind, overall: metricsOf(own), categories: byCategory };
  });
  return {
    run: {
      id: run.id,
      name: run.name,
      status: run.status,
      createdAt: new Date(run.createdAt).toISOString(),
      dataset: run.datasetSource,
      datasetHash: run.datasetHash,
      cases: run.cases.length,
      runs: run.runs,
      judge: run.options.judge ?? null,
      embeddingModel: run.options.embeddingModel ?? null,
      planned: planOf(run).length,
      stored: rows.length,
    },
    categories,
    targets,
    scoring: {
      costUsd: rows.reduce((sum, row) => sum + row.scoringCostUsd, 0),
      calls: rows.reduce((sum, row) => sum + row.scoringCalls, 0),
      cacheHits: rows.reduce((sum, row) => sum + row.scoringCacheHits, 0),
    },
    warnings: unreadableWarnings(categories, rows),
  };
}

export function unreadableWarnings(categories: readonly string[], rows: readonly ResultRow[]): string[] {
  const warnings: string[] = [];
  for (const category of categories) {
    const answered = rows.filter((row) => row.category === category && row.scoreStatus === 'scored');
    const unreadable = answered.filter((row) => UNREADABLE_DETAILS.has(row.scoreDetail));
    if (answered.length === 0 || unreadable.length / answered.length < UNREADABLE_WARNING_SHARE) continue;
    const kinds = [...new Set(unreadable.map((row) => row.scoreDetail))].join('; ');
    warnings.push(
      `${category}: the scorer found no answer to read in ${Math.round((100 * unreadable.length) / answered.length)}% of the answers (${unreadable.length} of ${answered.length}: ${kinds}). ` +
        'They count as wrong for every target, so this category tells targets apart less than its size suggests; make the prompts ask for the form the scorer reads (docs/eval.md, Scorers).',
    );
  }
  return warnings;
}
