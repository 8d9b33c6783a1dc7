/**
 * Streaming chat: open the upstream stream through retries, fallbacks and hedges (all
 * before the first token reaches the client), relay it, and when it breaks after the
 * client has seen part of the answer, either continue it on a backup (a seam, recorded)
 * or end the client stream with an explicit error event — never a clean end on a cut.
 * Each upstream call is settled as its own attempt with the tokens it produced.
 * With guards, text and refusal deltas pass through a StreamGuard (hold-back scan, redact or
 * block, restore; a json_schema check when each choice is complete); a blocked answer ends
 * with an error event like a broken stream, never recovered.
 */
import type { InboundChatFormat, StreamRenderer } from '../../api/inbound-format.js';
import type { Deployment, ModelConfig } from '../../config/load.js';
import type { ChatRequest, ChatResponse, FinishReason, StreamPart, Usage } from '../../core/types.js';
import { GatewayError, toGatewayError } from '../../core/errors.js';
import { formatUsd } from '../../governance/pricing.js';
import { abortReason, CallerAbortedError } from '../../providers/http-client.js';
import { CLIENT_CLOSED_STATUS, errorStatus, estimateUsage, type AttemptControl, type OpenedStream } from '../../router/executor.js';
import type { Resolution } from '../../router/resolve.js';
import { openContinuation, type StreamSeam } from '../../resilience/stream-recovery.js';
import { elapsedMs, SSE_HEADERS, StreamWriter, type Exchange } from '../exchange.js';
import type { Services } from '../services.js';
import { ContentFilteredError } from '../../resilience/failover.js';
import { canServe, executionContext, responseHeaders, runWithFailover, servedOrRefusal } from './chat.js';
import type { RequestRecorder } from '../request-recorder.js';
import { saveToCache } from './chat-cache.js';
import { StreamGuard } from '../../guards/response.js';

/** At most this many seams per response: a backup that keeps breaking is not recovery. */
const MAX_SEAMS = 3;

/** What one upstream stream produced: its attempt's tokens and cost. */
class AttemptTranscript {
  text = '';
  toolCalls = 0;
  usage: Usage | undefined;

  take(part: StreamPart): void {
    if (part.type === 'text-delta' || part.type === 'refusal-delta') this.text += part.text;
    else if (part.type === 'tool-call-start') this.toolCalls++;
    else if (part.type === 'usage') this.usage = part.usage;
  }
}

/** What the client received, across seams: for the log and the final usage. */
class ClientTranscript {
  text = '';
  readonly toolCalls = new Map<number, { id: string; name: string; arguments: string }>();
  finishReason: string | null = null;
  firstTokenMs: number | null = null;

  take(part: StreamPart, exchange: Exchange): void {
    if (this.firstTokenMs === null && (part.type === 'text-delta' || part.type === 'tool-call-start' || part.type === 'refusal-delta')) this.firstTokenMs = elapsedMs(exchange);
    if (part.type === 'text-delta' || part.type === 'refusal-delta') this.text += part.text;
    else if (part.type === 'tool-call-start') this.toolCalls.set(part.toolIndex, { id: part.id, name: part.name, arguments: '' });
    else if (part.type === 'tool-call-delta') {
      const call = this.toolCalls.get(part.toolIndex);
      if (call) call.arguments += part.argumentsDelta;
    } else if (part.type === 'finish') this.finishReason = part.finishReason;
  }

  toJson(): string {
    return JSON.stringify({ content: this.text, tool_calls: [...this.toolCalls.values()], finish_reason: this.finishReason });
  }

  /** What the client received as one answer (streams have one choice: n > 1 is never cached). */
  toResponse(model: string, usage: Usage): ChatResponse {
    return {
      model,
      created: Math.floor(Date.now() / 1000),
      choices: [{ index: 0, text: this.text === '' && this.toolCalls.size > 0 ? null : this.text, toolCalls: [...this.toolCalls.values()], finishReason: (this.finishReason ?? 'stop') as FinishReason }],
      usage,
    };
  }
}

export { SSE_HEADERS } from '../exchange.js';

/** Settles an attempt with what its own stream produced. */
function settleStream(services: Services, opened: OpenedStream, request: ChatRequest, own: AttemptTranscript, failure?: GatewayError | CallerAbortedError): Usage {
  const usage = own.usage ?? estimateUsage(request, own.text);
  services.executor.settle(opened.attempt, opened.model, {
    status: failure ? errorStatus(failure) : 200,
    usage,
    usageSource: own.usage ? 'upstream' : 'estimated',
    ...(failure ? { error: failure } : {}),
  });
  return usage;
}

export async function streamChat(exchange: Exchange, services: Services, format: InboundChatFormat, request: ChatRequest, resolution: Resolution, recorder: RequestRecorder): Promise<void> {
  const { record, attempts, guards } = recorder;
  const context = executionContext(exchange);
  const open = (call: ChatRequest, model: ModelConfig, deployment: Deployment, control: AttemptControl): Promise<OpenedStream> =>
    services.executor.openStream(call, model, deployment, context, control, attempts);
  const fallOnFilter = resolution.model.fallbackOn.includes('content_filter');
  const refusals: OpenedStream[] = [];
  const served = await servedOrRefusal(
    runWithFailover(
      services,
      exchange,
      request,
      resolution,
      record,
      async (model, deployment, control) => {
        const opened = await open(request, model, deployment, control);
        const refused = opened.head.some((part) => part.type === 'finish' && part.finishReason === 'content_filter');
        if (fallOnFilter && refused && !opened.head.some((part) => part.type === 'text-delta')) {
          refusals.push(opened);
          throw new ContentFilteredError({ value: opened, model, deployment });
        }
        return opened;
      },
      (late) => services.executor.discardStream(late, request),
    ),
    record,
  );
  for (const refusal of refusals) if (refusal !== served.value) services.executor.discardStream(refusal, request, 'replaced');

  const response = exchange.response;
  response.writeHead(200, { ...SSE_HEADERS, ...responseHeaders(record, attempts.length, request, resolution) });
  const out = new StreamWriter(response);
  const client = new ClientTranscript();
  const renderer: StreamRenderer = format.createStreamRenderer({ requestId: exchange.id, request, fallbackModel: served.model.name });
  const logContent = services.config.store.logContent;
  const seams: StreamSeam[] = [];
  const deadlineAt = record.createdAt + resolution.model.retry.deadlineMs;
  // Client-facing usage: the prompt once, the output of every stream that contributed.
  let promptTokens: number | undefined;
  let outputTokens = 0;
  let upstreamUsage: Usage | undefined;

  const streamGuard = guards && (guards.response || guards.restoreMap.size > 0) ? new StreamGuard(guards, request) : undefined;
  let current = served.value;
  let heldWhitespace = '';
  for (;;) {
    const own = new AttemptTranscript();
    // relay and send return a promise only when the client's socket is full (back-pressure):
    // a part that can be written at once costs no promise and no extra turn.
    const relay = (part: StreamPart): Promise<void> | undefined => {
      own.take(part);
      if (part.type === 'usage') return undefined; // summed over seams, sent once at the end
      if (part.type === 'start' && seams.length > 0) return undefined; // one response, one start
      if (!streamGuard) return send(part);
      let full: Promise<void> | undefined;
      for (const each of streamGuard.filter(part)) full = send(each) ?? full;
      return full;
    };
    const send = (part: StreamPart): Promise<void> | undefined => {
      if (part.type === 'text-delta' && heldWhitespace) {
        // The prefill left out trailing whitespace the client already has; do not send it twice.
        const text = part.text.replace(/^\s+/, '');
        heldWhitespace = '';
        if (!text) return undefined;
        part = { ...part, text };
      }
      client.take(part, exchange);
      const text = renderer.part(part);
      return text ? out.write(text) : undefined;
    };

    try {
      for (const part of current.head) await relay(part);
      for (;;) {
        const next = await current.rest.next();
        if (next.done) break;
        const full = relay(next.value);
        if (full) await full;
      }
      if (streamGuard) for (const part of streamGuard.end()) await send(part);
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'guardrail_violation') {
        // The upstream answered; a guard stopped the answer. No recovery: a backup would be judged the same way.
        void current.rest.return?.();
        settleStream(services, current, request, own);
        record.ttftMs = client.firstTokenMs;
        if (logContent) record.responseBody = client.toJson();
        record.status = error.status;
        record.errorCode = error.code;
        record.errorMessage = error.message;
        recorder.commit();
        await out.write(renderer.error(error));
        out.end();
        return;
      }
      const failure = error instanceof CallerAbortedError || exchange.signal.aborted ? abortReason(exchange.signal) : toGatewayError(error);
      const usage = settleStream(services, current, request, own, failure);
      record.ttftMs = client.firstTokenMs;
      if (logContent) record.responseBody = client.toJson();
      if (failure instanceof CallerAbortedError) {
        record.status = CLIENT_CLOSED_STATUS;
        record.errorCode = failure.code;
        record.errorMessage = failure.message;
        return;
      }
      promptTokens ??= usage.inputTokens;
      outputTokens += usage.outputTokens;
      const recovered = await recover(current, failure, usage.outputTokens);
      if (recovered) {
        current = recovered;
        continue;
      }
      // Never a clean end on a broken stream: an explicit error event, and no end marker.
      record.status = failure.status;
      record.errorCode = failure.code;
      record.errorMessage = seams.length > 0 ? `${failure.message} (after ${seams.length} recovered break${seams.length > 1 ? 's' : ''})` : failure.message;
      recorder.commit();
      await out.write(renderer.error(failure));
      out.end();
      return;
    }

    const usage = settleStream(services, current, request, own);
    promptTokens ??= usage.inputTokens;
    outputTokens += usage.outputTokens;
    if (own.usage && seams.length === 0) upstreamUsage = own.usage;
    break;
  }

  const usage: Usage = upstreamUsage ?? { inputTokens: promptTokens ?? 0, outputTokens };
  const cost = attempts.reduce((sum, each) => sum + each.costUsd, 0);
  record.status = 200;
  record.finishReason = client.finishReason;
  record.ttftMs = client.firstTokenMs;
  if (logContent) record.responseBody = client.toJson();
  saveToCache(services, recorder, request, client.toResponse(served.model.name, usage), cost);
  recorder.commit();
  await out.write(renderer.finish(usage, cost));
  response.addTrailers({ 'x-switchyard-cost-usd': formatUsd(cost) });
  out.end();

  /** Continue the answer on a backup, or undefined when recovery is off, unsafe or fails. */
  async function recover(broken: OpenedStream, failure: GatewayError, brokenTokens: number): Promise<OpenedStream | undefined> {
    const model = broken.model;
    if (model.streamRecovery !== 'continue' || seams.length >= MAX_SEAMS) return undefined;
    // Half a tool call cannot be resumed safely, and a stream that already finished its choice has nothing to continue.
    if (client.toolCalls.size > 0 || client.finishReason !== null || request.n !== undefined && request.n > 1) return undefined;
    if (Date.now() >= deadlineAt) return undefined;
    const fallbacks = [...new Set([...model.fallbacks, ...resolution.model.fallbacks, ...resolution.fallbacks])].filter((candidate) => candidate !== model);
    const continuation = await openContinuation({
      request,
      // What the client has, with restored values back as placeholders: the backup sees what the first model saw.
      partial: streamGuard ? streamGuard.unrestore(client.text) : client.text,
      outputTokensSoFar: outputTokens,
      model,
      deployment: broken.deployment,
      fallbacks,
      canServe: (candidate) => canServe(request, candidate, resolution),
      load: services.executor.load,
      breakers: services.breakers,
      control: (deployment) => {
        const left = Math.max(1, deadlineAt - Date.now());
        return { signal: exchange.signal, timeouts: left < deployment.timeouts.totalMs ? { ...deployment.timeouts, totalMs: left } : deployment.timeouts };
      },
      open,
    });
    if (!continuation) return undefined;
    const next = continuation.opened;
    seams.push({
      atChar: client.text.length,
      atToken: brokenTokens,
      fromAttempt: broken.attempt.attempt,
      toAttempt: next.attempt.attempt,
      fromModel: model.name,
      toModel: next.model.name,
      cause: failure.message,
      method: continuation.plan.method,
    });
    record.details ??= {};
    record.details.seams = seams;
    record.model = next.model.name;
    record.provider = next.deployment.provider.name;
    heldWhitespace = continuation.plan.heldWhitespace;
    streamGuard?.reset();
    return next;
  }
}
