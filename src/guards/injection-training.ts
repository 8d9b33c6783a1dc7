/**
 * Training of the injection classifier (injection-model.ts): logistic regression with
 * AdaGrad and L2 over the windows of each example, classes weighted to equal total weight,
 * examples visited in a seeded order, so the same data and seed give the same model.
 *
 * Windows, at the two sizes the model scores (`window` tokens and half of it): a text that
 * fits in a window is one example. A longer attack with a known `span` (an instruction
 * planted in an e-mail, a web page, a file) gives the window around the span as an attack
 * and the windows that do not touch it as benign text; a longer text without a span gives
 * all its windows, with its label.
 */
import { BUCKETS, FEATURES_PER_TOKEN, FeatureExtractor } from './injection-features.js';
import { InjectionModel, sigmoid } from './injection-model.js';
import { seededRandom } from '../core/random.js';

export interface InjectionExample {
  text: string;
  label: 0 | 1;
  /** Where the attack is inside `text` (UTF-16 offsets), when the rest of it is benign. */
  span?: [number, number];
}

export interface InjectionTrainingOptions {
  window?: number;
  stride?: number;
  epochs?: number;
  learningRate?: number;
  l2?: number;
  seed?: number;
  threshold?: number;
  /** How much more a benign window weighs than an attack window, after balancing the classes. */
  benignWeight?: number;
  trainedOn?: Record<string, unknown>;
}

export const DEFAULT_INJECTION_TRAINING: Required<Omit<InjectionTrainingOptions, 'trainedOn'>> = {
  window: 48,
  stride: 16,
  epochs: 12,
  learningRate: 0.3,
  l2: 2e-6,
  seed: 7,
  threshold: 0.6,
  benignWeight: 16,
};

interface WindowExample {
  buckets: Int32Array;
  label: 0 | 1;
}

function windowBuckets(extractor: FeatureExtractor, first: number, end: number): Int32Array {
  const buckets: number[] = [];
  for (let index = first * FEATURES_PER_TOKEN; index < end * FEATURES_PER_TOKEN; index++) {
    const bucket = extractor.features[index] as number;
    if (bucket >= 0) buckets.push(bucket);
  }
  return Int32Array.from(buckets);
}

/**
 * The training windows of one example, at the sizes the model scores (`window` and half of
 * it, see InjectionModel.score).
 */
export function windowsOf(extractor: FeatureExtractor, example: InjectionExample, window: number): WindowExample[] {
  const tokens = extractor.extract(example.text);
  if (tokens === 0) return [];
  if (tokens <= window >> 1) return [{ buckets: windowBuckets(extractor, 0, tokens), label: example.label }];
  const result: WindowExample[] = [];
  for (const size of [window, window >> 1]) {
    if (tokens <= size) {
      if (size === window) result.push({ buckets: windowBuckets(extractor, 0, tokens), label: example.label });
      continue;
    }
    const step = Math.max(1, Math.floor(size / 2));
    if (example.label === 1 && example.span) {
      const [spanStart, spanEnd] = example.span;
      let first = 0;
      while (first < tokens && (extractor.ends[first] as number) <= spanStart) first++;
      let end = first;
      while (end < tokens && (extractor.starts[end] as number) < spanEnd) end++;
      const middle = Math.floor((first + end) / 2);
      const windowStart = Math.max(0, Math.min(tokens - size, middle - Math.floor(size / 2)));
      result.push({ buckets: windowBuckets(extractor, windowStart, windowStart + size), label: 1 });
      for (let start = 0; start + size <= tokens; start += step) {
        if (start + size <= first || start >= end) result.push({ buckets: windowBuckets(extractor, start, start + size), label: 0 });
      }
      continue;
    }
    for (let start = 0; ; start += step) {
      const clipped = Math.min(start, tokens - size);
      result.push({ buckets: windowBuckets(extractor, clipped, clipped + size), label: example.label });
      if (clipped + size >= tokens) break;
    }
  }
  return result;
}

export function trainInjectionModel(examples: readonly InjectionExample[], options: InjectionTrainingOptions = {}): InjectionModel {
  const settings = { ...DEFAULT_INJECTION_TRAINING, ...options };
  const extractor = new FeatureExtractor();
  const windows = examples.flatMap((example) => windowsOf(extractor, example, settings.window));
  const positives = windows.filter((example) => example.label === 1).length;
  const negatives = windows.length - positives;
  if (positives === 0 || negatives === 0) throw new Error('training needs both attack and benign examples');
  const classWeight = [(settings.benignWeight * windows.length) / (2 * negatives), windows.length / (2 * positives)] as const;

  const weights = new Float64Array(BUCKETS);
  const squaredGradients = new Float64Array(BUCKETS).fill(1e-8);
  let bias = 0;
  let biasSquaredGradient = 1e-8;
  const random = seededRandom(settings.seed);
  const order = Array.from(windows.keys());
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    for (let index = order.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [order[index], order[other]] = [order[other] as number, order[index] as number];
    }
    for (const position of order) {
      const example = windows[position] as WindowExample;
      const buckets = example.buckets;
      if (buckets.length === 0) continue;
      const norm = 1 / Math.sqrt(buckets.length);
      let logit = bias;
      for (let index = 0; index < buckets.length; index++) logit += (weights[buckets[index] as number] as number) * norm;
      const gradient = (sigmoid(logit) - example.label) * classWeight[example.label];
      for (let index = 0; index < buckets.length; index++) {
        const bucket = buckets[index] as number;
        const step = gradient * norm + settings.l2 * (weights[bucket] as number);
        squaredGradients[bucket] = (squaredGradients[bucket] as number) + step * step;
        weights[bucket] = (weights[bucket] as number) - (settings.learningRate * step) / Math.sqrt(squaredGradients[bucket] as number);
      }
      biasSquaredGradient += gradient * gradient;
      bias -= (settings.learningRate * gradient) / Math.sqrt(biasSquaredGradient);
    }
  }

  let largest = 0;
  for (let index = 0; index < BUCKETS; index++) largest = Math.max(largest, Math.abs(weights[index] as number));
  const scale = largest > 0 ? largest / 127 : 1;
  const quantised = new Int8Array(BUCKETS);
  for (let index = 0; index < BUCKETS; index++) quantised[index] = Math.round((weights[index] as number) / scale);
  const trainedOn = { ...settings.trainedOn, windows: windows.length, attackWindows: positives, benignWindows: negatives, epochs: settings.epochs, seed: settings.seed };
  return new InjectionModel(quantised, scale, bias, settings.window, settings.stride, settings.threshold, trainedOn);
}
