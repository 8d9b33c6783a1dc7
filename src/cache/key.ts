/**
 * What a cache key means. An answer is stored under a scope — the tenant (or `*` for a shared
 * route), the model or route the client named, the system prompt, the tool set and every
 * parameter that changes the answer — and, within it, under the normalised conversation.
 * Parameters that only change the delivery (stream, stream_options, user, metadata, store,
 * service_tier) are left out, so a streamed answer replays to a non-streaming call and back.
 * The semantic cache matches the last user turn within the scope plus a digest of the
 * earlier turns: the same question after a different conversation is not the same question.
 */
import { createHash } from 'node:crypto';
import type { ChatRequest, ContentPart, Message } from '../core/types.js';

export interface CacheKeys {
  /** Tenant, target, system prompt, tools and parameters. */
  scope: string;
  /** The scope and the whole normalised conversation. */
  exact: string;
  /** The scope and the conversation before the last user turn: where the semantic index looks. */
  semanticScope: string;
  /** The last user turn's text, when the conversation ends with one (undefined: no semantic lookup). */
  question: string | undefined;
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function normaliseContent(content: string | ContentPart[] | null): string | unknown[] | null {
  if (content === null) return null;
  if (typeof content === 'string') return content.trim();
  // Text-only parts are the same prompt as the joined string (Anthropic blocks vs an OpenAI string).
  if (content.every((part) => part.type === 'text')) return content.map((part) => part.text).join('\n').trim();
  return content.map((part) => (part.type === 'text' ? { t: part.text } : { i: part.url, d: part.detail ?? 'auto' }));
}

function normaliseMessage(message: Message): unknown[] {
  return [
    message.role,
    normaliseContent(message.content),
    message.name ?? null,
    message.toolCalls?.map((call) => [call.name, call.arguments]) ?? null,
    message.toolCallId ?? null,
  ];
}

const isSystem = (message: Message): boolean => message.role === 'system' || message.role === 'developer';

/** Every parameter that changes the answer, in a fixed order (absent ones as null). */
function answerParameters(request: ChatRequest): unknown[] {
  return [
    request.temperature ?? null,
    request.topP ?? null,
    request.maxTokens ?? null,
    request.stop ?? null,
    request.seed ?? null,
    request.n ?? null,
    request.presencePenalty ?? null,
    request.frequencyPenalty ?? null,
    request.logitBias ? Object.entries(request.logitBias).sort(([a], [b]) => (a < b ? -1 : 1)) : null,
    request.logprobs ?? null,
    request.topLogprobs ?? null,
    request.reasoningEffort ?? null,
    request.responseFormat ? canonicalJson(request.responseFormat) : null,
  ];
}

/** JSON with object keys sorted, so the same schema written in another key order is the same key. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, each]) => each !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, each]) => `${JSON.stringify(key)}:${canonicalJson(each)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function messageText(message: Message): string {
  if (typeof message.content === 'string') return message.content;
  if (!message.content) return '';
  return message.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

/** `tenant`: who may receive the answer ('*' when the route shares its cache). */
export function cacheKeys(request: ChatRequest, tenant: string): CacheKeys {
  const system: unknown[] = [];
  const turns: unknown[][] = [];
  for (const message of request.messages) {
    if (isSystem(message)) system.push(normaliseContent(message.content));
    else turns.push(normaliseMessage(message));
  }
  const tools = request.tools ? canonicalJson([request.tools, request.toolChoice ?? null, request.parallelToolCalls ?? null]) : request.toolChoice ? canonicalJson(request.toolChoice) : '';
  const scope = digest(JSON.stringify([tenant, request.model, system, tools, answerParameters(request)]));
  const exact = digest(JSON.stringify([scope, turns]));
  const last = request.messages[request.messages.length - 1];
  const textOnly = last !== undefined && last.role === 'user' && (typeof last.content === 'string' || (Array.isArray(last.content) && last.content.every((part) => part.type === 'text')));
  const question = textOnly ? messageText(last).trim() : '';
  return {
    scope,
    exact,
    semanticScope: digest(JSON.stringify([scope, turns.slice(0, -1)])),
    question: question !== '' ? question : undefined,
  };
}
