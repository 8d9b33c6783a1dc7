/**
 * The chat pipeline's side of a cascade route (router/cascade.ts): the weak model answers
 * first, non-streaming and internally (through the usual retries and fallbacks, as its own
 * attempt rows); the verifier scores the answer; a kept answer goes to the client — as a
 * JSON response, or replayed as a proper stream in the client's format — and an escalated
 * one is dropped, the strong model then serving the request as usual (streamed live to a
 * streaming client). Every call is billed: the weak call's cost stays in the request's
 * total even when it was escalated.
 */
import type { InboundChatFormat } from '../../api/inbound-format.js';
import type { ChatRequest, ChatResponse, Usage } from '../../core/types.js';
import { formatUsd } from '../../governance/pricing.js';
import { CallerAbortedError } from '../../providers/http-client.js';
import { judgeWeakAnswer, replayAsStream, verdictReason, type CascadePlan } from '../../router/cascade.js';
import type { RouteDecision } from '../../router/router.js';
import { toGatewayError } from '../../core/errors.js';
import type { AttemptRecord, RequestRecord } from '../../store/types.js';
import { elapsedMs, sendJson, writeChunk, type Exchange } from '../exchange.js';
import type { Services } from '../services.js';
import { executionContext, responseHeaders, runWithFailover } from './chat.js';
import { SSE_HEADERS } from './chat-stream.js';
import type { RequestRecorder } from '../request-recorder.js';
import { checkAnswer, jsonSchemaProblem } from '../../guards/response.js';

/**
 * Runs the weak call and decides. Returns undefined when the weak answer was kept and sent;
 * else the decision to serve with (the strong model, the reason saying why).
 */
export async function runCascade(
  exchange: Exchange,
  services: Services,
  format: InboundChatFormat,
  request: ChatRequest,
  decision: RouteDecision,
  recorder: RequestRecorder,
): Promise<RouteDecision | undefined> {
  const { record, attempts, guards } = recorder;
  const plan = decision.cascade as CascadePlan;
  const context = executionContext(exchange);
  const weakRequest: ChatRequest = { ...request, stream: false };
  let response: ChatResponse | undefined;
  let failure: string | undefined;
  try {
    const served = await runWithFailover(services, exchange, weakRequest, { ...decision, model: plan.weak, fallbacks: [] }, record, (model, deployment, control) =>
      services.executor.complete(weakRequest, model, deployment, context, control, attempts),
    );
    response = served.value;
  } catch (error) {
    if (error instanceof CallerAbortedError || exchange.signal.aborted) throw error;
    failure = `weak call failed: ${toGatewayError(error).code}`;
  }
  const verdict = judgeWeakAnswer(plan, response, failure);
  const reason = `${decision.reason} ${verdictReason(verdict)}`;
  // Kept with the stored decision: the verdict beside the plan.
  record.details ??= {};
  const stored = (record.details.decision ??= {});
  stored.cascade = {
    weak: plan.weak.name,
    strong: plan.strong.name,
    ...(Number.isFinite(verdict.score) ? { score: Number(verdict.score.toFixed(4)) } : {}),
    threshold: plan.threshold,
    kept: !verdict.escalate,
    ...(verdict.reasons.length > 0 ? { checks: verdict.reasons } : {}),
    ...(verdict.unusable ? { why: verdict.unusable } : {}),
  };
  stored.reason = verdict.escalate ? `${reason}->${plan.strong.name}` : reason;

  if (verdict.escalate || !response) return { ...decision, model: plan.strong, reason: `${reason}->${plan.strong.name}` };
  if (guards?.response?.jsonSchema && jsonSchemaProblem(request, response)) {
    // A kept answer that fails the requested schema is not kept: the strong model answers (and is checked in turn).
    guards.note({ guard: 'json_schema', type: 'invalid', rule: 'json_schema', score: 1, phase: 'response', action: 'flag', spans: [] });
    const escalated = `${reason} json_schema invalid->${plan.strong.name}`;
    stored.reason = escalated;
    return { ...decision, model: plan.strong, reason: escalated };
  }
  // The same answer guards as any other answer (scanned whole: it is complete), before anything is sent.
  if (guards) response = checkAnswer(guards, response);
  const kept = { ...decision, reason };
  if (request.stream) await streamKept(exchange, services, format, request, kept, response, recorder);
  else sendKept(exchange, services, format, request, kept, response, recorder);
  return undefined;
}

function servedAttempt(record: RequestRecord, attempts: readonly AttemptRecord[]): AttemptRecord | undefined {
  return attempts.find((attempt) => attempt.status === 200 && attempt.model === record.model && attempt.provider === record.provider) ?? attempts[attempts.length - 1];
}

function usageOf(response: ChatResponse, served: AttemptRecord | undefined): Usage | undefined {
  return response.usage ?? (served ? { inputTokens: served.inputTokens, outputTokens: served.outputTokens } : undefined);
}

function sendKept(exchange: Exchange, services: Services, format: InboundChatFormat, request: ChatRequest, decision: RouteDecision, response: ChatResponse, recorder: RequestRecorder): void {
  const { record, attempts } = recorder;
  const cost = attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0);
  const served = servedAttempt(record, attempts);
  const text = format.renderResponse(response, { requestId: exchange.id, usage: usageOf(response, served), costUsd: cost });
  record.status = 200;
  record.finishReason = response.choices[0]?.finishReason ?? null;
  record.ttftMs = served ? served.latencyMs : null;
  if (services.config.store.logContent) record.responseBody = text;
  recorder.commit();
  sendJson(exchange.response, 200, text, { ...responseHeaders(record, attempts.length, request, decision), 'x-switchyard-cost-usd': formatUsd(cost) });
}

/** The kept answer as a stream in the client's format: the same events a live stream would have. */
async function streamKept(exchange: Exchange, services: Services, format: InboundChatFormat, request: ChatRequest, decision: RouteDecision, response: ChatResponse, recorder: RequestRecorder): Promise<void> {
  const { record, attempts } = recorder;
  const served = servedAttempt(record, attempts);
  const usage = usageOf(response, served) ?? { inputTokens: 0, outputTokens: 0 };
  const cost = attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0);
  const out = exchange.response;
  out.writeHead(200, { ...SSE_HEADERS, ...responseHeaders(record, attempts.length, request, decision) });
  const renderer = format.createStreamRenderer({ requestId: exchange.id, request, fallbackModel: record.model ?? decision.model.name });
  let firstTokenMs: number | null = null;
  for (const part of replayAsStream(response, undefined)) {
    if (firstTokenMs === null && part.type === 'text-delta') firstTokenMs = elapsedMs(exchange);
    const text = renderer.part(part);
    if (text) await writeChunk(out, text);
  }
  record.status = 200;
  record.finishReason = response.choices[0]?.finishReason ?? null;
  record.ttftMs = firstTokenMs;
  if (services.config.store.logContent) record.responseBody = JSON.stringify({ content: response.choices[0]?.text ?? '', tool_calls: [], finish_reason: record.finishReason });
  recorder.commit();
  await writeChunk(out, renderer.finish(usage, cost));
  out.addTrailers({ 'x-switchyard-cost-usd': formatUsd(cost) });
  out.end();
}
