/**
 * What a learned router predicts, from any feature vector: how much calling the strong model
 * is worth. Three training targets:
 * - `weak-wrong`: P(the weak model is wrong);
 * - `strong-wins`: P(strong right and weak wrong);
 * - `net-gain` (default): P(strong right ∧ weak wrong) − P(strong wrong ∧ weak right), the
 *   expected accuracy gained by calling the strong model, from two models. It ranks best on
 *   held-out data of both benchmarks (bench/learned-router.mjs).
 * Two model kinds: boosted trees over the dense features, or logistic regression over the
 * dense and hashed features. The score is in [0, 1] for the first two targets and [−1, 1]
 * for net-gain; only its order and the calibrated threshold matter.
 */
import { BoostedTrees, DEFAULT_TREES_OPTIONS, type BoostedTreesOptions, type SerializedBoostedTrees } from './boosted-trees.js';
import type { RoutingExample } from './dataset.js';
import { DEFAULT_SCORER_OPTIONS, LinearScorer, type LinearScorerOptions, type SerializedLinearScorer, type TrainingExample } from './linear-scorer.js';
import type { ExtractedFeatures } from './prompt-features.js';

export const TARGETS = ['net-gain', 'strong-wins', 'weak-wrong'] as const;
export type Target = (typeof TARGETS)[number];
export const MODEL_KINDS = ['trees', 'linear', 'ensemble'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export function isTarget(value: unknown): value is Target {
  return typeof value === 'string' && (TARGETS as readonly string[]).includes(value);
}

export type SerializedScorer =
  | { kind: 'trees'; trees: SerializedBoostedTrees }
  | { kind: 'linear'; linear: SerializedLinearScorer }
  | { kind: 'ensemble'; trees: SerializedBoostedTrees; linear: SerializedLinearScorer };

export interface SerializedOutcomeModel {
  target: Target;
  /** P(gain) for every target; `loss` (P(strong wrong ∧ weak right)) for net-gain. */
  gain: SerializedScorer;
  loss?: SerializedScorer;
}

export interface ModelOptions {
  linear: LinearScorerOptions;
  trees: BoostedTreesOptions;
}

export const DEFAULT_MODEL_OPTIONS: ModelOptions = { linear: { ...DEFAULT_SCORER_OPTIONS, buckets: 1 << 16 }, trees: DEFAULT_TREES_OPTIONS };

/** The mean probability of boosted trees and a linear model. */
class Ensemble {
  constructor(
    readonly trees: BoostedTrees,
    readonly linear: LinearScorer,
  ) {}

  probability(features: ExtractedFeatures): number {
    return (this.trees.probability(features) + this.linear.probability(features)) / 2;
  }
}

type Scorer = LinearScorer | BoostedTrees | Ensemble;

function label(example: Pick<RoutingExample, 'strong' | 'weak'>, kind: Target | 'loss'): number {
  switch (kind) {
    case 'weak-wrong':
      return example.weak === 1 ? 0 : 1;
    case 'strong-wins':
    case 'net-gain':
      return example.strong === 1 && example.weak === 0 ? 1 : 0;
    case 'loss':
      return example.strong === 0 && example.weak === 1 ? 1 : 0;
  }
}

function serializeScorer(scorer: Scorer): SerializedScorer {
  if (scorer instanceof Ensemble) return { kind: 'ensemble', trees: scorer.trees.serialize(), linear: scorer.linear.serialize() };
  return scorer instanceof BoostedTrees ? { kind: 'trees', trees: scorer.serialize() } : { kind: 'linear', linear: scorer.serialize() };
}

function deserializeScorer(data: SerializedScorer, names: readonly string[]): Scorer {
  if (data?.kind === 'trees') return BoostedTrees.deserialize(data.trees, names.length);
  if (data?.kind === 'linear') return LinearScorer.deserialize(data.linear, names);
  if (data?.kind === 'ensemble') return new Ensemble(BoostedTrees.deserialize(data.trees, names.length), LinearScorer.deserialize(data.linear, names));
  throw new Error(`model: unknown scorer kind ${JSON.stringify((data as { kind?: unknown } | undefined)?.kind)}`);
}

export class OutcomeModel {
  private constructor(
    readonly target: Target,
    readonly kind: ModelKind,
    private readonly gain: Scorer,
    private readonly loss: Scorer | undefined,
  ) {}

  score(features: ExtractedFeatures): number {
    const gain = this.gain.probability(features);
    return this.loss ? gain - this.loss.probability(features) : gain;
  }

  static train(
    examples: readonly Pick<RoutingExample, 'strong' | 'weak'>[],
    features: readonly ExtractedFeatures[],
    names: readonly string[],
    settings: { target: Target; kind: ModelKind; options: ModelOptions },
  ): OutcomeModel {
    const fit = (kind: Target | 'loss'): Scorer => {
      const labelled: TrainingExample[] = features.map((entry, index) => ({ sparse: entry.sparse, dense: entry.dense, label: label(examples[index] as RoutingExample, kind) }));
      if (settings.kind === 'trees') return BoostedTrees.train(labelled, names.length, settings.options.trees);
      if (settings.kind === 'linear') return LinearScorer.train(labelled, names, settings.options.linear);
      return new Ensemble(BoostedTrees.train(labelled, names.length, settings.options.trees), LinearScorer.train(labelled, names, settings.options.linear));
    };
    return new OutcomeModel(settings.target, settings.kind, fit(settings.target), settings.target === 'net-gain' ? fit('loss') : undefined);
  }

  serialize(): SerializedOutcomeModel {
    return { target: this.target, gain: serializeScorer(this.gain), ...(this.loss ? { loss: serializeScorer(this.loss) } : {}) };
  }

  static deserialize(data: SerializedOutcomeModel, names: readonly string[]): OutcomeModel {
    if (!isTarget(data.target)) throw new Error(`model: unknown target ${JSON.stringify(data.target)}`);
    if (data.target === 'net-gain' && !data.loss) throw new Error('model: a net-gain model needs its "loss" scorer');
    if (data.loss && data.loss.kind !== data.gain?.kind) throw new Error('model: "gain" and "loss" must be the same kind');
    const gain = deserializeScorer(data.gain, names);
    return new OutcomeModel(data.target, data.gain.kind, gain, data.target === 'net-gain' && data.loss ? deserializeScorer(data.loss, names) : undefined);
  }
}
