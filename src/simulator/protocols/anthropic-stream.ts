/**
 * Streams a ChatAnswer as Anthropic server-sent events: message_start, per content block
 * content_block_start / content_block_delta (text_delta or input_json_delta) /
 * content_block_stop, a ping after the first block opens, message_delta with the stop
 * reason and output tokens, then message_stop. break_after cuts the socket before
 * message_stop.
 */
import type { ServerResponse } from 'node:http';
import type { ChatAnswer } from '../generation/chat-input.js';
import { tokenPieces } from '../tokens.js';
import type { SimBehaviour } from '../types.js';
import { paceStream } from './exchange.js';
import type { CacheUsage } from './anthropic-cache.js';
import { stopReasonOf, toolUseId, usageBody } from './anthropic-render.js';
import type { SimThinking } from './anthropic-thinking.js';

type StreamUnit = { kind: 'text'; text: string } | { kind: 'tool_start'; index: number; id: string; name: string } | { kind: 'tool_input'; index: number; json: string };

export interface AnthropicStreamSettings {
  id: string;
  model: string;
  behaviour: SimBehaviour;
  signal: AbortSignal;
  headers: Record<string, string>;
  /** Extended thinking: a thinking block (deltas, then its signature) before the answer's blocks. */
  thinking?: SimThinking;
  /** What of the prompt was read from or written to the prompt cache. */
  cache?: CacheUsage;
}

export async function streamMessage(response: ServerResponse, answer: ChatAnswer, settings: AnthropicStreamSettings): Promise<void> {
  const send = (event: string, data: Record<string, unknown>): void => {
    if (!response.destroyed) response.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  };
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...settings.headers });
  send('message_start', {
    message: {
      id: settings.id,
      type: 'message',
      role: 'assistant',
      model: settings.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usageBody(answer.usage.promptTokens, 1, settings.cache),
    },
  });

  // Block indexes shift by one behind a thinking block.
  const shift = settings.thinking ? 1 : 0;
  if (settings.thinking) {
    send('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } });
    for (const piece of chunksOf(tokenPieces(settings.thinking.text), 8)) send('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: piece } });
    send('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: settings.thinking.signature } });
    send('content_block_stop', { index: 0 });
  }
  const units = unitsOf(answer, shift);
  // A text block opens before the first token; tool_use blocks open as paced units.
  let openBlock = units[0]?.kind === 'text' ? shift : -1;
  if (openBlock === shift) send('content_block_start', { index: shift, content_block: { type: 'text', text: '' } });
  send('ping', {});

  const completed = await paceStream(response, units.length, settings.behaviour, settings.signal, (from, to) => {
    for (const unit of mergeUnits(units.slice(from, to))) {
      if (unit.kind === 'text') {
        send('content_block_delta', { index: shift, delta: { type: 'text_delta', text: unit.text } });
      } else if (unit.kind === 'tool_start') {
        if (openBlock >= 0) send('content_block_stop', { index: openBlock });
        openBlock = unit.index;
        send('content_block_start', { index: unit.index, content_block: { type: 'tool_use', id: unit.id, name: unit.name, input: {} } });
      } else {
        send('content_block_delta', { index: unit.index, delta: { type: 'input_json_delta', partial_json: unit.json } });
      }
    }
  });
  if (!completed) return;
  if (openBlock >= 0) send('content_block_stop', { index: openBlock });
  send('message_delta', { delta: { stop_reason: stopReasonOf(answer), stop_sequence: answer.stopSequence ?? null }, usage: { output_tokens: answer.usage.completionTokens } });
  send('message_stop', {});
  response.end();
}

/** One unit per token: text pieces, or per tool call a start then input JSON pieces. */
function unitsOf(answer: ChatAnswer, shift: number): StreamUnit[] {
  if (answer.toolCalls.length === 0) return tokenPieces(answer.content ?? '').map((text) => ({ kind: 'text', text }));
  return answer.toolCalls.flatMap((call, position): StreamUnit[] => {
    const index = position + shift;
    return [{ kind: 'tool_start', index, id: toolUseId(call), name: call.name }, ...tokenPieces(call.arguments).map((json): StreamUnit => ({ kind: 'tool_input', index, json }))];
  });
}

function chunksOf(pieces: readonly string[], size: number): string[] {
  const chunks: string[] = [];
  for (let start = 0; start < pieces.length; start += size) chunks.push(pieces.slice(start, start + size).join(''));
  return chunks;
}

/** Units that fall due together become as few events as possible. */
function mergeUnits(units: readonly StreamUnit[]): StreamUnit[] {
  const merged: StreamUnit[] = [];
  for (const unit of units) {
    const last = merged[merged.length - 1];
    if (last?.kind === 'text' && unit.kind === 'text') merged[merged.length - 1] = { kind: 'text', text: last.text + unit.text };
    else if (last?.kind === 'tool_input' && unit.kind === 'tool_input' && last.index === unit.index) {
      merged[merged.length - 1] = { ...last, json: last.json + unit.json };
    } else merged.push(unit);
  }
  return merged;
}
