/**
 * Anthropic Messages responses and stream events → canonical (lenient: only what we
 * need is validated). With json_schema output, the forced tool's input is the answer
 * and becomes plain text.
 */
import { z } from 'zod';
import type { ChatResponse, FinishReason, PromptUsage, ReasoningBlock, StreamPart, ToolCall, Usage } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { usageWith } from '../../core/usage.js';

const usageSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  /** The cache writes by lifetime; without it every write counts as a 5-minute one (Anthropic's default). */
  cache_creation: z.object({ ephemeral_5m_input_tokens: z.number().nullish(), ephemeral_1h_input_tokens: z.number().nullish() }).nullish(),
  /** Thinking tokens, part of output_tokens (newer API versions). */
  output_tokens_details: z.object({ thinking_tokens: z.number().nullish() }).nullish(),
});

const messageSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  content: z.array(
    z.object({
      type: z.string(),
      text: z.string().nullish(),
      id: z.string().nullish(),
      name: z.string().nullish(),
      input: z.unknown().optional(),
      thinking: z.string().nullish(),
      signature: z.string().nullish(),
      data: z.string().nullish(),
    }),
  ),
  stop_reason: z.string().nullish(),
  usage: usageSchema.nullish(),
});

export function mapStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** The input classes of a usage: what message_start can tell before any output. */
function promptOf(usage: Usage): PromptUsage {
  const { outputTokens: _output, reasoningTokens: _reasoning, ...prompt } = usage;
  return prompt;
}

/**
 * Anthropic reports cache reads and writes apart from input_tokens; canonical input is the
 * total. Thinking is part of output_tokens (counted apart in output_tokens_details when the
 * API says so).
 */
export function readUsage(usage: z.infer<typeof usageSchema> | null | undefined): Usage {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const written = usage?.cache_creation_input_tokens ?? 0;
  const oneHour = Math.min(usage?.cache_creation?.ephemeral_1h_input_tokens ?? 0, written);
  return usageWith((usage?.input_tokens ?? 0) + written + cacheRead, usage?.output_tokens ?? 0, {
    cachedInputTokens: cacheRead,
    cacheWrite5mTokens: written - oneHour,
    cacheWrite1hTokens: oneHour,
    reasoningTokens: usage?.output_tokens_details?.thinking_tokens,
  });
}

export function parseAnthropicMessage(body: unknown, fallbackModel: string, jsonTool: string | undefined): ChatResponse {
  const parsed = messageSchema.safeParse(body);
  if (!parsed.success) throw new GatewayError('upstream_bad_response', `upstream answered with a malformed Anthropic message (${parsed.error.issues[0]?.message ?? 'unknown shape'})`);
  const message = parsed.data;
  let text = '';
  const toolCalls: ToolCall[] = [];
  const reasoning: ReasoningBlock[] = [];
  for (const block of message.content) {
    if (block.type === 'thinking') reasoning.push({ type: 'thinking', text: block.thinking ?? '', ...(block.signature ? { signature: block.signature } : {}) });
    else if (block.type === 'redacted_thinking') reasoning.push({ type: 'redacted', data: block.data ?? '' });
    else if (block.type === 'text') text += block.text ?? '';
    else if (block.type === 'tool_use' && jsonTool && block.name === jsonTool) text += JSON.stringify(block.input ?? {});
    else if (block.type === 'tool_use') toolCalls.push({ id: block.id ?? `toolu_${toolCalls.length}`, name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) });
  }
  let finishReason = mapStopReason(message.stop_reason);
  if (jsonTool && finishReason === 'tool_calls' && toolCalls.length === 0) finishReason = 'stop';
  const response: ChatResponse = {
    model: message.model ?? fallbackModel,
    created: Math.floor(Date.now() / 1000),
    choices: [{ index: 0, text: text === '' && toolCalls.length ? null : text, toolCalls, finishReason, ...(reasoning.length ? { reasoning } : {}) }],
    usage: readUsage(message.usage),
  };
  if (message.id) response.id = message.id;
  return response;
}

const eventSchema = z.object({
  type: z.string(),
  message: z.object({ id: z.string().nullish(), model: z.string().nullish(), usage: usageSchema.nullish() }).nullish(),
  index: z.number().nullish(),
  content_block: z.object({ type: z.string(), id: z.string().nullish(), name: z.string().nullish(), data: z.string().nullish() }).nullish(),
  delta: z
    .object({
      type: z.string().nullish(),
      text: z.string().nullish(),
      partial_json: z.string().nullish(),
      stop_reason: z.string().nullish(),
      thinking: z.string().nullish(),
      signature: z.string().nullish(),
    })
    .nullish(),
  usage: usageSchema.nullish(),
  error: z.object({ type: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

/** Reads the events of one stream into parts; complete only once message_stop arrived. */
export class AnthropicEventReader {
  complete = false;
  private usage: z.infer<typeof usageSchema> = {};
  private readonly toolBlocks = new Map<number, number>();
  private jsonBlocks = new Set<number>();

  constructor(
    private readonly fallbackModel: string,
    private readonly jsonTool: string | undefined,
  ) {}

  read(data: unknown, provider: string): StreamPart[] {
    const parsed = eventSchema.safeParse(data);
    if (!parsed.success) throw new GatewayError('upstream_bad_response', `provider ${provider} sent a malformed stream event`);
    const event = parsed.data;
    const index = event.index ?? 0;
    switch (event.type) {
      case 'message_start':
        this.usage = { ...(event.message?.usage ?? {}) };
        return [
          {
            type: 'start',
            ...(event.message?.id ? { id: event.message.id } : {}),
            model: event.message?.model ?? this.fallbackModel,
            created: Math.floor(Date.now() / 1000),
            ...(typeof event.message?.usage?.input_tokens === 'number' ? { prompt: promptOf(readUsage(event.message.usage)) } : {}),
          },
        ];
      case 'content_block_start': {
        const block = event.content_block;
        if (block?.type === 'redacted_thinking') return [{ type: 'reasoning-redacted', index: 0, data: block.data ?? '' }];
        if (block?.type !== 'tool_use') return [];
        if (this.jsonTool && block.name === this.jsonTool) {
          this.jsonBlocks.add(index);
          return [];
        }
        const toolIndex = this.toolBlocks.size;
        this.toolBlocks.set(index, toolIndex);
        return [{ type: 'tool-call-start', index: 0, toolIndex, id: block.id ?? `toolu_${toolIndex}`, name: block.name ?? '' }];
      }
      case 'content_block_delta': {
        const delta = event.delta;
        if (delta?.type === 'text_delta' && delta.text) return [{ type: 'text-delta', index: 0, text: delta.text }];
        if (delta?.type === 'input_json_delta' && delta.partial_json) {
          if (this.jsonBlocks.has(index)) return [{ type: 'text-delta', index: 0, text: delta.partial_json }];
          const toolIndex = this.toolBlocks.get(index);
          return toolIndex === undefined ? [] : [{ type: 'tool-call-delta', index: 0, toolIndex, argumentsDelta: delta.partial_json }];
        }
        if (delta?.type === 'thinking_delta' && delta.thinking) return [{ type: 'reasoning-delta', index: 0, text: delta.thinking }];
        if (delta?.type === 'signature_delta' && delta.signature) return [{ type: 'reasoning-signature', index: 0, signature: delta.signature }];
        return [];
      }
      case 'message_delta': {
        if (event.usage) this.usage = { ...this.usage, ...Object.fromEntries(Object.entries(event.usage).filter(([, value]) => value != null)) };
        if (!event.delta?.stop_reason) return [];
        let finishReason = mapStopReason(event.delta.stop_reason);
        if (finishReason === 'tool_calls' && this.toolBlocks.size === 0 && this.jsonBlocks.size > 0) finishReason = 'stop';
        return [{ type: 'finish', index: 0, finishReason }];
      }
      case 'message_stop':
        this.complete = true;
        return [{ type: 'usage', usage: readUsage(this.usage) }];
      case 'error': {
        const type = event.error?.type ?? 'api_error';
        throw new GatewayError('upstream_error', `provider ${provider} failed mid-stream (${type}): ${event.error?.message ?? 'no message'}`, {
          upstreamStatus: type === 'overloaded_error' ? 529 : 500,
        });
      }
      default:
        return []; // ping, content_block_stop, and event types added later
    }
  }
}
