/**
 * Canonical ChatRequest → Cohere Chat v2 body. Cohere names the nucleus parameter `p`,
 * takes stop_sequences, and forces tools only as a whole (tool_choice REQUIRED or NONE):
 * forcing one named tool offers that tool alone. JSON output is response_format
 * json_object, with the wanted schema in its json_schema field.
 */
import type { ChatRequest, Message } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';

function textOf(message: Message): string {
  if (message.content === null) return '';
  return typeof message.content === 'string' ? message.content : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

function messageOf(message: Message): Record<string, unknown> {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textOf(message) };
    case 'user':
      if (message.content === null || typeof message.content === 'string') return { role: 'user', content: message.content ?? '' };
      return {
        role: 'user',
        content: message.content.map((part) => (part.type === 'text' ? { type: 'text', text: part.text } : { type: 'image_url', image_url: { url: part.url, ...(part.detail ? { detail: part.detail } : {}) } })),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId ?? '', content: textOf(message) };
    case 'assistant': {
      const wire: Record<string, unknown> = { role: 'assistant' };
      const text = textOf(message);
      if (text !== '') wire.content = text;
      if (message.toolCalls?.length) wire.tool_calls = message.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
      return wire;
    }
  }
}

export function toCohereBody(request: ChatRequest, upstreamModel: string): Record<string, unknown> {
  const body: Record<string, unknown> = { model: upstreamModel, messages: request.messages.map(messageOf), stream: request.stream };
  const forced = typeof request.toolChoice === 'object' ? request.toolChoice.name : undefined;
  const tools = (request.tools ?? []).filter((tool) => forced === undefined || tool.name === forced);
  if (forced !== undefined && tools.length === 0) {
    throw new GatewayError('invalid_request', `tool_choice names "${forced}", which is not among the tools.`, { param: 'tool_choice' });
  }
  if (tools.length) {
    body.tools = tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, ...(tool.description !== undefined ? { description: tool.description } : {}), parameters: tool.parameters ?? { type: 'object', properties: {} } },
    }));
    if (request.toolChoice === 'required' || forced !== undefined) body.tool_choice = 'REQUIRED';
    else if (request.toolChoice === 'none') body.tool_choice = 'NONE';
  }
  const format = request.responseFormat;
  if (format?.type === 'json_object') body.response_format = { type: 'json_object' };
  if (format?.type === 'json_schema') body.response_format = { type: 'json_object', json_schema: format.schema };
  const optional: Record<string, unknown> = {
    max_tokens: request.maxTokens,
    temperature: request.temperature,
    p: request.topP,
    seed: request.seed,
    stop_sequences: request.stop,
    presence_penalty: request.presencePenalty,
    frequency_penalty: request.frequencyPenalty,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) body[key] = value;
  return body;
}

export function cohereUnsupported(request: ChatRequest): string[] {
  if (request.n !== undefined && request.n > 1) throw new GatewayError('invalid_request', 'Cohere models return one choice; n > 1 is not supported.', { param: 'n' });
  if (request.logprobs || request.topLogprobs) throw new GatewayError('invalid_request', 'logprobs are not returned through the Cohere adapter.', { param: 'logprobs' });
  const warnings: string[] = [];
  const dropped = (name: string, present: boolean): void => {
    if (present) warnings.push(`${name} dropped: not supported by Cohere`);
  };
  dropped('logit_bias', request.logitBias !== undefined);
  dropped('user', request.user !== undefined);
  dropped('metadata', request.metadata !== undefined);
  dropped('store', request.store !== undefined);
  dropped('service_tier', request.serviceTier !== undefined);
  dropped('reasoning_effort', request.reasoningEffort !== undefined);
  dropped('thinking', request.thinking !== undefined);
  dropped('top_k', request.topK !== undefined);
  dropped('parallel_tool_calls', request.parallelToolCalls === false);
  if (request.toolChoice === 'none' && !request.tools?.length) warnings.push('tool_choice dropped: no tools were offered');
  return warnings;
}
