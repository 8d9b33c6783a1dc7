/**
 * Anthropic Messages requests (POST /v1/messages) → the canonical ChatRequest, so Claude
 * clients (the Anthropic SDK, Claude Code) can be served by any model. Read tolerantly
 * (see tolerant-reader.ts): fields we do not model, new block and tool types and new values
 * of `thinking`, `tool_choice` and `service_tier` go unchanged to an Anthropic upstream, and
 * are dropped with a warning (x-switchyard-warnings) by any other, never silently.
 */
import { z } from 'zod';
import type { ChatRequest, ContentPart, Message, ToolChoice } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { readTolerantly, type PathPattern } from '../tolerant-reader.js';

/** Where a new type or value sets the node aside instead of failing (see tolerant-reader.ts). */
const OPEN_VALUES: PathPattern[] = [
  ['thinking'],
  ['tool_choice'],
  ['service_tier'],
  ['tools', '*'],
  ['messages', '*', 'content', '*'],
  ['messages', '*', 'content', '*', 'content', '*'],
  ['system', '*'],
];

export interface ParseOptions {
  /** server.strict_params: refuse unknown fields and values with a 400. */
  strict?: boolean;
}

const cacheControl = z.strictObject({ type: z.literal('ephemeral'), ttl: z.string().optional() }).optional();

const textBlock = z.strictObject({ type: z.literal('text'), text: z.string(), cache_control: cacheControl, citations: z.array(z.unknown()).nullable().optional() });
const imageBlock = z.strictObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('base64'), media_type: z.string().regex(/^image\//, 'media_type must be an image type'), data: z.string().min(1) }),
    z.strictObject({ type: z.literal('url'), url: z.string().min(1) }),
  ]),
  cache_control: cacheControl,
});
const toolUseBlock = z.strictObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});
const toolResultBlock = z.strictObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});
const thinkingBlock = z.strictObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() });
const redactedThinkingBlock = z.strictObject({ type: z.literal('redacted_thinking'), data: z.string() });

const messageSchema = z.strictObject({
  /** `system`: an instruction mid-conversation (Claude Code sends its reminders so to models other than Claude). */
  role: z.enum(['user', 'assistant', 'system']),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock, toolUseBlock, toolResultBlock, thinkingBlock, redactedThinkingBlock]))]),
});

const toolSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'tool names are 1-128 letters, digits, _ or -'),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
  type: z.literal('custom').optional(),
  cache_control: cacheControl,
});

export const anthropicMessagesRequestSchema = z.strictObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(messageSchema).min(1, 'messages must contain at least one message'),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  metadata: z.strictObject({ user_id: z.string().nullable().optional() }).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().nonnegative().optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
      z.strictObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
      z.strictObject({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
      z.strictObject({ type: z.literal('none') }),
    ])
    .optional(),
  thinking: z
    .discriminatedUnion('type', [z.strictObject({ type: z.literal('enabled'), budget_tokens: z.number().int().positive() }), z.strictObject({ type: z.literal('disabled') })])
    .optional(),
  service_tier: z.enum(['auto', 'standard_only']).optional(),
});

type AnthropicRequest = z.infer<typeof anthropicMessagesRequestSchema>;
type AnthropicMessage = AnthropicRequest['messages'][number];
type ImageBlock = z.infer<typeof imageBlock>;

function imagePart(block: ImageBlock): ContentPart {
  return { type: 'image', url: block.source.type === 'base64' ? `data:${block.source.media_type};base64,${block.source.data}` : block.source.url };
}

function textOfBlocks(blocks: { type: string; text?: string }[]): string {
  return blocks.map((block) => block.text ?? '').join('\n');
}

/** One Anthropic turn can become several canonical messages: tool results are their own turns. */
function toCanonicalMessages(message: AnthropicMessage, index: number): Message[] {
  if (typeof message.content === 'string') return [{ role: message.role, content: message.content }];
  if (message.role === 'system') {
    const blocks = message.content;
    const nonText = blocks.findIndex((block) => block.type !== 'text');
    if (nonText >= 0) throw new GatewayError('invalid_request', 'A system message may contain only text blocks.', { param: `messages[${index}].content[${nonText}].type` });
    return [{ role: 'system', content: textOfBlocks(blocks as { type: string; text?: string }[]) }];
  }
  if (message.role === 'assistant') {
    const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
    const toolCalls = message.content.flatMap((block) => (block.type === 'tool_use' ? [{ id: block.id, name: block.name, arguments: JSON.stringify(block.input) }] : []));
    const result: Message = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
    if (toolCalls.length) result.toolCalls = toolCalls;
    return [result];
  }
  const out: Message[] = [];
  const parts: ContentPart[] = [];
  message.content.forEach((block, blockIndex) => {
    if (block.type === 'tool_result') {
      const content = block.content === undefined ? '' : typeof block.content === 'string' ? block.content : block.content;
      if (Array.isArray(content) && content.some((part) => part.type === 'image')) {
        throw new GatewayError('invalid_request', 'Images inside tool_result blocks are not supported yet.', { param: `messages[${index}].content[${blockIndex}].content` });
      }
      const text = typeof content === 'string' ? content : textOfBlocks(content);
      out.push({ role: 'tool', content: block.is_error ? `Error: ${text}` : text, toolCallId: block.tool_use_id });
    } else if (block.type === 'text') parts.push({ type: 'text', text: block.text });
    else if (block.type === 'image') parts.push(imagePart(block));
    else throw new GatewayError('invalid_request', `A user message cannot contain a ${block.type} block.`, { param: `messages[${index}].content[${blockIndex}].type` });
  });
  if (parts.length > 0) {
    const onlyText = parts.every((part) => part.type === 'text');
    out.push({ role: 'user', content: onlyText ? parts.map((part) => (part as { text: string }).text).join('\n') : parts });
  }
  return out;
}

function toolChoiceOf(choice: NonNullable<AnthropicRequest['tool_choice']>): ToolChoice {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { name: choice.name };
  }
}

export function parseAnthropicMessagesRequest(body: unknown, options: ParseOptions = {}): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  const { data: wire, passed } = readTolerantly(anthropicMessagesRequestSchema, body as Record<string, unknown>, { strict: options.strict ?? false, openValues: OPEN_VALUES });
  const messages: Message[] = [];
  if (wire.system !== undefined) {
    const system = typeof wire.system === 'string' ? wire.system : textOfBlocks(wire.system);
    if (system !== '') messages.push({ role: 'system', content: system });
  }
  wire.messages.forEach((message, index) => messages.push(...toCanonicalMessages(message, index)));
  const request: ChatRequest = { model: wire.model, messages, stream: wire.stream ?? false, includeUsage: true, maxTokens: wire.max_tokens };
  const elsewhere: string[] = [];
  if (wire.tools) request.tools = wire.tools.map((tool) => ({ name: tool.name, parameters: tool.input_schema, ...(tool.description !== undefined ? { description: tool.description } : {}) }));
  if (wire.tool_choice) {
    request.toolChoice = toolChoiceOf(wire.tool_choice);
    if ('disable_parallel_tool_use' in wire.tool_choice && wire.tool_choice.disable_parallel_tool_use) request.parallelToolCalls = false;
  }
  if (wire.stop_sequences?.length) request.stop = wire.stop_sequences;
  if (wire.temperature !== undefined) request.temperature = wire.temperature;
  if (wire.top_p !== undefined) request.topP = wire.top_p;
  if (wire.metadata?.user_id) request.user = wire.metadata.user_id;
  // An Anthropic upstream gets these as sent (request.native); the others map what they have an equivalent for.
  if (wire.top_k !== undefined) request.topK = wire.top_k;
  if (wire.thinking !== undefined) request.thinking = wire.thinking.type === 'enabled' ? { type: 'enabled', budgetTokens: wire.thinking.budget_tokens } : { type: 'disabled' };
  // Anthropic's tiers in OpenAI's words: auto is auto, standard_only is default.
  if (wire.service_tier !== undefined) request.serviceTier = wire.service_tier === 'standard_only' ? 'default' : 'auto';
  if (usesCacheControl(wire)) elsewhere.push('cache_control');
  request.native = { protocol: 'anthropic-messages', body: body as Record<string, unknown>, passed, messages, tools: request.tools, knownElsewhere: elsewhere };
  return request;
}

function usesCacheControl(wire: AnthropicRequest): boolean {
  const marked = (block: { cache_control?: unknown }): boolean => block.cache_control !== undefined;
  if (Array.isArray(wire.system) && wire.system.some(marked)) return true;
  if (wire.tools?.some(marked)) return true;
  return wire.messages.some((message) => Array.isArray(message.content) && message.content.some((block) => 'cache_control' in block && block.cache_control !== undefined));
}

/**
 * A /v1/messages/count_tokens body: a Messages request without max_tokens (the count is of
 * the prompt alone), validated the same way.
 */
export function parseAnthropicCountTokensRequest(body: unknown): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  const request = parseAnthropicMessagesRequest({ max_tokens: 1, ...body });
  delete request.maxTokens;
  return request;
}
