/**
 * Executes a resolved request against a deployment and keeps one attempt record per
 * upstream call, with its own status, latency, usage and cost. Fallback chains, retries
 * and circuit breakers build on this (each extra call is one more attempt).
 */
import type { Deployment, ModelConfig } from '../config/load.js';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, StreamPart, Usage } from '../core/types.js';
import { GatewayError, toGatewayError } from '../core/errors.js';
import { countMessageTokens, countTokens } from '../core/tokens.js';
import { costOf } from '../governance/pricing.js';
import { CallerAbortedError } from '../providers/http-client.js';
import type { ProviderAdapter } from '../providers/types.js';
import type { AttemptRecord } from '../store/types.js';

export interface ExecutionContext {
  requestId: string;
  signal: AbortSignal;
  simulatorHeader?: string;
}

/** HTTP-like status we log for a call the client abandoned (nginx's convention). */
export const CLIENT_CLOSED_STATUS = 499;

export function startAttempt(requestId: string, number: number, model: ModelConfig, deployment: Deployment): AttemptRecord {
  return {
    requestId,
    attempt: number,
    model: model.name,
    provider: deployment.provider.name,
    upstreamModel: deployment.upstreamModel,
    startedAt: Date.now(),
    status: 0,
    errorCode: null,
    errorMessage: null,
    latencyMs: 0,
    ttftMs: null,
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    costUsd: 0,
    usageSource: 'none',
  };
}

export function settleAttempt(
  attempt: AttemptRecord,
  model: ModelConfig,
  outcome: { status: number; usage?: Usage; usageSource: AttemptRecord['usageSource']; error?: GatewayError | CallerAbortedError },
): void {
  attempt.latencyMs = Date.now() - attempt.startedAt;
  attempt.status = outcome.status;
  if (outcome.usage) {
    attempt.inputTokens = outcome.usage.inputTokens;
    attempt.outputTokens = outcome.usage.outputTokens;
    attempt.cachedInputTokens = outcome.usage.cachedInputTokens ?? 0;
    attempt.costUsd = costOf(model.price, outcome.usage);
  }
  attempt.usageSource = outcome.usageSource;
  if (outcome.error instanceof CallerAbortedError) {
    attempt.errorCode = 'client_closed';
    attempt.errorMessage = 'the client disconnected before the answer was complete';
  } else if (outcome.error) {
    attempt.errorCode = outcome.error.code;
    attempt.errorMessage = outcome.error.message;
  }
}

/** Usage for a call whose upstream reported none: counted with the tokenizer. */
export function estimateUsage(request: ChatRequest, outputText: string): Usage {
  return { inputTokens: countMessageTokens(request.messages), outputTokens: countTokens(outputText) };
}

export function errorStatus(error: unknown): number {
  if (error instanceof CallerAbortedError) return CLIENT_CLOSED_STATUS;
  return toGatewayError(error).status;
}

/** Ask the adapter what it cannot carry: warnings join the request's, hard errors throw. */
function noteUnsupported(adapter: ProviderAdapter, request: ChatRequest): void {
  const warnings = adapter.unsupported?.(request) ?? [];
  if (warnings.length === 0) return;
  request.warnings = [...new Set([...(request.warnings ?? []), ...warnings])];
}

export class Executor {
  constructor(private readonly adapters: Map<string, ProviderAdapter>) {}

  private adapterFor(deployment: Deployment): ProviderAdapter {
    const adapter = this.adapters.get(deployment.provider.name);
    if (!adapter) throw new GatewayError('internal_error', `no adapter for provider ${deployment.provider.name}`);
    return adapter;
  }

  /**
   * Runs one upstream call as one attempt record; `settle` records a success, and a
   * failure is recorded here with its status and cause, then rethrown.
   */
  private async attempt<T>(
    model: ModelConfig,
    deployment: Deployment,
    context: ExecutionContext,
    attempts: AttemptRecord[],
    call: (adapter: ProviderAdapter, attempt: AttemptRecord) => Promise<T>,
  ): Promise<T> {
    const adapter = this.adapterFor(deployment);
    const attempt = startAttempt(context.requestId, attempts.length + 1, model, deployment);
    attempts.push(attempt);
    try {
      return await call(adapter, attempt);
    } catch (error) {
      const failure = error instanceof CallerAbortedError ? error : toGatewayError(error);
      settleAttempt(attempt, model, { status: errorStatus(failure), usageSource: 'none', error: failure });
      throw failure;
    }
  }

  complete(request: ChatRequest, model: ModelConfig, deployment: Deployment, context: ExecutionContext, attempts: AttemptRecord[]): Promise<ChatResponse> {
    // Checked before the attempt starts: a request the upstream cannot express is no upstream call.
    noteUnsupported(this.adapterFor(deployment), request);
    return this.attempt(model, deployment, context, attempts, async (adapter, attempt) => {
      const response = await adapter.chat(request, this.callContext(deployment, context));
      const usage = response.usage;
      const outputText = usage ? '' : response.choices.map((choice) => (choice.text ?? '') + choice.toolCalls.map((call) => call.name + call.arguments).join('')).join('');
      settleAttempt(attempt, model, usage ? { status: 200, usage, usageSource: 'upstream' } : { status: 200, usage: estimateUsage(request, outputText), usageSource: 'estimated' });
      return response;
    });
  }

  /** Opens the upstream stream; the caller settles the returned attempt when the stream ends. */
  openStream(
    request: ChatRequest,
    model: ModelConfig,
    deployment: Deployment,
    context: ExecutionContext,
    attempts: AttemptRecord[],
  ): Promise<{ parts: AsyncIterable<StreamPart>; attempt: AttemptRecord }> {
    noteUnsupported(this.adapterFor(deployment), request);
    return this.attempt(model, deployment, context, attempts, async (adapter, attempt) => {
      return { parts: await adapter.chatStream(request, this.callContext(deployment, context)), attempt };
    });
  }

  embed(request: EmbeddingRequest, model: ModelConfig, deployment: Deployment, context: ExecutionContext, attempts: AttemptRecord[]): Promise<EmbeddingResponse> {
    return this.attempt(model, deployment, context, attempts, async (adapter, attempt) => {
      const response = await adapter.embed(request, this.callContext(deployment, context));
      const inputTokens = response.usage.inputTokens || request.input.reduce((sum, text) => sum + countTokens(text), 0);
      settleAttempt(attempt, model, { status: 200, usage: { inputTokens, outputTokens: 0 }, usageSource: response.usage.inputTokens ? 'upstream' : 'estimated' });
      return response;
    });
  }

  private callContext(deployment: Deployment, context: ExecutionContext) {
    return { deployment, signal: context.signal, ...(context.simulatorHeader ? { simulatorHeader: context.simulatorHeader } : {}) };
  }
}
