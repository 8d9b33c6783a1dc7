/**
 * The trained local task classifier: hashed word, word-pair, word-prefix and CJK-character
 * features plus a few shape features, and a softmax model over the ten task categories.
 * The project ships its model (models/task-classifier.json, trained on
 * data/task-prompts.jsonl); `switchyard classifier train` builds one from any JSONL of
 * {text, category}.
 *
 * The request's structure (images, tools, prompt size) is not an input of the model: the
 * router's rules act on it before the classifier runs (images → vision, tools → tool_use,
 * a long prompt → long_context, all configurable), and the model is trained and measured on
 * text alone, so it does not lean on flags that the rules already turn into decisions.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { TASK_CATEGORIES, type TaskCategory } from '../../core/categories.js';
import type { LocalClassifier } from '../classify.js';
import type { LabelledPrompt } from './dataset.js';
import { DENSE_BLOCKS, shippedWordTable, type WordTable } from './dense.js';
import { FeatureExtractor } from './features.js';
import { LinearModel, type SerializedModel, type TrainingExample, type TrainingOptions } from './linear-model.js';

/** The dense features this build knows: GloVe means over all words read and over the first words (dense.ts). */
export const DENSE_KIND = 'glove100-mean-all-first12-x6';
/** Dense features are multiplied by this, so their weights train at about the pace of the sparse ones. */
export const DENSE_SCALE = 6;

export interface ClassifierTrainingOptions extends TrainingOptions {
  /** Add the dense word-vector features (default true). */
  dense?: boolean;
}

export const SHIPPED_MODEL = new URL('../../../models/task-classifier.json', import.meta.url);

export interface ClassifierInput {
  text: string;
  /** Not used by the model (see above); accepted so the router can pass what it knows. */
  hasImages?: boolean;
  hasTools?: boolean;
  promptTokens?: number;
}

export interface TaskClassification {
  category: TaskCategory;
  /** The softmax probability of the winning category. */
  confidence: number;
  scores: Record<TaskCategory, number>;
}

/** A model file that cannot be read, parsed or written; the message names the file. */
export class ModelFileError extends Error {}

export class TaskClassifier implements LocalClassifier {
  /** Reused for every call: classification allocates only its result. */
  private readonly features: FeatureExtractor;
  private readonly categories: readonly TaskCategory[];
  /** The word table, when the model has dense features. */
  private readonly table: WordTable | undefined;
  /** Per-word class scores of the dense features, both blocks ([row][block][class]), filled the first time a word is seen. */
  private readonly projections: Float32Array;
  private readonly projected: Uint8Array;
  private readonly unit: Float32Array;
  private readonly extra: Float64Array;

  constructor(readonly model: LinearModel) {
    const unknown = model.classes.filter((name) => !(TASK_CATEGORIES as readonly string[]).includes(name));
    if (unknown.length > 0) throw new Error(`the task classifier model names unknown categories: ${unknown.join(', ')}`);
    this.categories = model.classes as readonly TaskCategory[];
    this.extra = new Float64Array(model.classes.length);
    if (model.denseWidth > 0) {
      if (model.denseKind !== DENSE_KIND) throw new Error(`the model's dense features ("${model.denseKind}") are not the ones this build computes ("${DENSE_KIND}")`);
      const table = shippedWordTable();
      if (model.denseWidth !== table.width) throw new Error(`the model has ${model.denseWidth} dense features; the word vectors give ${table.width}`);
      this.table = table;
      this.features = new FeatureExtractor(table);
      this.projections = new Float32Array(table.vectors.size * DENSE_BLOCKS * model.classes.length);
      this.projected = new Uint8Array(table.vectors.size);
      this.unit = new Float32Array(table.dimensions);
    } else {
      this.table = undefined;
      this.features = new FeatureExtractor();
      this.projections = new Float32Array(0);
      this.projected = new Uint8Array(0);
      this.unit = new Float32Array(0);
    }
  }

  /** The shipped model, or the model file at `path`. Throws with the file name when it is missing or damaged. */
  static load(path?: string): TaskClassifier {
    const source = path ?? SHIPPED_MODEL;
    try {
      return new TaskClassifier(LinearModel.deserialize(JSON.parse(readFileSync(source, 'utf8')) as SerializedModel));
    } catch (error) {
      const where = typeof source === 'string' ? source : source.pathname;
      throw new ModelFileError(`cannot load the task classifier model ${where}: ${(error as Error).message}`);
    }
  }

  static train(rows: readonly LabelledPrompt[], options: ClassifierTrainingOptions = {}): TaskClassifier {
    const table: WordTable | undefined = options.dense === false ? undefined : shippedWordTable();
    const extractor = new FeatureExtractor(table);
    const classes = [...TASK_CATEGORIES];
    const examples: TrainingExample[] = rows.map((row) => {
      const count = extractor.extract(row.text);
      const example: TrainingExample = { indices: extractor.indices.slice(0, count), sparseCount: extractor.sparseCount, label: classes.indexOf(row.category) };
      if (table) {
        const dense = table.denseVector(extractor.denseRows, extractor.denseCount, extractor.denseFirst);
        for (let index = 0; index < dense.length; index++) dense[index] = (dense[index] as number) * DENSE_SCALE;
        example.dense = dense;
      }
      return example;
    });
    const model = LinearModel.train(examples, classes, options, table ? table.width : 0);
    if (table) model.denseKind = DENSE_KIND;
    // Serve (and evaluate) exactly what a saved file would hold: int8 weights.
    const { quantised, scale } = model.quantise();
    model.useQuantised(quantised, scale);
    return new TaskClassifier(model);
  }

  classify(input: ClassifierInput): TaskClassification {
    const features = this.features;
    const count = features.extract(input.text);
    const best = this.table ? this.model.predict(features.indices, features.sparseCount, count, this.denseScores()) : this.model.predict(features.indices, features.sparseCount, count);
    const probabilities = this.model.scores;
    const scores = {} as Record<TaskCategory, number>;
    for (let index = 0; index < this.categories.length; index++) scores[this.categories[index] as TaskCategory] = probabilities[index] as number;
    return { category: this.categories[best] as TaskCategory, confidence: probabilities[best] as number, scores };
  }

  /** The dense features' class scores for the last scan: per block, the mean of its words' folded scores. */
  private denseScores(): Float64Array {
    const extra = this.extra;
    const k = extra.length;
    extra.fill(0);
    const { denseRows, denseCount, denseFirst } = this.features;
    const projections = this.projections;
    const width = DENSE_BLOCKS * k;
    const allFactor = denseCount > 0 ? DENSE_SCALE / denseCount : 0;
    const firstFactor = denseFirst > 0 ? DENSE_SCALE / denseFirst : 0;
    for (let index = 0; index < denseCount; index++) {
      const row = denseRows[index] as number;
      if (this.projected[row] === 0) {
        (this.table as WordTable).projectRow(row, this.model.denseWeights, k, projections, row * width, this.unit);
        this.projected[row] = 1;
      }
      const base = row * width;
      if (index < denseFirst) for (let c = 0; c < k; c++) extra[c] = (extra[c] as number) + (projections[base + c] as number) * allFactor + (projections[base + k + c] as number) * firstFactor;
      else for (let c = 0; c < k; c++) extra[c] = (extra[c] as number) + (projections[base + c] as number) * allFactor;
    }
    return extra;
  }

  save(path: string, trainedOn?: Record<string, unknown>): void {
    try {
      writeFileSync(path, `${JSON.stringify(this.model.serialize(trainedOn))}\n`);
    } catch (error) {
      throw new ModelFileError(`cannot write the task classifier model ${path}: ${(error as Error).message}`);
    }
  }
}
