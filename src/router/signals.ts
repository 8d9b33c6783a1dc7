/**
 * What the router reads off a request before deciding: its text, shape (images, tools,
 * JSON schema), a cheap size estimate, and the caller's routing hints — private data,
 * latency budget, quality floor, stickiness ids — from headers or `metadata`, plus the
 * calling key's policy.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ChatRequest, Message } from '../core/types.js';
import { GatewayError } from '../core/errors.js';

/** What a client key may do (from server.api_keys). */
export interface KeyPolicy {
  id: string;
  allowModels?: ReadonlySet<string>;
  denyModels?: ReadonlySet<string>;
  /** Everything this key sends counts as private data. */
  private: boolean;
  /** The guard policy of this key (server.api_keys[].guards). */
  guards?: string;
}

export interface RoutingSignals {
  /** The last user message's text: what the classifier and rules look at. */
  lastUserText: string;
  hasImages: boolean;
  hasTools: boolean;
  needsJsonSchema: boolean;
  /** A cheap estimate of prompt tokens (characters / 4): for features, never for limits. */
  estimatedTokens: number;
  private: boolean;
  /** Why the request is private: header, metadata, key, or a guard's verdict. */
  privateSource?: string;
  latencyBudgetMs?: number;
  qualityFloor?: number;
  user?: string;
  session?: string;
  key?: KeyPolicy;
}

export function messageText(message: Message): string {
  if (typeof message.content === 'string') return message.content;
  if (!message.content) return '';
  let text = '';
  for (const part of message.content) if (part.type === 'text') text += (text ? '\n' : '') + part.text;
  return text;
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A number hint from a header or metadata; a malformed one is the client's error, named. */
function numberHint(raw: string | undefined, where: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new GatewayError('invalid_request', `${where} must be a number between ${min} and ${max}, got ${JSON.stringify(raw)}.`, { param: where.startsWith('metadata') ? 'metadata' : undefined });
  }
  return value;
}

/** Why a request is private data (header, metadata, key, a guard's route-private verdict), or undefined. */
export function privateSource(request: ChatRequest, headers: IncomingHttpHeaders, key?: KeyPolicy, guardPrivate?: string): string | undefined {
  if (truthy(header(headers, 'x-switchyard-private'))) return 'header x-switchyard-private';
  if (truthy(request.metadata?.private)) return 'metadata.private';
  if (key?.private) return `key ${key.id}`;
  return guardPrivate;
}

/**
 * The request's signals. `guardPrivate` is set when a guard verdict (route-private) makes the
 * request private, e.g. "guard:pii"; it is read before the router decides.
 */
export function readSignals(request: ChatRequest, headers: IncomingHttpHeaders, key?: KeyPolicy, guardPrivate?: string): RoutingSignals {
  let lastUserText = '';
  let hasImages = false;
  let characters = 0;
  for (const message of request.messages) {
    const text = messageText(message);
    characters += text.length;
    if (message.role === 'user') lastUserText = text;
    if (Array.isArray(message.content) && message.content.some((part) => part.type === 'image')) hasImages = true;
  }
  const metadata = request.metadata ?? {};
  const signals: RoutingSignals = {
    lastUserText,
    hasImages,
    hasTools: (request.tools?.length ?? 0) > 0 && request.toolChoice !== 'none',
    needsJsonSchema: request.responseFormat?.type === 'json_schema',
    estimatedTokens: Math.ceil(characters / 4),
    private: false,
  };
  const source = privateSource(request, headers, key, guardPrivate);
  if (source) Object.assign(signals, { private: true, privateSource: source });

  const budgetHeader = header(headers, 'x-switchyard-latency-budget-ms');
  const budget =
    numberHint(budgetHeader, 'x-switchyard-latency-budget-ms', 1, 3_600_000) ?? numberHint(metadata.latency_budget_ms, 'metadata.latency_budget_ms', 1, 3_600_000);
  if (budget !== undefined) signals.latencyBudgetMs = budget;
  const floor = numberHint(header(headers, 'x-switchyard-quality-floor'), 'x-switchyard-quality-floor', 0, 1) ?? numberHint(metadata.quality_floor, 'metadata.quality_floor', 0, 1);
  if (floor !== undefined) signals.qualityFloor = floor;
  const user = request.user ?? metadata.user_id;
  if (user) signals.user = user;
  const session = header(headers, 'x-switchyard-session') ?? metadata.session_id;
  if (session) signals.session = session;
  if (key) signals.key = key;
  return signals;
}
