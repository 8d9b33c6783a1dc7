/**
 * The OpenAI wire formats the simulator accepts, validated minimally ("focused on what is
 * needed"; unknown fields pass), and their conversion to the protocol-independent input.
 */
import { z } from 'zod';
import type { ChatInput, JsonSchema, SimMessage, SimResponseFormat, SimToolChoice } from '../generation/chat-input.js';

const jsonSchemaObject = z.record(z.string(), z.unknown());

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const content = z.union([z.string(), z.array(contentPart), z.null()]);

const toolCall = z.looseObject({
  id: z.string(),
  type: z.string().optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: content.optional(),
  name: z.string().optional(),
  tool_call_id: z.string().optional(),
  tool_calls: z.array(toolCall).nullish(),
});

const tool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({ name: z.string().min(1), description: z.string().optional(), parameters: jsonSchemaObject.optional() }),
});

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({ name: z.string(), schema: jsonSchemaObject.optional(), strict: z.boolean().nullish() }),
  }),
]);

const positiveInteger = z.number().int().positive();

export const chatCompletionRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: positiveInteger.nullish(),
  max_completion_tokens: positiveInteger.nullish(),
  n: positiveInteger.nullish(),
  seed: z.number().int().nullish(),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormat.nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

export const embeddingsRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number()), z.array(z.array(z.number()))]),
  dimensions: positiveInteger.nullish(),
  encoding_format: z.enum(['float', 'base64']).nullish(),
});

export type EmbeddingsRequest = z.infer<typeof embeddingsRequest>;

/** "messages[0].role" from a Zod issue path. */
export function paramOf(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
}

export function toChatInput(request: ChatCompletionRequest): ChatInput {
  const input: ChatInput = {
    messages: request.messages.map(toSimMessage),
    tools: (request.tools ?? []).map((entry) => ({
      name: entry.function.name,
      description: entry.function.description ?? '',
      parameters: (entry.function.parameters ?? {}) as JsonSchema,
    })),
    toolChoice: toToolChoice(request),
    parallelToolCalls: request.parallel_tool_calls ?? true,
    responseFormat: toResponseFormat(request.response_format),
  };
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null) input.maxTokens = maxTokens;
  if (request.seed !== undefined && request.seed !== null) input.seed = request.seed;
  if (request.stop !== undefined && request.stop !== null) input.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  return input;
}

function toSimMessage(entry: ChatCompletionRequest['messages'][number]): SimMessage {
  const parts = Array.isArray(entry.content) ? entry.content : [];
  const text = typeof entry.content === 'string' ? entry.content : parts.flatMap((part) => (typeof part.text === 'string' ? [part.text] : [])).join('\n');
  const role = entry.role === 'developer' ? 'system' : entry.role === 'function' ? 'tool' : entry.role;
  const result: SimMessage = {
    role,
    text,
    imageCount: parts.filter((part) => part.type === 'image_url').length,
    toolCalls: (entry.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })),
  };
  if (entry.tool_call_id !== undefined) result.toolCallId = entry.tool_call_id;
  if (entry.name !== undefined) result.name = entry.name;
  return result;
}

function toToolChoice(request: ChatCompletionRequest): SimToolChoice {
  const choice = request.tool_choice;
  if (choice === undefined || choice === null) return { mode: request.tools && request.tools.length > 0 ? 'auto' : 'none' };
  if (typeof choice === 'string') return { mode: choice };
  return { mode: 'function', name: choice.function.name };
}

function toResponseFormat(format: ChatCompletionRequest['response_format']): SimResponseFormat {
  if (!format || format.type === 'text') return { type: 'text' };
  if (format.type === 'json_object') return { type: 'json_object' };
  return { type: 'json_schema', name: format.json_schema.name, schema: (format.json_schema.schema ?? { type: 'object' }) as JsonSchema };
}
