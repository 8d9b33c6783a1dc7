/**
 * The scorers that call models: `judge` (an LLM grades the answer, or compares it with a
 * reference model's answer in both orders) and `embedding` (cosine similarity with a
 * reference text). Every such call goes through the gateway and is cached in judge_cache
 * under a hash of its model and request, so re-scoring or resuming never pays twice; its
 * cost is kept apart from the judged models' cost.
 */
import { createHash } from 'node:crypto';
import { caseRequestBody } from '../case-request.js';
import type { EvalCase, Expected } from '../dataset.js';
import type { GatewayClient } from '../gateway-client.js';
import type { RemoteScorer, Score, ScoringCost } from '../scoring/score-answer.js';
import { cosineSimilarity } from '../scoring/text-overlap.js';
import type { CachedCall, EvalStore } from '../store.js';
import { GRADE_FORMAT, PAIRWISE_FORMAT, gradePrompt, pairwisePrompt } from './judge-prompts.js';
import { parseGradeVerdict, parsePairwiseVerdict } from './verdict.js';

export interface ModelScorerOptions {
  client: GatewayClient;
  store: EvalStore;
  judge?: string;
  embeddingModel?: string;
  /** Ask the judge for JSON through response_format (when the judge model supports structured output). */
  structuredJudge: boolean;
}

type JudgeExpected = Extract<Expected, { scorer: 'judge' }>;

const DEFAULT_PASS_SCORE = 7;

function unscorable(detail: string): Score {
  return { status: 'unscorable', correct: false, raw: null, detail };
}

export function cacheKey(kind: CachedCall['kind'], model: string, payload: unknown): string {
  return createHash('sha256').update(JSON.stringify([kind, model, payload])).digest('hex');
}

class CostMeter {
  readonly cost: ScoringCost = { costUsd: 0, calls: 0, cacheHits: 0 };
  paid(costUsd: number): void {
    this.cost.costUsd += costUsd;
    this.cost.calls += 1;
  }
  hit(): void {
    this.cost.cacheHits += 1;
  }
}

export class ModelScorer implements RemoteScorer {
  /** Calls under way, so concurrent results needing the same reference answer or verdict share one call. */
  private readonly inFlight = new Map<string, Promise<{ text: string } | { error: string }>>();

  constructor(private readonly options: ModelScorerOptions) {}

  async score(evalCase: EvalCase, answer: string, runIndex: number): Promise<{ score: Score; cost: ScoringCost }> {
    const meter = new CostMeter();
    const expected = evalCase.expected;
    let score: Score;
    if (expected.scorer === 'embedding') score = await this.embeddingScore(expected.reference, expected.threshold, answer, meter);
    else if (expected.scorer === 'judge' && expected.pairwise_against) score = await this.pairwiseScore(evalCase, expected, answer, runIndex, meter);
    else if (expected.scorer === 'judge') score = await this.gradeScore(evalCase, expected, answer, meter);
    else score = unscorable(`scorer ${expected.scorer} does not call models`);
    return { score, cost: meter.cost };
  }

  /** A chat call through the cache: the answer text, or an error. */
  private async cachedChat(kind: 'judge' | 'reference', body: Record<string, unknown>, meter: CostMeter): Promise<{ text: string } | { error: string }> {
    const model = String(body.model);
    const key = cacheKey(kind, model, body);
    const cached = this.options.store.cachedCall(key);
    if (cached) {
      meter.hit();
      return { text: cached.response };
    }
    const shared = this.inFlight.get(key);
    if (shared) {
      meter.hit();
      return shared;
    }
    const call = (async (): Promise<{ text: string } | { error: string }> => {
      const outcome = await this.options.client.chat(body);
      meter.paid(outcome.costUsd);
      if (outcome.error !== null) return { error: `${kind} call to ${model} failed: ${outcome.error}` };
      this.options.store.cacheCall({ key, kind, model, response: outcome.answer, inputTokens: outcome.inputTokens, outputTokens: outcome.outputTokens, costUsd: outcome.costUsd });
      return { text: outcome.answer };
    })();
    this.inFlight.set(key, call);
    try {
      return await call;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private judgeBody(messages: unknown, format: unknown): Record<string, unknown> {
    const body: Record<string, unknown> = { model: this.options.judge, messages };
    if (this.options.structuredJudge) body.response_format = format;
    return body;
  }

  private async gradeScore(evalCase: EvalCase, expected: JudgeExpected, answer: string, meter: CostMeter): Promise<Score> {
    if (!this.options.judge) return unscorable('no judge model (--judge)');
    const passScore = expected.pass_score ?? DEFAULT_PASS_SCORE;
    const messages = gradePrompt({ messages: evalCase.messages, answer, rubric: expected.rubric, passScore, ...(expected.reference ? { reference: expected.reference } : {}) });
    const reply = await this.cachedChat('judge', this.judgeBody(messages, GRADE_FORMAT), meter);
    if ('error' in reply) return unscorable(reply.error);
    const verdict = parseGradeVerdict(reply.text, passScore);
    if (!verdict.readable) return unscorable(verdict.reason);
    const raw = verdict.score !== null ? verdict.score / 10 : verdict.pass ? 1 : 0;
    return { status: 'scored', correct: verdict.pass, raw, detail: `judge: ${verdict.pass ? 'PASS' : 'FAIL'}${verdict.score !== null ? `, score ${verdict.score}` : ''}` };
  }

  /**
   * Both orders, to cancel position bias: the judged answer as A against the reference
   * as B, then swapped. A win counts 1, a tie 0.5; raw is the mean of the two, and the
   * case passes when the judged answer is at least as good (raw ≥ 0.5).
   */
  private async pairwiseScore(evalCase: EvalCase, expected: JudgeExpected, answer: string, runIndex: number, meter: CostMeter): Promise<Score> {
    if (!this.options.judge) return unscorable('no judge model (--judge)');
    const against = expected.pairwise_against as string;
    const reference = await this.cachedChat('reference', caseRequestBody(evalCase, against, runIndex), meter);
    if ('error' in reference) return unscorable(reference.error);
    const common = { messages: evalCase.messages, rubric: expected.rubric, ...(expected.reference ? { reference: expected.reference } : {}) };
    const first = await this.cachedChat('judge', this.judgeBody(pairwisePrompt({ ...common, answerA: answer, answerB: reference.text }), PAIRWISE_FORMAT), meter);
    const second = await this.cachedChat('judge', this.judgeBody(pairwisePrompt({ ...common, answerA: reference.text, answerB: answer }), PAIRWISE_FORMAT), meter);
    if ('error' in first) return unscorable(first.error);
    if ('error' in second) return unscorable(second.error);
    const verdictOne = parsePairwiseVerdict(first.text);
    const verdictTwo = parsePairwiseVerdict(second.text);
    if (!verdictOne.readable) return unscorable(verdictOne.reason);
    if (!verdictTwo.readable) return unscorable(verdictTwo.reason);
    const points = (winner: 'A' | 'B' | 'tie', judgedLabel: 'A' | 'B'): number => (winner === 'tie' ? 0.5 : winner === judgedLabel ? 1 : 0);
    const raw = (points(verdictOne.winner, 'A') + points(verdictTwo.winner, 'B')) / 2;
    return { status: 'scored', correct: raw >= 0.5, raw, detail: `vs ${against}: ${verdictOne.winner} (judged first), ${verdictTwo.winner} (judged second)` };
  }

  private async embeddingScore(reference: string, threshold: number, answer: string, meter: CostMeter): Promise<Score> {
    const model = this.options.embeddingModel;
    if (!model) return unscorable('no embedding model (--embedding-model)');
    if (answer.trim() === '') return { status: 'scored', correct: false, raw: 0, detail: 'empty answer' };
    const texts = [reference, answer];
    const keys = texts.map((text) => cacheKey('embedding', model, text));
    const vectors: Array<number[] | undefined> = keys.map((key) => {
      const cached = this.options.store.cachedCall(key);
      if (cached) meter.hit();
      return cached ? (JSON.parse(cached.response) as number[]) : undefined;
    });
    const missing = texts.map((_, index) => index).filter((index) => vectors[index] === undefined);
    if (missing.length > 0) {
      const outcome = await this.options.client.embed(model, missing.map((index) => texts[index] as string));
      meter.paid(outcome.costUsd);
      if (outcome.error !== null) return unscorable(`embedding call to ${model} failed: ${outcome.error}`);
      missing.forEach((index, position) => {
        const vector = outcome.vectors[position] as number[];
        vectors[index] = vector;
        this.options.store.cacheCall({ key: keys[index] as string, kind: 'embedding', model, response: JSON.stringify(vector), inputTokens: 0, outputTokens: 0, costUsd: position === 0 ? outcome.costUsd : 0 });
      });
    }
    const similarity = cosineSimilarity(vectors[0] ?? [], vectors[1] ?? []);
    return { status: 'scored', correct: similarity >= threshold, raw: similarity, detail: `cosine ${similarity.toFixed(3)}` };
  }
}
