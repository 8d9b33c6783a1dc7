/**
 * Routing as the chat pipeline uses it: read the request's routing signals, let the
 * router decide (an LLM classifier call, when configured, is an attempt of this request
 * with its own row and cost), and keep the decision with the request. Also the dry run
 * behind POST /v1/route/explain, which never calls a model.
 */
import type { ModelConfig } from '../../config/load.js';
import { GatewayError } from '../../core/errors.js';
import type { ChatRequest } from '../../core/types.js';
import { acquireDeployment } from '../../resilience/failover.js';
import type { AskModel } from '../../router/classify.js';
import type { RouteDecision } from '../../router/router.js';
import { hasPolicyFilter, policyFilter } from '../../router/filters.js';
import { readSignals } from '../../router/signals.js';
import type { AttemptRecord, RequestRecord } from '../../store/types.js';
import type { Exchange } from '../exchange.js';
import type { Services } from '../services.js';
import { executionContext } from './chat.js';

/** The stored form of a decision: names instead of model objects. */
export function decisionDetails(decision: RouteDecision): Record<string, unknown> {
  return {
    route: decision.route,
    strategy: decision.strategy,
    model: decision.model.name,
    reason: decision.reason,
    ...(decision.category ? { category: decision.category } : {}),
    ...(decision.difficulty ? { difficulty: decision.difficulty } : {}),
    ...(decision.variant ? { variant: decision.variant.name } : {}),
    candidates: decision.candidates,
    fallbacks: [...decision.model.fallbacks, ...decision.fallbacks].map((model) => model.name),
    ...(decision.promptTokens !== undefined ? { prompt_tokens: decision.promptTokens } : {}),
    ...(decision.trimmedTurns !== undefined ? { trimmed_turns: decision.trimmedTurns } : {}),
    ...(decision.note ? { note: decision.note } : {}),
    ...(decision.cascade ? { cascade: { weak: decision.cascade.weak.name, strong: decision.cascade.strong.name, threshold: decision.cascade.threshold } } : {}),
  };
}

/** x-switchyard-reason must be a valid header value: printable ASCII, bounded. */
export function reasonHeader(reason: string): string {
  return reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 300);
}

/** A non-streaming call for the LLM classifier, cut at its timeout, recorded as an attempt. */
function askModel(exchange: Exchange, services: Services, attempts: AttemptRecord[]): AskModel {
  return async (model: ModelConfig, request: ChatRequest, timeoutMs: number) => {
    const deployment = acquireDeployment(model, services.executor.load, Math.random, services.breakers);
    if (!deployment) throw new GatewayError('upstream_error', `no deployment of ${model.name} is available`);
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(exchange.signal.reason);
    exchange.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const timeouts = { ...deployment.timeouts, totalMs: Math.min(deployment.timeouts.totalMs, timeoutMs), firstTokenMs: Math.min(deployment.timeouts.firstTokenMs, timeoutMs) };
      const response = await services.executor.complete({ ...request, model: model.name }, model, deployment, executionContext(exchange), { signal: controller.signal, timeouts }, attempts);
      return response.choices[0]?.text ?? '';
    } finally {
      exchange.signal.removeEventListener('abort', onAbort);
    }
  };
}

/** `guardPrivate`: a guard's route-private verdict (e.g. "guard:pii"), which makes the request private before the router decides. */
export async function routeRequest(
  exchange: Exchange,
  services: Services,
  request: ChatRequest,
  record: RequestRecord,
  attempts: AttemptRecord[],
  guardPrivate?: string,
): Promise<RouteDecision> {
  const signals = readSignals(request, exchange.request.headers, exchange.keyPolicy, guardPrivate);
  const decision: RouteDecision = await services.router.decide(request, signals, askModel(exchange, services, attempts));
  if (hasPolicyFilter(signals)) decision.mayServe = (model) => policyFilter(model, signals) === undefined;
  record.route = decision.route;
  record.model = decision.model.name;
  if (decision.route !== null) {
    record.details ??= {};
    record.details.decision = decisionDetails(decision);
  }
  return decision;
}

/** The decision for a request without calling any model (no LLM classifier either); `guardPrivate` as for routeRequest. */
export async function explainRoute(exchange: Exchange, services: Services, request: ChatRequest, guardPrivate?: string): Promise<RouteDecision> {
  const signals = readSignals(request, exchange.request.headers, exchange.keyPolicy, guardPrivate);
  return services.router.decide(request, signals);
}
