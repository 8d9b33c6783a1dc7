/**
 * `switchyard router train|eval|calibrate`: the learned strong/weak router.
 *   train --data FILE --strong MODEL --weak MODEL --out FILE [--cascade] [--seed N] [--json]
 *   eval --router FILE --data FILE [--verifier CASCADE_FILE] [--json] [--weak-cost C]
 *     (--verifier: a cascade router measured on the same data, reported beside as cascade_mode)
 *   calibrate --router FILE --data FILE (--strong-fraction F | --quality Q) [--out FILE] [--json]
 * Data: JSONL of {prompt, outcomes: {model: 0|1}, subject?, responses?: {model: text}}; a
 * cascade router (--cascade) is trained and measured on the weak model's real answers.
 */
import { CascadeVerifier } from '../router/learned/cascade-verifier.js';
import { thresholdForQuality, thresholdForStrongFraction, operatingPoint } from '../router/learned/calibration.js';
import { readRoutingData, RoutingDataError, type RoutingExample } from '../router/learned/dataset.js';
import { LearnedRouter } from '../router/learned/learned-router.js';
import { cascadeCost, evaluateRouting, preCallCost, type RoutingMetrics } from '../router/learned/metrics.js';
import { readRouterFile, RouterFileError, writeRouterFile, type RouterFile } from '../router/learned/model-file.js';
import { UsageError } from './arguments.js';

type Values = Record<string, string | boolean | undefined>;

/** Weak/strong cost per request: GPT-4-1106 ($10/$30 per M tokens) vs Mixtral-8x7B ($0.6/$0.6) on GSM8K-sized requests. */
export const DEFAULT_WEAK_COST = 0.03;

function required(values: Values, name: string, usage: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`${usage} needs --${name}`);
  return value;
}

function numberOption(values: Values, name: string, check: (value: number) => boolean, rule: string): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !check(parsed)) throw new UsageError(`--${name} must be ${rule}, got "${String(value)}"`);
  return parsed;
}

/** Scores of every example under a router file (pre-call: the prompt; cascade: prompt and weak answer). */
function scoresOf(file: RouterFile, examples: readonly RoutingExample[], path: string): Float64Array {
  if (file.mode === 'cascade') {
    const verifier = CascadeVerifier.fromFile(file, path);
    return Float64Array.from(examples, (example) => verifier.score(example.prompt, example.weakAnswer ?? ''));
  }
  const router = LearnedRouter.fromFile(file, path);
  return Float64Array.from(examples, (example) => router.scorePrompt(example.prompt, example.subject));
}

function loadFor(values: Values, usage: string, option = 'router'): { file: RouterFile; routerPath: string; dataPath: string; examples: RoutingExample[]; scores: Float64Array } {
  const routerPath = required(values, option, usage);
  const dataPath = required(values, 'data', usage);
  const file = readRouterFile(routerPath);
  const strong = typeof values.strong === 'string' ? values.strong : file.strong;
  const weak = typeof values.weak === 'string' ? values.weak : file.weak;
  const examples = readRoutingData(dataPath, { strong, weak, requireWeakAnswer: file.mode === 'cascade' });
  let scores: Float64Array;
  try {
    scores = scoresOf(file, examples, routerPath);
  } catch (error) {
    if (error instanceof RouterFileError) throw error;
    throw new RouterFileError(`${routerPath}: ${(error as Error).message}`);
  }
  return { file, routerPath, dataPath, examples, scores };
}

const round = (value: number, digits = 4): number | null => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);

function train(values: Values): number {
  const usage = 'router train';
  const dataPath = required(values, 'data', usage);
  const strong = required(values, 'strong', usage);
  const weak = required(values, 'weak', usage);
  const out = required(values, 'out', usage);
  const seed = numberOption(values, 'seed', Number.isInteger, 'an integer') ?? 1;
  const cascade = values.cascade === true;
  const examples = readRoutingData(dataPath, { strong, weak, requireWeakAnswer: cascade });
  const options = { strong, weak, seed, data: dataPath };
  const file = cascade ? CascadeVerifier.train(examples, options).file : LearnedRouter.train(examples, options).file;
  writeRouterFile(out, file);
  const summary = { out, mode: file.mode, examples: examples.length, threshold: file.threshold, model: file.model.gain.kind, words: file.features.words, innerSplit: file.training.innerSplit, selection: file.training.selection };
  if (values.json) console.log(JSON.stringify(summary));
  else {
    console.log(`trained a ${file.mode} router on ${examples.length} examples → ${out}`);
    for (const candidate of file.training.selection) {
      console.log(`  inner CV (${file.training.innerSplit}): ${candidate.model}${candidate.words ? ' + hashed words' : ''}: APGR ${candidate.apgr.toFixed(3)}, strong share at 95 % ${candidate.strongFractionAt95.toFixed(2)}`);
    }
    console.log(`  threshold ${file.threshold.toFixed(4)} (95 % of the strong model's quality, out-of-fold)`);
  }
  return 0;
}

function evalReport(file: RouterFile, metrics: RoutingMetrics, atThreshold: { strongFraction: number; accuracy: number }, weakCost: number): Record<string, unknown> {
  const cost = file.mode === 'cascade' ? cascadeCost : preCallCost;
  const report: Record<string, unknown> = {
    apgr: round(metrics.apgr),
    cpt50: round(metrics.cpt50),
    cpt80: round(metrics.cpt80),
    strong_fraction_at_95: round(metrics.strongFractionAt95),
    weak: round(metrics.weak),
    strong: round(metrics.strong),
    random: { apgr: round(metrics.random.apgr), cpt50: round(metrics.random.cpt50), cpt80: round(metrics.random.cpt80), strong_fraction_at_95: round(metrics.random.strongFractionAt95) },
    n: metrics.n,
    mode: file.mode,
    threshold: { value: round(file.threshold, 6), strong_fraction: round(atThreshold.strongFraction), accuracy: round(atThreshold.accuracy) },
    cost: { weak_cost: weakCost, always_strong: 1, at_95: round(cost(metrics.strongFractionAt95, weakCost)), at_threshold: round(cost(atThreshold.strongFraction, weakCost)) },
  };
  if (file.mode === 'cascade') {
    // Every request pays the weak call; escalations add the strong one.
    report.cascade = {
      escalation_rate_at_threshold: round(atThreshold.strongFraction),
      weak_answers_kept_at_threshold: round(1 - atThreshold.strongFraction),
      escalation_rate_at_95: round(metrics.strongFractionAt95),
      cost_at_95: round(cascadeCost(metrics.strongFractionAt95, weakCost)),
      pre_call_equivalent_cost_at_95: round(preCallCost(metrics.strongFractionAt95, weakCost)),
    };
  }
  return report;
}

function evaluate(values: Values): number {
  const weakCost = numberOption(values, 'weak-cost', (value) => value >= 0, 'a number ≥ 0 (weak cost per request; strong = 1)') ?? DEFAULT_WEAK_COST;
  const { file, examples, scores } = loadFor(values, 'router eval');
  const outcomes = { strong: examples.map((example) => example.strong), weak: examples.map((example) => example.weak) };
  const metrics = evaluateRouting(scores, outcomes);
  const report = evalReport(file, metrics, operatingPoint(scores, outcomes, file.threshold), weakCost);
  let cascadeMode: { file: RouterFile; metrics: RoutingMetrics; report: Record<string, unknown> } | undefined;
  if (typeof values.verifier === 'string') {
    // Cascade metrics beside the pre-call ones, on the same prompts (with the weak model's recorded answers).
    const verifier = loadFor(values, 'router eval --verifier', 'verifier');
    if (verifier.file.mode !== 'cascade') throw new RouterFileError(`${verifier.routerPath}: --verifier needs a cascade router (router train --cascade)`);
    const verifierOutcomes = { strong: verifier.examples.map((example) => example.strong), weak: verifier.examples.map((example) => example.weak) };
    const verifierMetrics = evaluateRouting(verifier.scores, verifierOutcomes);
    cascadeMode = { file: verifier.file, metrics: verifierMetrics, report: evalReport(verifier.file, verifierMetrics, operatingPoint(verifier.scores, verifierOutcomes, verifier.file.threshold), weakCost) };
    report.cascade_mode = cascadeMode.report;
  }
  if (values.json) {
    console.log(JSON.stringify(report));
    return 0;
  }
  const percent = (value: unknown): string => (typeof value === 'number' ? `${(value * 100).toFixed(1)} %` : 'n/a');
  const threshold = report.threshold as { strong_fraction: number; accuracy: number };
  const cost = report.cost as { at_95: number; at_threshold: number };
  console.log(`${file.mode} router on ${metrics.n} prompts: weak ${percent(metrics.weak)}, strong ${percent(metrics.strong)}`);
  console.log(`  APGR ${report.apgr ?? 'n/a'} (random 0.5); CPT50 ${percent(report.cpt50)}, CPT80 ${percent(report.cpt80)} strong calls (random 50 %, 80 %)`);
  console.log(`  95 % of the strong model's quality with ${percent(report.strong_fraction_at_95)} strong calls (random ${percent(metrics.random.strongFractionAt95)}), cost ${cost.at_95} of always-strong (weak = ${weakCost})`);
  console.log(`  at the file's threshold: ${percent(threshold.strong_fraction)} strong calls, accuracy ${percent(threshold.accuracy)}, cost ${cost.at_threshold}`);
  if (cascadeMode) {
    const other = cascadeMode.report as { apgr: number | null; cpt50: number | null; cpt80: number | null; strong_fraction_at_95: number | null; cost: { at_95: number; at_threshold: number }; threshold: { strong_fraction: number; accuracy: number } };
    console.log(`cascade router (weak model first, its cost counted on every request) on ${cascadeMode.metrics.n} prompts:`);
    console.log(`  APGR ${other.apgr ?? 'n/a'}; CPT50 ${percent(other.cpt50)}, CPT80 ${percent(other.cpt80)} escalations`);
    console.log(`  95 % of the strong model's quality with ${percent(other.strong_fraction_at_95)} escalations, cost ${other.cost.at_95} of always-strong`);
    console.log(`  at the file's threshold: ${percent(other.threshold.strong_fraction)} escalated, accuracy ${percent(other.threshold.accuracy)}, cost ${other.cost.at_threshold}`);
  }
  return 0;
}

function calibrate(values: Values): number {
  const fraction = numberOption(values, 'strong-fraction', (value) => value >= 0 && value <= 1, 'between 0 and 1');
  const quality = numberOption(values, 'quality', (value) => value > 0 && value <= 1.5, 'a share of the strong model\'s accuracy, e.g. 0.95');
  if ((fraction === undefined) === (quality === undefined)) throw new UsageError('router calibrate needs exactly one of --strong-fraction F or --quality Q');
  const { file, routerPath, dataPath, examples, scores } = loadFor(values, 'router calibrate');
  const outcomes = { strong: examples.map((example) => example.strong), weak: examples.map((example) => example.weak) };
  const threshold = fraction !== undefined ? thresholdForStrongFraction(scores, fraction) : thresholdForQuality(scores, outcomes, quality as number);
  const point = operatingPoint(scores, outcomes, threshold);
  const out = typeof values.out === 'string' ? values.out : routerPath;
  const calibration = { by: fraction !== undefined ? ('strong-fraction' as const) : ('quality' as const), value: (fraction ?? quality) as number, data: dataPath, strongFraction: point.strongFraction, accuracy: point.accuracy };
  writeRouterFile(out, { ...file, threshold, calibration });
  const strong = outcomes.strong.reduce((sum, value) => sum + value, 0) / Math.max(1, outcomes.strong.length);
  if (values.json) console.log(JSON.stringify({ out, threshold, strong_fraction: round(point.strongFraction), accuracy: round(point.accuracy), quality: round(point.accuracy / strong) }));
  else console.log(`threshold ${threshold.toFixed(6)} → ${out}: ${(point.strongFraction * 100).toFixed(1)} % strong calls, accuracy ${(point.accuracy * 100).toFixed(1)} % (${((point.accuracy / strong) * 100).toFixed(1)} % of the strong model's) on ${dataPath}`);
  return 0;
}

export async function runRouter(values: Values, positionals: string[]): Promise<number> {
  const [subcommand] = positionals;
  try {
    switch (subcommand) {
      case 'train':
        return train(values);
      case 'eval':
        return evaluate(values);
      case 'calibrate':
        return calibrate(values);
      default:
        throw new UsageError(subcommand ? `unknown subcommand "${subcommand}" (known: train, eval, calibrate)` : 'usage: switchyard router train|eval|calibrate');
    }
  } catch (error) {
    if (error instanceof RoutingDataError || error instanceof RouterFileError) {
      console.error(`switchyard router: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
