/** OpenAI response bodies: chat.completion, chat.completion.chunk, errors, lists. */
import { randomBytes } from 'node:crypto';
import type { ChatAnswer, SimToolCall } from '../generation/chat-input.js';
import { fnv1a } from '../random.js';
import type { SimulatedModel } from '../types.js';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function errorBody(message: string, type: string, param: string | null = null, code: string | null = null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

/** The bodies OpenAI sends for each status, marked as simulated. */
export function simulatedErrorBody(status: number): OpenAIErrorBody {
  switch (status) {
    case 400:
      return errorBody('Simulated bad request.', 'invalid_request_error');
    case 401:
      return errorBody('Simulated: incorrect API key provided.', 'invalid_request_error', null, 'invalid_api_key');
    case 403:
      return errorBody('Simulated: you are not allowed to access this resource.', 'permission_error');
    case 404:
      return errorBody('Simulated: the requested resource was not found.', 'invalid_request_error', null, 'not_found');
    case 408:
      return errorBody('Simulated: request timed out.', 'timeout_error');
    case 409:
      return errorBody('Simulated conflict.', 'invalid_request_error', null, 'conflict');
    case 422:
      return errorBody('Simulated: the request could not be processed.', 'invalid_request_error');
    case 429:
      return errorBody('Rate limit reached for requests (simulated). Please try again later.', 'requests', null, 'rate_limit_exceeded');
    case 503:
      return errorBody('The server is overloaded or not ready yet (simulated).', 'server_error', null, 'service_unavailable');
    case 529:
      return errorBody('The model is overloaded (simulated). Please try again later.', 'overloaded_error', null, 'overloaded');
    default:
      return status >= 500
        ? errorBody('The server had an error while processing your request. Sorry about that! (simulated)', 'server_error')
        : errorBody(`Simulated error ${status}.`, 'invalid_request_error');
  }
}

export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
  systemFingerprint: string;
}

export function completionMeta(model: string): CompletionMeta {
  return {
    id: `chatcmpl-${randomBytes(15).toString('base64url')}`,
    created: Math.floor(Date.now() / 1000),
    model,
    systemFingerprint: `fp_${fnv1a(model).toString(16).padStart(8, '0')}sim`,
  };
}

export function usageBody(answer: ChatAnswer): Record<string, unknown> {
  const { promptTokens, completionTokens } = answer.usage;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

export function toolCallsBody(calls: readonly SimToolCall[]): Array<Record<string, unknown>> {
  return calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
}

export function completionBody(meta: CompletionMeta, answer: ChatAnswer): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: answer.content, refusal: null, annotations: [] };
  if (answer.toolCalls.length > 0) message.tool_calls = toolCallsBody(answer.toolCalls);
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: answer.finishReason }],
    usage: usageBody(answer),
    service_tier: 'default',
    system_fingerprint: meta.systemFingerprint,
  };
}

export function chunkBody(meta: CompletionMeta, choices: unknown[], includeUsage: boolean, usage?: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    service_tier: 'default',
    system_fingerprint: meta.systemFingerprint,
    choices,
  };
  if (includeUsage) body.usage = usage ?? null;
  return body;
}

/** Fixed per model so listings are stable. */
const LISTED_AT = Math.floor(Date.UTC(2026, 0, 1) / 1000);

export function modelBody(model: SimulatedModel): Record<string, unknown> {
  return { id: model.name, object: 'model', created: LISTED_AT, owned_by: model.family };
}
