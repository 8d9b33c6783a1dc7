/**
 * `eval tune`: measured figures back into the config. Per model: quality per category
 * (the run's accuracy), the graded answers behind it (quality_trials: a measurement, not an
 * estimate) and latency_p95_ms. Per category: a routing table entry — the measured model
 * with the lowest cost per call over the Wilson lower bound of its accuracy, among those
 * whose accuracy clears the floor (and whose p95 in that category fits the budget) — with
 * the next ones as the entry's fallbacks. When the run also measured the route being
 * written, an entry never replaces what the route did with something the run measured
 * worse. The YAML is edited through the yaml Document API, so comments and layout survive.
 */
import { parseDocument, type Document } from 'yaml';
import type { TaskCategory } from '../core/categories.js';
import type { Metrics, RunReport } from './report/aggregate.js';
import { fisherExactTwoSided, wilsonInterval } from './statistics.js';
import { diffLines, splitLines } from './unified-diff.js';

export interface TuneOptions {
  qualityFloor: number;
  latencyBudgetMs?: number;
  routeName: string;
  /** Significance level of "the proposal is less accurate than the current route" (default 0.05). */
  alpha?: number;
  /**
   * Keep the route's accuracy on the run within the 95 % interval of the most accurate model
   * (default true): where the floor alone would let it fall below, the categories where a
   * more accurate model costs least per extra correct answer are raised first.
   */
  matchBest?: boolean;
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
  /** The entry's fallbacks: the next models in the same ranking (at most two). */
  fallbacks: string[];
  accuracy: number;
  accuracyLow: number;
  accuracyHigh: number;
  graded: number;
  costPerCallUsd: number | null;
  costPerCorrectUsd: number | null;
  /** p95 latency of the chosen model's calls in this category. */
  latencyP95Ms: number | null;
  /** Why, when the choice is not the cheapest model over the floor. */
  note: string | null;
}

/** Accuracy and cost of a set of answers to the run's cases. */
export interface EffectFigures {
  correct: number;
  graded: number;
  calls: number;
  costUsd: number;
  accuracy: number | null;
  accuracyLow: number | null;
  accuracyHigh: number | null;
  costPerCallUsd: number | null;
}

/** What the proposed route does on the measured cases, against the route it replaces and the most accurate model. */
export interface ExpectedEffect {
  proposed: EffectFigures;
  /** The route being written, as this run measured it (null when the run did not evaluate it). */
  current: EffectFigures | null;
  /** The most accurate model of the run, overall. */
  reference: { model: string; figures: EffectFigures } | null;
  /** Per category: the proposal's figures and the current route's. */
  categories: Array<{ category: TaskCategory; proposed: EffectFigures; current: EffectFigures | null }>;
}

export interface TuneProposal {
  runId: string;
  options: TuneOptions;
  measurements: ModelMeasurement[];
  choices: CategoryChoice[];
  route: { strategy: 'table'; description: string; table: Record<string, string>; tableFallbacks: Record<string, string[]> };
  effect: ExpectedEffect;
  /** Evaluated targets left out (routes, models not in the config). */
  skipped: string[];
}

interface Candidate {
  model: string;
  metrics: Metrics;
  latencyP95Ms: number | null;
}

function costPerCall(metrics: Metrics): number | null {
  return metrics.calls > 0 ? metrics.costUsd / metrics.calls : null;
}

/**
 * Cost per call divided by the Wilson lower bound of the accuracy: the price of an answer we
 * are 97.5 % sure is at least that good. Thin evidence makes a model look dearer, never
 * cheaper, so a handful of lucky answers does not win a category.
 */
function costPerAssuredCorrect(candidate: Candidate): number {
  const perCall = costPerCall(candidate.metrics);
  const low = candidate.metrics.accuracyLow ?? 0;
  if (perCall === null) return Number.POSITIVE_INFINITY;
  return low > 0 ? perCall / low : Number.POSITIVE_INFINITY;
}

function byAssuredCost(left: Candidate, right: Candidate): number {
  return (
    costPerAssuredCorrect(left) - costPerAssuredCorrect(right) ||
    (right.metrics.accuracyLow ?? 0) - (left.metrics.accuracyLow ?? 0) ||
    left.model.localeCompare(right.model)
  );
}

function byAccuracy(left: Candidate, right: Candidate): number {
  return (right.metrics.accuracy ?? 0) - (left.metrics.accuracy ?? 0) || (right.metrics.accuracyLow ?? 0) - (left.metrics.accuracyLow ?? 0) || byAssuredCost(left, right);
}

const MAX_ENTRY_FALLBACKS = 2;

/**
 * A measured model clears the floor unless the run shows it below: the upper end of its
 * 95 % Wilson interval reaches the floor. 20 of 24 right (83 %, interval 64–93 %) is no
 * evidence against a floor of 85 %; 14 of 24 (58 %, up to 76 %) is. Which of the models
 * that clear it is taken is decided by cost per answer at the interval's lower end, and the
 * route as a whole is then held within the most accurate model's interval.
 */
export function clearsFloor(metrics: Metrics, floor: number): boolean {
  return metrics.accuracy !== null && (metrics.accuracyHigh ?? metrics.accuracy) >= floor;
}

export function chooseModel(category: TaskCategory | 'default', candidates: readonly Candidate[], options: TuneOptions): CategoryChoice | undefined {
  const measured = candidates.filter((candidate) => candidate.metrics.accuracy !== null);
  if (measured.length === 0) return undefined;
  const fits = (candidate: Candidate): boolean => options.latencyBudgetMs === undefined || (candidate.latencyP95Ms !== null && candidate.latencyP95Ms <= options.latencyBudgetMs);
  const clears = (candidate: Candidate): boolean => clearsFloor(candidate.metrics, options.qualityFloor);
  const eligible = measured.filter((candidate) => clears(candidate) && fits(candidate)).sort(byAssuredCost);
  let ranked = eligible;
  let note: string | null = null;
  if (eligible.length === 0) {
    const inBudget = measured.filter(fits);
    ranked = [...(inBudget.length > 0 ? inBudget : measured)].sort(byAccuracy);
    note =
      inBudget.length > 0
        ? `no model clears the quality floor ${options.qualityFloor}: the most accurate one`
        : `no model fits the latency budget ${options.latencyBudgetMs} ms: the most accurate one`;
  }
  const chosen = ranked[0] as Candidate;
  // Fallbacks: the next in the ranking, then the most accurate of the rest.
  const rest = measured.filter((candidate) => !ranked.includes(candidate)).sort(byAccuracy);
  const fallbacks = [...ranked.slice(1), ...rest].slice(0, MAX_ENTRY_FALLBACKS).map((candidate) => candidate.model);
  return choiceOf(category, chosen, fallbacks, note);
}

function choiceOf(category: TaskCategory | 'default', chosen: Candidate, fallbacks: string[], note: string | null): CategoryChoice {
  return {
    category,
    model: chosen.model,
    fallbacks,
    accuracy: chosen.metrics.accuracy ?? 0,
    accuracyLow: chosen.metrics.accuracyLow ?? 0,
    accuracyHigh: chosen.metrics.accuracyHigh ?? 1,
    graded: chosen.metrics.graded,
    costPerCallUsd: costPerCall(chosen.metrics),
    costPerCorrectUsd: chosen.metrics.costPerCorrectUsd,
    latencyP95Ms: chosen.latencyP95Ms,
    note,
  };
}

function figuresOf(correct: number, graded: number, calls: number, costUsd: number): EffectFigures {
  const interval = graded > 0 ? wilsonInterval(correct, graded) : undefined;
  return {
    correct,
    graded,
    calls,
    costUsd,
    accuracy: graded > 0 ? correct / graded : null,
    accuracyLow: interval?.low ?? null,
    accuracyHigh: interval?.high ?? null,
    costPerCallUsd: calls > 0 ? costUsd / calls : null,
  };
}

function metricsFigures(metrics: Metrics): EffectFigures {
  return figuresOf(metrics.correct, metrics.graded, metrics.calls, metrics.costUsd);
}

function p95Of(metrics: Metrics | undefined): number | null {
  const p95 = metrics?.latencyMs?.p95;
  return p95 === undefined ? null : Math.max(1, Math.ceil(p95));
}

/**
 * Keeps what the current route did in a category when the run measured it doing better:
 * the proposal would be significantly less accurate, or dearer without being more accurate.
 */
function keepCurrentWhenBetter(choice: CategoryChoice, proposed: Metrics, current: Metrics | undefined, configModels: ReadonlySet<string>, alpha: number): { choice: CategoryChoice; metrics: Metrics } {
  if (!current || current.accuracy === null || proposed.accuracy === null) return { choice, metrics: proposed };
  const servedBy = Object.entries(current.servedShare).sort((left, right) => right[1] - left[1])[0]?.[0];
  if (!servedBy || !configModels.has(servedBy) || servedBy === choice.model) return { choice, metrics: proposed };
  const pValue = fisherExactTwoSided(proposed.correct, proposed.graded - proposed.correct, current.correct, current.graded - current.correct);
  const lessAccurate = proposed.accuracy < current.accuracy && pValue < alpha;
  const proposedCost = costPerCall(proposed) ?? Number.POSITIVE_INFINITY;
  const currentCost = costPerCall(current) ?? Number.POSITIVE_INFINITY;
  const dearerNotBetter = proposedCost > currentCost && proposed.accuracy <= current.accuracy;
  if (!lessAccurate && !dearerNotBetter) return { choice, metrics: proposed };
  const kept = choiceOf(choice.category, { model: servedBy, metrics: current, latencyP95Ms: p95Of(current) }, [choice.model, ...choice.fallbacks.filter((model) => model !== servedBy)].slice(0, MAX_ENTRY_FALLBACKS), null);
  kept.note = `kept ${servedBy}, the current route's choice: ${lessAccurate ? 'the proposal measured significantly less accurate' : 'it measured as accurate for less'}`;
  return { choice: kept, metrics: current };
}

export function proposeTuning(report: RunReport, configModels: ReadonlySet<string>, options: TuneOptions): TuneProposal {
  const skipped: string[] = [];
  const measurements: ModelMeasurement[] = [];
  for (const target of report.targets) {
    if (target.kind !== 'model' || !configModels.has(target.target)) {
      if (!(target.kind === 'route' && target.target === options.routeName)) skipped.push(`${target.target} (${target.kind === 'route' ? 'a route' : 'not a model of this config'})`);
      continue;
    }
    measurements.push({ model: target.target, categories: target.categories as Partial<Record<TaskCategory, Metrics>>, overall: target.overall, latencyP95Ms: p95Of(target.overall) });
  }
  const currentRoute = report.targets.find((target) => target.kind === 'route' && target.target === options.routeName);
  const alpha = options.alpha ?? 0.05;
  const entries: Array<{ category: TaskCategory; candidates: Candidate[]; choice: CategoryChoice; metrics: Metrics; current: Metrics | undefined }> = [];
  for (const category of report.categories as TaskCategory[]) {
    const candidates = measurements.flatMap((measurement) => {
      const metrics = measurement.categories[category];
      return metrics ? [{ model: measurement.model, metrics, latencyP95Ms: p95Of(metrics) }] : [];
    });
    const first = chooseModel(category, candidates, options);
    if (!first) continue;
    const chosenMetrics = candidates.find((candidate) => candidate.model === first.model)?.metrics as Metrics;
    const current = currentRoute?.categories[category];
    entries.push({ category, candidates, current, ...keepCurrentWhenBetter(first, chosenMetrics, current, configModels, alpha) });
  }
  const reference = [...measurements].sort((left, right) => byAccuracy({ model: left.model, metrics: left.overall, latencyP95Ms: null }, { model: right.model, metrics: right.overall, latencyP95Ms: null }))[0];
  if (options.matchBest !== false && reference) raiseToReference(entries, reference.overall, options);
  const choices = entries.map((entry) => entry.choice);
  const total = (pick: (metrics: Metrics) => number): number => entries.reduce((sum, entry) => sum + pick(entry.metrics), 0);
  const proposed = figuresOf(total((metrics) => metrics.correct), total((metrics) => metrics.graded), total((metrics) => metrics.calls), total((metrics) => metrics.costUsd));
  const effectCategories = entries.map((entry) => ({ category: entry.category, proposed: metricsFigures(entry.metrics), current: entry.current ? metricsFigures(entry.current) : null }));
  const overall = chooseModel(
    'default',
    measurements.map((measurement) => ({ model: measurement.model, metrics: measurement.overall, latencyP95Ms: measurement.latencyP95Ms })),
    options,
  );
  if (overall) choices.push(overall);
  return {
    runId: report.run.id,
    options,
    measurements,
    choices,
    route: {
      strategy: 'table',
      description: describeRoute(report.run.id, choices, options),
      table: Object.fromEntries(choices.map((choice) => [choice.category, choice.model])),
      tableFallbacks: Object.fromEntries(choices.filter((choice) => choice.fallbacks.length > 0).map((choice) => [choice.category, choice.fallbacks])),
    },
    effect: {
      proposed,
      current: currentRoute ? metricsFigures(currentRoute.overall) : null,
      reference: reference ? { model: reference.model, figures: metricsFigures(reference.overall) } : null,
      categories: effectCategories,
    },
    skipped,
  };
}

/**
 * Equal quality: while the route's accuracy on the run is below the Wilson lower bound of
 * the most accurate model's, raise the category where a more accurate model (within the
 * latency budget) adds a correct answer for the least extra cost.
 */
function raiseToReference(
  entries: Array<{ candidates: Candidate[]; choice: CategoryChoice; metrics: Metrics }>,
  reference: Metrics,
  options: TuneOptions,
): void {
  const target = reference.accuracyLow ?? 0;
  const fits = (candidate: Candidate): boolean => options.latencyBudgetMs === undefined || (candidate.latencyP95Ms !== null && candidate.latencyP95Ms <= options.latencyBudgetMs);
  for (let round = 0; round < 1000; round++) {
    const correct = entries.reduce((sum, entry) => sum + entry.metrics.correct, 0);
    const graded = entries.reduce((sum, entry) => sum + entry.metrics.graded, 0);
    if (graded === 0 || correct / graded >= target) return;
    let best: { entry: (typeof entries)[number]; candidate: Candidate; price: number } | undefined;
    for (const entry of entries) {
      const currentRate = entry.metrics.graded > 0 ? entry.metrics.correct / entry.metrics.graded : 0;
      for (const candidate of entry.candidates) {
        const rate = candidate.metrics.accuracy ?? 0;
        if (!fits(candidate) || rate <= currentRate) continue;
        const extraCorrect = (rate - currentRate) * entry.metrics.graded;
        const extraCost = Math.max(0, (costPerCall(candidate.metrics) ?? 0) - (costPerCall(entry.metrics) ?? 0)) * entry.metrics.calls;
        const price = extraCost / extraCorrect;
        if (!best || price < best.price) best = { entry, candidate, price };
      }
    }
    if (!best) return;
    const { entry, candidate } = best;
    const fallbacks = [entry.choice.model, ...entry.choice.fallbacks].filter((model) => model !== candidate.model).slice(0, MAX_ENTRY_FALLBACKS);
    entry.choice = choiceOf(entry.choice.category, candidate, fallbacks, `raised to keep the route within the most accurate model's 95% interval`);
    entry.metrics = candidate.metrics;
  }
}

/** What the route is, in words that hold for every entry. */
function describeRoute(runId: string, choices: readonly CategoryChoice[], options: TuneOptions): string {
  const budget = options.latencyBudgetMs !== undefined ? ` and p95 <= ${options.latencyBudgetMs} ms` : '';
  const exceptions = choices.filter((choice) => choice.note !== null && choice.category !== 'default');
  const below = exceptions.filter((choice) => choice.note?.startsWith('no model')).map((choice) => choice.category);
  const kept = exceptions.filter((choice) => choice.note?.startsWith('kept')).map((choice) => choice.category);
  const parts = [`eval run ${runId}: per category the cheapest measured model not measured below accuracy ${options.qualityFloor} (95% interval)${budget}, held within the most accurate model's 95% interval overall`];
  if (below.length > 0) parts.push(`${below.join(', ')}: none qualified, the most accurate`);
  if (kept.length > 0) parts.push(`${kept.join(', ')}: the previous choice, which measured better`);
  const raised = exceptions.filter((choice) => choice.note?.startsWith('raised')).map((choice) => choice.category);
  if (raised.length > 0) parts.push(`${raised.join(', ')}: a more accurate model, to stay within the best model's 95% interval`);
  return parts.join('; ');
}

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function hasModel(document: Document, model: string): boolean {
  return document.hasIn(['models', model]);
}

/** The config text with the proposal applied (comments and layout kept). */
/** Route keys that mean nothing (or are refused) for a table route; dropped when a route is rewritten in place. */
const NOT_FOR_TABLES = ['model', 'tiers', 'difficulty', 'weights', 'learned', 'experiment'];

type YamlPairs = { items?: Array<{ key: { value?: unknown }; value: { comment?: string | null } }> } | undefined;

/** The config text with the proposal applied (comments and layout kept). */
export function applyTuning(sourceText: string, proposal: TuneProposal): string {
  const document = parseDocument(sourceText);
  for (const measurement of proposal.measurements) {
    if (!hasModel(document, measurement.model)) continue;
    for (const [category, metrics] of Object.entries(measurement.categories)) {
      if (metrics?.accuracy === null || metrics?.accuracy === undefined) continue;
      document.setIn(['models', measurement.model, 'quality', category], roundTo(metrics.accuracy, 3));
      // The number of graded answers marks the figure as measured: cheapest routes prefer it to an estimate.
      document.setIn(['models', measurement.model, 'quality_trials', category], metrics.graded);
    }
    if (measurement.latencyP95Ms !== null) document.setIn(['models', measurement.model, 'latency_p95_ms'], measurement.latencyP95Ms);
  }
  const routed = proposal.choices.filter((choice) => hasModel(document, choice.model));
  if (routed.length === 0) return keepLayout(sourceText, document.toString());
  const path = ['routes', proposal.options.routeName];
  const fallbacks = Object.fromEntries(
    routed.flatMap((choice) => {
      const usable = choice.fallbacks.filter((model) => hasModel(document, model));
      return usable.length > 0 ? [[choice.category, usable]] : [];
    }),
  );
  const comment = ` switchyard eval tune: per category the cheapest measured model per correct answer, among those not measured below the floor;\n comments give its accuracy [95% CI], answers graded and cost per correct answer`;
  if (document.hasIn(path)) {
    for (const key of NOT_FOR_TABLES) document.deleteIn([...path, key]);
    document.setIn([...path, 'description'], proposal.route.description);
    document.setIn([...path, 'strategy'], 'table');
    document.setIn([...path, 'table'], document.createNode(Object.fromEntries(routed.map((choice) => [choice.category, choice.model]))));
    if (Object.keys(fallbacks).length > 0) document.setIn([...path, 'table_fallbacks'], document.createNode(fallbacks));
    else document.deleteIn([...path, 'table_fallbacks']);
    const table = document.getIn([...path, 'table'], true) as { commentBefore?: string | null };
    table.commentBefore = comment;
  } else {
    const route = document.createNode({
      description: proposal.route.description,
      strategy: 'table',
      table: Object.fromEntries(routed.map((choice) => [choice.category, choice.model])),
      ...(Object.keys(fallbacks).length > 0 ? { table_fallbacks: fallbacks } : {}),
    });
    route.commentBefore = comment;
    document.setIn(path, route);
  }
  const table = document.getIn([...path, 'table'], true) as YamlPairs;
  for (const pair of table?.items ?? []) {
    const choice = routed.find((candidate) => candidate.category === pair.key.value);
    if (!choice) continue;
    const interval = `${choice.accuracy.toFixed(3)} [${choice.accuracyLow.toFixed(2)}, ${choice.accuracyHigh.toFixed(2)}] n=${choice.graded}`;
    const perCorrect = choice.costPerCorrectUsd !== null ? `, $${choice.costPerCorrectUsd.toPrecision(3)}/correct` : '';
    pair.value.comment = ` ${interval}${perCorrect}${choice.note ? ` (${choice.note})` : ''}`;
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
