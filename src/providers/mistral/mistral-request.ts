/**
 * Canonical ChatRequest → Mistral chat completions body. Close to OpenAI's, with Mistral's
 * own names (random_seed, tool_choice "any"), images as an image_url string, and tool-call
 * ids that must be exactly nine letters or digits: ids from other providers are mapped to
 * such ids, the same way for a call and for the tool result that answers it.
 */
import { createHash } from 'node:crypto';
import type { ChatRequest, Message, ResponseFormat, ToolChoice } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';

const MISTRAL_ID = /^[A-Za-z0-9]{9}$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A nine-character id for any tool-call id (kept when it already is one). */
export function mistralToolCallId(id: string): string {
  if (MISTRAL_ID.test(id)) return id;
  const digest = createHash('sha256').update(id).digest();
  let out = '';
  for (let index = 0; index < 9; index++) out += ALPHABET[(digest[index] ?? 0) % ALPHABET.length];
  return out;
}

function content(message: Message): unknown {
  if (message.content === null || typeof message.content === 'string') return message.content ?? '';
  return message.content.map((part) => (part.type === 'text' ? { type: 'text', text: part.text } : { type: 'image_url', image_url: part.url }));
}

function textContent(message: Message): string {
  if (message.content === null) return '';
  return typeof message.content === 'string' ? message.content : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

function messageOf(message: Message): Record<string, unknown> {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textContent(message) };
    case 'user':
      return { role: 'user', content: content(message) };
    case 'tool':
      return { role: 'tool', content: textContent(message), tool_call_id: mistralToolCallId(message.toolCallId ?? ''), ...(message.name ? { name: message.name } : {}) };
    case 'assistant': {
      const wire: Record<string, unknown> = { role: 'assistant', content: textContent(message) };
      if (message.toolCalls?.length) {
        wire.tool_calls = message.toolCalls.map((call) => ({ id: mistralToolCallId(call.id), type: 'function', function: { name: call.name, arguments: call.arguments } }));
      }
      return wire;
    }
  }
}

function toolChoiceOf(choice: ToolChoice): unknown {
  if (typeof choice === 'object') return { type: 'function', function: { name: choice.name } };
  return choice === 'required' ? 'any' : choice;
}

function responseFormatOf(format: ResponseFormat): unknown {
  if (format.type !== 'json_schema') return { type: format.type };
  return {
    type: 'json_schema',
    json_schema: { name: format.name, schema: format.schema, strict: format.strict ?? false, ...(format.description !== undefined ? { description: format.description } : {}) },
  };
}

export function toMistralBody(request: ChatRequest, upstreamModel: string): Record<string, unknown> {
  const body: Record<string, unknown> = { model: upstreamModel, messages: request.messages.map(messageOf) };
  if (request.stream) body.stream = true;
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, ...(tool.description !== undefined ? { description: tool.description } : {}), parameters: tool.parameters ?? { type: 'object', properties: {} } },
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = toolChoiceOf(request.toolChoice);
  if (request.responseFormat) body.response_format = responseFormatOf(request.responseFormat);
  const optional: Record<string, unknown> = {
    parallel_tool_calls: request.parallelToolCalls,
    temperature: request.temperature,
    top_p: request.topP,
    max_tokens: request.maxTokens,
    stop: request.stop,
    random_seed: request.seed,
    n: request.n,
    presence_penalty: request.presencePenalty,
    frequency_penalty: request.frequencyPenalty,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) body[key] = value;
  return body;
}

/** What Mistral's API has no field for. */
export function mistralUnsupported(request: ChatRequest): string[] {
  if (request.logprobs || request.topLogprobs) throw new GatewayError('invalid_request', 'logprobs are not returned by Mistral models.', { param: 'logprobs' });
  const warnings: string[] = [];
  const dropped = (name: string, present: boolean): void => {
    if (present) warnings.push(`${name} dropped: not supported by Mistral`);
  };
  dropped('logit_bias', request.logitBias !== undefined);
  dropped('user', request.user !== undefined);
  dropped('metadata', request.metadata !== undefined);
  dropped('store', request.store !== undefined);
  dropped('service_tier', request.serviceTier !== undefined);
  dropped('reasoning_effort', request.reasoningEffort !== undefined);
  dropped('thinking', request.thinking !== undefined);
  dropped('top_k', request.topK !== undefined);
  return warnings;
}
