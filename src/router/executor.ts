/**
 * Executes a resolved request against a deployment and keeps one attempt record per
 * upstream call, with its own status, latency, usage and cost. Fallback chains, retries
 * and circuit breakers build on this (each extra call is one more attempt).
 */
import type { Deployment, ModelConfig, Timeouts } from '../config/load.js';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, StreamPart, Usage } from '../core/types.js';
import { GatewayError, toGatewayError } from '../core/errors.js';
import { countMessageTokens, countTokens } from '../core/tokens.js';
import { costOf } from '../governance/pricing.js';
import { emptyTokenCounts, tokenCounts } from '../core/usage.js';
import { crossProtocolLoss } from '../api/native-request.js';
import { CallerAbortedError } from '../providers/http-client.js';
import type { CallContext, ProviderAdapter } from '../providers/types.js';
import type { DeploymentLoad } from '../resilience/load-balancer.js';
import type { AttemptRecord } from '../store/types.js';
import type { RequestTrace } from '../observability/tracing.js';

export interface ExecutionContext {
  requestId: string;
  simulatorHeader?: string;
  /** The request's trace (tracing on): each upstream call gets a child span. */
  trace?: RequestTrace;
}

/** One call's own abort signal and timeouts (see resilience/failover.ts). */
export interface AttemptControl {
  signal: AbortSignal;
  timeouts: Timeouts;
  /** One side of a hedge race: settled the moment it loses (its signal aborts with hedge_lost). */
  hedged?: boolean;
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
    ...emptyTokenCounts(),
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
    Object.assign(attempt, tokenCounts(outcome.usage));
    attempt.costUsd = costOf(model.price, outcome.usage);
  }
  attempt.usageSource = outcome.usageSource;
  if (outcome.error instanceof CallerAbortedError) {
    attempt.errorCode = outcome.error.code;
    attempt.errorMessage = outcome.error.message;
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

/**
 * Ask the adapter what it cannot carry: warnings join the request's, hard errors throw. An
 * adapter of another protocol than the client's also loses the fields only that protocol has.
 */
function noteUnsupported(adapter: ProviderAdapter, request: ChatRequest, provider: string): void {
  const native = request.native;
  const lost = native && adapter.protocol !== native.protocol ? crossProtocolLoss(native, provider) : [];
  const warnings = [...lost, ...(adapter.unsupported?.(request) ?? [])];
  if (warnings.length === 0) return;
  request.warnings = [...new Set([...(request.warnings ?? []), ...warnings])];
}

function isContent(part: StreamPart): boolean {
  // Thinking is the model's first output: a long think is not a late first token.
  return part.type === 'text-delta' || part.type === 'tool-call-start' || part.type === 'refusal-delta' || part.type === 'reasoning-delta' || part.type === 'reasoning-redacted';
}

/**
 * An upstream stream that has produced its first token (or ended without one): `head`
 * holds the parts up to and including it, `rest` yields the others. Nothing has reached
 * the client yet, so a failure before this point can still fail over or be hedged.
 */
export interface OpenedStream {
  attempt: AttemptRecord;
  model: ModelConfig;
  deployment: Deployment;
  head: StreamPart[];
  rest: AsyncIterator<StreamPart>;
}

export class Executor {
  /** Which deployment each unsettled attempt is running on, for load accounting. */
  private readonly running = new WeakMap<AttemptRecord, Deployment>();

  constructor(
    private readonly adapters: Map<string, ProviderAdapter>,
    readonly load: DeploymentLoad,
  ) {}

  private adapterFor(deployment: Deployment): ProviderAdapter {
    const adapter = this.adapters.get(deployment.provider.name);
    if (!adapter) throw new GatewayError('internal_error', `no adapter for provider ${deployment.provider.name}`);
    return adapter;
  }

  /** Record how an attempt ended (once), and release its deployment slot. */
  settle(attempt: AttemptRecord, model: ModelConfig, outcome: Parameters<typeof settleAttempt>[2]): void {
    const deployment = this.running.get(attempt);
    if (!deployment) return;
    this.running.delete(attempt);
    this.load.end(deployment);
    settleAttempt(attempt, model, outcome);
  }

  /**
   * Runs one upstream call as one attempt record; `call` settles a success, and a
   * failure is recorded here with its status and cause, then rethrown. A call cancelled
   * because its hedge twin won is billed for the prompt it sent, and settled the moment it
   * is cancelled: the winner's answer (and the request's row, committed before its last
   * byte) must not wait for the loser's connection to wind down.
   */
  private async attempt<T>(
    request: ChatRequest | undefined,
    model: ModelConfig,
    deployment: Deployment,
    context: ExecutionContext,
    attempts: AttemptRecord[],
    control: AttemptControl,
    call: (adapter: ProviderAdapter, attempt: AttemptRecord, traceparent: string | undefined) => Promise<T>,
  ): Promise<T> {
    const adapter = this.adapterFor(deployment);
    const attempt = startAttempt(context.requestId, attempts.length + 1, model, deployment);
    attempts.push(attempt);
    const traceparent = context.trace?.startAttempt(attempt);
    this.running.set(attempt, deployment);
    this.load.begin(deployment);
    const fail = (failure: GatewayError | CallerAbortedError): void => {
      const billPrompt = failure instanceof CallerAbortedError && failure.code === 'hedge_lost' && request;
      this.settle(
        attempt,
        model,
        billPrompt
          ? { status: errorStatus(failure), usage: estimateUsage(request, ''), usageSource: 'estimated', error: failure }
          : { status: errorStatus(failure), usageSource: 'none', error: failure },
      );
    };
    const signal = control.signal;
    const lostHedge = (): void => {
      if (signal.reason instanceof CallerAbortedError && signal.reason.code === 'hedge_lost') fail(signal.reason);
    };
    if (control.hedged) signal.addEventListener('abort', lostHedge, { once: true });
    try {
      return await call(adapter, attempt, traceparent);
    } catch (error) {
      const failure = error instanceof CallerAbortedError ? error : toGatewayError(error);
      fail(failure);
      throw failure;
    } finally {
      if (control.hedged) signal.removeEventListener('abort', lostHedge);
    }
  }

  complete(request: ChatRequest, model: ModelConfig, deployment: Deployment, context: ExecutionContext, control: AttemptControl, attempts: AttemptRecord[]): Promise<ChatResponse> {
    // Checked before the attempt starts: a request the upstream cannot express is no upstream call.
    noteUnsupported(this.adapterFor(deployment), request, deployment.provider.name);
    return this.attempt(request, model, deployment, context, attempts, control, async (adapter, attempt, traceparent) => {
      const response = await adapter.chat(request, this.callContext(deployment, context, control, traceparent));
      const usage = response.usage;
      const outputText = usage ? '' : response.choices.map((choice) => (choice.text ?? '') + choice.toolCalls.map((call) => call.name + call.arguments).join('')).join('');
      this.load.observeTtft(deployment, Date.now() - attempt.startedAt);
      this.settle(attempt, model, usage ? { status: 200, usage, usageSource: 'upstream' } : { status: 200, usage: estimateUsage(request, outputText), usageSource: 'estimated' });
      return response;
    });
  }

  /**
   * Opens the upstream stream and reads up to its first token; the caller settles the
   * attempt (executor.settle) when the rest of the stream ends.
   */
  openStream(request: ChatRequest, model: ModelConfig, deployment: Deployment, context: ExecutionContext, control: AttemptControl, attempts: AttemptRecord[]): Promise<OpenedStream> {
    noteUnsupported(this.adapterFor(deployment), request, deployment.provider.name);
    return this.attempt(request, model, deployment, context, attempts, control, async (adapter, attempt, traceparent) => {
      const parts = await adapter.chatStream(request, this.callContext(deployment, context, control, traceparent));
      const rest = parts[Symbol.asyncIterator]();
      const head: StreamPart[] = [];
      for (;;) {
        const next = await rest.next();
        if (next.done) break;
        head.push(next.value);
        if (isContent(next.value)) {
          attempt.ttftMs = Date.now() - attempt.startedAt;
          this.load.observeTtft(deployment, attempt.ttftMs);
          break;
        }
      }
      return { attempt, model, deployment, head, rest };
    });
  }

  /**
   * Close a stream nobody will read and bill what it produced: it lost a hedge race after
   * opening (`hedge_lost`), or its content-filter refusal was replaced by a fallback's answer.
   */
  discardStream(opened: OpenedStream, request: ChatRequest, reason: 'hedge_lost' | 'replaced' = 'hedge_lost'): void {
    void opened.rest.return?.();
    const text = opened.head.map((part) => (part.type === 'text-delta' || part.type === 'refusal-delta' ? part.text : '')).join('');
    const usage = estimateUsage(request, text);
    if (reason === 'replaced') {
      this.settle(opened.attempt, opened.model, { status: 200, usage, usageSource: 'estimated' });
      return;
    }
    const failure = new CallerAbortedError('hedge_lost');
    this.settle(opened.attempt, opened.model, { status: errorStatus(failure), usage, usageSource: 'estimated', error: failure });
  }

  /** The upstream's own count of the prompt's tokens (an attempt with no tokens billed), or undefined when it has no such API. */
  async countTokens(request: ChatRequest, model: ModelConfig, deployment: Deployment, context: ExecutionContext, control: AttemptControl, attempts: AttemptRecord[]): Promise<number | undefined> {
    if (!this.adapterFor(deployment).countTokens) return undefined;
    return this.attempt(undefined, model, deployment, context, attempts, control, async (adapter, attempt, traceparent) => {
      const count = await (adapter.countTokens as NonNullable<ProviderAdapter['countTokens']>)(request, this.callContext(deployment, context, control, traceparent));
      this.settle(attempt, model, { status: 200, usage: { inputTokens: 0, outputTokens: 0 }, usageSource: 'none' });
      return count;
    });
  }

  embed(request: EmbeddingRequest, model: ModelConfig, deployment: Deployment, context: ExecutionContext, control: AttemptControl, attempts: AttemptRecord[]): Promise<EmbeddingResponse> {
    return this.attempt(undefined, model, deployment, context, attempts, control, async (adapter, attempt, traceparent) => {
      const response = await adapter.embed(request, this.callContext(deployment, context, control, traceparent));
      const inputTokens = response.usage.inputTokens || request.input.reduce((sum, text) => sum + countTokens(text), 0);
      this.settle(attempt, model, { status: 200, usage: { inputTokens, outputTokens: 0 }, usageSource: response.usage.inputTokens ? 'upstream' : 'estimated' });
      return response;
    });
  }

  private callContext(deployment: Deployment, context: ExecutionContext, control: AttemptControl, traceparent: string | undefined): CallContext {
    const callContext: CallContext = { deployment, signal: control.signal, timeouts: control.timeouts };
    if (context.simulatorHeader) callContext.simulatorHeader = context.simulatorHeader;
    if (traceparent) callContext.traceparent = traceparent;
    return callContext;
  }
}
