/**
 * Cascade mode: call the weak model first, then decide from its answer whether to escalate
 * to the strong one. The verifier scores the answer (answer-features.ts: missing or
 * conflicting final answer, cut-off text, arithmetic that does not check out, hedging,
 * refusals, unused numbers, length; plus the prompt's own difficulty features) with the
 * same learned model as the pre-call router, trained on real weak-model answers.
 *
 *   const verifier = CascadeVerifier.load('models/router-gsm8k-cascade.json');
 *   const { escalate, reasons } = verifier.shouldEscalate(prompt, weakAnswer);
 */
import { AnswerFeatureExtractor, ANSWER_DENSE_FEATURES } from './answer-features.js';
import { RoutingDataError, type RoutingExample } from './dataset.js';
import { readRouterFile, RouterFileError, writeRouterFile, type Calibration, type RouterFile } from './model-file.js';
import { OutcomeModel } from './outcome-model.js';
import { PromptFeatureExtractor, PROMPT_DENSE_FEATURES, type ExtractedFeatures } from './prompt-features.js';
import { routerFileFor, trainingSettings, trainWithSelection, type FeatureChoice, type RouterTrainingOptions } from './training.js';

export const CASCADE_DENSE_FEATURES: readonly string[] = [...ANSWER_DENSE_FEATURES, ...PROMPT_DENSE_FEATURES.map((name) => `prompt.${name}`)];

export interface EscalationDecision {
  escalate: boolean;
  score: number;
  /** The checks that fired on this answer (they inform the score; the threshold decides). */
  reasons: string[];
}

/** The answer's features followed by the prompt's dense ones. */
class CascadeFeatureExtractor {
  private readonly answers: AnswerFeatureExtractor;
  private readonly prompts: PromptFeatureExtractor;

  constructor(buckets: number) {
    this.answers = new AnswerFeatureExtractor(buckets);
    this.prompts = new PromptFeatureExtractor(buckets);
  }

  extract(prompt: string, answer: string, words: boolean): ExtractedFeatures & { reasons: string[] } {
    const answerFeatures = this.answers.extract(prompt, answer, words);
    const promptFeatures = this.prompts.extract(prompt, undefined, { words: false, subject: false });
    const dense = new Float64Array(CASCADE_DENSE_FEATURES.length);
    dense.set(answerFeatures.dense, 0);
    dense.set(promptFeatures.dense, answerFeatures.dense.length);
    return { sparse: answerFeatures.sparse, dense, reasons: answerFeatures.reasons };
  }
}

export class CascadeVerifier {
  private readonly extractor: CascadeFeatureExtractor;

  private constructor(
    readonly file: RouterFile,
    private readonly model: OutcomeModel,
  ) {
    this.extractor = new CascadeFeatureExtractor(file.features.buckets);
  }

  get threshold(): number {
    return this.file.threshold;
  }

  static fromFile(file: RouterFile, path = 'router'): CascadeVerifier {
    if (file.mode !== 'cascade') throw new RouterFileError(`${path}: this is a ${file.mode} router; load it with LearnedRouter.load`);
    return new CascadeVerifier(file, OutcomeModel.deserialize(file.model, CASCADE_DENSE_FEATURES));
  }

  static load(path: string): CascadeVerifier {
    const file = readRouterFile(path);
    try {
      return CascadeVerifier.fromFile(file, path);
    } catch (error) {
      if (error instanceof RouterFileError) throw error;
      throw new RouterFileError(`${path}: ${(error as Error).message}`);
    }
  }

  /** Trains on the weak model's real answers (`weakAnswer` on every example). */
  static train(examples: readonly RoutingExample[], options: RouterTrainingOptions): CascadeVerifier {
    const missing = examples.findIndex((example) => example.weakAnswer === undefined);
    if (missing !== -1) throw new RoutingDataError(`example ${examples[missing]?.id ?? missing}: cascade training needs the weak model's answer`);
    const settings = trainingSettings(options);
    const extractor = new CascadeFeatureExtractor(settings.options.linear.buckets);
    const featurize = (example: RoutingExample, choice: FeatureChoice): ExtractedFeatures => extractor.extract(example.prompt, example.weakAnswer ?? '', choice.words);
    const trained = trainWithSelection(examples, featurize, CASCADE_DENSE_FEATURES, settings);
    return new CascadeVerifier(routerFileFor('cascade', trained, settings, options, examples.length), trained.model);
  }

  score(prompt: string, weakAnswer: string): number {
    return this.shouldEscalate(prompt, weakAnswer).score;
  }

  shouldEscalate(prompt: string, weakAnswer: string): EscalationDecision {
    const features = this.extractor.extract(prompt, weakAnswer, this.file.features.words);
    const score = this.model.score(features);
    return { escalate: score >= this.file.threshold, score, reasons: features.reasons };
  }

  withThreshold(threshold: number, calibration: Calibration): CascadeVerifier {
    return new CascadeVerifier({ ...this.file, threshold, calibration }, this.model);
  }

  save(path: string): void {
    writeRouterFile(path, this.file);
  }
}
