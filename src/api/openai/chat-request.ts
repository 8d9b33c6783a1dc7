/**
 * OpenAI Chat Completions request: the strict schema we accept from clients, and the
 * conversions between it and the canonical ChatRequest. The same conversion, run the
 * other way, builds the body the OpenAI-family adapters send upstream.
 */
import { z } from 'zod';
import type { ChatRequest, ContentPart, Message, ResponseFormat, ToolChoice } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { requestedEffort } from '../../core/reasoning.js';
import { invalidBodyError, readTolerantly, restoreFields, wirePathName, type PathPattern } from '../tolerant-reader.js';

const textPart = z.strictObject({ type: z.literal('text'), text: z.string() });
const imagePart = z.strictObject({
  type: z.literal('image_url'),
  image_url: z.strictObject({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
const refusalPart = z.strictObject({ type: z.literal('refusal'), refusal: z.string() });

const textContent = z.union([z.string(), z.array(textPart)]);
const userContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, imagePart]))]);
const assistantContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, refusalPart])), z.null()]);

const toolCallSchema = z.strictObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.strictObject({ name: z.string().min(1), arguments: z.string() }),
});

const messageSchema = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('system'), content: textContent, name: z.string().optional() }),
  z.strictObject({ role: z.literal('developer'), content: textContent, name: z.string().optional() }),
  z.strictObject({ role: z.literal('user'), content: userContent, name: z.string().optional() }),
  z.strictObject({
    role: z.literal('assistant'),
    content: assistantContent.optional(),
    name: z.string().optional(),
    tool_calls: z.array(toolCallSchema).optional(),
    refusal: z.string().nullable().optional(),
  }),
  z.strictObject({ role: z.literal('tool'), content: textContent, tool_call_id: z.string().min(1) }),
]);

const jsonSchemaObject = z.record(z.string(), z.unknown());

const toolSchema = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'tool names are 1-64 letters, digits, _ or -'),
    description: z.string().optional(),
    parameters: jsonSchemaObject.optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

const responseFormatSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    json_schema: z.strictObject({
      name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'schema names are 1-64 letters, digits, _ or -'),
      description: z.string().optional(),
      schema: jsonSchemaObject.optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

export const openAIChatRequestSchema = z.strictObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1, 'messages must contain at least one message'),
  stream: z.boolean().nullable().optional(),
  stream_options: z.strictObject({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() }).nullable().optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: z
    .union([z.enum(['none', 'auto', 'required']), z.strictObject({ type: z.literal('function'), function: z.strictObject({ name: z.string().min(1) }) })])
    .optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: responseFormatSchema.optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4, 'at most 4 stop sequences')]).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  user: z.string().optional(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullable().optional(),
  n: z.number().int().min(1).max(128).nullable().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  logit_bias: z.record(z.string(), z.number().min(-100).max(100)).nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high']).nullable().optional(),
  service_tier: z.string().nullable().optional(),
  store: z.boolean().nullable().optional(),
});

export type OpenAIChatRequest = z.infer<typeof openAIChatRequestSchema>;
type OpenAIMessage = OpenAIChatRequest['messages'][number];

/** Where a new type or value sets the node aside instead of failing (see tolerant-reader.ts). */
const OPEN_VALUES: PathPattern[] = [['reasoning_effort'], ['tool_choice'], ['tools', '*'], ['messages', '*', 'content', '*']];

/**
 * Validate an OpenAI-format body, tolerantly (see tolerant-reader.ts): fields we do not
 * model and new values of the open ones are kept for an OpenAI-protocol upstream; any other
 * problem is a 400 naming its param. `strict` (server.strict_params) refuses them too.
 */
export function parseOpenAIChatRequest(body: unknown, options: { strict?: boolean } = {}): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  }
  const { data, passed } = readTolerantly(openAIChatRequestSchema, body as Record<string, unknown>, { strict: options.strict ?? false, openValues: OPEN_VALUES });
  const request = toCanonicalChatRequest(data);
  request.native = { protocol: 'openai-chat', body: body as Record<string, unknown>, passed, messages: request.messages, tools: request.tools, knownElsewhere: [] };
  return request;
}

export function validationError(error: z.ZodError): GatewayError {
  return invalidBodyError(error.issues);
}

function toCanonicalMessage(message: OpenAIMessage): Message {
  switch (message.role) {
    case 'system':
    case 'developer':
      return withName({ role: message.role, content: textOf(message.content) }, message.name);
    case 'user':
      return withName({ role: 'user', content: userParts(message.content) }, message.name);
    case 'tool':
      return { role: 'tool', content: textOf(message.content), toolCallId: message.tool_call_id };
    case 'assistant': {
      const content = message.content;
      const text = content === undefined || content === null ? null : typeof content === 'string' ? content : content.map((part) => (part.type === 'text' ? part.text : '')).join('');
      const result: Message = { role: 'assistant', content: text };
      if (message.tool_calls?.length) {
        result.toolCalls = message.tool_calls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments }));
      }
      return withName(result, message.name);
    }
  }
}

function withName(message: Message, name: string | undefined): Message {
  if (name !== undefined) message.name = name;
  return message;
}

function textOf(content: string | { type: 'text'; text: string }[]): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

function userParts(content: Extract<OpenAIMessage, { role: 'user' }>['content']): string | ContentPart[] {
  if (typeof content === 'string') return content;
  return content.map((part): ContentPart => {
    if (part.type === 'text') return { type: 'text', text: part.text };
    const image: ContentPart = { type: 'image', url: part.image_url.url };
    if (part.image_url.detail) image.detail = part.image_url.detail;
    return image;
  });
}

export function toCanonicalChatRequest(wire: OpenAIChatRequest): ChatRequest {
  const request: ChatRequest = {
    model: wire.model,
    messages: wire.messages.map(toCanonicalMessage),
    stream: wire.stream ?? false,
    includeUsage: wire.stream_options?.include_usage ?? false,
  };
  if (wire.tools) {
    request.tools = wire.tools.map((tool) => {
      const definition: NonNullable<ChatRequest['tools']>[number] = { name: tool.function.name };
      if (tool.function.description !== undefined) definition.description = tool.function.description;
      if (tool.function.parameters !== undefined) definition.parameters = tool.function.parameters;
      if (tool.function.strict != null) definition.strict = tool.function.strict;
      return definition;
    });
  }
  if (wire.tool_choice !== undefined) {
    request.toolChoice = typeof wire.tool_choice === 'string' ? wire.tool_choice : { name: wire.tool_choice.function.name };
  }
  if (wire.response_format) request.responseFormat = toCanonicalResponseFormat(wire.response_format);
  assignDefined(request, {
    parallelToolCalls: wire.parallel_tool_calls,
    temperature: wire.temperature,
    topP: wire.top_p,
    maxTokens: wire.max_completion_tokens ?? wire.max_tokens,
    stop: wire.stop == null ? undefined : typeof wire.stop === 'string' ? [wire.stop] : wire.stop,
    seed: wire.seed,
    user: wire.user,
    metadata: wire.metadata,
    n: wire.n,
    presencePenalty: wire.presence_penalty,
    frequencyPenalty: wire.frequency_penalty,
    logitBias: wire.logit_bias,
    logprobs: wire.logprobs,
    topLogprobs: wire.top_logprobs,
    reasoningEffort: wire.reasoning_effort,
    serviceTier: wire.service_tier,
    store: wire.store,
  });
  return request;
}

function toCanonicalResponseFormat(format: NonNullable<OpenAIChatRequest['response_format']>): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  const result: ResponseFormat = { type: 'json_schema', name: format.json_schema.name, schema: format.json_schema.schema ?? {} };
  if (format.json_schema.strict != null) result.strict = format.json_schema.strict;
  if (format.json_schema.description !== undefined) result.description = format.json_schema.description;
  return result;
}

/** Copy only the values that are present (not undefined or null). */
function assignDefined<T extends object>(target: T, values: { [K in keyof T]?: T[K] | null }): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null) (target as Record<string, unknown>)[key] = value;
  }
}

export interface OutboundOptions {
  upstreamModel: string;
  /** `openai` speaks the newest dialect; `compatible` servers get the widely supported subset. */
  dialect: 'openai' | 'compatible';
  /** Ask for a usage chunk on streams (we always want usage for cost). */
  streamUsage: boolean;
}

/** Build the upstream body for an OpenAI-family server from a canonical request. */
export function toOpenAIChatBody(request: ChatRequest, options: OutboundOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: options.upstreamModel,
    messages: request.messages.map((message) => fromCanonicalMessage(message, options.dialect)),
  };
  if (request.stream) {
    body.stream = true;
    if (options.streamUsage) body.stream_options = { include_usage: true };
  }
  if (request.tools) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        ...(tool.parameters !== undefined ? { parameters: tool.parameters } : {}),
        ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
      },
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = fromCanonicalToolChoice(request.toolChoice);
  if (request.responseFormat) body.response_format = fromCanonicalResponseFormat(request.responseFormat);
  if (request.maxTokens !== undefined) {
    body[options.dialect === 'openai' ? 'max_completion_tokens' : 'max_tokens'] = request.maxTokens;
  }
  const optional: Record<string, unknown> = {
    parallel_tool_calls: request.parallelToolCalls,
    temperature: request.temperature,
    top_p: request.topP,
    stop: request.stop,
    seed: request.seed,
    user: request.user,
    metadata: options.dialect === 'openai' ? request.metadata : undefined,
    n: request.n,
    presence_penalty: request.presencePenalty,
    frequency_penalty: request.frequencyPenalty,
    logit_bias: request.logitBias,
    logprobs: request.logprobs,
    top_logprobs: request.topLogprobs,
    reasoning_effort: requestedEffort(request),
    service_tier: request.serviceTier,
    store: options.dialect === 'openai' ? request.store : undefined,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) body[key] = value;
  return body;
}

/**
 * An OpenAI client's request to an OpenAI-protocol upstream: the fields the gateway does not
 * model go back where the client put them (messages and tools map one to one, so their
 * indexes hold while no guard or recovery step replaced them). Returns what could not be placed.
 */
export function withNativeOpenAIFields(body: Record<string, unknown>, request: ChatRequest): string[] {
  const native = request.native;
  if (native?.protocol !== 'openai-chat' || native.passed.length === 0) return [];
  const lost = restoreFields(body, native.passed, (path) => {
    if (path[0] === 'messages') return request.messages === native.messages;
    if (path[0] === 'tools' || path[0] === 'tool_choice') return request.tools === native.tools;
    return true;
  });
  return lost.map((path) => `${wirePathName(path)} dropped: the gateway rewrote that part of the request`);
}

function fromCanonicalMessage(message: Message, dialect: OutboundOptions['dialect']): Record<string, unknown> {
  const role = message.role === 'developer' && dialect === 'compatible' ? 'system' : message.role;
  const wire: Record<string, unknown> = { role };
  if (typeof message.content === 'string' || message.content === null) {
    wire.content = message.content;
  } else {
    wire.content = message.content.map((part) =>
      part.type === 'text'
        ? { type: 'text', text: part.text }
        : { type: 'image_url', image_url: { url: part.url, ...(part.detail ? { detail: part.detail } : {}) } },
    );
  }
  if (message.name !== undefined) wire.name = message.name;
  if (message.toolCalls?.length) {
    wire.tool_calls = message.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
  }
  if (message.toolCallId !== undefined) wire.tool_call_id = message.toolCallId;
  return wire;
}

function fromCanonicalToolChoice(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function fromCanonicalResponseFormat(format: ResponseFormat): unknown {
  if (format.type !== 'json_schema') return { type: format.type };
  return {
    type: 'json_schema',
    json_schema: {
      name: format.name,
      schema: format.schema,
      ...(format.strict !== undefined ? { strict: format.strict } : {}),
      ...(format.description !== undefined ? { description: format.description } : {}),
    },
  };
}
