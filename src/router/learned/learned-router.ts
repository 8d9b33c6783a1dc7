/**
 * The pre-call learned router: from the prompt alone, how much the strong model is worth
 * (see outcome-model.ts), and whether to call it (score ≥ the file's threshold). Local and
 * synchronous: feature extraction plus two dot products, a few microseconds per decision.
 *
 *   const router = LearnedRouter.load('models/router-gsm8k.json');
 *   if (router.needsStrong(prompt)) …
 */
import type { RoutingExample } from './dataset.js';
import { readRouterFile, RouterFileError, writeRouterFile, type Calibration, type RouterFile } from './model-file.js';
import { OutcomeModel } from './outcome-model.js';
import { PromptFeatureExtractor, PROMPT_DENSE_FEATURES, type ExtractedFeatures } from './prompt-features.js';
import { routerFileFor, trainingSettings, trainWithSelection, type FeatureChoice, type RouterTrainingOptions } from './training.js';

export class LearnedRouter {
  private readonly options: { words: boolean; subject: boolean };
  private readonly extractor: PromptFeatureExtractor;

  private constructor(
    readonly file: RouterFile,
    private readonly model: OutcomeModel,
  ) {
    this.options = { words: file.features.words, subject: file.features.subject };
    this.extractor = new PromptFeatureExtractor(file.features.buckets);
  }

  get threshold(): number {
    return this.file.threshold;
  }

  static fromFile(file: RouterFile, path = 'router'): LearnedRouter {
    if (file.mode !== 'pre-call') throw new RouterFileError(`${path}: this is a ${file.mode} router; load it with CascadeVerifier.load`);
    return new LearnedRouter(file, OutcomeModel.deserialize(file.model, PROMPT_DENSE_FEATURES));
  }

  static load(path: string): LearnedRouter {
    const file = readRouterFile(path);
    try {
      return LearnedRouter.fromFile(file, path);
    } catch (error) {
      if (error instanceof RouterFileError) throw error;
      throw new RouterFileError(`${path}: ${(error as Error).message}`);
    }
  }

  static train(examples: readonly RoutingExample[], options: RouterTrainingOptions): LearnedRouter {
    const settings = trainingSettings(options);
    const extractor = new PromptFeatureExtractor(settings.options.linear.buckets);
    const subject = options.subject ?? false;
    const featurize = (example: RoutingExample, choice: FeatureChoice): ExtractedFeatures => extractor.extract(example.prompt, example.subject, { words: choice.words, subject });
    const trained = trainWithSelection(examples, featurize, PROMPT_DENSE_FEATURES, settings);
    return new LearnedRouter(routerFileFor('pre-call', trained, settings, options, examples.length), trained.model);
  }

  /** Expected accuracy gained by calling the strong model (or the trained target's probability). */
  scorePrompt(text: string, subject?: string): number {
    return this.model.score(this.extractor.extract(text, subject, this.options));
  }

  needsStrong(text: string, subject?: string): boolean {
    return this.scorePrompt(text, subject) >= this.file.threshold;
  }

  /** A copy with a new threshold. */
  withThreshold(threshold: number, calibration: Calibration): LearnedRouter {
    return new LearnedRouter({ ...this.file, threshold, calibration }, this.model);
  }

  save(path: string): void {
    writeRouterFile(path, this.file);
  }
}
