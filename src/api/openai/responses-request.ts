/**
 * OpenAI Responses requests (POST /v1/responses) → the canonical ChatRequest.
 *
 * A tolerant reader (see tolerant-reader.ts), strict about the values it uses: every field
 * we act on is validated (a 400 naming it, in OpenAI's error format). What the canonical
 * request has no place for — fields we do not know (`client_metadata`), fields we know and
 * do not model (`include`, `prompt_cache_key`, `text.verbosity`), tools other than functions
 * (`web_search`, `namespace`, `custom`, `local_shell`), input items and content parts of new
 * types — is kept in ChatRequest.native: an upstream speaking the Responses API receives it
 * unchanged; any other drops it with a warning (x-switchyard-warnings), or refuses the
 * request when the model would otherwise answer a conversation it has not seen. With
 * `strict` (server.strict_params) each of them is a 400 instead. What the gateway cannot
 * serve at all — background runs, stored prompts, conversations — is always a 400.
 *
 * Input items are normalised (ids given, string content turned into input_text parts) so a
 * stored response can list them back (GET /v1/responses/{id}/input_items) and a later
 * request can continue from them (previous_response_id).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ChatRequest, ContentPart, Message, PassedField, ResponseFormat, ToolChoice, ToolDefinition, WirePath } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { validationError } from './chat-request.js';
import { wirePathName } from '../tolerant-reader.js';

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

/** The fields we act on; any other is set aside for a Responses upstream (see the file comment). */
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

/** What the reader set aside, and where a value it does not model was kept. */
interface Tolerance {
  strict: boolean;
  passed: PassedField[];
}

/** Keep `value` (at `path`) for a Responses upstream, or refuse it with `refusal` under server.strict_params. */
function setAside(tolerance: Tolerance, path: WirePath, value: unknown, refusal: () => GatewayError): void {
  if (tolerance.strict) throw refusal();
  tolerance.passed.push({ path, value: structuredClone(value) });
}

const STRICT_NOTE = '(server.strict_params refuses what the gateway does not act on)';

/**
 * Validate a Responses body; the first problem becomes a 400 naming its param. What the
 * gateway does not model is set aside in request.native (see the file comment); with
 * `strict` (server.strict_params) it is a 400 instead.
 */
export function parseResponsesRequest(body: unknown, options: { strict: boolean } = { strict: false }): ResponsesCall {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  const parsed = responsesRequestSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error);
  const wire = parsed.data;
  const tolerance: Tolerance = { strict: options.strict, passed: [] };
  const elsewhere: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key in responsesRequestSchema.shape) continue;
    setAside(tolerance, [key], value, () => new GatewayError('unknown_parameter', `Unrecognized request argument supplied: ${key} ${STRICT_NOTE}`, { param: key }));
  }
  if (wire.background) throw new GatewayError('invalid_request', 'Background responses (background: true) are not supported; send the request without it.', { param: 'background' });
  if (wire.conversation != null) throw new GatewayError('invalid_request', 'Conversations (the conversation field) are not supported; continue with previous_response_id.', { param: 'conversation' });
  if (wire.prompt != null) throw new GatewayError('invalid_request', 'Stored prompt templates (the prompt field) are not supported; send instructions and input.', { param: 'prompt' });
  if (wire.input === undefined) throw new GatewayError('missing_parameter', "Missing required parameter: 'input'.", { param: 'input' });

  const input =
    typeof wire.input === 'string'
      ? [{ id: newItemId('msg'), type: 'message', role: 'user', content: [{ type: 'input_text', text: wire.input }], status: 'completed' }]
      : wire.input.map((item, index) => normaliseItem(item, index, tolerance));
  if (input.length === 0) throw new GatewayError('invalid_request', "Invalid value for 'input': it must contain at least one item.", { param: 'input' });
  const inputMessages = itemsToMessages(input);
  // Their encrypted content means something only to the upstream that wrote it: a Responses upstream gets them back.
  if (input.some((item) => item.type === 'reasoning')) elsewhere.push('input[*] reasoning items');

  const messages: Message[] = [];
  if (wire.instructions) messages.push({ role: 'system', content: wire.instructions });
  messages.push(...inputMessages);
  const request: ChatRequest = { model: wire.model, messages, stream: wire.stream ?? false, includeUsage: true };
  const tools: FunctionTool[] = [];
  (wire.tools ?? []).forEach((tool, index) => {
    const parsedTool = parseTool(tool, index, tolerance);
    if (parsedTool) tools.push(parsedTool);
  });
  if (tools.length) request.tools = tools.map(toCanonicalTool);
  const toolChoice = wire.tool_choice === undefined || wire.tool_choice === null ? undefined : parseToolChoice(wire.tool_choice, tools, tolerance);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  if (wire.text?.format) request.responseFormat = toCanonicalFormat(wire.text.format);
  if (wire.text?.verbosity != null) elsewhere.push('text.verbosity');
  if (wire.max_output_tokens != null) request.maxTokens = wire.max_output_tokens;
  if (wire.temperature != null) request.temperature = wire.temperature;
  if (wire.top_p != null) request.topP = wire.top_p;
  if (wire.reasoning?.effort != null) request.reasoningEffort = wire.reasoning.effort;
  if (wire.metadata) request.metadata = wire.metadata;
  if (wire.parallel_tool_calls != null) request.parallelToolCalls = wire.parallel_tool_calls;
  const user = wire.user ?? wire.safety_identifier;
  if (user !== undefined) request.user = user;
  if (wire.service_tier != null) request.serviceTier = wire.service_tier;
  if (wire.truncation === 'auto') elsewhere.push('truncation');
  request.native = { protocol: 'openai-responses', body: body as Record<string, unknown>, passed: tolerance.passed, messages: request.messages, tools: request.tools, knownElsewhere: elsewhere };

  return {
    request,
    input,
    inputMessages,
    previousResponseId: wire.previous_response_id ?? undefined,
    store: wire.store ?? true,
    echo: echoOf(wire, tools),
  };
}

type FunctionTool = z.infer<typeof functionTool>;

function echoOf(wire: ResponsesWire, tools: FunctionTool[]): ResponseEcho {
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

/** A function tool, validated; any other type is set aside (a hosted tool, `custom`, `namespace`, …). */
function parseTool(tool: unknown, index: number, tolerance: Tolerance): FunctionTool | undefined {
  const type = typeof tool === 'object' && tool !== null ? (tool as { type?: unknown }).type : undefined;
  if (typeof type !== 'string') throw new GatewayError('missing_parameter', `Every tool needs a type; tools[${index}] has none.`, { param: `tools[${index}].type` });
  if (type !== 'function') {
    setAside(
      tolerance,
      ['tools', index],
      tool,
      () =>
        new GatewayError('invalid_request', `Tool type '${type}' is not supported: Switchyard serves function tools ({"type": "function", "name", "parameters"}) with any model ${STRICT_NOTE}.`, {
          param: `tools[${index}].type`,
        }),
    );
    return undefined;
  }
  const parsed = functionTool.safeParse(tool);
  if (!parsed.success) throw validationError(prefixed(parsed.error, ['tools', index]));
  for (const [key, value] of Object.entries(tool as Record<string, unknown>)) {
    if (key in functionTool.shape) continue;
    setAside(tolerance, ['tools', index, key], value, () => new GatewayError('unknown_parameter', `Unrecognized request argument supplied: tools[${index}].${key} ${STRICT_NOTE}`, { param: `tools[${index}].${key}` }));
  }
  return parsed.data;
}

function toCanonicalTool(tool: FunctionTool): ToolDefinition {
  const definition: ToolDefinition = { name: tool.name };
  if (tool.description != null) definition.description = tool.description;
  if (tool.parameters != null) definition.parameters = tool.parameters;
  if (tool.strict != null) definition.strict = tool.strict;
  return definition;
}

/** A function choice or a mode; the choice of another tool type (a hosted tool, `allowed_tools`) is set aside with its tools. */
function parseToolChoice(choice: unknown, tools: FunctionTool[], tolerance: Tolerance): ToolChoice | undefined {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (typeof choice === 'object' && choice !== null) {
    const { type, name } = choice as { type?: unknown; name?: unknown };
    if (type === 'function') {
      if (typeof name !== 'string' || name === '') throw new GatewayError('missing_parameter', "Missing required parameter: 'tool_choice.name'.", { param: 'tool_choice.name' });
      if (!tools.some((tool) => tool.name === name)) throw new GatewayError('invalid_request', `tool_choice names the function '${name}', which is not among the tools.`, { param: 'tool_choice.name' });
      return { name };
    }
    if (typeof type === 'string') {
      setAside(
        tolerance,
        ['tool_choice'],
        choice,
        () => new GatewayError('invalid_request', `tool_choice of type '${type}' is not supported: use 'auto', 'none', 'required' or {"type": "function", "name": …} ${STRICT_NOTE}.`, { param: 'tool_choice.type' }),
      );
      return undefined;
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

function normaliseItem(item: unknown, index: number, tolerance: Tolerance): InputItem {
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
      const content =
        typeof message.content === 'string'
          ? [partFor(message.role, message.content)]
          : message.content.map((part, partIndex) => normalisePart(message.role, part, ['input', index, 'content', partIndex], tolerance));
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
      if (typeof type !== 'string') throw new GatewayError('invalid_request', `Invalid value for '${param}.type': each input item needs a type; use one of ${ITEM_TYPES}.`, { param: `${param}.type` });
      // A new item type (a hosted tool's call, a custom tool's output…): kept as sent, for a Responses upstream.
      setAside(tolerance, ['input', index], item, () => new GatewayError('invalid_request', `Invalid value for '${param}.type': input item type '${type}' is not supported; use one of ${ITEM_TYPES} ${STRICT_NOTE}.`, { param: `${param}.type` }));
      const kept = item as Record<string, unknown>;
      return { ...kept, id: typeof kept.id === 'string' ? kept.id : newItemId('item'), type };
    }
  }
}

function partFor(role: string, text: string): Record<string, unknown> {
  return role === 'assistant' ? { type: 'output_text', text, annotations: [] } : { type: 'input_text', text };
}

/** Text and image parts normalised; a part of another type is kept as sent, for a Responses upstream. */
function normalisePart(role: string, part: unknown, path: WirePath, tolerance: Tolerance): Record<string, unknown> {
  const param = wirePathName(path);
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
  } else {
    if (type === 'input_text') return { type: 'input_text', text: parse(inputText).text };
    if (type === 'input_image') {
      const image = parse(inputImage);
      if (!image.image_url) {
        throw new GatewayError('invalid_request', `Images by file_id are not supported (no Files API for images here); send image_url as a URL or a data: URL.`, { param: `${param}.image_url` });
      }
      return { type: 'input_image', image_url: image.image_url, detail: image.detail ?? 'auto' };
    }
  }
  if (typeof type !== 'string') throw new GatewayError('invalid_request', `Invalid value for '${param}.type': every content part needs a type.`, { param: `${param}.type` });
  const expected = role === 'assistant' ? 'output_text or refusal' : 'input_text or input_image';
  setAside(tolerance, path, part, () => new GatewayError('invalid_request', `Content parts of type '${type}' are not supported in a ${role} message; send ${expected} ${STRICT_NOTE}.`, { param: `${param}.type` }));
  return part as Record<string, unknown>;
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
 * one), as every chat protocol wants the calls of one turn together; reasoning items and
 * items of other types have no canonical form (a Responses upstream gets them from native).
 */
export function itemsToMessages(items: readonly InputItem[]): Message[] {
  const messages: Message[] = [];
  for (const item of items) {
    const last = messages[messages.length - 1];
    switch (item.type) {
      case 'message': {
        const role = item.role as Message['role'];
        const parts = item.content as Record<string, unknown>[];
        if (role === 'assistant') {
          const text = parts.map((part) => (part.type === 'output_text' ? (part.text as string) : part.type === 'refusal' ? (part.refusal as string) : '')).join('');
          messages.push({ role: 'assistant', content: text });
          break;
        }
        // Parts of other types were set aside for a Responses upstream (request.native).
        const content: ContentPart[] = parts
          .filter((part) => part.type === 'input_text' || part.type === 'input_image')
          .map((part) =>
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
    }
  }
  return messages;
}
