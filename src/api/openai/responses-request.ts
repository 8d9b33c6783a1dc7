/**
 * OpenAI Responses requests (POST /v1/responses) → the canonical ChatRequest.
 *
 * Tolerant about what it does not use, strict about the values it does: every field we act
 * on is validated (a 400 naming it, in OpenAI's error format); fields we know and cannot
 * carry to every upstream, and fields we do not know, are dropped with a warning
 * (x-switchyard-warnings). What cannot be served right — hosted tools, file inputs, background
 * runs — is a 400 naming the field and the value, never a silent drop.
 *
 * Input items are normalised (ids given, string content turned into input_text parts) so a
 * stored response can list them back (GET /v1/responses/{id}/input_items) and a later
 * request can continue from them (previous_response_id).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ChatRequest, ContentPart, Message, ResponseFormat, ToolChoice, ToolDefinition } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { validationError } from './chat-request.js';

/** An input item as stored and listed back: always with an id, content always as parts. */
export type InputItem = Record<string, unknown> & { id: string; type: string };

const jsonObject = z.record(z.string(), z.unknown());

const functionTool = z.object({
  type: z.literal('function'),
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'tool names are 1-64 letters, digits, _ or -'),
  description: z.string().nullable().optional(),
  parameters: jsonObject.nullable().optional(),
  strict: z.boolean().nullable().optional(),
});

const textFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'schema names are 1-64 letters, digits, _ or -'),
    schema: jsonObject,
    description: z.string().optional(),
    strict: z.boolean().nullable().optional(),
  }),
]);

/** The fields we act on; anything else is reported (see IGNORED and the unknown-field warning). */
const responsesRequestSchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.unknown())]).optional(),
  instructions: z.string().nullable().optional(),
  tools: z.array(z.unknown()).optional(),
  tool_choice: z.unknown().optional(),
  text: z.object({ format: textFormat.optional(), verbosity: z.enum(['low', 'medium', 'high']).nullable().optional() }).nullable().optional(),
  max_output_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  reasoning: z
    .object({ effort: z.enum(['none', 'minimal', 'low', 'medium', 'high']).nullable().optional(), summary: z.enum(['auto', 'concise', 'detailed']).nullable().optional() })
    .nullable()
    .optional(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullable().optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  store: z.boolean().nullable().optional(),
  previous_response_id: z.string().min(1).nullable().optional(),
  user: z.string().optional(),
  safety_identifier: z.string().optional(),
  service_tier: z.string().nullable().optional(),
  background: z.boolean().nullable().optional(),
  conversation: z.unknown().optional(),
  prompt: z.unknown().optional(),
  truncation: z.enum(['auto', 'disabled']).nullable().optional(),
});

type ResponsesWire = z.infer<typeof responsesRequestSchema>;

/** Fields of the Responses API we accept and do not act on: dropped with this warning. */
const IGNORED: Record<string, string> = {
  include: 'include dropped: no extra output fields (encrypted reasoning, logprobs, sources) are produced',
  prompt_cache_key: 'prompt_cache_key dropped: not forwarded',
  prompt_cache_retention: 'prompt_cache_retention dropped: not forwarded',
  top_logprobs: 'top_logprobs dropped: log probabilities are not returned',
  stream_options: 'stream_options dropped',
  max_tool_calls: 'max_tool_calls dropped: not enforced',
  context_management: 'context_management dropped',
};

const KNOWN = new Set([...Object.keys(responsesRequestSchema.shape), ...Object.keys(IGNORED)]);

export interface ResponsesCall {
  /** The canonical request for this turn alone (instructions and this input; no earlier turns). */
  request: ChatRequest;
  /** This turn's input items, normalised (for storage and input_items). */
  input: InputItem[];
  /** The messages of this turn's input (no instructions): what a later turn continues from. */
  inputMessages: Message[];
  previousResponseId: string | undefined;
  store: boolean;
  /** Settings echoed on the Response object, as OpenAI's does. */
  echo: ResponseEcho;
}

export interface ResponseEcho {
  instructions: string | null;
  tools: Record<string, unknown>[];
  toolChoice: unknown;
  text: { format: Record<string, unknown>; verbosity: string };
  reasoning: { effort: string | null; summary: string | null };
  metadata: Record<string, string>;
  temperature: number | null;
  topP: number | null;
  maxOutputTokens: number | null;
  parallelToolCalls: boolean;
  serviceTier: string | null;
  truncation: string;
  user: string | null;
  safetyIdentifier: string | null;
}

export function newItemId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('hex')}`;
}

/**
 * Validate a Responses body; the first problem becomes a 400 naming its param. With `strict`
 * (server.strict_params) a field we do not act on is a 400 too, instead of a warning.
 */
export function parseResponsesRequest(body: unknown, options: { strict: boolean } = { strict: false }): ResponsesCall {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  const parsed = responsesRequestSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error);
  const wire = parsed.data;
  const warnings: string[] = [];
  for (const key of Object.keys(body)) {
    if (options.strict && !(key in responsesRequestSchema.shape)) {
      throw new GatewayError('unknown_parameter', `Unrecognized request argument supplied: ${key} (server.strict_params refuses what the gateway does not act on)`, { param: key });
    }
    if (IGNORED[key] !== undefined) warnings.push(IGNORED[key]);
    else if (!KNOWN.has(key)) warnings.push(`${key} dropped: not a field Switchyard knows`);
  }
  if (wire.background) throw new GatewayError('invalid_request', 'Background responses (background: true) are not supported; send the request without it.', { param: 'background' });
  if (wire.conversation != null) throw new GatewayError('invalid_request', 'Conversations (the conversation field) are not supported; continue with previous_response_id.', { param: 'conversation' });
  if (wire.prompt != null) throw new GatewayError('invalid_request', 'Stored prompt templates (the prompt field) are not supported; send instructions and input.', { param: 'prompt' });
  if (wire.input === undefined) throw new GatewayError('missing_parameter', "Missing required parameter: 'input'.", { param: 'input' });

  const input = typeof wire.input === 'string' ? [{ id: newItemId('msg'), type: 'message', role: 'user', content: [{ type: 'input_text', text: wire.input }], status: 'completed' }] : wire.input.map(normaliseItem);
  if (input.length === 0) throw new GatewayError('invalid_request', "Invalid value for 'input': it must contain at least one item.", { param: 'input' });
  const inputMessages = itemsToMessages(input, warnings);

  const messages: Message[] = [];
  if (wire.instructions) messages.push({ role: 'system', content: wire.instructions });
  messages.push(...inputMessages);
  const request: ChatRequest = { model: wire.model, messages, stream: wire.stream ?? false, includeUsage: true };
  const tools = (wire.tools ?? []).map(parseTool);
  if (tools.length) request.tools = tools.map(toCanonicalTool);
  const toolChoice = wire.tool_choice === undefined || wire.tool_choice === null ? undefined : parseToolChoice(wire.tool_choice, tools);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  if (wire.text?.format) request.responseFormat = toCanonicalFormat(wire.text.format);
  if (wire.text?.verbosity != null) warnings.push('text.verbosity dropped: not forwarded');
  if (wire.max_output_tokens != null) request.maxTokens = wire.max_output_tokens;
  if (wire.temperature != null) request.temperature = wire.temperature;
  if (wire.top_p != null) request.topP = wire.top_p;
  if (wire.reasoning?.effort != null) request.reasoningEffort = wire.reasoning.effort;
  if (wire.reasoning?.summary != null) warnings.push('reasoning.summary dropped: reasoning summaries are not produced');
  if (wire.metadata) request.metadata = wire.metadata;
  if (wire.parallel_tool_calls != null) request.parallelToolCalls = wire.parallel_tool_calls;
  const user = wire.user ?? wire.safety_identifier;
  if (user !== undefined) request.user = user;
  if (wire.service_tier != null) request.serviceTier = wire.service_tier;
  if (wire.truncation === 'auto') warnings.push('truncation auto dropped: a conversation too long for the model is an error, not truncated');
  if (warnings.length) request.warnings = warnings;

  return {
    request,
    input,
    inputMessages,
    previousResponseId: wire.previous_response_id ?? undefined,
    store: wire.store ?? true,
    echo: echoOf(wire, tools),
  };
}

function echoOf(wire: ResponsesWire, tools: z.infer<typeof functionTool>[]): ResponseEcho {
  return {
    instructions: wire.instructions ?? null,
    tools: tools.map((tool) => ({ type: 'function', name: tool.name, description: tool.description ?? null, parameters: tool.parameters ?? null, strict: tool.strict ?? true })),
    toolChoice: wire.tool_choice ?? 'auto',
    text: { format: (wire.text?.format as Record<string, unknown> | undefined) ?? { type: 'text' }, verbosity: wire.text?.verbosity ?? 'medium' },
    reasoning: { effort: wire.reasoning?.effort ?? null, summary: wire.reasoning?.summary ?? null },
    metadata: wire.metadata ?? {},
    temperature: wire.temperature ?? null,
    topP: wire.top_p ?? null,
    maxOutputTokens: wire.max_output_tokens ?? null,
    parallelToolCalls: wire.parallel_tool_calls ?? true,
    serviceTier: wire.service_tier ?? null,
    truncation: wire.truncation ?? 'disabled',
    user: wire.user ?? null,
    safetyIdentifier: wire.safety_identifier ?? null,
  };
}

function parseTool(tool: unknown, index: number): z.infer<typeof functionTool> {
  const type = typeof tool === 'object' && tool !== null ? (tool as { type?: unknown }).type : undefined;
  if (type !== 'function') {
    const named = typeof type === 'string' ? `Tool type '${type}' is not supported` : 'Every tool needs a type';
    throw new GatewayError('invalid_request', `${named}: Switchyard serves function tools ({"type": "function", "name", "parameters"}) with any model; hosted tools run only inside OpenAI.`, {
      param: `tools[${index}].type`,
    });
  }
  const parsed = functionTool.safeParse(tool);
  if (!parsed.success) throw validationError(prefixed(parsed.error, ['tools', index]));
  return parsed.data;
}

function toCanonicalTool(tool: z.infer<typeof functionTool>): ToolDefinition {
  const definition: ToolDefinition = { name: tool.name };
  if (tool.description != null) definition.description = tool.description;
  if (tool.parameters != null) definition.parameters = tool.parameters;
  if (tool.strict != null) definition.strict = tool.strict;
  return definition;
}

function parseToolChoice(choice: unknown, tools: z.infer<typeof functionTool>[]): ToolChoice {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (typeof choice === 'object' && choice !== null) {
    const { type, name } = choice as { type?: unknown; name?: unknown };
    if (type === 'function') {
      if (typeof name !== 'string' || name === '') throw new GatewayError('missing_parameter', "Missing required parameter: 'tool_choice.name'.", { param: 'tool_choice.name' });
      if (!tools.some((tool) => tool.name === name)) throw new GatewayError('invalid_request', `tool_choice names the function '${name}', which is not among the tools.`, { param: 'tool_choice.name' });
      return { name };
    }
    if (typeof type === 'string') {
      throw new GatewayError('invalid_request', `tool_choice of type '${type}' is not supported: use 'auto', 'none', 'required' or {"type": "function", "name": …}.`, { param: 'tool_choice.type' });
    }
  }
  throw new GatewayError('invalid_request', "Invalid value for 'tool_choice': expected 'auto', 'none', 'required' or {\"type\": \"function\", \"name\": …}.", { param: 'tool_choice' });
}

function toCanonicalFormat(format: z.infer<typeof textFormat>): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  const result: ResponseFormat = { type: 'json_schema', name: format.name, schema: format.schema };
  if (format.strict != null) result.strict = format.strict;
  if (format.description !== undefined) result.description = format.description;
  return result;
}

function prefixed(error: z.ZodError, path: PropertyKey[]): z.ZodError {
  return new z.ZodError(error.issues.map((issue) => ({ ...issue, path: [...path, ...issue.path] })) as z.core.$ZodIssue[]);
}

// ---------- input items ----------

const inputText = z.object({ type: z.literal('input_text'), text: z.string() });
const inputImage = z.object({
  type: z.literal('input_image'),
  image_url: z.string().min(1).nullable().optional(),
  file_id: z.string().nullable().optional(),
  detail: z.enum(['auto', 'low', 'high']).optional(),
});
const outputText = z.object({ type: z.literal('output_text'), text: z.string() });
const refusal = z.object({ type: z.literal('refusal'), refusal: z.string() });

const messageItem = z.object({
  type: z.literal('message').optional(),
  id: z.string().optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(z.unknown())]),
  status: z.string().optional(),
});
const functionCallItem = z.object({
  type: z.literal('function_call'),
  id: z.string().optional(),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
  status: z.string().optional(),
});
const functionCallOutputItem = z.object({
  type: z.literal('function_call_output'),
  id: z.string().nullable().optional(),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(z.unknown())]),
  status: z.string().nullable().optional(),
});
const reasoningItem = z.object({ type: z.literal('reasoning'), id: z.string().optional(), summary: z.array(z.unknown()).optional() });

const ITEM_TYPES = 'message, function_call, function_call_output, reasoning';

function normaliseItem(item: unknown, index: number): InputItem {
  const param = `input[${index}]`;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new GatewayError('invalid_request', `Invalid value for '${param}': each input item must be an object.`, { param });
  const type = (item as { type?: unknown }).type ?? ('role' in item ? 'message' : undefined);
  const parse = <T>(schema: z.ZodType<T>): T => {
    const parsed = schema.safeParse(item);
    if (!parsed.success) throw validationError(prefixed(parsed.error, ['input', index]));
    return parsed.data;
  };
  switch (type) {
    case 'message': {
      const message = parse(messageItem);
      const content = typeof message.content === 'string' ? [partFor(message.role, message.content)] : message.content.map((part, partIndex) => normalisePart(message.role, part, `${param}.content[${partIndex}]`));
      return { id: message.id ?? newItemId('msg'), type: 'message', role: message.role, content, status: 'completed' };
    }
    case 'function_call': {
      const call = parse(functionCallItem);
      return { id: call.id ?? newItemId('fc'), type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments, status: 'completed' };
    }
    case 'function_call_output': {
      const output = parse(functionCallOutputItem);
      const text = typeof output.output === 'string' ? output.output : output.output.map((part, partIndex) => toolOutputText(part, `${param}.output[${partIndex}]`)).join('');
      return { id: output.id ?? newItemId('fco'), type: 'function_call_output', call_id: output.call_id, output: text, status: 'completed' };
    }
    case 'reasoning': {
      const reasoning = parse(reasoningItem);
      return { id: reasoning.id ?? newItemId('rs'), type: 'reasoning', summary: reasoning.summary ?? [] };
    }
    default: {
      const named = typeof type === 'string' ? `input item type '${type}' is not supported` : 'each input item needs a type';
      throw new GatewayError('invalid_request', `Invalid value for '${param}.type': ${named}; use one of ${ITEM_TYPES}.`, { param: `${param}.type` });
    }
  }
}

function partFor(role: string, text: string): Record<string, unknown> {
  return role === 'assistant' ? { type: 'output_text', text, annotations: [] } : { type: 'input_text', text };
}

function normalisePart(role: string, part: unknown, param: string): Record<string, unknown> {
  const type = typeof part === 'object' && part !== null ? (part as { type?: unknown }).type : undefined;
  const parse = <T>(schema: z.ZodType<T>): T => {
    const parsed = schema.safeParse(part);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length ? `${param}.${issue.path.join('.')}` : param;
      throw new GatewayError('invalid_request', `Invalid value for '${where}': ${issue?.message.replace(/^Invalid input: /, '') ?? 'invalid'}.`, { param: where });
    }
    return parsed.data;
  };
  if (role === 'assistant') {
    if (type === 'output_text') return { type: 'output_text', text: parse(outputText).text, annotations: [] };
    if (type === 'input_text') return { type: 'output_text', text: parse(inputText).text, annotations: [] };
    if (type === 'refusal') return { type: 'refusal', refusal: parse(refusal).refusal };
    throw new GatewayError('invalid_request', `Invalid value for '${param}.type': an assistant message holds output_text or refusal parts, not '${String(type)}'.`, { param: `${param}.type` });
  }
  if (type === 'input_text') return { type: 'input_text', text: parse(inputText).text };
  if (type === 'input_image') {
    const image = parse(inputImage);
    if (!image.image_url) {
      throw new GatewayError('invalid_request', `Images by file_id are not supported (no Files API for images here); send image_url as a URL or a data: URL.`, { param: `${param}.image_url` });
    }
    return { type: 'input_image', image_url: image.image_url, detail: image.detail ?? 'auto' };
  }
  if (type === 'input_file' || type === 'input_audio') {
    throw new GatewayError('invalid_request', `Content parts of type '${type}' are not supported; send input_text or input_image.`, { param: `${param}.type` });
  }
  throw new GatewayError('invalid_request', `Invalid value for '${param}.type': content part type '${String(type)}' is not supported in a ${role} message; use input_text or input_image.`, {
    param: `${param}.type`,
  });
}

function toolOutputText(part: unknown, param: string): string {
  const type = typeof part === 'object' && part !== null ? (part as { type?: unknown }).type : undefined;
  if (type === 'input_text' || type === 'output_text') {
    const text = (part as { text?: unknown }).text;
    if (typeof text === 'string') return text;
    throw new GatewayError('invalid_request', `Invalid value for '${param}.text': expected a string.`, { param: `${param}.text` });
  }
  throw new GatewayError('invalid_request', `Invalid value for '${param}.type': function_call_output holds text only, not '${String(type)}'.`, { param: `${param}.type` });
}

/**
 * Items → canonical messages. Function calls join the assistant turn they follow (or make
 * one), as every chat protocol wants the calls of one turn together; reasoning items carry
 * no text any upstream can take and are dropped with a warning.
 */
export function itemsToMessages(items: readonly InputItem[], warnings: string[] = []): Message[] {
  const messages: Message[] = [];
  let droppedReasoning = false;
  for (const item of items) {
    const last = messages[messages.length - 1];
    switch (item.type) {
      case 'message': {
        const role = item.role as Message['role'];
        const parts = item.content as Record<string, unknown>[];
        if (role === 'assistant') {
          const text = parts.map((part) => (part.type === 'output_text' ? (part.text as string) : (part.refusal as string))).join('');
          messages.push({ role: 'assistant', content: text });
          break;
        }
        const content: ContentPart[] = parts.map((part) =>
          part.type === 'input_image'
            ? { type: 'image', url: part.image_url as string, ...(part.detail && part.detail !== 'auto' ? { detail: part.detail as 'low' | 'high' } : {}) }
            : { type: 'text', text: part.text as string },
        );
        const onlyText = content.every((part) => part.type === 'text');
        messages.push({ role, content: onlyText ? content.map((part) => (part as { text: string }).text).join('') : content });
        break;
      }
      case 'function_call': {
        const call = { id: item.call_id as string, name: item.name as string, arguments: item.arguments as string };
        if (last?.role === 'assistant') (last.toolCalls ??= []).push(call);
        else messages.push({ role: 'assistant', content: null, toolCalls: [call] });
        break;
      }
      case 'function_call_output':
        messages.push({ role: 'tool', content: item.output as string, toolCallId: item.call_id as string });
        break;
      case 'reasoning':
        droppedReasoning = true;
        break;
    }
  }
  if (droppedReasoning) warnings.push('reasoning input items dropped: reasoning is not carried between turns');
  return messages;
}
