/**
 * The injection classifier: logistic regression over the hashed features of
 * injection-features.ts, scored over windows of WINDOW tokens so an instruction hidden in a
 * long document is not diluted by the rest of it. A window's logit is
 *   bias + (sum of its features' weights) / sqrt(number of its features),
 * computed for every window from prefix sums in one pass; the text's score is the sigmoid
 * of the best window. Weights ship as int8 (one byte per bucket, base64) with one scale.
 */
import { readFileSync } from 'node:fs';
import { BUCKETS, FEATURES_PER_TOKEN, FEATURE_BITS, type FeatureExtractor } from './injection-features.js';

export const MODEL_FORMAT = 'switchyard-injection-classifier';
export const SHIPPED_INJECTION_MODEL = new URL('../../models/injection-classifier.json', import.meta.url);

export interface SerializedInjectionModel {
  format: typeof MODEL_FORMAT;
  version: 1;
  featureBits: number;
  /** Tokens per window; texts of at most this many tokens are one window. */
  window: number;
  /** Windows start every `stride` tokens (and one ends at the last token). */
  stride: number;
  bias: number;
  /** Multiply an int8 weight by this to get the trained weight. */
  scale: number;
  /** int8 weight per bucket, base64. */
  weights: string;
  /** Probability at or above which the classifier flags a text. */
  threshold: number;
  trainedOn?: Record<string, unknown>;
}

export interface WindowScore {
  probability: number;
  /** Token range [firstToken, endToken) of the best window. */
  firstToken: number;
  endToken: number;
}

export function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

let sums = new Float64Array(2048);
let counts = new Int32Array(2048);

export class InjectionModel {
  constructor(
    readonly weights: Int8Array,
    readonly scale: number,
    readonly bias: number,
    readonly window: number,
    readonly stride: number,
    readonly threshold: number,
    readonly trainedOn: Record<string, unknown> = {},
  ) {
    if (weights.length !== BUCKETS) throw new Error(`expected ${BUCKETS} weights, got ${weights.length}`);
  }

  static fromJSON(data: SerializedInjectionModel): InjectionModel {
    if (data.format !== MODEL_FORMAT || data.version !== 1) throw new Error(`not a ${MODEL_FORMAT} version 1 file`);
    if (data.featureBits !== FEATURE_BITS) throw new Error(`built for ${data.featureBits}-bit features, this code uses ${FEATURE_BITS}`);
    const bytes = Buffer.from(data.weights, 'base64');
    const weights = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new InjectionModel(weights, data.scale, data.bias, data.window, data.stride, data.threshold, data.trainedOn);
  }

  /** The shipped model, or the model file at `path`. */
  static load(path?: string | URL): InjectionModel {
    const source = path ?? SHIPPED_INJECTION_MODEL;
    try {
      return InjectionModel.fromJSON(JSON.parse(readFileSync(source, 'utf8')) as SerializedInjectionModel);
    } catch (error) {
      const where = typeof source === 'string' ? source : source.pathname;
      throw new Error(`cannot load the injection classifier ${where}: ${(error as Error).message}`);
    }
  }

  toJSON(): SerializedInjectionModel {
    return {
      format: MODEL_FORMAT,
      version: 1,
      featureBits: FEATURE_BITS,
      window: this.window,
      stride: this.stride,
      bias: this.bias,
      scale: this.scale,
      weights: Buffer.from(this.weights.buffer, this.weights.byteOffset, this.weights.byteLength).toString('base64'),
      threshold: this.threshold,
      trainedOn: this.trainedOn,
    };
  }

  /** The best window of the text the extractor last read. */
  score(extractor: FeatureExtractor): WindowScore {
    const tokens = extractor.count;
    if (tokens === 0) return { probability: sigmoid(this.bias), firstToken: 0, endToken: 0 };
    // An extractor made with these weights summed them as it read the text.
    if (extractor.weights === this.weights) return this.bestWindow(tokens, extractor.weightSums, extractor.featureCounts);
    if (!extractor.keepsFeatures) throw new Error('this feature extractor was made for another classifier: it keeps only the sums of its weights');
    if (sums.length <= tokens) {
      sums = new Float64Array(tokens * 2);
      counts = new Int32Array(tokens * 2);
    }
    const features = extractor.features;
    const weights = this.weights;
    let sum = 0;
    let count = 0;
    sums[0] = 0;
    counts[0] = 0;
    for (let token = 0; token < tokens; token++) {
      const base = token * FEATURES_PER_TOKEN;
      for (let slot = 0; slot < FEATURES_PER_TOKEN; slot++) {
        const bucket = features[base + slot] as number;
        if (bucket < 0) continue;
        sum += weights[bucket] as number;
        count++;
      }
      sums[token + 1] = sum;
      counts[token + 1] = count;
    }
    return this.bestWindow(tokens, sums, counts);
  }

  /** The best window, from prefix sums of feature weights and counts over the text's tokens. */
  private bestWindow(tokens: number, sums: Float64Array, counts: Int32Array): WindowScore {
    // Windows of the model's size and of half of it (an instruction of a dozen words in a
    // long document is diluted less), every `stride` tokens and half of that.
    let best = -Infinity;
    let bestStart = 0;
    let bestWindow = Math.min(this.window, tokens);
    for (let size = this.window, stride = this.stride; size >= 16; size >>= 1, stride = Math.max(4, stride >> 1)) {
      const window = Math.min(size, tokens);
      for (let first = 0; ; first += stride) {
        if (first + window > tokens) first = tokens - window;
        const featureCount = (counts[first + window] as number) - (counts[first] as number);
        if (featureCount > 0) {
          const logit = (((sums[first + window] as number) - (sums[first] as number)) * this.scale) / Math.sqrt(featureCount);
          if (logit > best) {
            best = logit;
            bestStart = first;
            bestWindow = window;
          }
        }
        if (first + window >= tokens) break;
      }
      if (window === tokens || size === this.window >> 1) break;
    }
    if (best === -Infinity) best = 0;
    return { probability: sigmoid(this.bias + best), firstToken: bestStart, endToken: bestStart + bestWindow };
  }
}
