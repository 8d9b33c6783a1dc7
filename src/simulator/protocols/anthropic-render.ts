/** Anthropic response bodies: Message, content blocks, stop reasons and errors. */
import type { CacheUsage } from './anthropic-cache.js';
import type { ChatAnswer, SimToolCall } from '../generation/chat-input.js';
import { parseArguments, randomIdentifier } from './exchange.js';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id: string;
}

/** Anthropic's error type for each HTTP status; unlisted statuses fall back by class. */
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export function errorTypeFor(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export function errorBody(status: number, message: string, requestId: string): AnthropicErrorBody {
  return { type: 'error', error: { type: errorTypeFor(status), message }, request_id: requestId };
}

/** The message Anthropic sends with each drawn status, marked as simulated. */
export function simulatedErrorMessage(status: number): string {
  switch (errorTypeFor(status)) {
    case 'authentication_error':
      return 'invalid x-api-key (simulated)';
    case 'permission_error':
      return 'Your API key does not have permission to use the specified resource (simulated).';
    case 'not_found_error':
      return 'The requested resource could not be found (simulated).';
    case 'rate_limit_error':
      return 'This request would exceed the rate limit for your organization (simulated). Please try again later.';
    case 'overloaded_error':
      return 'Overloaded (simulated)';
    case 'api_error':
      return 'Internal server error (simulated)';
    case 'timeout_error':
      return 'Request timed out (simulated)';
    default:
      return `Simulated error ${status}.`;
  }
}

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export function stopReasonOf(answer: ChatAnswer): StopReason {
  switch (answer.finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    case 'stop':
      return answer.stopSequence === undefined ? 'end_turn' : 'stop_sequence';
  }
}

export function messageId(): string {
  return `msg_01${randomIdentifier(22)}`;
}

/** Anthropic-style ids for the generator's tool calls: call_X → toolu_X. */
export function toolUseId(call: SimToolCall): string {
  return `toolu_${call.id.replace(/^call_/, '')}`;
}

export function contentBlocks(answer: ChatAnswer): Array<Record<string, unknown>> {
  if (answer.toolCalls.length > 0) {
    return answer.toolCalls.map((call) => ({ type: 'tool_use', id: toolUseId(call), name: call.name, input: parseArguments(call.arguments) ?? {} }));
  }
  return answer.content ? [{ type: 'text', text: answer.content }] : [];
}

/** Usage as Anthropic reports it: input_tokens is what neither came from nor went into the prompt cache. */
export function usageBody(promptTokens: number, outputTokens: number, cache: CacheUsage = NO_CACHE): Record<string, unknown> {
  const written = cache.write5mTokens + cache.write1hTokens;
  return {
    input_tokens: promptTokens - cache.readTokens - written,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: cache.readTokens,
    cache_creation: { ephemeral_5m_input_tokens: cache.write5mTokens, ephemeral_1h_input_tokens: cache.write1hTokens },
    output_tokens: outputTokens,
  };
}

const NO_CACHE: CacheUsage = { readTokens: 0, write5mTokens: 0, write1hTokens: 0 };

export function messageBody(id: string, model: string, answer: ChatAnswer, cache?: CacheUsage): Record<string, unknown> {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: contentBlocks(answer),
    stop_reason: stopReasonOf(answer),
    stop_sequence: answer.stopSequence ?? null,
    usage: usageBody(answer.usage.promptTokens, answer.usage.completionTokens, cache),
  };
}
