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
import { FeatureExtractor } from './features.js';
import { LinearModel, type SerializedModel, type TrainingExample, type TrainingOptions } from './linear-model.js';

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
  private readonly features = new FeatureExtractor();
  private readonly categories: readonly TaskCategory[];

  constructor(readonly model: LinearModel) {
    const unknown = model.classes.filter((name) => !(TASK_CATEGORIES as readonly string[]).includes(name));
    if (unknown.length > 0) throw new Error(`the task classifier model names unknown categories: ${unknown.join(', ')}`);
    this.categories = model.classes as readonly TaskCategory[];
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

  static train(rows: readonly LabelledPrompt[], options: TrainingOptions = {}): TaskClassifier {
    const extractor = new FeatureExtractor();
    const classes = [...TASK_CATEGORIES];
    const examples: TrainingExample[] = rows.map((row) => {
      const count = extractor.extract(row.text);
      return { indices: extractor.indices.slice(0, count), sparseCount: extractor.sparseCount, label: classes.indexOf(row.category) };
    });
    const model = LinearModel.train(examples, classes, options);
    // Serve (and evaluate) exactly what a saved file would hold: int8 weights.
    const { quantised, scale } = model.quantise();
    model.useQuantised(quantised, scale);
    return new TaskClassifier(model);
  }

  classify(input: ClassifierInput): TaskClassification {
    const features = this.features;
    const count = features.extract(input.text);
    const best = this.model.predict(features.indices, features.sparseCount, count);
    const probabilities = this.model.scores;
    const scores = {} as Record<TaskCategory, number>;
    for (let index = 0; index < this.categories.length; index++) scores[this.categories[index] as TaskCategory] = probabilities[index] as number;
    return { category: this.categories[best] as TaskCategory, confidence: probabilities[best] as number, scores };
  }

  save(path: string, trainedOn?: Record<string, unknown>): void {
    try {
      writeFileSync(path, `${JSON.stringify(this.model.serialize(trainedOn))}\n`);
    } catch (error) {
      throw new ModelFileError(`cannot write the task classifier model ${path}: ${(error as Error).message}`);
    }
  }
}
