/**
 * `eval tune`: measured figures back into the config. Per model: quality per category
 * (the run's accuracy) and latency_p95_ms (the run's p95). Per category: a routing
 * table entry — the cheapest model per correct answer whose accuracy clears the floor
 * (and whose p95 fits the latency budget) — and the next best as a fallback. The YAML is
 * edited through the yaml Document API, so comments and layout survive.
 */
import { parseDocument, type Document } from 'yaml';
import type { TaskCategory } from '../core/categories.js';
import type { Metrics, RunReport } from './report/aggregate.js';
import { diffLines, splitLines } from './unified-diff.js';

export interface TuneOptions {
  qualityFloor: number;
  latencyBudgetMs?: number;
  routeName: string;
}

export interface ModelMeasurement {
  model: string;
  categories: Partial<Record<TaskCategory, Metrics>>;
  overall: Metrics;
  latencyP95Ms: number | null;
}

export interface CategoryChoice {
  category: TaskCategory | 'default';
  model: string;
  fallback: string | null;
  accuracy: number;
  accuracyLow: number;
  accuracyHigh: number;
  costPerCorrectUsd: number | null;
  latencyP95Ms: number | null;
  /** Why, when no model met every condition. */
  note: string | null;
}

export interface TuneProposal {
  runId: string;
  options: TuneOptions;
  measurements: ModelMeasurement[];
  choices: CategoryChoice[];
  route: { strategy: 'table'; description: string; table: Record<string, string>; fallbacks: string[] };
  /** Evaluated targets left out (routes, models not in the config). */
  skipped: string[];
}

interface Candidate {
  model: string;
  metrics: Metrics;
  latencyP95Ms: number | null;
}

/** Cheapest per correct answer first; a model with no correct answer is never cheapest. */
function byCostPerCorrect(left: Candidate, right: Candidate): number {
  const leftCost = left.metrics.costPerCorrectUsd ?? Number.POSITIVE_INFINITY;
  const rightCost = right.metrics.costPerCorrectUsd ?? Number.POSITIVE_INFINITY;
  return leftCost - rightCost || (right.metrics.accuracy ?? 0) - (left.metrics.accuracy ?? 0) || left.model.localeCompare(right.model);
}

function byAccuracy(left: Candidate, right: Candidate): number {
  return (right.metrics.accuracy ?? 0) - (left.metrics.accuracy ?? 0) || byCostPerCorrect(left, right);
}

export function chooseModel(category: TaskCategory | 'default', candidates: readonly Candidate[], options: TuneOptions): CategoryChoice | undefined {
  const measured = candidates.filter((candidate) => candidate.metrics.accuracy !== null);
  if (measured.length === 0) return undefined;
  const fits = (candidate: Candidate): boolean => options.latencyBudgetMs === undefined || (candidate.latencyP95Ms !== null && candidate.latencyP95Ms <= options.latencyBudgetMs);
  const clears = (candidate: Candidate): boolean => (candidate.metrics.accuracy ?? 0) >= options.qualityFloor;
  const eligible = measured.filter((candidate) => clears(candidate) && fits(candidate)).sort(byCostPerCorrect);
  let ranked = eligible;
  let note: string | null = null;
  if (eligible.length === 0) {
    const inBudget = measured.filter(fits);
    ranked = (inBudget.length > 0 ? inBudget : measured).sort(byAccuracy);
    note =
      inBudget.length > 0
        ? `no model clears the quality floor ${options.qualityFloor}: the most accurate one`
        : `no model fits the latency budget ${options.latencyBudgetMs} ms: the most accurate one`;
  }
  const chosen = ranked[0] as Candidate;
  const rest = measured.filter((candidate) => candidate !== chosen);
  // The fallback: the next eligible model, else the most accurate of the others.
  const fallback = ranked[1] ?? [...rest].sort(byAccuracy)[0];
  return {
    category,
    model: chosen.model,
    fallback: fallback?.model ?? null,
    accuracy: chosen.metrics.accuracy ?? 0,
    accuracyLow: chosen.metrics.accuracyLow ?? 0,
    accuracyHigh: chosen.metrics.accuracyHigh ?? 1,
    costPerCorrectUsd: chosen.metrics.costPerCorrectUsd,
    latencyP95Ms: chosen.latencyP95Ms,
    note,
  };
}

export function proposeTuning(report: RunReport, configModels: ReadonlySet<string>, options: TuneOptions): TuneProposal {
  const skipped: string[] = [];
  const measurements: ModelMeasurement[] = [];
  for (const target of report.targets) {
    if (target.kind !== 'model' || !configModels.has(target.target)) {
      skipped.push(`${target.target} (${target.kind === 'route' ? 'a route' : 'not a model of this config'})`);
      continue;
    }
    const p95 = target.overall.latencyMs?.p95;
    measurements.push({ model: target.target, categories: target.categories as Partial<Record<TaskCategory, Metrics>>, overall: target.overall, latencyP95Ms: p95 === undefined ? null : Math.max(1, Math.ceil(p95)) });
  }
  const choices: CategoryChoice[] = [];
  for (const category of report.categories as TaskCategory[]) {
    const candidates = measurements.flatMap((measurement) => {
      const metrics = measurement.categories[category];
      return metrics ? [{ model: measurement.model, metrics, latencyP95Ms: measurement.latencyP95Ms }] : [];
    });
    const choice = chooseModel(category, candidates, options);
    if (choice) choices.push(choice);
  }
  const overall = chooseModel(
    'default',
    measurements.map((measurement) => ({ model: measurement.model, metrics: measurement.overall, latencyP95Ms: measurement.latencyP95Ms })),
    options,
  );
  if (overall) choices.push(overall);
  const table = Object.fromEntries(choices.map((choice) => [choice.category, choice.model]));
  const fallbacks = [...new Set(choices.flatMap((choice) => (choice.fallback ? [choice.fallback] : [])))];
  const budget = options.latencyBudgetMs !== undefined ? `, p95 <= ${options.latencyBudgetMs} ms` : '';
  return {
    runId: report.run.id,
    options,
    measurements,
    choices,
    route: { strategy: 'table', description: `eval run ${report.run.id}, accuracy >= ${options.qualityFloor}${budget}`, table, fallbacks },
    skipped,
  };
}

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function hasModel(document: Document, model: string): boolean {
  return document.hasIn(['models', model]);
}

/** The config text with the proposal applied (comments and layout kept). */
export function applyTuning(sourceText: string, proposal: TuneProposal): string {
  const document = parseDocument(sourceText);
  for (const measurement of proposal.measurements) {
    if (!hasModel(document, measurement.model)) continue;
    for (const [category, metrics] of Object.entries(measurement.categories)) {
      if (metrics?.accuracy !== null && metrics?.accuracy !== undefined) document.setIn(['models', measurement.model, 'quality', category], roundTo(metrics.accuracy, 3));
    }
    if (measurement.latencyP95Ms !== null) document.setIn(['models', measurement.model, 'latency_p95_ms'], measurement.latencyP95Ms);
  }
  const routed = proposal.choices.filter((choice) => hasModel(document, choice.model));
  if (routed.length > 0) {
    const route = document.createNode({
      description: proposal.route.description,
      strategy: 'table',
      table: Object.fromEntries(routed.map((choice) => [choice.category, choice.model])),
      ...(proposal.route.fallbacks.length > 0 ? { fallbacks: proposal.route.fallbacks.filter((model) => hasModel(document, model)) } : {}),
    });
    route.commentBefore = ` switchyard eval tune: per category the cheapest model per correct answer that clears the floor;\n comments give its accuracy [95% CI] and the next best (route fallbacks)`;
    document.setIn(['routes', proposal.options.routeName], route);
    const table = document.getIn(['routes', proposal.options.routeName, 'table'], true) as { items?: Array<{ key: { value?: unknown }; value: { comment?: string | null } }> } | undefined;
    for (const pair of table?.items ?? []) {
      const choice = routed.find((candidate) => candidate.category === pair.key.value);
      if (!choice) continue;
      const interval = `${choice.accuracy.toFixed(3)} [${choice.accuracyLow.toFixed(2)}, ${choice.accuracyHigh.toFixed(2)}]`;
      pair.value.comment = ` ${interval}${choice.fallback ? `, fallback ${choice.fallback}` : ''}${choice.note ? ` (${choice.note})` : ''}`;
    }
  }
  return keepLayout(sourceText, document.toString());
}

/** A line as YAML reads it: spacing inside brackets and before comments does not matter. */
function layoutFree(line: string): string {
  return line.replace(/([[{])\s+/g, '$1').replace(/\s+([\]}])/g, '$1').replace(/\s+#/g, ' #').replace(/(\S)\s+/g, '$1 ').trimEnd();
}

/**
 * The yaml library re-prints every line; where it only changed spacing ("[a, b]" became
 * "[ a, b ]", a comment's indent), the original line is put back, so the diff shows the
 * tuning and nothing else.
 */
export function keepLayout(original: string, edited: string): string {
  const operations = diffLines(splitLines(original), splitLines(edited));
  const output: string[] = [];
  for (let index = 0; index < operations.length; ) {
    const operation = operations[index] as (typeof operations)[number];
    if (operation.kind === 'same') {
      output.push(operation.line);
      index++;
      continue;
    }
    const removed: string[] = [];
    const added: string[] = [];
    while (index < operations.length && (operations[index] as (typeof operations)[number]).kind !== 'same') {
      const change = operations[index++] as (typeof operations)[number];
      (change.kind === 'removed' ? removed : added).push(change.line);
    }
    for (const line of added) {
      const twin = removed.findIndex((candidate) => layoutFree(candidate) === layoutFree(line));
      output.push(twin >= 0 ? (removed.splice(twin, 1)[0] as string) : line);
    }
  }
  return `${output.join('\n')}\n`;
}
