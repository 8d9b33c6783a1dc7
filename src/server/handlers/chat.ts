/**
 * The chat pipeline behind every chat API format (OpenAI /v1/chat/completions, Anthropic
 * /v1/messages), top to bottom:
 * parse (format) → resolve the model → check capabilities → execute (stream or not) →
 * render (format) → record.
 * Every request leaves exactly one request row, and every upstream call one attempt row,
 * whether it succeeded, failed, or the client walked away.
 */
import type { InboundChatFormat, StreamRenderer } from '../../api/inbound-format.js';
import type { Deployment, ModelConfig } from '../../config/load.js';
import type { ChatRequest, StreamPart, Usage } from '../../core/types.js';
import { GatewayError, toGatewayError } from '../../core/errors.js';
import { formatUsd } from '../../governance/pricing.js';
import { CallerAbortedError } from '../../providers/http-client.js';
import { CLIENT_CLOSED_STATUS, errorStatus, estimateUsage, settleAttempt } from '../../router/executor.js';
import type { Resolution } from '../../router/resolve.js';
import { withFailover } from '../../resilience/failover.js';
import type { AttemptRecord, RequestRecord } from '../../store/types.js';
import { elapsedMs, sendJson, writeChunk, type Exchange } from '../exchange.js';
import { failRequest, newRequestRecord, readApiBody, simulatorHeaderOf, totalAttempts, type Services } from '../services.js';

export async function handleChat(exchange: Exchange, services: Services, format: InboundChatFormat): Promise<void> {
  const record = newRequestRecord(exchange, 'chat');
  const attempts: AttemptRecord[] = [];
  try {
    const request = format.parseRequest(await readApiBody(exchange, services, record));
    record.stream = request.stream;
    const resolution = services.resolver.resolve(request.model, 'chat');
    checkCapabilities(request, resolution.model);
    record.route = resolution.route;
    record.model = resolution.model.name;
    if (request.stream) await streamChat(exchange, services, format, request, resolution, record, attempts);
    else await completeChat(exchange, services, format, request, resolution, record, attempts);
  } catch (error) {
    failRequest(exchange, record, error, format);
  } finally {
    totalAttempts(record, attempts);
    record.latencyMs = elapsedMs(exchange);
    services.log.record(record, attempts);
  }
}

export function checkCapabilities(request: ChatRequest, model: ModelConfig): void {
  const unsupported = (what: string, param: string): GatewayError =>
    new GatewayError('unsupported_capability', `The model '${model.name}' does not support ${what}.`, { param });
  if (request.tools?.length && !model.capabilities.tools) throw unsupported('tools', 'tools');
  if (request.responseFormat?.type === 'json_schema' && !model.capabilities.jsonSchema) throw unsupported('response_format json_schema', 'response_format');
  if (request.stream && !model.capabilities.streaming) throw unsupported('streaming', 'stream');
  if (!model.capabilities.vision) {
    const index = request.messages.findIndex((message) => Array.isArray(message.content) && message.content.some((part) => part.type === 'image'));
    if (index >= 0) throw unsupported('image inputs', `messages[${index}].content`);
  }
}

/** Whether a fallback model can take this request at all. */
function canServe(request: ChatRequest, model: ModelConfig): boolean {
  try {
    checkCapabilities(request, model);
    return true;
  } catch {
    return false;
  }
}

/** Run one upstream call per attempt through retries and fallbacks; the record follows the model being tried. */
function runWithFailover<T>(
  services: Services,
  exchange: Exchange,
  request: ChatRequest,
  resolution: Resolution,
  record: RequestRecord,
  call: (model: ModelConfig, deployment: Deployment) => Promise<T>,
) {
  return withFailover(
    resolution.model,
    (model, deployment) => {
      record.model = model.name;
      record.provider = deployment.provider.name;
      record.simulated = deployment.provider.simulated;
      return call(model, deployment);
    },
    { signal: exchange.signal, canServe: (model) => canServe(request, model), ...(services.breakers ? { breakers: services.breakers } : {}) },
  );
}

function responseHeaders(record: RequestRecord, attempts: number, request: ChatRequest): Record<string, string> {
  const headers: Record<string, string> = {
    'x-switchyard-model': record.model ?? '',
    'x-switchyard-provider': record.provider ?? '',
    'x-switchyard-attempts': String(attempts),
  };
  if (record.route) headers['x-switchyard-route'] = record.route;
  if (record.simulated) headers['x-switchyard-simulated'] = 'true';
  if (request.warnings?.length) headers['x-switchyard-warnings'] = request.warnings.join('; ');
  return headers;
}

function executionContext(exchange: Exchange) {
  const simulatorHeader = simulatorHeaderOf(exchange);
  return { requestId: exchange.id, signal: exchange.signal, ...(simulatorHeader ? { simulatorHeader } : {}) };
}

async function completeChat(
  exchange: Exchange,
  services: Services,
  format: InboundChatFormat,
  request: ChatRequest,
  resolution: Resolution,
  record: RequestRecord,
  attempts: AttemptRecord[],
): Promise<void> {
  const context = executionContext(exchange);
  const { value: response } = await runWithFailover(services, exchange, request, resolution, record, (model, deployment) =>
    services.executor.complete(request, model, deployment, context, attempts),
  );
  const cost = attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0);
  const last = attempts[attempts.length - 1];
  const usage: Usage | undefined = response.usage ?? (last ? { inputTokens: last.inputTokens, outputTokens: last.outputTokens } : undefined);
  const text = format.renderResponse(response, { requestId: exchange.id, usage, costUsd: cost });
  record.status = 200;
  record.finishReason = response.choices[0]?.finishReason ?? null;
  record.ttftMs = last ? last.latencyMs : null;
  if (services.config.store.logContent) record.responseBody = text;
  sendJson(exchange.response, 200, text, { ...responseHeaders(record, attempts.length, request), 'x-switchyard-cost-usd': formatUsd(cost) });
}

/** What a stream has produced so far: for the log, the cost, and usage when the upstream gives none. */
class StreamTranscript {
  text = '';
  readonly toolCalls = new Map<number, { id: string; name: string; arguments: string }>();
  usage: Usage | undefined;
  finishReason: string | null = null;
  firstTokenMs: number | null = null;

  take(part: StreamPart, elapsed: number): void {
    if (this.firstTokenMs === null && (part.type === 'text-delta' || part.type === 'tool-call-start' || part.type === 'refusal-delta')) this.firstTokenMs = elapsed;
    if (part.type === 'text-delta' || part.type === 'refusal-delta') this.text += part.text;
    else if (part.type === 'tool-call-start') this.toolCalls.set(part.toolIndex, { id: part.id, name: part.name, arguments: '' });
    else if (part.type === 'tool-call-delta') {
      const call = this.toolCalls.get(part.toolIndex);
      if (call) call.arguments += part.argumentsDelta;
    } else if (part.type === 'finish') this.finishReason = part.finishReason;
    else if (part.type === 'usage') this.usage = part.usage;
  }

  outputText(): string {
    let text = this.text;
    for (const call of this.toolCalls.values()) text += call.name + call.arguments;
    return text;
  }

  toJson(): string {
    return JSON.stringify({ content: this.text, tool_calls: [...this.toolCalls.values()], finish_reason: this.finishReason });
  }
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
  trailer: 'x-switchyard-cost-usd',
};

async function streamChat(
  exchange: Exchange,
  services: Services,
  format: InboundChatFormat,
  request: ChatRequest,
  resolution: Resolution,
  record: RequestRecord,
  attempts: AttemptRecord[],
): Promise<void> {
  const context = executionContext(exchange);
  // Failover happens only before the first byte reaches the client.
  const served = await runWithFailover(services, exchange, request, resolution, record, (model, deployment) =>
    services.executor.openStream(request, model, deployment, context, attempts),
  );
  const { parts, attempt } = served.value;
  const model = served.model;

  const response = exchange.response;
  response.writeHead(200, { ...SSE_HEADERS, ...responseHeaders(record, attempts.length, request) });
  const transcript = new StreamTranscript();
  const renderer: StreamRenderer = format.createStreamRenderer({ requestId: exchange.id, request, fallbackModel: model.name });
  const logContent = services.config.store.logContent;

  try {
    for await (const part of parts) {
      transcript.take(part, elapsedMs(exchange));
      const text = renderer.part(part);
      if (text) await writeChunk(response, text);
    }
  } catch (error) {
    const failure = error instanceof CallerAbortedError || exchange.signal.aborted ? new CallerAbortedError() : toGatewayError(error);
    const usage = transcript.usage ?? estimateUsage(request, transcript.outputText());
    settleAttempt(attempt, model, { status: errorStatus(failure), usage, usageSource: transcript.usage ? 'upstream' : 'estimated', error: failure });
    record.ttftMs = transcript.firstTokenMs;
    if (logContent) record.responseBody = transcript.toJson();
    if (failure instanceof CallerAbortedError) {
      record.status = CLIENT_CLOSED_STATUS;
      record.errorCode = 'client_closed';
      record.errorMessage = failure.message;
      return;
    }
    // Never a clean end on a broken stream: an explicit error event, and no end marker.
    record.status = failure.status;
    record.errorCode = failure.code;
    record.errorMessage = failure.message;
    await writeChunk(response, renderer.error(failure));
    response.end();
    return;
  }

  const usage = transcript.usage ?? estimateUsage(request, transcript.outputText());
  settleAttempt(attempt, model, { status: 200, usage, usageSource: transcript.usage ? 'upstream' : 'estimated' });
  const cost = attempts.reduce((sum, each) => sum + each.costUsd, 0);
  await writeChunk(response, renderer.finish(usage, cost));
  response.addTrailers({ 'x-switchyard-cost-usd': formatUsd(cost) });
  response.end();
  record.status = 200;
  record.finishReason = transcript.finishReason;
  record.ttftMs = transcript.firstTokenMs;
  if (logContent) record.responseBody = transcript.toJson();
}
