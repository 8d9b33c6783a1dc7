/**
 * Training shared by the pre-call router and the cascade verifier. Which candidate model
 * (boosted trees over the dense features, or logistic regression that also reads hashed
 * words) is used is decided by an inner cross-validation on the training data alone — by
 * whole subjects when the data has them, so the choice favours what carries over to new
 * subjects. The chosen candidate's out-of-fold scores also set the default threshold (95 %
 * of the strong model's quality) without trusting the training fit.
 */
import { thresholdForQuality } from './calibration.js';
import { groupFoldAssignment, kFoldAssignment, summarize } from './cross-validation.js';
import type { RoutingExample } from './dataset.js';
import { evaluateRouting } from './metrics.js';
import type { RouterFile, RouterMode } from './model-file.js';
import { DEFAULT_MODEL_OPTIONS, OutcomeModel, type ModelKind, type ModelOptions, type Target } from './outcome-model.js';
import type { ExtractedFeatures } from './prompt-features.js';

export interface FeatureChoice {
  model: ModelKind;
  /** Hashed words and word pairs (of the prompt, or of the weak answer in a cascade); linear models only. */
  words: boolean;
}

export interface TrainingSettings {
  target: Target;
  seed: number;
  /** Candidates; the inner cross-validation picks one (the first on ties). */
  candidates: FeatureChoice[];
  innerFolds: number;
  options: ModelOptions;
}

export const DEFAULT_CANDIDATES: FeatureChoice[] = [
  { model: 'trees', words: false },
  { model: 'ensemble', words: true },
];

export const DEFAULT_TRAINING: TrainingSettings = { target: 'net-gain', seed: 1, candidates: DEFAULT_CANDIDATES, innerFolds: 4, options: DEFAULT_MODEL_OPTIONS };

export interface RouterTrainingOptions {
  strong: string;
  weak: string;
  seed?: number;
  target?: Target;
  /** Candidates for the inner cross-validation (default: boosted trees; linear with hashed words). */
  candidates?: FeatureChoice[];
  /** Add the subject as a feature (pre-call, linear only; useful only when serving the same subjects). */
  subject?: boolean;
  /** Recorded in the file. */
  data?: string;
}

export function trainingSettings(options: RouterTrainingOptions): TrainingSettings {
  const seed = options.seed ?? DEFAULT_TRAINING.seed;
  return {
    ...DEFAULT_TRAINING,
    target: options.target ?? DEFAULT_TRAINING.target,
    seed,
    candidates: options.candidates ?? DEFAULT_TRAINING.candidates,
    options: { ...DEFAULT_MODEL_OPTIONS, linear: { ...DEFAULT_MODEL_OPTIONS.linear, seed } },
  };
}

export interface CandidateResult extends FeatureChoice {
  /** Mean inner-CV APGR and strong fraction at 95 % quality. */
  apgr: number;
  strongFractionAt95: number;
}

export interface TrainedModel {
  model: OutcomeModel;
  choice: FeatureChoice;
  selection: CandidateResult[];
  /** Threshold for 95 % of the strong model's quality, from out-of-fold scores (training fit when the data is too small to fold). */
  threshold: number;
  innerSplit: 'subjects' | 'k-fold' | 'none';
}

export type Featurize<T> = (example: T, choice: FeatureChoice) => ExtractedFeatures;

function innerAssignment(examples: readonly RoutingExample[], folds: number, seed: number): { assignment: Int32Array; split: 'subjects' | 'k-fold' } | undefined {
  const subjects = examples.map((example) => example.subject);
  if (subjects.every((subject): subject is string => subject !== undefined) && new Set(subjects).size >= 2 * folds) {
    return { assignment: groupFoldAssignment(subjects, folds, seed).assignment, split: 'subjects' };
  }
  return examples.length >= 10 * folds ? { assignment: kFoldAssignment(examples.length, folds, seed), split: 'k-fold' } : undefined;
}

function outOfFoldScores(examples: readonly RoutingExample[], features: readonly ExtractedFeatures[], names: readonly string[], assignment: Int32Array, settings: TrainingSettings, choice: FeatureChoice): Float64Array {
  const scores = new Float64Array(examples.length);
  for (let fold = 0; fold < settings.innerFolds; fold++) {
    const train = examples.flatMap((_, index) => (assignment[index] === fold ? [] : [index]));
    const model = OutcomeModel.train(
      train.map((index) => examples[index] as RoutingExample),
      train.map((index) => features[index] as ExtractedFeatures),
      names,
      { target: settings.target, kind: choice.model, options: settings.options },
    );
    examples.forEach((_, index) => {
      if (assignment[index] === fold) scores[index] = model.score(features[index] as ExtractedFeatures);
    });
  }
  return scores;
}

/** Mean per-fold metrics of out-of-fold scores, as the benchmark reports them. */
function foldMetrics(scores: Float64Array, examples: readonly RoutingExample[], assignment: Int32Array, folds: number): { apgr: number; strongFractionAt95: number } {
  const perFold = Array.from({ length: folds }, (_, fold) => {
    const members = examples.flatMap((_, index) => (assignment[index] === fold ? [index] : []));
    return evaluateRouting(
      members.map((index) => scores[index] as number),
      { strong: members.map((index) => (examples[index] as RoutingExample).strong), weak: members.map((index) => (examples[index] as RoutingExample).weak) },
    );
  });
  return { apgr: summarize(perFold.map((metrics) => metrics.apgr)).mean, strongFractionAt95: summarize(perFold.map((metrics) => metrics.strongFractionAt95)).mean };
}

export function trainWithSelection<T extends RoutingExample>(examples: readonly T[], featurize: Featurize<T>, names: readonly string[], settings: TrainingSettings): TrainedModel {
  const outcomes = { strong: examples.map((example) => example.strong), weak: examples.map((example) => example.weak) };
  const inner = innerAssignment(examples, settings.innerFolds, settings.seed);
  const featureSets = settings.candidates.map((choice) => examples.map((example) => featurize(example, choice)));
  const selection: CandidateResult[] = [];
  let best = 0;
  let bestScores: Float64Array | undefined;
  if (inner) {
    settings.candidates.forEach((choice, candidate) => {
      const scores = outOfFoldScores(examples, featureSets[candidate] as ExtractedFeatures[], names, inner.assignment, settings, choice);
      const metrics = foldMetrics(scores, examples, inner.assignment, settings.innerFolds);
      selection.push({ ...choice, ...metrics });
      if (candidate === 0 || metrics.apgr > (selection[best] as CandidateResult).apgr) {
        best = candidate;
        bestScores = scores;
      }
    });
  }
  const choice = settings.candidates[best] as FeatureChoice;
  const features = featureSets[best] as ExtractedFeatures[];
  const model = OutcomeModel.train(examples, features, names, { target: settings.target, kind: choice.model, options: settings.options });
  const calibrationScores = bestScores ?? Float64Array.from(features, (entry) => model.score(entry));
  return { model, choice, selection, threshold: thresholdForQuality(calibrationScores, outcomes, 0.95), innerSplit: inner?.split ?? 'none' };
}

/** The router file for a trained model. */
export function routerFileFor(mode: RouterMode, trained: TrainedModel, settings: TrainingSettings, options: RouterTrainingOptions, examples: number): RouterFile {
  return {
    format: 'switchyard-learned-router',
    version: 1,
    mode,
    strong: options.strong,
    weak: options.weak,
    features: { words: trained.choice.words, subject: mode === 'pre-call' && (options.subject ?? false), buckets: settings.options.linear.buckets },
    threshold: trained.threshold,
    calibration: { by: 'training', value: 0.95 },
    model: trained.model.serialize(),
    training: {
      ...(options.data ? { data: options.data } : {}),
      examples,
      seed: settings.seed,
      target: settings.target,
      innerSplit: trained.innerSplit,
      selection: trained.selection,
    },
  };
}
