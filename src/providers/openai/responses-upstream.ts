/**
 * OpenAI's Responses API as an upstream wire format (provider `api: responses`): the
 * canonical request → a /v1/responses body, and Response objects and stream events →
 * canonical answers and stream parts. Lenient when reading (only what we need; unknown
 * event types and item types, such as reasoning, are skipped), exact when writing.
 */
import { z } from 'zod';
import type { ChatRequest, ChatResponse, ContentPart, FinishReason, Message, StreamPart, Usage } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { usageWith } from '../../core/usage.js';
import { requestedEffort } from '../../core/reasoning.js';

function contentParts(message: Message, role: string): unknown[] {
  const parts: ContentPart[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : (message.content ?? []);
  return parts.map((part) =>
    part.type === 'text'
      ? { type: role === 'assistant' ? 'output_text' : 'input_text', text: part.text }
      : { type: 'input_image', image_url: part.url, detail: part.detail ?? 'auto' },
  );
}

/** Canonical messages → Responses input items (system and developer turns stay input messages, in place). */
export function toResponsesInput(messages: readonly Message[]): unknown[] {
  const input: unknown[] = [];
  for (const message of messages) {
    if (message.role === 'tool') {
      const output = typeof message.content === 'string' ? message.content : (message.content ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('');
      input.push({ type: 'function_call_output', call_id: message.toolCallId ?? '', output });
      continue;
    }
    const hasContent = typeof message.content === 'string' ? message.content !== '' || !message.toolCalls?.length : (message.content?.length ?? 0) > 0;
    if (hasContent) input.push({ type: 'message', role: message.role, content: contentParts(message, message.role) });
    for (const call of message.toolCalls ?? []) input.push({ type: 'function_call', call_id: call.id, name: call.name, arguments: call.arguments });
  }
  return input;
}

export function toResponsesBody(request: ChatRequest, upstreamModel: string): Record<string, unknown> {
  const body: Record<string, unknown> = { model: upstreamModel, input: toResponsesInput(request.messages), store: request.store ?? false };
  if (request.stream) body.stream = true;
  if (request.tools) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      parameters: tool.parameters ?? { type: 'object', properties: {} },
      // The Responses API defaults to strict; a canonical tool is strict only when asked.
      strict: tool.strict ?? false,
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = typeof request.toolChoice === 'string' ? request.toolChoice : { type: 'function', name: request.toolChoice.name };
  const format = request.responseFormat;
  if (format) {
    body.text = {
      format:
        format.type === 'json_schema'
          ? { type: 'json_schema', name: format.name, schema: format.schema, ...(format.strict !== undefined ? { strict: format.strict } : {}), ...(format.description !== undefined ? { description: format.description } : {}) }
          : { type: format.type },
    };
  }
  const optional: Record<string, unknown> = {
    max_output_tokens: request.maxTokens,
    temperature: request.temperature,
    top_p: request.topP,
    parallel_tool_calls: request.parallelToolCalls,
    metadata: request.metadata,
    user: request.user,
    service_tier: request.serviceTier,
    top_logprobs: request.topLogprobs,
    reasoning: requestedEffort(request) !== undefined ? { effort: requestedEffort(request) } : undefined,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) body[key] = value;
  return body;
}

/** The top-level fields the canonical body sets itself, or that only the client's messages and tools decide. */
const STRUCTURAL = new Set(['model', 'stream', 'input', 'instructions', 'tools', 'tool_choice', 'previous_response_id', 'store']);

/**
 * A Responses client's request to a Responses upstream: the canonical body, with the client's
 * own input items and instructions (reasoning items with their encrypted content, items and
 * parts of new types) while no guard or recovery step replaced the messages, its own tools
 * (hosted ones, `namespace`, `custom`) while the tools are still its own, and every other
 * field it sent that the canonical body lacks (`include`, `prompt_cache_key`,
 * `client_metadata`, …). Object fields the canonical body also sets (`reasoning`, `text`,
 * `metadata`) are merged, canonical values winning. The gateway keeps stored responses
 * itself, so the upstream is never asked to (store: false, no previous_response_id).
 */
export function withNativeResponsesFields(body: Record<string, unknown>, request: ChatRequest): Record<string, unknown> {
  const native = request.native;
  if (native?.protocol !== 'openai-responses') return body;
  const sent = native.body;
  if (request.messages === native.messages) {
    body.input = sent.input;
    if (typeof sent.instructions === 'string' && sent.instructions !== '') body.instructions = sent.instructions;
  }
  if (request.tools === native.tools && request.responseFormat?.type !== 'json_schema') {
    if (sent.tools !== undefined) body.tools = sent.tools;
    if (sent.tool_choice !== undefined) body.tool_choice = sent.tool_choice;
  }
  for (const [key, value] of Object.entries(sent)) {
    if (STRUCTURAL.has(key) || value === undefined) continue;
    const own = body[key];
    if (isPlainObject(own) && isPlainObject(value)) body[key] = { ...value, ...own };
    else if (!(key in body)) body[key] = value;
  }
  return body;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Settings the Responses API has no field for. */
export function responsesUnsupported(request: ChatRequest, provider: string): string[] {
  if (request.n !== undefined && request.n > 1) throw new GatewayError('invalid_request', `n > 1 cannot be served by ${provider}: its Responses API returns one answer per request.`, { param: 'n' });
  if (request.stop?.length) throw new GatewayError('invalid_request', `stop sequences cannot be served by ${provider}: its Responses API has no stop parameter.`, { param: 'stop' });
  const warnings: string[] = [];
  for (const [field, value] of [
    ['seed', request.seed],
    ['presence_penalty', request.presencePenalty],
    ['frequency_penalty', request.frequencyPenalty],
    ['logit_bias', request.logitBias],
    ['logprobs', request.logprobs],
    ['top_k', request.topK],
  ] as const) {
    if (value !== undefined) warnings.push(`${field} dropped: ${provider} speaks the Responses API, which has no ${field}`);
  }
  return warnings;
}

// ---------- reading ----------

const usageSchema = z
  .object({
    input_tokens: z.number().nullish(),
    output_tokens: z.number().nullish(),
    input_tokens_details: z.object({ cached_tokens: z.number().nullish() }).nullish(),
    output_tokens_details: z.object({ reasoning_tokens: z.number().nullish() }).nullish(),
  })
  .nullish();

const itemSchema = z.looseObject({
  type: z.string(),
  id: z.string().nullish(),
  content: z.array(z.looseObject({ type: z.string(), text: z.string().nullish(), refusal: z.string().nullish() })).nullish(),
  call_id: z.string().nullish(),
  name: z.string().nullish(),
  arguments: z.string().nullish(),
});

const responseSchema = z.looseObject({
  id: z.string().nullish(),
  model: z.string().nullish(),
  created_at: z.number().nullish(),
  status: z.string().nullish(),
  incomplete_details: z.object({ reason: z.string().nullish() }).nullish(),
  error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
  output: z.array(itemSchema).nullish(),
  usage: usageSchema,
});

type WireResponse = z.infer<typeof responseSchema>;

function readUsage(usage: z.infer<typeof usageSchema>): Usage | undefined {
  if (!usage || (usage.input_tokens == null && usage.output_tokens == null)) return undefined;
  return usageWith(usage.input_tokens ?? 0, usage.output_tokens ?? 0, {
    cachedInputTokens: usage.input_tokens_details?.cached_tokens,
    reasoningTokens: usage.output_tokens_details?.reasoning_tokens,
  });
}

function finishOf(response: WireResponse, toolCalls: number): FinishReason {
  if (response.status === 'incomplete') return response.incomplete_details?.reason === 'content_filter' ? 'content_filter' : 'length';
  return toolCalls > 0 ? 'tool_calls' : 'stop';
}

function parseResponse(body: unknown): WireResponse {
  const parsed = responseSchema.safeParse(body);
  if (!parsed.success) throw new GatewayError('upstream_bad_response', `upstream answered with a malformed response object (${parsed.error.issues[0]?.message ?? 'unknown shape'})`);
  return parsed.data;
}

export function parseResponsesAnswer(body: unknown, fallbackModel: string, provider: string): ChatResponse {
  const wire = parseResponse(body);
  if (wire.status === 'failed') throw new GatewayError('upstream_error', `provider ${provider} failed the response: ${wire.error?.message ?? 'unknown error'}`);
  let text = '';
  let refusal = '';
  const toolCalls: ChatResponse['choices'][number]['toolCalls'] = [];
  for (const item of wire.output ?? []) {
    if (item.type === 'message') {
      for (const part of item.content ?? []) {
        if (part.type === 'output_text') text += part.text ?? '';
        else if (part.type === 'refusal') refusal += part.refusal ?? '';
      }
    } else if (item.type === 'function_call') toolCalls.push({ id: item.call_id ?? item.id ?? '', name: item.name ?? '', arguments: item.arguments ?? '' });
  }
  const response: ChatResponse = {
    model: wire.model ?? fallbackModel,
    created: wire.created_at ?? Math.floor(Date.now() / 1000),
    choices: [{ index: 0, text: text === '' && toolCalls.length > 0 ? null : text, refusal: refusal || null, toolCalls, finishReason: finishOf(wire, toolCalls.length) }],
  };
  if (wire.id) response.id = wire.id;
  const usage = readUsage(wire.usage);
  if (usage) response.usage = usage;
  return response;
}

/** Reads the events of one upstream Responses stream into parts; `done` once the response finished. */
export class ResponsesEventReader {
  done = false;
  private readonly toolIndexes = new Map<number, number>();

  constructor(
    private readonly fallbackModel: string,
    private readonly provider: string,
  ) {}

  read(data: unknown): StreamPart[] {
    if (typeof data !== 'object' || data === null) throw new GatewayError('upstream_bad_response', `provider ${this.provider} sent a stream event that is not an object`);
    const event = data as Record<string, unknown>;
    switch (event.type) {
      case 'response.created': {
        const response = parseResponse(event.response);
        return [{ type: 'start', ...(response.id ? { id: response.id } : {}), model: response.model ?? this.fallbackModel, created: response.created_at ?? Math.floor(Date.now() / 1000) }];
      }
      case 'response.output_text.delta':
        return typeof event.delta === 'string' && event.delta !== '' ? [{ type: 'text-delta', index: 0, text: event.delta }] : [];
      case 'response.refusal.delta':
        return typeof event.delta === 'string' && event.delta !== '' ? [{ type: 'refusal-delta', index: 0, text: event.delta }] : [];
      case 'response.output_item.added': {
        const item = itemSchema.safeParse(event.item);
        if (!item.success || item.data.type !== 'function_call') return [];
        const toolIndex = this.toolIndexes.size;
        this.toolIndexes.set(Number(event.output_index), toolIndex);
        const parts: StreamPart[] = [{ type: 'tool-call-start', index: 0, toolIndex, id: item.data.call_id ?? item.data.id ?? `call_${toolIndex}`, name: item.data.name ?? '' }];
        if (item.data.arguments) parts.push({ type: 'tool-call-delta', index: 0, toolIndex, argumentsDelta: item.data.arguments });
        return parts;
      }
      case 'response.function_call_arguments.delta': {
        const toolIndex = this.toolIndexes.get(Number(event.output_index));
        return toolIndex !== undefined && typeof event.delta === 'string' && event.delta !== '' ? [{ type: 'tool-call-delta', index: 0, toolIndex, argumentsDelta: event.delta }] : [];
      }
      case 'response.completed':
      case 'response.incomplete': {
        this.done = true;
        const response = parseResponse(event.response);
        const parts: StreamPart[] = [{ type: 'finish', index: 0, finishReason: finishOf(response, this.toolIndexes.size) }];
        const usage = readUsage(response.usage);
        if (usage) parts.push({ type: 'usage', usage });
        return parts;
      }
      case 'response.failed': {
        const response = parseResponse(event.response);
        throw new GatewayError('upstream_error', `provider ${this.provider} failed mid-stream: ${response.error?.message ?? 'unknown error'}`);
      }
      case 'error':
        throw new GatewayError('upstream_error', `provider ${this.provider} failed mid-stream: ${typeof event.message === 'string' ? event.message : 'unknown error'}`);
      default:
        return [];
    }
  }
}
