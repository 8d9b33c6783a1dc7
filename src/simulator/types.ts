/** Public types of the provider simulator: per-model profiles and the behaviour knobs. */
import type { AnswerKey } from '../core/answer-key.js';
import type { TaskCategory } from '../core/categories.js';
import type { SimCredentials } from './auth.js';

export interface SimBehaviour {
  /** Delay before the first byte of the answer (non-stream: before the response). */
  ttftMs: number;
  /** Slow tail: this share of requests (0..1) waits slowTtftMs instead of ttftMs. */
  slowRate?: number;
  slowTtftMs?: number;
  /** Streaming pace; non-stream responses wait ttft + tokens / tps. */
  tokensPerSecond: number;
  /** Cap on the natural answer length; request max_tokens cuts further with finish_reason "length". */
  maxAnswerTokens: number;
  /** 0..1 probability of answering with errorStatus instead of an answer. */
  errorRate: number;
  errorStatus: number;
  /** Sent as retry-after on 429/503 errors. */
  retryAfterSeconds?: number;
  /** Streaming: destroy the socket after N answer tokens. Non-stream: destroy it before responding. */
  breakAfterTokens?: number;
  /** Accept the request and never answer (until the client goes away). */
  hang?: boolean;
  /** Override the quality draw: true → correct, false → wrong. */
  forceCorrect?: boolean;
  /**
   * Answer as if a safety filter blocked the output: no content, OpenAI finish_reason
   * "content_filter", Anthropic stop_reason "refusal", Gemini finishReason "SAFETY".
   */
  safetyBlock?: boolean;
  /** What a right answer looks like and the task's category (an evaluation case): see core/answer-key.ts. */
  answerKey?: AnswerKey;
  /**
   * The sample to draw when the request carries no `seed` of its own (Anthropic's API has
   * none): an evaluation's repetition k sends k, so repetitions are distinct samples on every
   * protocol, as a real model sampling at temperature gives.
   */
  seed?: number;
}

export interface SimulatedModel {
  name: string;
  kind: 'chat' | 'embedding';
  family: 'openai' | 'anthropic' | 'google' | 'deepseek' | 'meta';
  /** USD per 1M tokens, list prices: cache reads (cachedInput) and writes (5-minute, 1-hour) where the provider prices them. */
  price: { input: number; output: number; cachedInput?: number; cacheWrite5m?: number; cacheWrite1h?: number };
  contextWindow: number;
  maxOutputTokens: number;
  capabilities: { tools: boolean; vision: boolean; jsonSchema: boolean };
  /** Self-hosted. */
  private: boolean;
  /** Probability of a correct answer per task category. */
  quality: Record<TaskCategory, number>;
  /** Typical ttft / tps of this model. */
  behaviour: Partial<SimBehaviour>;
  /** Embedding models: vector length. */
  dimensions?: number;
}

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a random free port). */
  port?: number;
  /** Unknown model names get a 404 with code "model_not_found". */
  models: SimulatedModel[];
  /** Server-wide override applied over each model's behaviour. */
  behaviour?: Partial<SimBehaviour>;
  /** Credentials the cloud protocols accept (SigV4 keys, service accounts, Entra clients). */
  credentials?: SimCredentials;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:PORT (no /v1). */
  url: string;
  port: number;
  close(): Promise<void>;
  /** Requests received, and requests whose handler is still running (pacing, hanging). */
  stats(): {
    requests: number;
    active: number;
    tokensIssued: number;
    /** Batches created through the simulated batch APIs (OpenAI's, Anthropic's). */
    batchesCreated: { openai: number; anthropic: number };
    /** Lines those batches answered, per custom id. */
    batchLinesAnswered: Map<string, number>;
  };
  /** Expire every OAuth token and temporary AWS key issued so far (token-refresh tests). */
  expireTokens(): void;
}
