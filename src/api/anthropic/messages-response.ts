/**
 * Canonical results → Anthropic Messages responses and stream events
 * (message_start, content_block_start/delta/stop, message_delta, message_stop, ping).
 */
import type { ChatRequest, ChatResponse, FinishReason, PromptUsage, StreamPart, Usage } from '../../core/types.js';
import { countMessageTokens } from '../../core/tokens.js';
import { tokenCounts } from '../../core/usage.js';
import type { ResponseContext, StreamRenderer } from '../inbound-format.js';
import type { GatewayError } from '../../core/errors.js';
import { renderAnthropicStreamError } from './errors.js';

export function anthropicStopReason(reason: FinishReason | null): string | null {
  switch (reason) {
    case 'stop':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    case 'error':
    case null:
      return reason === null ? null : 'end_turn';
  }
}

/** Anthropic counts cache reads and writes apart from input_tokens. */
export function anthropicUsage(usage: Usage | undefined, costUsd?: number): Record<string, unknown> {
  const counts = tokenCounts(usage ?? { inputTokens: 0, outputTokens: 0 });
  const written = counts.cacheWrite5mTokens + counts.cacheWrite1hTokens;
  const result: Record<string, unknown> = {
    input_tokens: counts.inputTokens - counts.cachedInputTokens - written,
    output_tokens: counts.outputTokens,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: counts.cachedInputTokens,
    cache_creation: { ephemeral_5m_input_tokens: counts.cacheWrite5mTokens, ephemeral_1h_input_tokens: counts.cacheWrite1hTokens },
  };
  if (counts.reasoningTokens > 0) result.output_tokens_details = { thinking_tokens: counts.reasoningTokens };
  if (costUsd !== undefined) result.cost_usd = costUsd;
  return result;
}

export function messageId(requestId: string): string {
  return `msg_${requestId.replace(/-/g, '')}`;
}

function toolInput(argumentsText: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(argumentsText === '' ? '{}' : argumentsText);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
  } catch {
    // The model produced arguments that are not JSON; keep them rather than lose them.
    return { _raw: argumentsText };
  }
}

export function renderAnthropicMessage(response: ChatResponse, context: ResponseContext): string {
  const choice = response.choices[0];
  const content: Record<string, unknown>[] = [];
  for (const block of choice?.reasoning ?? []) {
    content.push(block.type === 'thinking' ? { type: 'thinking', thinking: block.text, signature: block.signature ?? '' } : { type: 'redacted_thinking', data: block.data });
  }
  const text = (choice?.text ?? '') + (choice?.refusal ?? '');
  if (text !== '') content.push({ type: 'text', text });
  for (const call of choice?.toolCalls ?? []) content.push({ type: 'tool_use', id: call.id, name: call.name, input: toolInput(call.arguments) });
  return JSON.stringify({
    id: messageId(context.requestId),
    type: 'message',
    role: 'assistant',
    model: response.model,
    content,
    stop_reason: anthropicStopReason(choice?.finishReason ?? 'stop'),
    stop_sequence: null,
    usage: anthropicUsage(context.usage, context.costUsd),
  });
}

const event = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

export class AnthropicStreamRenderer implements StreamRenderer {
  private started = false;
  private blockIndex = -1;
  private openBlock: 'text' | 'tool' | 'thinking' | null = null;
  private readonly toolBlocks = new Map<number, number>();
  private stopReason: FinishReason | null = null;

  constructor(
    private readonly requestId: string,
    private readonly fallbackModel: string,
    private readonly request: ChatRequest,
  ) {}

  /**
   * message_start carries the prompt's input_tokens, as Anthropic's does (clients show the
   * context used from it): the upstream's count when it gave one at its start, else the
   * prompt counted here. message_delta at the end has the upstream's final usage.
   */
  private start(model: string, prompt?: PromptUsage): string {
    this.started = true;
    const usage: Usage = { ...(prompt ?? { inputTokens: countMessageTokens(this.request.messages) }), outputTokens: 0 };
    const message = { id: messageId(this.requestId), type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: anthropicUsage(usage) };
    return event('message_start', { type: 'message_start', message }) + event('ping', { type: 'ping' });
  }

  private closeBlock(): string {
    if (this.openBlock === null) return '';
    this.openBlock = null;
    return event('content_block_stop', { type: 'content_block_stop', index: this.blockIndex });
  }

  part(part: StreamPart): string | undefined {
    let out = this.started || part.type === 'start' ? '' : this.start(this.fallbackModel);
    switch (part.type) {
      case 'start':
        return this.started ? undefined : this.start(part.model, part.prompt);
      case 'text-delta':
      case 'refusal-delta':
        if (part.text === '') return out || undefined;
        if (this.openBlock !== 'text') {
          out += this.closeBlock();
          this.blockIndex++;
          this.openBlock = 'text';
          out += event('content_block_start', { type: 'content_block_start', index: this.blockIndex, content_block: { type: 'text', text: '' } });
        }
        return out + event('content_block_delta', { type: 'content_block_delta', index: this.blockIndex, delta: { type: 'text_delta', text: part.text } });
      case 'reasoning-delta':
        if (part.text === '') return out || undefined;
        if (this.openBlock !== 'thinking') {
          out += this.closeBlock();
          this.blockIndex++;
          this.openBlock = 'thinking';
          out += event('content_block_start', { type: 'content_block_start', index: this.blockIndex, content_block: { type: 'thinking', thinking: '', signature: '' } });
        }
        return out + event('content_block_delta', { type: 'content_block_delta', index: this.blockIndex, delta: { type: 'thinking_delta', thinking: part.text } });
      case 'reasoning-signature':
        if (this.openBlock !== 'thinking') return out || undefined;
        return out + event('content_block_delta', { type: 'content_block_delta', index: this.blockIndex, delta: { type: 'signature_delta', signature: part.signature } });
      case 'reasoning-redacted':
        out += this.closeBlock();
        this.blockIndex++;
        out += event('content_block_start', { type: 'content_block_start', index: this.blockIndex, content_block: { type: 'redacted_thinking', data: part.data } });
        return out + event('content_block_stop', { type: 'content_block_stop', index: this.blockIndex });
      case 'tool-call-start':
        out += this.closeBlock();
        this.blockIndex++;
        this.openBlock = 'tool';
        this.toolBlocks.set(part.toolIndex, this.blockIndex);
        return out + event('content_block_start', { type: 'content_block_start', index: this.blockIndex, content_block: { type: 'tool_use', id: part.id, name: part.name, input: {} } });
      case 'tool-call-delta': {
        const index = this.toolBlocks.get(part.toolIndex) ?? this.blockIndex;
        return out + event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part.argumentsDelta } });
      }
      case 'finish':
        this.stopReason = part.finishReason;
        return out + this.closeBlock() || undefined;
      case 'usage':
        return out || undefined;
    }
  }

  finish(usage: Usage, costUsd: number): string {
    const opening = this.started ? '' : this.start(this.fallbackModel);
    return (
      opening +
      this.closeBlock() +
      event('message_delta', { type: 'message_delta', delta: { stop_reason: anthropicStopReason(this.stopReason ?? 'stop'), stop_sequence: null }, usage: anthropicUsage(usage, costUsd) }) +
      event('message_stop', { type: 'message_stop' })
    );
  }

  error(error: GatewayError): string {
    return renderAnthropicStreamError(error);
  }
}
