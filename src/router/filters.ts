/**
 * Filters applied to a route's candidates before any strategy chooses: the calling key's
 * allow/deny lists, data sensitivity (private requests only reach `private` models),
 * capabilities (images, tools, JSON schema, streaming), the latency budget (observed p95
 * time to first token, else the configured one), and the context window (counted with
 * the real tokenizer only when a cheap upper bound does not already fit). When no
 * candidate fits the conversation, a longer-context model from the rest of the config is
 * used, else the oldest turns are trimmed (if the route allows it), else it is a 400.
 */
import type { ModelConfig } from '../config/load.js';
import type { RouteConfig } from '../config/routes.js';
import { GatewayError } from '../core/errors.js';
import { countMessageTokens } from '../core/tokens.js';
import type { ChatRequest, Message } from '../core/types.js';
import type { RoutingSignals } from './signals.js';

export type FilterName = 'key' | 'private' | 'capabilities' | 'latency' | 'context';

export interface Removal {
  model: string;
  filter: FilterName;
  why: string;
}

export interface FilterResult {
  kept: ModelConfig[];
  removed: Removal[];
  /** Exact prompt tokens, when they had to be counted. */
  promptTokens?: number;
  trimmedTurns?: number;
  /** Set when the candidates were widened (a longer-context model) or a soft filter was relaxed. */
  note?: string;
}

export interface FilterContext {
  request: ChatRequest;
  signals: RoutingSignals;
  route: RouteConfig;
  /** Every chat model in the config, for the longer-context escape. */
  allModels: readonly ModelConfig[];
  /** p95 time to first token of a model in ms, observed or configured. */
  latencyP95: (model: ModelConfig) => number | undefined;
}

/** The filters that hold whatever happens to the request: the key's model lists and private data. */
export function policyFilter(model: ModelConfig, signals: RoutingSignals): Removal | undefined {
  const key = signals.key;
  if (key?.denyModels?.has(model.name)) return { model: model.name, filter: 'key', why: `denied to key ${key.id}` };
  if (key?.allowModels && !key.allowModels.has(model.name)) return { model: model.name, filter: 'key', why: `not in key ${key.id}'s allowed models` };
  if (signals.private && !model.private) return { model: model.name, filter: 'private', why: `request is private (${signals.privateSource}); model is not private` };
  return undefined;
}

/** Whether the policy filters restrict this request at all (else every model may serve it). */
export function hasPolicyFilter(signals: RoutingSignals): boolean {
  return signals.private === true || signals.key?.denyModels !== undefined || signals.key?.allowModels !== undefined;
}

/** Hard filters that do not depend on the conversation's size; the reason a model fails, or undefined. */
export function hardFilter(model: ModelConfig, request: ChatRequest, signals: RoutingSignals): Removal | undefined {
  const policy = policyFilter(model, signals);
  if (policy) return policy;
  const missing: string[] = [];
  if (signals.hasImages && !model.capabilities.vision) missing.push('vision');
  if ((request.tools?.length ?? 0) > 0 && !model.capabilities.tools) missing.push('tools');
  if (signals.needsJsonSchema && !model.capabilities.jsonSchema) missing.push('json_schema');
  if (request.stream && !model.capabilities.streaming) missing.push('streaming');
  if (missing.length > 0) return { model: model.name, filter: 'capabilities', why: `lacks ${missing.join(', ')}` };
  return undefined;
}

/** An upper bound on prompt tokens that costs no tokenizing: every token is at least one UTF-8 byte. */
function tokenUpperBound(messages: readonly Message[]): number {
  let bytes = 3;
  for (const message of messages) {
    bytes += 4;
    if (typeof message.content === 'string') bytes += Buffer.byteLength(message.content);
    else if (message.content) for (const part of message.content) bytes += part.type === 'text' ? Buffer.byteLength(part.text) : 1200;
    for (const call of message.toolCalls ?? []) bytes += Buffer.byteLength(call.name) + Buffer.byteLength(call.arguments);
  }
  return bytes;
}

function fits(model: ModelConfig, promptTokens: number, outputTokens: number): boolean {
  return model.contextWindow === undefined || promptTokens + outputTokens <= model.contextWindow;
}

/**
 * Drops the oldest turns — never system/developer messages, never the last user turn or
 * what follows it, never a tool result without its call — until the prompt fits `limit`.
 */
export function trimOldestTurns(messages: readonly Message[], limit: number): { messages: Message[]; dropped: number } | undefined {
  const lastUser = messages.map((message) => message.role).lastIndexOf('user');
  // The last user turn and everything after it stay: the tail keeps its length.
  const tail = lastUser < 0 ? 0 : messages.length - lastUser;
  const kept = [...messages];
  let dropped = 0;
  for (;;) {
    if (countMessageTokens(kept) <= limit) return { messages: kept, dropped };
    const index = kept.findIndex((message, position) => position < kept.length - tail && message.role !== 'system' && message.role !== 'developer');
    if (index < 0) return undefined;
    kept.splice(index, 1);
    dropped++;
    // A tool result whose call is gone cannot stay.
    while (kept[index]?.role === 'tool' && index < kept.length - tail) {
      kept.splice(index, 1);
      dropped++;
    }
  }
}

export function applyFilters(candidates: readonly ModelConfig[], context: FilterContext): FilterResult {
  const { request, signals, route } = context;
  const removed: Removal[] = [];
  let kept: ModelConfig[] = [];
  for (const model of candidates) {
    const removal = hardFilter(model, request, signals);
    if (removal) removed.push(removal);
    else kept.push(model);
  }
  const result: FilterResult = { kept, removed };
  if (kept.length === 0) return result;

  // Latency budget: soft — if nothing fits, the fastest known model serves, and the decision says so.
  const budget = signals.latencyBudgetMs;
  if (budget !== undefined) {
    const within = kept.filter((model) => {
      const p95 = context.latencyP95(model);
      if (p95 === undefined || p95 <= budget) return true;
      removed.push({ model: model.name, filter: 'latency', why: `p95 ${Math.round(p95)} ms > budget ${budget} ms` });
      return false;
    });
    if (within.length > 0) kept = within;
    else {
      const fastest = [...kept].sort((a, b) => (context.latencyP95(a) ?? 0) - (context.latencyP95(b) ?? 0))[0] as ModelConfig;
      kept = [fastest];
      result.note = `no model meets the ${budget} ms latency budget; the fastest (${fastest.name}) serves`;
    }
  }

  // Context window: count only when the cheap bound does not already fit every candidate.
  const outputTokens = request.maxTokens ?? route.context.outputReserveTokens;
  const bound = tokenUpperBound(request.messages);
  if (kept.every((model) => fits(model, bound, outputTokens))) {
    result.kept = kept;
    return result;
  }
  const promptTokens = countMessageTokens(request.messages);
  result.promptTokens = promptTokens;
  const fitting = kept.filter((model) => {
    if (fits(model, promptTokens, outputTokens)) return true;
    removed.push({ model: model.name, filter: 'context', why: `${promptTokens} prompt + ${outputTokens} output tokens > window ${model.contextWindow}` });
    return false;
  });
  if (fitting.length > 0) {
    result.kept = fitting;
    return result;
  }
  const longer = context.allModels.filter((model) => !candidates.includes(model) && !hardFilter(model, request, signals) && fits(model, promptTokens, outputTokens));
  if (longer.length > 0) {
    result.kept = longer;
    result.note = `no candidate fits ${promptTokens + outputTokens} tokens; widened to longer-context models`;
    return result;
  }
  const largest = kept.reduce((best, model) => ((model.contextWindow ?? 0) > (best.contextWindow ?? 0) ? model : best));
  if (route.context.trim && largest.contextWindow !== undefined) {
    const trimmed = trimOldestTurns(request.messages, largest.contextWindow - outputTokens);
    if (trimmed) {
      request.messages = trimmed.messages;
      result.kept = [largest];
      result.trimmedTurns = trimmed.dropped;
      result.note = `trimmed the ${trimmed.dropped} oldest turn(s) to fit ${largest.name}`;
      return result;
    }
  }
  throw new GatewayError(
    'context_length_exceeded',
    `This conversation needs ${promptTokens} prompt tokens plus ${outputTokens} for the answer; the largest context window available to route '${route.name}' is ${largest.contextWindow} tokens (${largest.name}). Shorten the conversation, lower max_tokens${route.context.trim ? '' : ', or enable routes.' + route.name + '.context.trim'}.`,
    { param: 'messages' },
  );
}
