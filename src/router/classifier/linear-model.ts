/**
 * A multinomial logistic-regression (softmax) model over hashed sparse binary features and
 * a few shape features: trained with AdaGrad and L2 on seeded shuffles (deterministic for a
 * seed and data), served from int8 weights. Sparse features are scaled by 1/sqrt(n), so a
 * short and a long prompt score on one footing; shape features are not scaled.
 *
 * The file format keeps only the rows of the weight table that training touched and that
 * survive quantisation (a bitmap says which), as base64.
 */
import { FEATURE_ROWS, FEATURE_ROWS_BEFORE_CODE_PATTERNS, FEATURE_ROWS_BEFORE_HEAD_PATTERNS } from './features.js';
import { seededRandom } from '../../core/random.js';

export interface TrainingOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  seed?: number;
}

/** One training example: its feature indices (sparse first), its dense features if the model has them, and its class index. */
export interface TrainingExample {
  indices: Int32Array;
  sparseCount: number;
  dense?: Float32Array;
  label: number;
}

/** The dense part of a model file: float32 weights, row-major [feature][class], base64. */
export interface SerializedDense {
  /** What the dense features are (the classifier checks it knows them). */
  kind: string;
  width: number;
  weights: string;
}

export interface SerializedModel {
  format: 'switchyard-task-classifier';
  /** 2: sparse and shape features only; 3: plus dense features. */
  version: 2 | 3;
  /** Rows of the weight table (hashed buckets + shape slots) this model was built for. */
  rows: number;
  classes: string[];
  /** Which rows are stored: a bitmap, one bit per row, base64. */
  stored: string;
  /** int8 weights of the stored rows, row-major ([row][class]), base64. */
  weights: string;
  /** Multiply an int8 weight by this to get the trained weight. */
  scale: number;
  bias: number[];
  dense?: SerializedDense;
  trainedOn?: Record<string, unknown>;
}

export const DEFAULT_TRAINING: Required<TrainingOptions> = { epochs: 10, learningRate: 0.4, l2: 3e-4, seed: 7 };

/** Int8 weights are packed three to a double (16 bits apart), so a feature costs four loads instead of ten. */
const LANES = 3;
const LANE = 65_536;
/** Features summed before the packed lanes are unpacked: 256 × 127 stays below 2^15, so lanes cannot spill. */
const CHUNK = 256;

/** Adds the three signed 16-bit lanes of an exact integer sum to lanes[at..at+2]. */
function unpack(sum: number, lanes: Float64Array, at: number): void {
  const high = Math.round(sum / (LANE * LANE));
  const rest = sum - high * LANE * LANE;
  const middle = Math.round(rest / LANE);
  lanes[at] = (lanes[at] as number) + (rest - middle * LANE);
  lanes[at + 1] = (lanes[at + 1] as number) + middle;
  lanes[at + 2] = (lanes[at + 2] as number) + high;
}

export class LinearModel {
  /** Class probabilities of the last prediction (reused between calls). */
  readonly scores: Float64Array;
  private quantised: Int8Array | undefined;
  private packed: Float64Array | undefined;
  private readonly packedWidth: number;
  private scale = 1;
  private readonly lanes: Float64Array;

  /** Weights of the dense features, row-major [feature * classes + class] (empty without them). */
  readonly denseWeights: Float32Array;
  /** What the dense features are, as the file records it. */
  denseKind = '';

  constructor(
    readonly classes: readonly string[],
    /** Float weights, row-major: [row * classes + class]. */
    readonly weights: Float32Array = new Float32Array(FEATURE_ROWS * classes.length),
    readonly bias: Float32Array = new Float32Array(classes.length),
    /** Width of the dense feature vector (0: none). */
    readonly denseWidth = 0,
  ) {
    this.denseWeights = new Float32Array(denseWidth * classes.length);
    this.scores = new Float64Array(classes.length);
    this.packedWidth = Math.ceil(classes.length / LANES);
    this.lanes = new Float64Array(this.packedWidth * LANES);
  }

  /** Serve from int8 weights (what a model file holds, in [-127, 127]); training keeps floats. */
  useQuantised(quantised: Int8Array, scale: number): void {
    this.quantised = quantised;
    this.scale = scale;
    const k = this.classes.length;
    const width = this.packedWidth;
    if (width !== 4) {
      this.packed = undefined;
      return;
    }
    const rows = quantised.length / k;
    const packed = new Float64Array(rows * width);
    for (let row = 0; row < rows; row++) {
      for (let word = 0; word < width; word++) {
        let value = 0;
        for (let lane = LANES - 1; lane >= 0; lane--) {
          const c = word * LANES + lane;
          value = value * LANE + (c < k ? (quantised[row * k + c] as number) : 0);
        }
        packed[row * width + word] = value;
      }
    }
    this.packed = packed;
  }

  /** Adds the dense features' class scores (W^T dense) to `out`. */
  addDenseScores(dense: Float32Array, out: Float64Array): void {
    const k = this.classes.length;
    const weights = this.denseWeights;
    for (let j = 0; j < this.denseWidth; j++) {
      const value = dense[j] as number;
      if (value === 0) continue;
      for (let c = 0; c < k; c++) out[c] = (out[c] as number) + value * (weights[j * k + c] as number);
    }
  }

  /**
   * Softmax probabilities into this.scores; returns the index of the best class. `extra`, if
   * given, is added to the class scores before the softmax (the dense features' part).
   */
  predict(indices: Int32Array, sparseCount: number, count: number, extra?: Float64Array): number {
    const scores = this.scores;
    const k = scores.length;
    if (this.packed) {
      const norm = sparseCount > 0 ? 1 / Math.sqrt(sparseCount) : 0;
      const lanes = this.lanes;
      this.sumPacked(this.packed, indices, 0, sparseCount);
      for (let c = 0; c < k; c++) scores[c] = (lanes[c] as number) * norm * this.scale;
      this.sumPacked(this.packed, indices, sparseCount, count);
      for (let c = 0; c < k; c++) scores[c] = (scores[c] as number) + (lanes[c] as number) * this.scale;
    } else this.sumFloat(indices, sparseCount, count);
    if (extra) for (let c = 0; c < k; c++) scores[c] = (scores[c] as number) + (extra[c] as number);
    return this.softmax();
  }

  /** Sums the packed rows of features [from, to) into this.lanes (four doubles per row: classes 0-2, 3-5, 6-8, 9-11). */
  private sumPacked(packed: Float64Array, indices: Int32Array, from: number, to: number): void {
    const lanes = this.lanes;
    lanes.fill(0);
    for (let start = from; start < to; start += CHUNK) {
      const end = Math.min(to, start + CHUNK);
      let a = 0, b = 0, c = 0, d = 0;
      for (let feature = start; feature < end; feature++) {
        const base = (indices[feature] as number) << 2;
        a += packed[base] as number;
        b += packed[base + 1] as number;
        c += packed[base + 2] as number;
        d += packed[base + 3] as number;
      }
      unpack(a, lanes, 0);
      unpack(b, lanes, 3);
      unpack(c, lanes, 6);
      unpack(d, lanes, 9);
    }
  }

  private sumFloat(indices: Int32Array, sparseCount: number, count: number): void {
    const k = this.classes.length;
    const scores = this.scores;
    const quantised = this.quantised;
    const weights = quantised ?? this.weights;
    const unit = quantised ? this.scale : 1;
    const norm = sparseCount > 0 ? 1 / Math.sqrt(sparseCount) : 0;
    scores.fill(0);
    for (let feature = 0; feature < count; feature++) {
      const base = (indices[feature] as number) * k;
      const factor = (feature < sparseCount ? norm : 1) * unit;
      for (let c = 0; c < k; c++) scores[c] = (scores[c] as number) + (weights[base + c] as number) * factor;
    }
  }

  private softmax(): number {
    const scores = this.scores;
    const classes = scores.length;
    let best = 0;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < classes; k++) {
      const score = (scores[k] as number) + (this.bias[k] as number);
      scores[k] = score;
      if (score > max) {
        max = score;
        best = k;
      }
    }
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      const value = Math.exp((scores[k] as number) - max);
      scores[k] = value;
      sum += value;
    }
    for (let k = 0; k < classes; k++) scores[k] = (scores[k] as number) / sum;
    return best;
  }

  /** AdaGrad on the softmax loss with L2, `epochs` seeded shuffles of the examples. */
  static train(examples: readonly TrainingExample[], classes: readonly string[], options: TrainingOptions = {}, denseWidth = 0): LinearModel {
    const { epochs, learningRate, l2, seed } = { ...DEFAULT_TRAINING, ...options };
    const random = seededRandom(seed);
    const model = new LinearModel(classes, undefined, undefined, denseWidth);
    const k = classes.length;
    const weights = model.weights;
    const squared = new Float32Array(weights.length);
    const denseWeights = model.denseWeights;
    const denseSquared = new Float32Array(denseWeights.length);
    const extra = new Float64Array(k);
    const biasSquared = new Float32Array(k);
    const order = examples.map((_, index) => index);
    const gradient = new Float64Array(k);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let index = order.length - 1; index > 0; index--) {
        const other = Math.floor(random() * (index + 1));
        [order[index], order[other]] = [order[other] as number, order[index] as number];
      }
      for (const position of order) {
        const example = examples[position] as TrainingExample;
        const { indices, sparseCount, dense } = example;
        if (dense && denseWidth > 0) {
          extra.fill(0);
          model.addDenseScores(dense, extra);
          model.predict(indices, sparseCount, indices.length, extra);
        } else model.predict(indices, sparseCount, indices.length);
        for (let c = 0; c < k; c++) gradient[c] = (model.scores[c] as number) - (c === example.label ? 1 : 0);
        const norm = sparseCount > 0 ? 1 / Math.sqrt(sparseCount) : 0;
        for (let feature = 0; feature < indices.length; feature++) {
          const base = (indices[feature] as number) * k;
          const scale = feature < sparseCount ? norm : 1;
          for (let c = 0; c < k; c++) {
            const at = base + c;
            const step = (gradient[c] as number) * scale + l2 * (weights[at] as number);
            squared[at] = (squared[at] as number) + step * step;
            weights[at] = (weights[at] as number) - (learningRate * step) / Math.sqrt((squared[at] as number) + 1e-8);
          }
        }
        if (dense && denseWidth > 0) {
          for (let j = 0; j < denseWidth; j++) {
            const value = dense[j] as number;
            for (let c = 0; c < k; c++) {
              const at = j * k + c;
              const step = (gradient[c] as number) * value + l2 * (denseWeights[at] as number);
              denseSquared[at] = (denseSquared[at] as number) + step * step;
              denseWeights[at] = (denseWeights[at] as number) - (learningRate * step) / Math.sqrt((denseSquared[at] as number) + 1e-8);
            }
          }
        }
        for (let c = 0; c < k; c++) {
          const step = gradient[c] as number;
          biasSquared[c] = (biasSquared[c] as number) + step * step;
          model.bias[c] = (model.bias[c] as number) - (learningRate * step) / Math.sqrt((biasSquared[c] as number) + 1e-8);
        }
      }
    }
    return model;
  }

  /** Int8 weights in [-127, 127]: the scale maps the largest weight to 127. */
  quantise(): { quantised: Int8Array; scale: number } {
    let max = 0;
    for (const weight of this.weights) max = Math.max(max, Math.abs(weight));
    const scale = max > 0 ? max / 127 : 1;
    const quantised = new Int8Array(this.weights.length);
    for (let index = 0; index < this.weights.length; index++) quantised[index] = Math.round((this.weights[index] as number) / scale);
    return { quantised, scale };
  }

  serialize(trainedOn?: Record<string, unknown>): SerializedModel {
    const k = this.classes.length;
    const { quantised, scale } = this.quantise();
    const rows = this.weights.length / k;
    const stored = new Uint8Array(Math.ceil(rows / 8));
    const kept: number[] = [];
    for (let row = 0; row < rows; row++) {
      let used = false;
      for (let c = 0; c < k && !used; c++) used = quantised[row * k + c] !== 0;
      if (!used) continue;
      stored[row >> 3] = (stored[row >> 3] as number) | (1 << (row & 7));
      kept.push(row);
    }
    const weights = new Int8Array(kept.length * k);
    kept.forEach((row, position) => weights.set(quantised.subarray(row * k, row * k + k), position * k));
    const dense = this.denseWidth > 0 ? { kind: this.denseKind, width: this.denseWidth, weights: Buffer.from(this.denseWeights.buffer, this.denseWeights.byteOffset, this.denseWeights.byteLength).toString('base64') } : undefined;
    return {
      format: 'switchyard-task-classifier',
      version: dense ? 3 : 2,
      rows,
      classes: [...this.classes],
      stored: Buffer.from(stored).toString('base64'),
      weights: Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength).toString('base64'),
      scale,
      bias: [...this.bias],
      ...(dense ? { dense } : {}),
      ...(trainedOn ? { trainedOn } : {}),
    };
  }

  static deserialize(data: SerializedModel): LinearModel {
    if (data.format !== 'switchyard-task-classifier' || (data.version !== 2 && data.version !== 3)) throw new Error('not a Switchyard task classifier model (format or version mismatch)');
    // A file from before the head-pattern slots has five rows fewer, one from before the code,
    // summary and plain-number slots three fewer; the missing slots then weigh nothing.
    if (data.rows !== FEATURE_ROWS && data.rows !== FEATURE_ROWS_BEFORE_HEAD_PATTERNS && data.rows !== FEATURE_ROWS_BEFORE_CODE_PATTERNS) throw new Error(`the model has ${data.rows} feature rows; this build uses ${FEATURE_ROWS}`);
    const k = data.classes.length;
    if (!Array.isArray(data.bias) || data.bias.length !== k || !(data.scale > 0)) throw new Error('the model file is damaged (bias or scale)');
    const stored = Buffer.from(data.stored, 'base64');
    const packed = Buffer.from(data.weights, 'base64');
    if (stored.length !== Math.ceil(data.rows / 8)) throw new Error('the model file is damaged (row bitmap)');
    const quantised = new Int8Array(FEATURE_ROWS * k);
    let position = 0;
    for (let row = 0; row < data.rows; row++) {
      if (((stored[row >> 3] as number) & (1 << (row & 7))) === 0) continue;
      if ((position + 1) * k > packed.length) throw new Error('the model file is damaged (weights are truncated)');
      for (let c = 0; c < k; c++) quantised[row * k + c] = (packed[position * k + c] as number) << 24 >> 24;
      position++;
    }
    if (position * k !== packed.length) throw new Error('the model file is damaged (weights do not match the row bitmap)');
    const weights = new Float32Array(quantised.length);
    for (let index = 0; index < quantised.length; index++) weights[index] = (quantised[index] as number) * data.scale;
    let denseWidth = 0;
    let denseWeights: Float32Array | undefined;
    if (data.version === 3) {
      const dense = data.dense;
      if (!dense || typeof dense.kind !== 'string' || !Number.isInteger(dense.width) || dense.width <= 0 || typeof dense.weights !== 'string') throw new Error('the model file is damaged (dense features)');
      const bytes = Buffer.from(dense.weights, 'base64');
      if (bytes.length !== dense.width * k * 4) throw new Error('the model file is damaged (dense weights are truncated)');
      denseWidth = dense.width;
      denseWeights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    }
    const model = new LinearModel(data.classes, weights, Float32Array.from(data.bias), denseWidth);
    if (denseWeights && data.dense) {
      model.denseWeights.set(denseWeights);
      model.denseKind = data.dense.kind;
    }
    model.useQuantised(quantised, data.scale);
    return model;
  }
}
