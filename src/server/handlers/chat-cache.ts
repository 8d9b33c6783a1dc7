/**
 * The chat pipeline's cache step (after the request guards, before routing) and the replay of
 * a hit: in the client's format whatever format stored it, streamed when the client asked for
 * a stream (the format's own events, usage at the end when asked), at cost 0 with the cost it
 * avoided in the request row (and from there in /metrics and the savings report).
 */
import type { InboundChatFormat } from '../../api/inbound-format.js';
import type { CacheHit, CachePlan } from '../../cache/response-cache.js';
import { replayParts } from '../../cache/replay.js';
import type { ChatRequest, ChatResponse, Usage } from '../../core/types.js';
import type { GuardRun } from '../../guards/pipeline.js';
import { privateSource } from '../../router/signals.js';
import { formatUsd } from '../../governance/pricing.js';
import { elapsedMs, sendJson, SSE_HEADERS, writeChunk, type Exchange } from '../exchange.js';
import type { RequestRecorder } from '../request-recorder.js';
import type { Services } from '../services.js';

/** What this request may do with the cache; sets x-switchyard-cache to miss or bypass (a hit changes it). */
export function planCache(exchange: Exchange, services: Services, request: ChatRequest, recorder: RequestRecorder, guardPrivate: string | undefined): CachePlan | undefined {
  const cache = services.cache;
  if (!cache) return undefined;
  const guards: GuardRun | undefined = recorder.guards;
  const header = exchange.request.headers['x-switchyard-cache'];
  const plan = cache.plan(request, {
    keyId: exchange.keyId,
    team: exchange.team,
    metadata: exchange.virtualKey?.metadata,
    privateSource: privateSource(request, exchange.request.headers, exchange.keyPolicy, guardPrivate),
    guarded: guards !== undefined && guards.verdicts.some((verdict) => verdict.phase === 'request'),
    restores: guards !== undefined && guards.restoreMap.size > 0,
    header: typeof header === 'string' ? header : undefined,
  });
  exchange.response.setHeader('x-switchyard-cache', plan.status);
  (recorder.record.details ??= {}).cache = { status: plan.status, ...(plan.reason ? { reason: plan.reason } : {}) };
  return plan;
}

/** Whether `model`'s answers come from the simulator: every provider is, or each deployment of the model is. */
function answeredBySimulator(services: Services, model: string): boolean {
  if (services.config.simulatedOnly) return true;
  const deployments = services.config.models.get(model)?.deployments ?? [];
  return deployments.length > 0 && deployments.every((deployment) => deployment.provider.simulated);
}

/** Answer from the cache: no routing, no upstream call, cost 0. */
export async function serveCacheHit(exchange: Exchange, services: Services, format: InboundChatFormat, request: ChatRequest, hit: CacheHit, recorder: RequestRecorder): Promise<void> {
  const { record } = recorder;
  const { entry } = hit;
  record.model = entry.model;
  record.route = services.config.routes.has(request.model) ? request.model : null;
  (record.details ??= {}).cache = {
    status: hit.status,
    ...(hit.similarity !== undefined ? { similarity: round(hit.similarity) } : {}),
    avoided_usd: entry.costUsd,
    stored_at: entry.createdAt,
  };
  // Zero, unless a model embedder was called to embed the question (its attempts are this request's).
  const cost = recorder.attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0);
  const headers: Record<string, string> = {
    'x-switchyard-cache': hit.status,
    'x-switchyard-model': entry.model,
    'x-switchyard-attempts': String(recorder.attempts.length),
    'x-switchyard-cost-usd': formatUsd(cost),
  };
  if (hit.similarity !== undefined) headers['x-switchyard-cache-similarity'] = round(hit.similarity).toFixed(4);
  if (record.route) headers['x-switchyard-route'] = record.route;
  // A simulator's answer stays a simulated answer when it is replayed from the cache.
  record.simulated = answeredBySimulator(services, entry.model);
  if (record.simulated) headers['x-switchyard-simulated'] = 'true';
  const usage: Usage = entry.response.usage ?? { inputTokens: 0, outputTokens: 0 };
  const response: ChatResponse = { ...entry.response, created: Math.floor(Date.now() / 1000) };
  record.status = 200;
  record.finishReason = response.choices[0]?.finishReason ?? null;
  const logContent = services.config.store.logContent;
  if (!request.stream) {
    const text = format.renderResponse(response, { requestId: exchange.id, usage, costUsd: cost });
    record.ttftMs = elapsedMs(exchange);
    if (logContent) record.responseBody = text;
    recorder.commit();
    sendJson(exchange.response, 200, text, headers);
    return;
  }
  const { trailer: _trailer, ...sseHeaders } = SSE_HEADERS;
  exchange.response.writeHead(200, { ...sseHeaders, ...headers });
  const renderer = format.createStreamRenderer({ requestId: exchange.id, request, fallbackModel: entry.model });
  for (const part of replayParts(response, response.created)) {
    const text = renderer.part(part);
    if (record.ttftMs === null && part.type !== 'start') record.ttftMs = elapsedMs(exchange);
    if (text) await writeChunk(exchange.response, text);
  }
  if (logContent) record.responseBody = JSON.stringify({ content: response.choices[0]?.text ?? '', tool_calls: response.choices[0]?.toolCalls ?? [], finish_reason: record.finishReason });
  recorder.commit();
  await writeChunk(exchange.response, renderer.finish(usage, cost));
  exchange.response.end();
}

/**
 * Store a complete answer, off the response's path (a failing store is logged, never the
 * request's failure). Not stored when a guard acted on the answer, unless the policy allows it.
 */
export function saveToCache(services: Services, recorder: RequestRecorder, request: ChatRequest, response: ChatResponse, costUsd: number): void {
  const plan = recorder.cachePlan;
  const cache = services.cache;
  if (!plan || !cache || !plan.store) return;
  const details = (recorder.record.details ??= {});
  const answerGuarded = recorder.guards?.verdicts.some((verdict) => verdict.phase !== 'request');
  if (answerGuarded && !plan.policy.storeGuarded) {
    details.cache = { ...(details.cache ?? { status: plan.status }), stored: false, reason: 'a guard acted on the answer' };
    return;
  }
  details.cache = { ...(details.cache ?? { status: plan.status }), stored: true };
  cache.save(plan, request, response, { model: recorder.record.model ?? response.model, costUsd }).then(
    (notStored) => {
      if (notStored) services.logger.debug({ requestId: recorder.record.id, reason: notStored }, 'answer not cached');
    },
    (error: unknown) => services.logger.warn({ err: error, requestId: recorder.record.id }, 'storing an answer in the cache failed; the request is unaffected'),
  );
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
