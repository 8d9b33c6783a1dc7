/**
 * Canonical results → OpenAI Responses objects and stream events.
 *
 * A stream is: response.created, response.in_progress, then per output item
 * output_item.added → (reasoning_summary_part.added → reasoning_summary_text.delta… →
 * reasoning_summary_text.done → reasoning_summary_part.done | content_part.added →
 * output_text.delta… → output_text.done → content_part.done | function_call_arguments.delta…
 * → function_call_arguments.done) → output_item.done, and response.completed
 * (response.incomplete when the answer was cut
 * by max_output_tokens). A model's thinking (Anthropic thinking blocks) is a `reasoning`
 * item before the answer, its text as summary parts when the client asked for a summary
 * (reasoning.summary), an empty summary otherwise, as OpenAI's. A stream that breaks ends with `error` and `response.failed`,
 * never with response.completed. Every event carries a sequence_number from 0.
 */
import type { ChatResponse, FinishReason, StreamPart, Usage } from '../../core/types.js';
import type { GatewayError } from '../../core/errors.js';
import { tokenCounts } from '../../core/usage.js';
import type { StreamRenderer } from '../inbound-format.js';
import { newItemId, type ResponseEcho } from './responses-request.js';

export type OutputItem = Record<string, unknown> & { id: string; type: string };

/** What a Response object is made of besides its output. */
export interface ResponseHead {
  id: string;
  createdAt: number;
  model: string;
  previousResponseId: string | null;
  store: boolean;
  echo: ResponseEcho;
}

export function responsesUsage(usage: Usage, costUsd?: number): Record<string, unknown> {
  const counts = tokenCounts(usage);
  const result: Record<string, unknown> = {
    input_tokens: counts.inputTokens,
    input_tokens_details: { cached_tokens: counts.cachedInputTokens },
    output_tokens: counts.outputTokens,
    output_tokens_details: { reasoning_tokens: counts.reasoningTokens },
    total_tokens: counts.inputTokens + counts.outputTokens,
  };
  const written = counts.cacheWrite5mTokens + counts.cacheWrite1hTokens;
  if (written > 0) (result.input_tokens_details as Record<string, number>).cache_write_tokens = written;
  if (costUsd !== undefined) result.cost_usd = costUsd;
  return result;
}

type Status = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export function responseObject(
  head: ResponseHead,
  status: Status,
  output: OutputItem[],
  extra: { usage?: Record<string, unknown> | null; error?: { code: string; message: string } | null; finishReason?: FinishReason | null } = {},
): Record<string, unknown> {
  const { echo } = head;
  const incomplete = status === 'incomplete' ? { reason: extra.finishReason === 'content_filter' ? 'content_filter' : 'max_output_tokens' } : null;
  return {
    id: head.id,
    object: 'response',
    created_at: head.createdAt,
    status,
    background: false,
    error: extra.error ?? null,
    incomplete_details: incomplete,
    instructions: echo.instructions,
    max_output_tokens: echo.maxOutputTokens,
    max_tool_calls: null,
    model: head.model,
    output,
    parallel_tool_calls: echo.parallelToolCalls,
    previous_response_id: head.previousResponseId,
    prompt_cache_key: null,
    reasoning: echo.reasoning,
    safety_identifier: echo.safetyIdentifier,
    service_tier: echo.serviceTier ?? 'default',
    store: head.store,
    temperature: echo.temperature ?? 1,
    text: echo.text,
    tool_choice: echo.toolChoice,
    tools: echo.tools,
    top_logprobs: 0,
    top_p: echo.topP ?? 1,
    truncation: echo.truncation,
    usage: extra.usage ?? null,
    user: echo.user,
    metadata: echo.metadata,
  };
}

/** The status a finished answer has: cut answers are incomplete, as OpenAI's are. */
export function finalStatus(reason: FinishReason | null | undefined): Status {
  return reason === 'length' || reason === 'content_filter' ? 'incomplete' : 'completed';
}

function messageItem(id: string, status: string, content: Record<string, unknown>[]): OutputItem {
  return { id, type: 'message', status, role: 'assistant', content };
}

function textPart(text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

function summaryPart(text: string): Record<string, unknown> {
  return { type: 'summary_text', text };
}

/** Does the client want the thinking as summary text (reasoning.summary auto, concise or detailed)? */
export function wantsSummary(head: ResponseHead): boolean {
  return head.echo.reasoning.summary !== null;
}

/** The output items of a non-streamed answer: the thinking as one reasoning item, then the message and calls. */
export function outputItemsOf(response: ChatResponse, summary: boolean): OutputItem[] {
  const choice = response.choices[0];
  const output: OutputItem[] = [];
  const thinking = choice?.reasoning ?? [];
  if (thinking.length > 0) {
    const texts = summary ? thinking.flatMap((block) => (block.type === 'thinking' && block.text !== '' ? [summaryPart(block.text)] : [])) : [];
    output.push({ id: newItemId('rs'), type: 'reasoning', summary: texts });
  }
  const content: Record<string, unknown>[] = [];
  if (choice?.text) content.push(textPart(choice.text));
  if (choice?.refusal) content.push({ type: 'refusal', refusal: choice.refusal });
  if (content.length) output.push(messageItem(newItemId('msg'), 'completed', content));
  for (const call of choice?.toolCalls ?? []) output.push({ id: newItemId('fc'), type: 'function_call', status: 'completed', arguments: call.arguments, call_id: call.id, name: call.name });
  return output;
}

/** Output items back to the text of the answer, for the log. */
export function outputText(output: readonly OutputItem[]): string {
  let text = '';
  for (const item of output) {
    if (item.type !== 'message') continue;
    for (const part of item.content as Record<string, unknown>[]) if (part.type === 'output_text') text += part.text as string;
  }
  return text;
}

const event = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

interface OpenItem {
  item: OutputItem;
  outputIndex: number;
  /** For reasoning: the open summary part (index and text so far). */
  summary?: { index: number; text: string };
  /** For messages: the open content part (kind and text so far). */
  part?: { kind: 'output_text' | 'refusal'; index: number; text: string };
  /** For function calls: the arguments so far. */
  toolIndex?: number;
}

export class ResponsesStreamRenderer implements StreamRenderer {
  private sequence = 0;
  private started = false;
  private readonly output: OutputItem[] = [];
  private open: OpenItem | undefined;
  private readonly toolItems = new Map<number, OpenItem>();
  private finishReason: FinishReason | null = null;

  constructor(
    private readonly head: ResponseHead,
    /** Called with the final Response object of a complete stream (to store it). */
    private readonly onComplete: (response: Record<string, unknown>) => void,
  ) {}

  private emit(type: string, data: Record<string, unknown>): string {
    return event(type, { ...data, sequence_number: this.sequence++ });
  }

  private start(model?: string): string {
    this.started = true;
    if (model) this.head.model = model;
    const response = responseObject(this.head, 'in_progress', []);
    return this.emit('response.created', { response }) + this.emit('response.in_progress', { response });
  }

  private addItem(item: OutputItem): OpenItem {
    const open: OpenItem = { item, outputIndex: this.output.length };
    this.output.push(item);
    return open;
  }

  private closePart(open: OpenItem): string {
    const part = open.part;
    if (!part) return '';
    open.part = undefined;
    const where = { item_id: open.item.id, output_index: open.outputIndex, content_index: part.index };
    const done = part.kind === 'output_text' ? textPart(part.text) : { type: 'refusal', refusal: part.text };
    (open.item.content as Record<string, unknown>[])[part.index] = done;
    const finished = part.kind === 'output_text' ? this.emit('response.output_text.done', { ...where, text: part.text, logprobs: [] }) : this.emit('response.refusal.done', { ...where, refusal: part.text });
    return finished + this.emit('response.content_part.done', { ...where, part: done });
  }

  private closeSummary(open: OpenItem): string {
    const summary = open.summary;
    if (!summary) return '';
    open.summary = undefined;
    const where = { item_id: open.item.id, output_index: open.outputIndex, summary_index: summary.index };
    const done = summaryPart(summary.text);
    (open.item.summary as Record<string, unknown>[])[summary.index] = done;
    return this.emit('response.reasoning_summary_text.done', { ...where, text: summary.text }) + this.emit('response.reasoning_summary_part.done', { ...where, part: done });
  }

  /** Thinking text: into the open reasoning item (one is opened first), as summary text when the client wants it. */
  private reasoningDelta(text: string): string {
    let out = '';
    if (this.open?.item.type !== 'reasoning') {
      out += this.closeOpen();
      this.open = this.addItem({ id: newItemId('rs'), type: 'reasoning', summary: [] });
      out += this.emit('response.output_item.added', { output_index: this.open.outputIndex, item: { ...this.open.item, summary: [] } });
    }
    const open = this.open;
    if (text === '' || !wantsSummary(this.head)) return out;
    if (!open.summary) {
      const parts = open.item.summary as Record<string, unknown>[];
      open.summary = { index: parts.length, text: '' };
      parts.push(summaryPart(''));
      out += this.emit('response.reasoning_summary_part.added', { item_id: open.item.id, output_index: open.outputIndex, summary_index: open.summary.index, part: summaryPart('') });
    }
    open.summary.text += text;
    return out + this.emit('response.reasoning_summary_text.delta', { item_id: open.item.id, output_index: open.outputIndex, summary_index: open.summary.index, delta: text });
  }

  private closeOpen(): string {
    const open = this.open;
    if (!open) return '';
    this.open = undefined;
    let out = this.closePart(open) + this.closeSummary(open);
    if (open.item.type === 'function_call') {
      out += this.emit('response.function_call_arguments.done', { item_id: open.item.id, output_index: open.outputIndex, name: open.item.name, arguments: open.item.arguments });
    }
    if (open.item.type !== 'reasoning') open.item.status = 'completed';
    return out + this.emit('response.output_item.done', { output_index: open.outputIndex, item: { ...open.item } });
  }

  private textDelta(kind: 'output_text' | 'refusal', text: string): string {
    let out = '';
    if (this.open?.item.type !== 'message') {
      out += this.closeOpen();
      this.open = this.addItem(messageItem(newItemId('msg'), 'in_progress', []));
      out += this.emit('response.output_item.added', { output_index: this.open.outputIndex, item: { ...this.open.item, content: [] } });
    }
    const open = this.open;
    if (open.part?.kind !== kind) {
      out += this.closePart(open);
      const content = open.item.content as Record<string, unknown>[];
      open.part = { kind, index: content.length, text: '' };
      const empty = kind === 'output_text' ? textPart('') : { type: 'refusal', refusal: '' };
      content.push(empty);
      out += this.emit('response.content_part.added', { item_id: open.item.id, output_index: open.outputIndex, content_index: open.part.index, part: empty });
    }
    const part = open.part as NonNullable<OpenItem['part']>;
    part.text += text;
    const where = { item_id: open.item.id, output_index: open.outputIndex, content_index: part.index };
    return out + (kind === 'output_text' ? this.emit('response.output_text.delta', { ...where, delta: text, logprobs: [] }) : this.emit('response.refusal.delta', { ...where, delta: text }));
  }

  part(part: StreamPart): string | undefined {
    if (part.type === 'start') return this.started ? undefined : this.start(part.model);
    let out = this.started ? '' : this.start();
    switch (part.type) {
      case 'text-delta':
      case 'refusal-delta':
        if (part.text === '') return out || undefined;
        return out + this.textDelta(part.type === 'text-delta' ? 'output_text' : 'refusal', part.text);
      case 'reasoning-delta':
        return out + this.reasoningDelta(part.text) || undefined;
      case 'reasoning-signature':
        // The end of one thinking block: the next one is a new summary part of the same item.
        return out + (this.open?.item.type === 'reasoning' ? this.closeSummary(this.open) : '') || undefined;
      case 'reasoning-redacted':
        return out + this.reasoningDelta('') || undefined;
      case 'tool-call-start': {
        out += this.closeOpen();
        const open = this.addItem({ id: newItemId('fc'), type: 'function_call', status: 'in_progress', arguments: '', call_id: part.id, name: part.name });
        open.toolIndex = part.toolIndex;
        this.open = open;
        this.toolItems.set(part.toolIndex, open);
        return out + this.emit('response.output_item.added', { output_index: open.outputIndex, item: { ...open.item } });
      }
      case 'tool-call-delta': {
        const open = this.toolItems.get(part.toolIndex);
        if (!open || part.argumentsDelta === '') return out || undefined;
        open.item.arguments = (open.item.arguments as string) + part.argumentsDelta;
        return out + this.emit('response.function_call_arguments.delta', { item_id: open.item.id, output_index: open.outputIndex, delta: part.argumentsDelta });
      }
      case 'finish':
        this.finishReason = part.finishReason;
        return out + this.closeOpen() || undefined;
      case 'usage':
        return out || undefined;
    }
  }

  finish(usage: Usage, costUsd: number): string {
    let out = this.started ? '' : this.start();
    out += this.closeOpen();
    const status = finalStatus(this.finishReason);
    const response = responseObject(this.head, status, this.output, { usage: responsesUsage(usage, costUsd), finishReason: this.finishReason });
    this.onComplete(response);
    return out + this.emit(status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
  }

  error(error: GatewayError): string {
    let out = this.started ? '' : this.start();
    const failure = { code: error.code, message: error.message };
    out += this.emit('error', { code: error.code, message: error.message, param: error.param });
    const output = this.output.map((item) => (item.status === 'in_progress' ? { ...item, status: 'incomplete' } : item));
    return out + this.emit('response.failed', { response: responseObject(this.head, 'failed', output, { error: failure }) });
  }

  /** What the client received, for the log. */
  transcript(): OutputItem[] {
    return this.output;
  }
}
