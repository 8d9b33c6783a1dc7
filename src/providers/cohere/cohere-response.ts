/**
 * Cohere Chat v2 responses and stream events → canonical. Usage is what Cohere bills
 * (usage.billed_units), which is what the price list applies to; the raw token counts
 * (usage.tokens, including Cohere's own prompt template) are the fallback.
 */
import { z } from 'zod';
import type { ChatResponse, FinishReason, StreamPart, ToolCall, Usage } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';

const tokenCounts = z.object({ input_tokens: z.number().nullish(), output_tokens: z.number().nullish() });
export const usageSchema = z.object({ billed_units: tokenCounts.nullish(), tokens: tokenCounts.nullish(), cached_tokens: z.number().nullish() });

const toolCallSchema = z.object({ id: z.string().nullish(), function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish() });

const responseSchema = z.object({
  id: z.string().nullish(),
  finish_reason: z.string().nullish(),
  message: z.object({
    content: z.array(z.object({ type: z.string(), text: z.string().nullish() })).nullish(),
    tool_calls: z.array(toolCallSchema).nullish(),
  }),
  usage: usageSchema.nullish(),
});

export function readUsage(usage: z.infer<typeof usageSchema> | null | undefined): Usage | undefined {
  if (!usage) return undefined;
  const billed = usage.billed_units;
  const inputTokens = billed?.input_tokens ?? usage.tokens?.input_tokens ?? 0;
  const result: Usage = { inputTokens, outputTokens: billed?.output_tokens ?? usage.tokens?.output_tokens ?? 0 };
  if (usage.cached_tokens) result.cachedInputTokens = Math.min(usage.cached_tokens, inputTokens);
  return result;
}

/** Cohere finish reasons; ERROR and TIMEOUT are failures, not finishes. */
export function mapFinishReason(reason: string | null | undefined, provider: string): FinishReason {
  switch (reason) {
    case 'MAX_TOKENS':
      return 'length';
    case 'TOOL_CALL':
      return 'tool_calls';
    case 'ERROR':
      throw new GatewayError('upstream_error', `provider ${provider} ended the answer with finish_reason ERROR`);
    case 'TIMEOUT':
      throw new GatewayError('upstream_timeout', `provider ${provider} timed out generating the answer (finish_reason TIMEOUT)`);
    default:
      return 'stop';
  }
}

export function parseCohereResponse(body: unknown, model: string, provider: string): ChatResponse {
  const parsed = responseSchema.safeParse(body);
  if (!parsed.success) throw new GatewayError('upstream_bad_response', `provider ${provider} answered with a malformed Cohere chat response (${parsed.error.issues[0]?.message ?? 'unknown shape'})`);
  const wire = parsed.data;
  const text = (wire.message.content ?? []).map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');
  const toolCalls: ToolCall[] = (wire.message.tool_calls ?? []).map((call, index) => ({ id: call.id ?? `call_${index}`, name: call.function?.name ?? '', arguments: call.function?.arguments ?? '{}' }));
  const response: ChatResponse = {
    model,
    created: Math.floor(Date.now() / 1000),
    choices: [{ index: 0, text: text === '' && toolCalls.length ? null : text, toolCalls, finishReason: mapFinishReason(wire.finish_reason, provider) }],
  };
  if (wire.id) response.id = wire.id;
  const usage = readUsage(wire.usage);
  if (usage) response.usage = usage;
  return response;
}

const eventSchema = z.object({
  type: z.string(),
  id: z.string().nullish(),
  index: z.number().nullish(),
  delta: z
    .object({
      message: z
        .object({
          // Objects in deltas; message-start carries empty lists instead.
          content: z.union([z.object({ type: z.string().nullish(), text: z.string().nullish() }), z.array(z.unknown())]).nullish(),
          tool_calls: z.union([z.object({ id: z.string().nullish(), function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish() }), z.array(z.unknown())]).nullish(),
        })
        .nullish(),
      finish_reason: z.string().nullish(),
      usage: usageSchema.nullish(),
      error: z.string().nullish(),
    })
    .nullish(),
});

/** Reads one Chat v2 stream; complete once message-end arrived. */
export class CohereEventReader {
  complete = false;
  private readonly tools = new Map<number, number>();
  private thinking = new Set<number>();

  constructor(
    private readonly model: string,
    private readonly provider: string,
  ) {}

  read(data: unknown): StreamPart[] {
    const parsed = eventSchema.safeParse(data);
    if (!parsed.success) throw new GatewayError('upstream_bad_response', `provider ${this.provider} sent a malformed stream event`);
    const event = parsed.data;
    const index = event.index ?? 0;
    const delta = event.delta?.message;
    const message = { content: Array.isArray(delta?.content) ? undefined : delta?.content, tool_calls: Array.isArray(delta?.tool_calls) ? undefined : delta?.tool_calls };
    switch (event.type) {
      case 'message-start':
        return [{ type: 'start', ...(event.id ? { id: event.id } : {}), model: this.model, created: Math.floor(Date.now() / 1000) }];
      case 'content-start':
        if (message?.content?.type === 'thinking') this.thinking.add(index);
        return message?.content?.text && !this.thinking.has(index) ? [{ type: 'text-delta', index: 0, text: message.content.text }] : [];
      case 'content-delta':
        return message?.content?.text && !this.thinking.has(index) ? [{ type: 'text-delta', index: 0, text: message.content.text }] : [];
      case 'tool-call-start': {
        const toolIndex = this.tools.size;
        this.tools.set(index, toolIndex);
        const call = message?.tool_calls;
        const parts: StreamPart[] = [{ type: 'tool-call-start', index: 0, toolIndex, id: call?.id ?? `call_${toolIndex}`, name: call?.function?.name ?? '' }];
        if (call?.function?.arguments) parts.push({ type: 'tool-call-delta', index: 0, toolIndex, argumentsDelta: call.function.arguments });
        return parts;
      }
      case 'tool-call-delta': {
        const toolIndex = this.tools.get(index);
        const argumentsDelta = message?.tool_calls?.function?.arguments;
        return toolIndex !== undefined && argumentsDelta ? [{ type: 'tool-call-delta', index: 0, toolIndex, argumentsDelta }] : [];
      }
      case 'message-end': {
        this.complete = true;
        const parts: StreamPart[] = [{ type: 'finish', index: 0, finishReason: mapFinishReason(event.delta?.finish_reason, this.provider) }];
        const usage = readUsage(event.delta?.usage);
        if (usage) parts.push({ type: 'usage', usage });
        return parts;
      }
      default:
        return []; // content-end, tool-plan-delta, tool-call-end, citations, and later event types
    }
  }
}
