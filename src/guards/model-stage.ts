/**
 * The opt-in model stage of a guard policy: a transformer the user provides as an ONNX folder
 * (`model: onnx:<dir>`), run after the fast detectors and only on what they leave unsure —
 *   injection: a text whose fast classifier score is inside `unsure` and on which no rule
 *     fired; the model's verdict replaces the classifier's (a finding when its attack labels'
 *     probability reaches `threshold`, none otherwise);
 *   pii: a text with capitalised words the fast detector did not explain (possible names);
 *     the model's person entities are added where no fast finding is.
 * Each run has a timeout (`timeout_ms`): past it, or when the folder failed to load, or when
 * MAX_IN_FLIGHT runs are still going, the fast verdict stands. Every run is reported as a
 * verdict of type "model" (rule onnx.ran, onnx.timeout, onnx.busy or onnx.error, action flag)
 * with its latency, so the audit log shows what the model did and what it cost.
 */
import { OnnxModelError, loadOnnxFolder, parseOnnxSource, type OnnxFolder } from '../onnx/model-folder.js';
import { classifySequences, tokenEntities } from '../onnx/heads.js';
import type { Finding } from './types.js';

/** Runs of one model still going (timed-out runs keep the session busy until they end). */
const MAX_IN_FLIGHT = 4;

export type ModelOutcome = 'ran' | 'timeout' | 'busy' | 'error';

export interface ModelReport {
  outcome: ModelOutcome;
  /** Milliseconds from the stage's start to its verdict (to the timeout when it timed out). */
  ms: number;
  /** The model's score when it ran (injection: the attack probability; pii: the best entity's). */
  score: number;
}

/** Labels of injection classifiers that mean "not an attack". */
const BENIGN_LABEL = /^(?:safe|benign|legit(?:imate)?|normal|label_0|0|no|negative|clean)$/i;
/** Entity labels of NER models that are person names. */
const PERSON_LABEL = /^(?:per|person|pers|name|given_?name|surname|first_?name|last_?name)$/i;

class ModelRunner {
  private folder: OnnxFolder | undefined;
  private failure: string | undefined;
  private inFlight = 0;
  readonly ready: Promise<void>;

  constructor(readonly dir: string) {
    this.ready = loadOnnxFolder(dir).then(
      (folder) => void (this.folder = folder),
      (error: unknown) => void (this.failure = error instanceof Error ? error.message : String(error)),
    );
  }

  /** Why the folder could not be loaded, once loading has failed. */
  get error(): string | undefined {
    return this.failure;
  }

  async run<T>(timeoutMs: number, task: (folder: OnnxFolder) => Promise<T>): Promise<{ report: ModelReport; value: T | undefined }> {
    const started = performance.now();
    const elapsed = (): number => Number((performance.now() - started).toFixed(2));
    if (this.inFlight >= MAX_IN_FLIGHT) return { report: { outcome: 'busy', ms: 0, score: 0 }, value: undefined };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    this.inFlight++;
    const work = (async (): Promise<T> => {
      await this.ready;
      if (!this.folder) throw new OnnxModelError(this.failure ?? 'not loaded');
      return task(this.folder);
    })();
    const settled = work.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    void settled.finally(() => this.inFlight--);
    try {
      const first = await Promise.race([settled, timeout]);
      if (first === 'timeout') return { report: { outcome: 'timeout', ms: elapsed(), score: 0 }, value: undefined };
      if ('error' in first) return { report: { outcome: 'error', ms: elapsed(), score: 0 }, value: undefined };
      return { report: { outcome: 'ran', ms: elapsed(), score: 0 }, value: first.value };
    } finally {
      clearTimeout(timer);
    }
  }
}

export interface InjectionModelOptions {
  source: string;
  threshold?: number;
  unsure?: readonly [number, number];
  timeoutMs?: number;
  /** Labels that mean an attack (default: every label not named like "SAFE", "BENIGN" or "LABEL_0"). */
  labels?: readonly string[];
}

export class InjectionModelStage {
  readonly threshold: number;
  readonly unsure: readonly [number, number];
  readonly timeoutMs: number;
  private readonly runner: ModelRunner;

  constructor(private readonly options: InjectionModelOptions) {
    this.threshold = options.threshold ?? 0.5;
    this.unsure = options.unsure ?? [0.2, 0.9];
    this.timeoutMs = options.timeoutMs ?? 50;
    this.runner = new ModelRunner(parseOnnxSource(options.source));
  }

  get ready(): Promise<void> {
    return this.runner.ready;
  }

  /** Whether a fast verdict (its classifier score, and whether a rule fired) is one to send to the model. */
  isUnsure(fastScore: number, ruleFired: boolean): boolean {
    return !ruleFired && fastScore >= (this.unsure[0] as number) && fastScore <= (this.unsure[1] as number);
  }

  /** The model's attack probability for `text` (undefined when it did not answer in time). */
  async judge(text: string): Promise<{ report: ModelReport; probability: number | undefined }> {
    const { report, value } = await this.runner.run(this.timeoutMs, async (folder) => {
      const [scores] = await classifySequences(folder, [text]);
      let attack = 0;
      for (const [label, probability] of Object.entries(scores as Record<string, number>)) {
        if (this.options.labels ? this.options.labels.includes(label) : !BENIGN_LABEL.test(label)) attack += probability;
      }
      return attack;
    });
    if (value !== undefined) report.score = Number(value.toFixed(4));
    return { report, probability: value };
  }
}

export interface PiiModelOptions {
  source: string;
  timeoutMs?: number;
  /** Lowest mean token probability of an entity that counts (default 0.5). */
  minScore?: number;
}

/** A capitalised word after a lower-case word or a comma: a possible name the fast detector may not have explained. */
const CAPITALISED_INSIDE = /(?<=[\p{Ll},;:] )\p{Lu}[\p{Ll}\p{M}'’-]+/gu;

export class PiiModelStage {
  readonly timeoutMs: number;
  readonly minScore: number;
  private readonly runner: ModelRunner;

  constructor(options: PiiModelOptions) {
    this.timeoutMs = options.timeoutMs ?? 50;
    this.minScore = options.minScore ?? 0.5;
    this.runner = new ModelRunner(parseOnnxSource(options.source));
  }

  get ready(): Promise<void> {
    return this.runner.ready;
  }

  /** Whether `text` has a capitalised word inside a sentence that no fast finding covers. */
  isUnsure(text: string, fast: readonly Finding[]): boolean {
    CAPITALISED_INSIDE.lastIndex = 0;
    for (let match = CAPITALISED_INSIDE.exec(text); match; match = CAPITALISED_INSIDE.exec(text)) {
      const start = match.index;
      if (!fast.some((finding) => finding.start <= start && start < finding.end)) return true;
    }
    return false;
  }

  /** Person findings of the model in `text` that overlap no fast finding. */
  async findPeople(text: string, fast: readonly Finding[]): Promise<{ report: ModelReport; findings: Finding[] }> {
    const { report, value } = await this.runner.run(this.timeoutMs, async (folder) => (await tokenEntities(folder, [text]))[0] ?? []);
    const findings: Finding[] = [];
    for (const entity of value ?? []) {
      if (!PERSON_LABEL.test(entity.label) || entity.score < this.minScore) continue;
      if (fast.some((finding) => finding.start < entity.end && entity.start < finding.end)) continue;
      findings.push({ guard: 'pii', type: 'person', rule: 'model.onnx', start: entity.start, end: entity.end, score: Number(entity.score.toFixed(4)) });
      report.score = Math.max(report.score, Number(entity.score.toFixed(4)));
    }
    return { report, findings };
  }
}
