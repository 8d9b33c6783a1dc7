/**
 * POST /v1/route/explain: the routing decision for a chat request (OpenAI format), without
 * calling any model — not even a configured LLM classifier. Same filters, classifier and
 * strategy as a real request; the answer is the decision itself.
 *
 * The request phase of the guards runs first, as for a chat request (same policies: the
 * key's and the route's): what they decided is in `guards` (guard, type, rule, score, action
 * and where — never the text); a route-private verdict keeps the decision to private models,
 * and a redacted request is routed as the provider would see it. A request a guard would
 * block is not routed: the explanation (still a 200, it is a dry run) carries `blocked`, the
 * status and error body the chat call would answer with.
 */
import { renderOpenAIError } from '../../api/openai/errors.js';
import { parseOpenAIChatRequest } from '../../api/openai/chat-request.js';
import { GatewayError } from '../../core/errors.js';
import type { ChatRequest } from '../../core/types.js';
import type { GuardRun } from '../../guards/pipeline.js';
import type { GuardVerdict } from '../../store/types.js';
import { readJsonBody, sendJson, type Exchange } from '../exchange.js';
import type { Services } from '../services.js';
import { guardRunFor } from './chat.js';
import { decisionDetails, explainRoute } from './route-request.js';

export async function handleRouteExplain(exchange: Exchange, services: Services): Promise<void> {
  const body = await readJsonBody(exchange, services.config.server.maxBodyBytes);
  const parsed = parseOpenAIChatRequest(body);
  const guards = guardRunFor(exchange, services, parsed.model);
  const screened = dryRunGuards(guards, parsed);
  if ('blocked' in screened) {
    const rendered = renderOpenAIError(screened.blocked);
    const blocked = { status: rendered.status, ...(JSON.parse(rendered.body) as Record<string, unknown>) };
    sendJson(exchange.response, 200, JSON.stringify({ object: 'route.decision', blocked, ...(guards ? { guards: explainGuards(guards) } : {}) }));
    return;
  }
  const decision = await explainRoute(exchange, services, screened.request, screened.privateSource);
  sendJson(
    exchange.response,
    200,
    JSON.stringify({
      object: 'route.decision',
      ...decisionDetails(decision),
      fallbacks: [...decision.model.fallbacks, ...decision.fallbacks].map((model) => model.name),
      ...(guards ? { guards: explainGuards(guards) } : {}),
    }),
  );
}

/**
 * The request phase of a dry run: the request as it would be routed (redacted, perhaps held to
 * private models), or the guardrail_violation that would stop it.
 */
export function dryRunGuards(guards: GuardRun | undefined, request: ChatRequest): { request: ChatRequest; privateSource: string | undefined } | { blocked: GatewayError } {
  if (!guards) return { request, privateSource: undefined };
  try {
    return guards.checkRequest(request);
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'guardrail_violation') return { blocked: error };
    throw error;
  }
}

/** What the request guards decided in a dry run: where each verdict found something, never what. */
export interface GuardExplanation {
  policies: string[];
  verdicts: { guard: string; type: string; rule: string; score: number; action: string; where: string[] }[];
}

/** The policies that ran and their verdicts, each naming where it found something (never what). */
export function explainGuards(guards: GuardRun): GuardExplanation {
  return {
    policies: guards.applied.policies.map((policy) => policy.name),
    verdicts: guards.verdicts.map((verdict) => ({ guard: verdict.guard, type: verdict.type, rule: verdict.rule, score: verdict.score, action: verdict.action, where: placesOf(verdict) })),
  };
}

/** `messages[i]`, `messages[i].tool_calls[k].function.arguments` or `tools[j]` (the allow-list), each once. */
function placesOf(verdict: GuardVerdict): string[] {
  const places = verdict.spans.map((span) => {
    if (span.message_index < 0) return `tools[${span.start}]`;
    if (span.tool_call !== undefined) return `messages[${span.message_index}].tool_calls[${span.tool_call}].function.arguments`;
    return `messages[${span.message_index}]`;
  });
  return [...new Set(places)];
}
