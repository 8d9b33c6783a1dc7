/**
 * The chat pipeline behind every chat API format (OpenAI /v1/chat/completions, Anthropic
 * /v1/messages), top to bottom:
 * parse (format) → guards (request) → cache lookup (a hit is replayed and recorded) → resolve
 * the model → check capabilities → execute (stream or not) → guards (answer) → render (format)
 * → record → cache store.
 * Every request leaves exactly one request row, and every upstream call one attempt row,
 * whether it succeeded, failed, or the client walked away.
 */
import type { InboundChatFormat } from '../../api/inbound-format.js';
import type { ModelConfig } from '../../config/load.js';
import type { ChatRequest, ChatResponse, Usage } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { formatUsd } from '../../governance/pricing.js';
import type { ExecutionContext } from '../../router/executor.js';
import type { Resolution } from '../../router/resolve.js';
import { ContentFilteredError, withFailover, type AttemptCall, type Served } from '../../resilience/failover.js';
import type { RequestRecord } from '../../store/types.js';
import { sendJson, type Exchange } from '../exchange.js';
import { failRequest, readApiBody, simulatorHeaderOf, type Services } from '../services.js';
import { RequestRecorder } from '../request-recorder.js';
import { runCascade } from './chat-cascade.js';
import { planCache, saveToCache, serveCacheHit } from './chat-cache.js';
import { streamChat } from './chat-stream.js';
import { reasonHeader, routeRequest } from './route-request.js';
import { GuardRun, guardBlocked } from '../../guards/pipeline.js';
import { checkAnswer, jsonSchemaProblem } from '../../guards/response.js';

export async function handleChat(exchange: Exchange, services: Services, format: InboundChatFormat): Promise<void> {
  const recorder = new RequestRecorder(exchange, services, 'chat');
  const { record } = recorder;
  try {
    let request = format.parseRequest(await readApiBody(exchange, services, record), { strict: services.config.server.strictParams });
    record.stream = request.stream;
    checkKeyRoutes(exchange, services, request.model);
    // Guards (request phase), before routing: one lookup and nothing else when no policy applies.
    const guards = (recorder.guards = guardRunFor(exchange, services, request.model));
    let guardPrivate: string | undefined;
    if (guards) ({ request, privateSource: guardPrivate } = await guards.checkRequestWithModels(request));
    // Cache lookup, after the request guards: a hit is replayed without routing or any upstream call.
    const cachePlan = (recorder.cachePlan = planCache(exchange, services, request, recorder, guardPrivate));
    const hit = cachePlan && services.cache ? await services.cache.lookup(cachePlan, { requestId: exchange.id, attempts: recorder.attempts, signal: exchange.signal }) : undefined;
    if (hit) return await serveCacheHit(exchange, services, format, request, hit, recorder);
    const resolution = await routeRequest(exchange, services, request, record, recorder.attempts, guardPrivate);
    checkCapabilities(request, resolution.model);
    const admitted = services.governance.admit(request, resolution.model, { keyId: exchange.keyId, team: exchange.team ?? null }, exchange.virtualKey, (name, value) =>
      exchange.response.setHeader(name, value),
    );
    // Shared state answers asynchronously; in-process admission does not make the request wait a turn.
    recorder.permit = admitted instanceof Promise ? await admitted : admitted;
    // A cascade route: the weak model answers first; undefined when its answer was kept and
    // sent (by chat-cascade.ts, which renders it like completeChat / streamChat do).
    const serving = resolution.cascade ? await runCascade(exchange, services, format, request, resolution, recorder) : resolution;
    if (!serving) return;
    if (request.stream) await streamChat(exchange, services, format, request, serving, recorder);
    else await completeChat(exchange, services, format, request, serving, recorder);
  } catch (error) {
    failRequest(exchange, recorder, error, format);
  } finally {
    // Answered requests committed before their last byte; this covers the rest (the client left).
    recorder.commit();
  }
}

/** The guard run of a request to `model`, or undefined when no policy applies (then it cost one map lookup). */
export function guardRunFor(exchange: Exchange, services: Services, model: string): GuardRun | undefined {
  const applied = services.guards?.resolve(exchange.keyPolicy?.guards ?? exchange.virtualKey?.metadata?.guards, model);
  return applied ? new GuardRun(applied) : undefined;
}

/** A virtual key limited to some routes may not name another route. */
export function checkKeyRoutes(exchange: Exchange, services: Services, name: string): void {
  const allowed = exchange.virtualKey?.allowedRoutes;
  if (!allowed || !services.config.routes.has(name) || allowed.includes(name)) return;
  throw new GatewayError('permission_denied', `This API key may not use route '${name}' (allowed: ${allowed.join(', ')}).`, { param: 'model' });
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
export function canServe(request: ChatRequest, model: ModelConfig, resolution?: Pick<Resolution, 'mayServe'>): boolean {
  if (resolution?.mayServe && !resolution.mayServe(model)) return false;
  try {
    checkCapabilities(request, model);
    return true;
  } catch {
    return false;
  }
}

/**
 * Run one upstream call per attempt through retries, fallbacks and hedges; the record
 * follows the model being tried, and ends on the one that served.
 */
export async function runWithFailover<T>(
  services: Services,
  exchange: Exchange,
  request: ChatRequest,
  resolution: Resolution,
  record: RequestRecord,
  call: AttemptCall<T>,
  discard?: (value: T) => void,
): Promise<Served<T>> {
  const served = await withFailover(
    resolution.model,
    (model, deployment, control) => {
      record.model = model.name;
      record.provider = deployment.provider.name;
      record.simulated = deployment.provider.simulated;
      return call(model, deployment, control);
    },
    {
      signal: exchange.signal,
      load: services.executor.load,
      canServe: (model) => canServe(request, model, resolution),
      extraFallbacks: resolution.fallbacks,
      ...(resolution.timeouts ? { timeouts: resolution.timeouts } : {}),
      ...(services.breakers ? { breakers: services.breakers } : {}),
      ...(discard ? { discard } : {}),
      onHedge: (event) => {
        record.details ??= {};
        (record.details.hedges ??= []).push(event);
      },
    },
  );
  record.model = served.model.name;
  record.provider = served.deployment.provider.name;
  record.simulated = served.deployment.provider.simulated;
  return served;
}

/** When every fallback also refused (or none was left), the client gets the first refusal itself. */
export async function servedOrRefusal<T>(running: Promise<Served<T>>, record: RequestRecord): Promise<Served<T>> {
  try {
    return await running;
  } catch (error) {
    if (!(error instanceof ContentFilteredError)) throw error;
    const served = (error as ContentFilteredError<T>).served;
    record.model = served.model.name;
    record.provider = served.deployment.provider.name;
    return served;
  }
}

export function responseHeaders(record: RequestRecord, attempts: number, request: ChatRequest, resolution: Resolution): Record<string, string> {
  const headers: Record<string, string> = {
    'x-switchyard-model': record.model ?? '',
    'x-switchyard-provider': record.provider ?? '',
    'x-switchyard-attempts': String(attempts),
    'x-switchyard-reason': reasonHeader(record.model === resolution.model.name ? resolution.reason : `${resolution.reason}; served by fallback ${record.model}`),
  };
  if (record.route) headers['x-switchyard-route'] = record.route;
  if (record.simulated) headers['x-switchyard-simulated'] = 'true';
  if (request.warnings?.length) headers['x-switchyard-warnings'] = request.warnings.join('; ');
  return headers;
}

export function executionContext(exchange: Exchange): ExecutionContext {
  const simulatorHeader = simulatorHeaderOf(exchange);
  const context: ExecutionContext = { requestId: exchange.id };
  if (simulatorHeader) context.simulatorHeader = simulatorHeader;
  if (exchange.trace) context.trace = exchange.trace;
  return context;
}

async function completeChat(exchange: Exchange, services: Services, format: InboundChatFormat, request: ChatRequest, resolution: Resolution, recorder: RequestRecorder): Promise<void> {
  const { record, attempts, guards } = recorder;
  const context = executionContext(exchange);
  const fallOnFilter = resolution.model.fallbackOn.includes('content_filter');
  const call = async (): Promise<ChatResponse> => {
    const served = await servedOrRefusal(
      runWithFailover(services, exchange, request, resolution, record, async (model, deployment, control) => {
        const answer = await services.executor.complete(request, model, deployment, context, control, attempts);
        if (fallOnFilter && answer.choices[0]?.finishReason === 'content_filter') throw new ContentFilteredError({ value: answer, model, deployment });
        return answer;
      }),
      record,
    );
    return served.value;
  };
  let response = await call();
  if (guards) {
    const jsonCheck = guards.response?.jsonSchema;
    if (jsonCheck && request.responseFormat?.type === 'json_schema') {
      let problem = jsonSchemaProblem(request, response);
      if (problem && jsonCheck.onInvalid === 'retry') {
        guards.note({ guard: 'json_schema', type: 'invalid', rule: 'json_schema', score: 1, phase: 'response', action: 'flag', spans: [] });
        response = await call();
        problem = jsonSchemaProblem(request, response);
      }
      if (problem) {
        guards.note({ guard: 'json_schema', type: 'invalid', rule: 'json_schema', score: 1, phase: 'response', action: 'block', spans: [] });
        throw guardBlocked('response', 'json_schema', 'json_schema', { detail: problem });
      }
    }
    response = checkAnswer(guards, response);
  }
  const cost = attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0);
  const served = attempts.find((attempt) => attempt.status === 200 && attempt.model === record.model && attempt.provider === record.provider) ?? attempts[attempts.length - 1];
  const usage: Usage | undefined = response.usage ?? (served ? { inputTokens: served.inputTokens, outputTokens: served.outputTokens } : undefined);
  const text = format.renderResponse(response, { requestId: exchange.id, usage, costUsd: cost });
  record.status = 200;
  record.finishReason = response.choices[0]?.finishReason ?? null;
  record.ttftMs = served ? served.latencyMs : null;
  if (services.config.store.logContent) record.responseBody = text;
  saveToCache(services, recorder, request, response, cost);
  recorder.commit();
  sendJson(exchange.response, 200, text, { ...responseHeaders(record, attempts.length, request, resolution), 'x-switchyard-cost-usd': formatUsd(cost) });
}
