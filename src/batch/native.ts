/**
 * Native batch forwarding: the lines of a batch that name a model with `batch: native`
 * are not sent through the gateway one by one but submitted to the provider's own batch
 * API (OpenAI Batches for the OpenAI protocol, Anthropic Message Batches for Anthropic's),
 * one provider batch per batch and model, polled every `nativePollMs`, and settled from its
 * results: each line's answer as the provider gave it, and a request row per line (id
 * `<batch>-<line>-<try>`, like every batch line) priced at the provider's batch discount.
 *
 * Durable like the rest: the lines are marked running with their job before the submit;
 * the provider's batch id is committed as soon as it is known, and a restart polls it
 * instead of submitting again. Only a kill between the provider accepting the batch and
 * that commit submits it a second time.
 *
 * A line goes native only when its format is the provider's: OpenAI batch lines
 * (chat completions, embeddings, responses) to an OpenAI-protocol model, Anthropic Message
 * Batch lines to an Anthropic one; other lines naming the model run through the gateway.
 */
import type { ModelConfig } from '../config/load.js';
import type { Logger } from '../core/logger.js';
import type { Usage } from '../core/types.js';
import { costOf } from '../governance/pricing.js';
import type { RequestLog, RequestRecord } from '../store/types.js';
import { MESSAGE_BATCH_ENDPOINT } from './endpoints.js';
import { providerBatchApi, type ProviderBatchApi, type ProviderResult } from './native-providers.js';
import type { Batch, BatchError, BatchLine, BatchStore, NativeJob } from './store.js';

/** What a provider charges for batch traffic, as a share of its list price (OpenAI and Anthropic: half). */
export const NATIVE_BATCH_DISCOUNT = 0.5;

export interface NativeForwarderOptions {
  store: BatchStore;
  log: RequestLog;
  models: ReadonlyMap<string, ModelConfig>;
  pollMs: number;
  /** The team of a batch owner's key, for spend by team. */
  teamOf: (owner: string | null) => string | null;
  logger: Logger;
  /** The provider's batch API (tests may replace it). */
  apiFor?: (model: ModelConfig) => ProviderBatchApi;
  now?: () => number;
}

/** The request id a line's try carries (the runner's scheme). */
type RequestIdOf = (batchId: string, line: number, attempt: number) => string;

const customIdOf = (line: number): string => `line-${line}`;

function usageOf(body: unknown, anthropic: boolean): Usage | undefined {
  const usage = (body as { usage?: Record<string, unknown> } | null)?.usage;
  if (!usage) return undefined;
  const number = (value: unknown): number => (typeof value === 'number' ? value : 0);
  if (anthropic) {
    const cacheRead = number(usage.cache_read_input_tokens);
    const cacheWrite = number(usage.cache_creation_input_tokens);
    return { inputTokens: number(usage.input_tokens) + cacheRead + cacheWrite, outputTokens: number(usage.output_tokens), cachedInputTokens: cacheRead, cacheWrite5mTokens: cacheWrite };
  }
  // Chat completions and embeddings count prompt/completion tokens; the Responses API input/output.
  const details = (usage.prompt_tokens_details ?? usage.input_tokens_details) as Record<string, unknown> | undefined;
  const outputDetails = (usage.completion_tokens_details ?? usage.output_tokens_details) as Record<string, unknown> | undefined;
  return {
    inputTokens: number(usage.prompt_tokens ?? usage.input_tokens),
    outputTokens: number(usage.completion_tokens ?? usage.output_tokens),
    cachedInputTokens: number(details?.cached_tokens),
    reasoningTokens: number(outputDetails?.reasoning_tokens),
  };
}

function errorOfBody(body: unknown, status: number): BatchError {
  const error = (body as { error?: { code?: unknown; type?: unknown; message?: unknown } } | null)?.error;
  if (error && typeof error.message === 'string') {
    return { code: typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : `http_${status}`, message: error.message };
  }
  return { code: `http_${status}`, message: `The provider answered ${status}.` };
}

export class NativeForwarder {
  private readonly now: () => number;

  constructor(private readonly options: NativeForwarderOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The native model a line goes to, if it goes to one. */
  private targetOf(batch: Batch, line: BatchLine): ModelConfig | undefined {
    let name: unknown;
    try {
      name = (JSON.parse(line.body) as { model?: unknown }).model;
    } catch {
      return undefined;
    }
    const model = typeof name === 'string' ? this.options.models.get(name) : undefined;
    const deployment = model?.deployments[0];
    if (!model || model.batch !== 'native' || !deployment) return undefined;
    const anthropicLines = batch.endpoint === MESSAGE_BATCH_ENDPOINT;
    return (deployment.provider.protocol === 'anthropic') === anthropicLines ? model : undefined;
  }

  private api(model: ModelConfig): ProviderBatchApi {
    return this.options.apiFor?.(model) ?? providerBatchApi((model.deployments[0] as ModelConfig['deployments'][number]).provider);
  }

  /** Submits the pending lines that go native, and polls and settles the batch's provider batches. */
  async advance(batch: Batch, requestIdOf: RequestIdOf): Promise<void> {
    const { store } = this.options;
    const groups = new Map<ModelConfig, BatchLine[]>();
    for (const line of store.lines(batch.id, ['pending'])) {
      const model = this.targetOf(batch, line);
      if (model) groups.set(model, [...(groups.get(model) ?? []), line]);
    }
    for (const [model, lines] of groups) store.createNativeJob(batch.id, model.name, lines.map((line) => ({ line: line.line, requestId: requestIdOf(batch.id, line.line, line.tries + 1) })));
    // Jobs not yet accepted by their provider: new ones, and any a kill interrupted.
    for (const job of store.nativeJobs(batch.id, ['submitting'])) await this.submit(batch, job);
    for (const job of store.nativeJobs(batch.id, ['submitted'])) {
      if (this.now() - job.polledAt < this.options.pollMs) continue;
      await this.poll(batch, job);
    }
  }

  /** Asks the providers to cancel the batch's provider batches (the lines end cancelled either way). */
  async cancel(batch: Batch): Promise<void> {
    for (const job of this.options.store.nativeJobs(batch.id, ['submitted'])) {
      const model = this.options.models.get(job.model);
      try {
        if (model && job.providerBatchId) await this.api(model).cancel(job.providerBatchId);
      } catch (error) {
        this.options.logger.warn({ err: error, batch: batch.id, job: job.id }, 'cancelling a provider batch failed; its lines end cancelled here anyway');
      }
      this.options.store.nativeJobDone(job.id);
    }
  }

  private async submit(batch: Batch, job: NativeJob): Promise<void> {
    const { store } = this.options;
    const model = this.options.models.get(job.model);
    const lines = store.linesOfJob(batch.id, job.id).filter((line) => line.state === 'running');
    if (!model || model.batch !== 'native') {
      this.failJob(batch, job, lines, `The model ${job.model} is no longer configured for native batches.`);
      return;
    }
    const upstreamModel = (model.deployments[0] as ModelConfig['deployments'][number]).upstreamModel;
    const endpoint = batch.endpoint;
    try {
      const providerBatchId = await this.api(model).submit(
        endpoint,
        lines.map((line) => ({ customId: customIdOf(line.line), body: { ...(JSON.parse(line.body) as Record<string, unknown>), model: upstreamModel } })),
      );
      store.nativeJobSubmitted(job.id, providerBatchId);
    } catch (error) {
      this.failJob(batch, job, lines, `Submitting to ${model.deployments[0]?.provider.name ?? 'the provider'}'s batch API failed: ${(error as Error).message}`);
    }
  }

  private failJob(batch: Batch, job: NativeJob, lines: readonly BatchLine[], message: string): void {
    for (const line of lines) this.options.store.lineFinished(batch.id, line.line, { status: 502, response: null, error: { code: 'native_batch_failed', message } });
    this.options.store.nativeJobDone(job.id);
  }

  private async poll(batch: Batch, job: NativeJob): Promise<void> {
    const { store } = this.options;
    const model = this.options.models.get(job.model);
    const lines = store.linesOfJob(batch.id, job.id).filter((line) => line.state === 'running');
    if (!model || !job.providerBatchId) {
      this.failJob(batch, job, lines, `The model ${job.model} is no longer configured.`);
      return;
    }
    const api = this.api(model);
    let results: Map<string, ProviderResult>;
    try {
      store.nativeJobPolled(job.id);
      if (!(await api.ended(job.providerBatchId))) return;
      results = await api.results(job.providerBatchId);
    } catch (error) {
      this.options.logger.warn({ err: error, batch: batch.id, job: job.id }, 'polling a provider batch failed; trying again at the next poll');
      return;
    }
    for (const line of lines) this.settle(batch, job, model, line, results.get(customIdOf(line.line)));
    store.nativeJobDone(job.id);
  }

  private settle(batch: Batch, job: NativeJob, model: ModelConfig, line: BatchLine, result: ProviderResult | undefined): void {
    const { store } = this.options;
    if (!result || result.kind === 'failed') {
      store.lineFinished(batch.id, line.line, { status: 502, response: null, error: { code: 'native_batch_failed', message: result?.message ?? `The provider's batch ${job.providerBatchId ?? ''} has no result for this line.` } });
      return;
    }
    if (result.kind === 'canceled' || result.kind === 'expired') {
      const code = result.kind === 'canceled' ? 'batch_cancelled' : 'batch_expired';
      store.lineFinished(batch.id, line.line, { status: 0, response: null, error: { code, message: `The provider's batch ${result.kind === 'canceled' ? 'was cancelled' : 'expired'} before this line was answered.` } });
      return;
    }
    const anthropic = batch.endpoint === MESSAGE_BATCH_ENDPOINT;
    const body = JSON.stringify(result.body);
    const usage = result.status === 200 ? usageOf(result.body, anthropic) : undefined;
    const cost = usage ? costOf(model.price, usage) * NATIVE_BATCH_DISCOUNT : 0;
    const error = result.status === 200 ? null : errorOfBody(result.body, result.status);
    this.record(batch, job, model, line, result.status, body, usage, cost, error);
    store.lineFinished(batch.id, line.line, { status: result.status, response: body, error });
  }

  /** The line's request row: one upstream answer, priced at the batch discount, tied to its batch by id. */
  private record(batch: Batch, job: NativeJob, model: ModelConfig, line: BatchLine, status: number, body: string, usage: Usage | undefined, cost: number, error: BatchError | null): void {
    const deployment = model.deployments[0] as ModelConfig['deployments'][number];
    const requestId = line.requestId ?? `${batch.id}-${line.line}`;
    const finish = (JSON.parse(body) as { choices?: { finish_reason?: string }[]; stop_reason?: string; status?: string } | null) ?? {};
    const counts = {
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      cachedInputTokens: usage?.cachedInputTokens ?? 0,
      cacheWrite5mTokens: usage?.cacheWrite5mTokens ?? 0,
      cacheWrite1hTokens: 0,
      audioInputTokens: 0,
      imageInputTokens: 0,
      reasoningTokens: usage?.reasoningTokens ?? 0,
    };
    const createdAt = this.now();
    const request: RequestRecord = {
      id: requestId,
      createdAt,
      endpoint: batch.endpoint === '/v1/embeddings' ? 'embeddings' : 'chat',
      keyId: batch.owner,
      team: this.options.teamOf(batch.owner),
      route: null,
      requestedModel: model.name,
      model: model.name,
      provider: deployment.provider.name,
      stream: false,
      status,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
      finishReason: finish.choices?.[0]?.finish_reason ?? finish.stop_reason ?? finish.status ?? null,
      latencyMs: createdAt - job.createdAt,
      ttftMs: null,
      ...counts,
      costUsd: cost,
      simulated: deployment.provider.simulated,
      attempts: 1,
      requestBody: line.body,
      responseBody: body,
      details: { batch: { native: true, provider_batch_id: job.providerBatchId, discount: NATIVE_BATCH_DISCOUNT } },
    };
    this.options.log.record(request, [
      {
        requestId,
        attempt: 1,
        model: model.name,
        provider: deployment.provider.name,
        upstreamModel: deployment.upstreamModel,
        startedAt: job.createdAt,
        status,
        errorCode: error?.code ?? null,
        errorMessage: error?.message ?? null,
        latencyMs: createdAt - job.createdAt,
        ttftMs: null,
        ...counts,
        costUsd: cost,
        usageSource: 'upstream',
      },
    ]);
  }
}
