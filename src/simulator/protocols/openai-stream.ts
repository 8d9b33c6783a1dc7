/**
 * Streams a ChatAnswer as OpenAI server-sent events: a role chunk, content (or tool-call)
 * deltas paced at the behaviour's tokens per second, a finish chunk, the usage chunk when
 * asked for, then [DONE]. break_after cuts the socket mid-stream.
 */
import type { ServerResponse } from 'node:http';
import type { ChatAnswer } from '../generation/chat-input.js';
import { breakConnection } from '../http-io.js';
import { paceUnits } from '../pacing.js';
import { tokenPieces } from '../tokens.js';
import type { SimBehaviour } from '../types.js';
import { chunkBody, usageBody, type CompletionMeta } from './openai-render.js';

type StreamUnit =
  | { kind: 'content'; text: string }
  | { kind: 'tool_start'; index: number; id: string; name: string }
  | { kind: 'tool_arguments'; index: number; text: string };

export interface StreamSettings {
  meta: CompletionMeta;
  includeUsage: boolean;
  behaviour: SimBehaviour;
  signal: AbortSignal;
  headers: Record<string, string>;
}

export async function streamAnswer(response: ServerResponse, answer: ChatAnswer, settings: StreamSettings): Promise<void> {
  const { meta, includeUsage, behaviour, signal } = settings;
  const send = (choices: unknown[], usage?: Record<string, unknown>): void => {
    if (!response.destroyed) response.write(`data: ${JSON.stringify(chunkBody(meta, choices, includeUsage, usage))}\n\n`);
  };
  const choice = (delta: Record<string, unknown>, finishReason: string | null = null): unknown => ({ index: 0, delta, logprobs: null, finish_reason: finishReason });

  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...settings.headers });
  send([choice({ role: 'assistant', content: answer.toolCalls.length > 0 ? null : '', refusal: null })]);

  const units = unitsOf(answer);
  const breakAfter = behaviour.breakAfterTokens;
  const breaks = breakAfter !== undefined && breakAfter <= units.length;
  const planned = breaks ? units.slice(0, breakAfter) : units;
  const completed = await paceUnits(planned.length, behaviour.tokensPerSecond, signal, (from, to) => {
    for (const delta of mergeDeltas(planned.slice(from, to))) send([choice(delta)]);
  });
  if (!completed || response.destroyed) return;
  if (breaks) {
    breakConnection(response);
    return;
  }
  send([choice({}, answer.finishReason)]);
  if (includeUsage) send([], usageBody(answer));
  response.end('data: [DONE]\n\n');
}

/** One unit per token: content pieces, or per tool call a start then argument pieces. */
function unitsOf(answer: ChatAnswer): StreamUnit[] {
  if (answer.toolCalls.length === 0) return tokenPieces(answer.content ?? '').map((text) => ({ kind: 'content', text }));
  return answer.toolCalls.flatMap((call, index): StreamUnit[] => [
    { kind: 'tool_start', index, id: call.id, name: call.name },
    ...tokenPieces(call.arguments).map((text): StreamUnit => ({ kind: 'tool_arguments', index, text })),
  ]);
}

/** Units that fall due together become as few deltas as possible. */
function mergeDeltas(units: readonly StreamUnit[]): Array<Record<string, unknown>> {
  const merged: StreamUnit[] = [];
  for (const unit of units) {
    const last = merged[merged.length - 1];
    if (last?.kind === 'content' && unit.kind === 'content') merged[merged.length - 1] = { kind: 'content', text: last.text + unit.text };
    else if (last?.kind === 'tool_arguments' && unit.kind === 'tool_arguments' && last.index === unit.index) {
      merged[merged.length - 1] = { ...last, text: last.text + unit.text };
    } else merged.push(unit);
  }
  return merged.map(deltaOf);
}

function deltaOf(unit: StreamUnit): Record<string, unknown> {
  switch (unit.kind) {
    case 'content':
      return { content: unit.text };
    case 'tool_start':
      return { tool_calls: [{ index: unit.index, id: unit.id, type: 'function', function: { name: unit.name, arguments: '' } }] };
    case 'tool_arguments':
      return { tool_calls: [{ index: unit.index, function: { arguments: unit.text } }] };
  }
}
