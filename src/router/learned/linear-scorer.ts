/**
 * Logistic regression over two kinds of input: hashed binary features (each scaled by
 * 1/√count so long and short texts score on one footing) and named dense values, each used
 * twice — standardised, and one-hot in quantile bins learnt from the training data (so a
 * count can matter non-linearly). Trained with AdaGrad and L2 over seeded shuffles:
 * deterministic for a given seed and data. Serialised to plain JSON (the non-zero hashed
 * weights as base64 Float32), which loads back to bit-identical scores.
 */
import type { ExtractedFeatures } from './prompt-features.js';
import { seededRandom } from '../../core/random.js';

export interface LinearScorerOptions {
  /** Hashed feature buckets (a power of two). */
  buckets: number;
  l2: number;
  /** L2 for the hashed weights (words are many and noisy: often stronger than `l2`). */
  sparseL2: number;
  epochs: number;
  learningRate: number;
  /** Quantile bins per dense feature. */
  bins: number;
  seed: number;
}

export const DEFAULT_SCORER_OPTIONS: LinearScorerOptions = { buckets: 1 << 18, l2: 1e-3, sparseL2: 1e-3, epochs: 12, learningRate: 0.1, bins: 6, seed: 1 };

export interface TrainingExample extends ExtractedFeatures {
  label: number;
}

export interface SerializedLinearScorer {
  buckets: number;
  bias: number;
  dense: { name: string; mean: number; scale: number; weight: number; edges: number[]; binWeights: number[] }[];
  /** Non-zero hashed weights: Uint32 bucket indices and Float32 weights, little-endian, base64. */
  sparseIndices: string;
  sparseWeights: string;
}

const CLIP = 6;

export function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

function quantileEdges(values: Float64Array, bins: number): number[] {
  const sorted = Float64Array.from(values).sort();
  const edges: number[] = [];
  for (let bin = 1; bin < bins; bin++) {
    const edge = sorted[Math.min(sorted.length - 1, Math.floor((bin * sorted.length) / bins))] as number;
    if (edge > (sorted[0] as number) && (edges.length === 0 || edge > (edges[edges.length - 1] as number))) edges.push(edge);
  }
  return edges;
}

function binOf(edges: Float64Array, value: number): number {
  let bin = 0;
  while (bin < edges.length && value >= (edges[bin] as number)) bin++;
  return bin;
}

export class LinearScorer {
  private constructor(
    readonly names: readonly string[],
    readonly buckets: number,
    readonly means: Float64Array,
    readonly scales: Float64Array,
    readonly edges: Float64Array[],
    readonly denseWeights: Float64Array,
    readonly binWeights: Float64Array[],
    readonly sparseWeights: Float32Array,
    public bias: number,
  ) {}

  /** The log-odds of the positive label. */
  logit(features: ExtractedFeatures): number {
    let sum = this.bias;
    const sparse = features.sparse;
    if (sparse.length > 0) {
      let sparseSum = 0;
      for (let index = 0; index < sparse.length; index++) sparseSum += this.sparseWeights[sparse[index] as number] as number;
      sum += sparseSum / Math.sqrt(sparse.length);
    }
    const dense = features.dense;
    for (let feature = 0; feature < this.names.length; feature++) {
      const value = dense[feature] as number;
      const z = Math.max(-CLIP, Math.min(CLIP, (value - (this.means[feature] as number)) * (this.scales[feature] as number)));
      sum += z * (this.denseWeights[feature] as number) + ((this.binWeights[feature] as Float64Array)[binOf(this.edges[feature] as Float64Array, value)] as number);
    }
    return sum;
  }

  probability(features: ExtractedFeatures): number {
    return sigmoid(this.logit(features));
  }

  static train(examples: readonly TrainingExample[], names: readonly string[], options: LinearScorerOptions): LinearScorer {
    const width = names.length;
    const means = new Float64Array(width);
    const scales = new Float64Array(width);
    const edges: Float64Array[] = [];
    for (let feature = 0; feature < width; feature++) {
      const values = Float64Array.from(examples, (example) => example.dense[feature] as number);
      const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
      const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, values.length);
      means[feature] = mean;
      scales[feature] = variance > 1e-12 ? 1 / Math.sqrt(variance) : 0;
      edges.push(Float64Array.from(quantileEdges(values, options.bins)));
    }
    const positives = examples.reduce((sum, example) => sum + example.label, 0);
    const prior = Math.min(0.99, Math.max(0.01, positives / Math.max(1, examples.length)));
    const model = new LinearScorer(
      names,
      options.buckets,
      means,
      scales,
      edges,
      new Float64Array(width),
      edges.map((edge) => new Float64Array(edge.length + 1)),
      new Float32Array(options.buckets),
      Math.log(prior / (1 - prior)),
    );
    model.fit(examples, options);
    return model;
  }

  private fit(examples: readonly TrainingExample[], options: LinearScorerOptions): void {
    const width = this.names.length;
    const sparseSquared = new Float64Array(this.buckets);
    const denseSquared = new Float64Array(width);
    const binSquared = this.binWeights.map((weights) => new Float64Array(weights.length));
    let biasSquared = 0;
    const rate = options.learningRate;
    const l2 = options.l2;
    const sparseL2 = options.sparseL2;
    const random = seededRandom(options.seed);
    const order = examples.map((_, index) => index);
    const z = new Float64Array(width);
    const bins = new Int32Array(width);
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      for (let index = order.length - 1; index > 0; index--) {
        const other = Math.floor(random() * (index + 1));
        [order[index], order[other]] = [order[other] as number, order[index] as number];
      }
      for (const position of order) {
        const example = examples[position] as TrainingExample;
        const gradient = sigmoid(this.logit(example)) - example.label;
        const sparse = example.sparse;
        const norm = sparse.length > 0 ? 1 / Math.sqrt(sparse.length) : 0;
        // AdaGrad: each weight's step is divided by the root of its summed squared gradients.
        for (let index = 0; index < sparse.length; index++) {
          const bucket = sparse[index] as number;
          const full = gradient * norm + sparseL2 * (this.sparseWeights[bucket] as number);
          const squared = (sparseSquared[bucket] as number) + full * full;
          sparseSquared[bucket] = squared;
          this.sparseWeights[bucket] = (this.sparseWeights[bucket] as number) - (rate * full) / Math.sqrt(squared + 1e-8);
        }
        for (let feature = 0; feature < width; feature++) {
          const value = example.dense[feature] as number;
          z[feature] = Math.max(-CLIP, Math.min(CLIP, (value - (this.means[feature] as number)) * (this.scales[feature] as number)));
          bins[feature] = binOf(this.edges[feature] as Float64Array, value);
        }
        for (let feature = 0; feature < width; feature++) {
          const full = gradient * (z[feature] as number) + l2 * (this.denseWeights[feature] as number);
          const squared = (denseSquared[feature] as number) + full * full;
          denseSquared[feature] = squared;
          this.denseWeights[feature] = (this.denseWeights[feature] as number) - (rate * full) / Math.sqrt(squared + 1e-8);
          const bin = bins[feature] as number;
          const binWeights = this.binWeights[feature] as Float64Array;
          const binSquares = binSquared[feature] as Float64Array;
          const binFull = gradient + l2 * (binWeights[bin] as number);
          const binSquare = (binSquares[bin] as number) + binFull * binFull;
          binSquares[bin] = binSquare;
          binWeights[bin] = (binWeights[bin] as number) - (rate * binFull) / Math.sqrt(binSquare + 1e-8);
        }
        biasSquared += gradient * gradient;
        this.bias -= (rate * gradient) / Math.sqrt(biasSquared + 1e-8);
      }
    }
  }

  serialize(): SerializedLinearScorer {
    const indices: number[] = [];
    for (let bucket = 0; bucket < this.buckets; bucket++) if (this.sparseWeights[bucket] !== 0) indices.push(bucket);
    const packedIndices = Uint32Array.from(indices);
    const packedWeights = Float32Array.from(indices, (bucket) => this.sparseWeights[bucket] as number);
    return {
      buckets: this.buckets,
      bias: this.bias,
      dense: this.names.map((name, feature) => ({
        name,
        mean: this.means[feature] as number,
        scale: this.scales[feature] as number,
        weight: this.denseWeights[feature] as number,
        edges: [...(this.edges[feature] as Float64Array)],
        binWeights: [...(this.binWeights[feature] as Float64Array)],
      })),
      sparseIndices: Buffer.from(packedIndices.buffer, packedIndices.byteOffset, packedIndices.byteLength).toString('base64'),
      sparseWeights: Buffer.from(packedWeights.buffer, packedWeights.byteOffset, packedWeights.byteLength).toString('base64'),
    };
  }

  /** Loads a serialised scorer; `names` must match the extractor this build uses. */
  static deserialize(data: SerializedLinearScorer, names: readonly string[]): LinearScorer {
    if (!Number.isInteger(data.buckets) || data.buckets <= 0 || (data.buckets & (data.buckets - 1)) !== 0) throw new Error('model: "buckets" must be a power of two');
    const stored = data.dense.map((entry) => entry.name);
    if (stored.join(',') !== names.join(',')) throw new Error(`model: dense features [${stored.join(', ')}] do not match this build's [${names.join(', ')}]`);
    const indexBytes = Buffer.from(data.sparseIndices, 'base64');
    const weightBytes = Buffer.from(data.sparseWeights, 'base64');
    if (indexBytes.length % 4 !== 0 || indexBytes.length !== weightBytes.length) throw new Error('model: hashed weights are truncated');
    const indices = new Uint32Array(indexBytes.buffer.slice(indexBytes.byteOffset, indexBytes.byteOffset + indexBytes.length));
    const weights = new Float32Array(weightBytes.buffer.slice(weightBytes.byteOffset, weightBytes.byteOffset + weightBytes.length));
    const sparseWeights = new Float32Array(data.buckets);
    for (let index = 0; index < indices.length; index++) {
      const bucket = indices[index] as number;
      if (bucket >= data.buckets) throw new Error('model: hashed weight index out of range');
      sparseWeights[bucket] = weights[index] as number;
    }
    return new LinearScorer(
      names,
      data.buckets,
      Float64Array.from(data.dense, (entry) => entry.mean),
      Float64Array.from(data.dense, (entry) => entry.scale),
      data.dense.map((entry) => Float64Array.from(entry.edges)),
      Float64Array.from(data.dense, (entry) => entry.weight),
      data.dense.map((entry) => Float64Array.from(entry.binWeights)),
      sparseWeights,
      data.bias,
    );
  }
}
