/**
 * Bedrock Converse answers and ConverseStream events → canonical. Usage splits cached
 * input out (cacheReadInputTokens → cached input, cacheWriteInputTokens → five-minute cache
 * writes); canonical input is the total.
 * A guardrail intervention or a content filter ends the answer as content_filter.
 */
import { z } from 'zod';
import type { ChatResponse, FinishReason, StreamPart, ToolCall, Usage } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';

const usageSchema = z.object({
  inputTokens: z.number().nullish(),
  outputTokens: z.number().nullish(),
  cacheReadInputTokens: z.number().nullish(),
  cacheWriteInputTokens: z.number().nullish(),
});

const contentBlock = z.object({
  text: z.string().nullish(),
  toolUse: z.object({ toolUseId: z.string().nullish(), name: z.string(), input: z.unknown().optional() }).nullish(),
});

const converseSchema = z.object({
  output: z.object({ message: z.object({ content: z.array(contentBlock) }).nullish() }),
  stopReason: z.string().nullish(),
  usage: usageSchema.nullish(),
});

export function readUsage(usage: z.infer<typeof usageSchema> | null | undefined): Usage | undefined {
  if (!usage) return undefined;
  const cacheRead = usage.cacheReadInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteInputTokens ?? 0;
  const result: Usage = { inputTokens: (usage.inputTokens ?? 0) + cacheRead + cacheWrite, outputTokens: usage.outputTokens ?? 0 };
  if (cacheRead) result.cachedInputTokens = cacheRead;
  // Bedrock's cache points default to a five-minute lifetime, and its usage does not split writes by lifetime.
  if (cacheWrite) result.cacheWrite5mTokens = cacheWrite;
  return result;
}

export function mapStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    default:
      return 'stop';
  }
}

export function parseConverseResponse(body: unknown, model: string, provider: string): ChatResponse {
  const parsed = converseSchema.safeParse(body);
  if (!parsed.success) throw new GatewayError('upstream_bad_response', `provider ${provider} answered with a malformed Converse response (${parsed.error.issues[0]?.message ?? 'unknown shape'})`);
  const wire = parsed.data;
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of wire.output.message?.content ?? []) {
    if (typeof block.text === 'string') text += block.text;
    if (block.toolUse) toolCalls.push({ id: block.toolUse.toolUseId ?? `tooluse_${toolCalls.length}`, name: block.toolUse.name, arguments: JSON.stringify(block.toolUse.input ?? {}) });
  }
  const response: ChatResponse = {
    model,
    created: Math.floor(Date.now() / 1000),
    choices: [{ index: 0, text: text === '' && toolCalls.length ? null : text, toolCalls, finishReason: mapStopReason(wire.stopReason) }],
  };
  const usage = readUsage(wire.usage);
  if (usage) response.usage = usage;
  return response;
}

const eventSchema = z.object({
  contentBlockIndex: z.number().nullish(),
  start: z.object({ toolUse: z.object({ toolUseId: z.string().nullish(), name: z.string() }).nullish() }).nullish(),
  delta: z.object({ text: z.string().nullish(), toolUse: z.object({ input: z.string().nullish() }).nullish() }).nullish(),
  stopReason: z.string().nullish(),
  usage: usageSchema.nullish(),
  message: z.string().nullish(),
  Message: z.string().nullish(),
});

/** ConverseStream exceptions by :exception-type, with what they mean here. */
const STREAM_EXCEPTIONS: Record<string, { code: 'upstream_rate_limited' | 'upstream_error' | 'invalid_request' | 'upstream_timeout'; status: number }> = {
  throttlingException: { code: 'upstream_rate_limited', status: 429 },
  serviceUnavailableException: { code: 'upstream_error', status: 503 },
  internalServerException: { code: 'upstream_error', status: 500 },
  modelStreamErrorException: { code: 'upstream_error', status: 424 },
  validationException: { code: 'invalid_request', status: 400 },
  modelTimeoutException: { code: 'upstream_timeout', status: 408 },
};

/** Reads one ConverseStream; complete once messageStop arrived (metadata with usage follows it). */
export class ConverseEventReader {
  complete = false;
  private started = false;
  private readonly tools = new Map<number, number>();
  private usage: Usage | undefined;

  constructor(
    private readonly model: string,
    private readonly provider: string,
  ) {}

  read(messageType: string, type: string, payload: unknown): StreamPart[] {
    const parsed = eventSchema.safeParse(payload ?? {});
    if (!parsed.success) throw new GatewayError('upstream_bad_response', `provider ${this.provider} sent a malformed ${type} event`);
    const event = parsed.data;
    if (messageType !== 'event') {
      const known = STREAM_EXCEPTIONS[type];
      const message = event.message ?? event.Message ?? 'no message';
      throw new GatewayError(known?.code ?? 'upstream_error', `provider ${this.provider} failed mid-stream (${type || messageType}): ${message}`, { upstreamStatus: known?.status ?? 500 });
    }
    const parts: StreamPart[] = [];
    if (!this.started) {
      this.started = true;
      parts.push({ type: 'start', model: this.model, created: Math.floor(Date.now() / 1000) });
    }
    const index = event.contentBlockIndex ?? 0;
    switch (type) {
      case 'contentBlockStart': {
        const tool = event.start?.toolUse;
        if (tool) {
          const toolIndex = this.tools.size;
          this.tools.set(index, toolIndex);
          parts.push({ type: 'tool-call-start', index: 0, toolIndex, id: tool.toolUseId ?? `tooluse_${toolIndex}`, name: tool.name });
        }
        break;
      }
      case 'contentBlockDelta': {
        if (event.delta?.text) parts.push({ type: 'text-delta', index: 0, text: event.delta.text });
        const input = event.delta?.toolUse?.input;
        const toolIndex = this.tools.get(index);
        if (input && toolIndex !== undefined) parts.push({ type: 'tool-call-delta', index: 0, toolIndex, argumentsDelta: input });
        break;
      }
      case 'messageStop':
        this.complete = true;
        parts.push({ type: 'finish', index: 0, finishReason: mapStopReason(event.stopReason) });
        break;
      case 'metadata':
        this.usage = readUsage(event.usage);
        break;
      default:
        break; // messageStart, contentBlockStop, reasoning deltas and later event types
    }
    return parts;
  }

  /** The usage part that closes a complete stream (from the metadata event). */
  finalUsage(): StreamPart[] {
    return this.usage ? [{ type: 'usage', usage: this.usage }] : [];
  }
}
