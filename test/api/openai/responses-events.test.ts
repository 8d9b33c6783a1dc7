/**
 * Our Responses stream against OpenAI's, event by event: the recorded streams are read into
 * canonical parts and rendered again by ResponsesStreamRenderer. Apart from the reasoning
 * item (OpenAI's is not read back; ours come from thinking upstreams, tested last) the event
 * types come in the same order, and every event
 * and every object in it carries at least the fields OpenAI's does (obfuscation aside).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseResponsesRequest } from '../../../src/api/openai/responses-request.js';
import { ResponsesStreamRenderer } from '../../../src/api/openai/responses-response.js';
import { GatewayError } from '../../../src/core/errors.js';
import type { StreamPart, Usage } from '../../../src/core/types.js';
import { ResponsesEventReader } from '../../../src/providers/openai/responses-upstream.js';

type Event = Record<string, unknown> & { type: string };

function recorded(name: string): Event[] {
  const text = readFileSync(join(import.meta.dirname, '../../fixtures/openai', name), 'utf8');
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      const event = JSON.parse((dataLine ?? '').slice('data: '.length)) as Event;
      expect(eventLine).toBe(`event: ${event.type}`);
      return event;
    });
}

function parseRendered(text: string): Event[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      const event = JSON.parse((dataLine ?? '').slice('data: '.length)) as Event;
      expect(eventLine).toBe(`event: ${event.type}`);
      return event;
    });
}

/** Every key OpenAI sends, recursively, is present in ours (values may differ: ids, text). */
function expectFieldsOf(theirs: unknown, ours: unknown, where: string): void {
  if (theirs === null || typeof theirs !== 'object' || Array.isArray(theirs)) return;
  expect(ours, where).toBeTypeOf('object');
  for (const [key, value] of Object.entries(theirs)) {
    if (key === 'obfuscation') continue;
    expect(ours, `${where}.${key}`).toHaveProperty(key);
    // Values the client wrote (tool parameters, metadata) are echoed, not ours to shape.
    if (key === 'parameters' || key === 'metadata') continue;
    const mine = (ours as Record<string, unknown>)[key];
    if (Array.isArray(value) && Array.isArray(mine)) {
      // Items by type (OpenAI's output may start with a reasoning item we do not produce).
      for (const item of mine) {
        const type = (item as { type?: unknown } | null)?.type;
        const counterpart = value.find((candidate) => (candidate as { type?: unknown } | null)?.type === type);
        if (counterpart !== undefined) expectFieldsOf(counterpart, item, `${where}.${key}[${String(type)}]`);
      }
    } else expectFieldsOf(value, mine, `${where}.${key}`);
  }
}

function render(fixture: string, body: Record<string, unknown>): { ours: Event[]; theirs: Event[]; stored: Record<string, unknown>[] } {
  const theirs = recorded(fixture);
  const reader = new ResponsesEventReader('gpt-5.4', 'openai');
  const parts: StreamPart[] = theirs.flatMap((event) => reader.read(event));
  const call = parseResponsesRequest({ ...body, stream: true });
  const stored: Record<string, unknown>[] = [];
  const renderer = new ResponsesStreamRenderer({ id: 'resp_test', createdAt: 1757540004, model: 'gpt-5.4', previousResponseId: null, store: true, echo: call.echo }, (response) => stored.push(response));
  let text = '';
  let usage: Usage = { inputTokens: 0, outputTokens: 0 };
  for (const part of parts) {
    if (part.type === 'usage') usage = part.usage;
    text += renderer.part(part) ?? '';
  }
  text += renderer.finish(usage, 0.001);
  return { ours: parseRendered(text), theirs: theirs.filter((event) => !(event.type.startsWith('response.output_item.') && (event.item as { type: string }).type === 'reasoning')), stored };
}

describe('Responses events as OpenAI sends them', () => {
  it('renders a text answer with the same event sequence and fields', () => {
    const { ours, theirs, stored } = render('responses-stream-text.chunks.txt', { model: 'gpt-5.4', input: 'What is 17 × 23?', instructions: 'Be brief.', reasoning: { effort: 'medium' } });
    expect(ours.map((event) => event.type)).toEqual(theirs.map((event) => event.type));
    ours.forEach((event, index) => {
      expect(event.sequence_number).toBe(index);
      const match = theirs[index] as Event;
      // Output indexes shift by one: OpenAI's first item was the reasoning item.
      expectFieldsOf(match, event, event.type);
    });
    const completed = ours.at(-1)?.response as { usage: Record<string, unknown>; output: { content: { text: string }[] }[]; status: string };
    expect(completed.status).toBe('completed');
    expect(completed.output[0]?.content[0]?.text).toBe('17 × 23 = 391.');
    expect(completed.usage).toMatchObject({ input_tokens: 2000, input_tokens_details: { cached_tokens: 1536 }, output_tokens: 900, output_tokens_details: { reasoning_tokens: 640 }, total_tokens: 2900 });
    expect(stored[0]).toEqual(completed);
  });

  it('renders a function call with the same event sequence and fields', () => {
    const tool = { type: 'function', name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true };
    const { ours, theirs } = render('responses-stream-function-call.chunks.txt', { model: 'gpt-5.4', input: 'Weather in Paris?', tools: [tool] });
    expect(ours.map((event) => event.type)).toEqual(theirs.map((event) => event.type));
    ours.forEach((event, index) => expectFieldsOf(theirs[index], event, event.type));
    const done = ours.find((event) => event.type === 'response.function_call_arguments.done');
    expect(done).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}', output_index: 0 });
  });

  it('ends a broken stream with error then response.failed, the way OpenAI reports a failed response', () => {
    const theirs = recorded('responses-stream-failed.chunks.txt');
    const call = parseResponsesRequest({ model: 'gpt-5.4', input: 'Tell a story', stream: true });
    const renderer = new ResponsesStreamRenderer({ id: 'resp_test', createdAt: 1, model: 'gpt-5.4', previousResponseId: null, store: true, echo: call.echo }, () => {
      throw new Error('a failed stream is not stored');
    });
    let text = renderer.part({ type: 'start', model: 'gpt-5.4', created: 1 }) ?? '';
    text += renderer.part({ type: 'text-delta', index: 0, text: 'Once' }) ?? '';
    text += renderer.error(new GatewayError('upstream_error', 'provider sim failed mid-stream'));
    const ours = parseRendered(text);
    expect(ours.map((event) => event.type)).toEqual([...theirs.slice(0, -1).map((event) => event.type), 'error', 'response.failed']);
    const failed = ours.at(-1) as Event & { response: { status: string; error: unknown; output: { status: string }[] } };
    expectFieldsOf(theirs.at(-1), failed, 'response.failed');
    expect(failed.response.status).toBe('failed');
    expect(failed.response.error).toEqual({ code: 'upstream_error', message: 'provider sim failed mid-stream' });
    expect(failed.response.output[0]?.status).toBe('incomplete');
    expect(ours.at(-2)).toMatchObject({ type: 'error', code: 'upstream_error', message: 'provider sim failed mid-stream', param: null });
  });

  it('renders thinking blocks as one reasoning item, a summary part per block, before the answer', () => {
    const call = parseResponsesRequest({ model: 'claude-sonnet-4.6', input: 'What is 17 * 23?', stream: true, reasoning: { effort: 'low', summary: 'auto' } });
    let stored: Record<string, unknown> | undefined;
    const renderer = new ResponsesStreamRenderer({ id: 'resp_test', createdAt: 1, model: 'claude-sonnet-4.6', previousResponseId: null, store: true, echo: call.echo }, (response) => (stored = response));
    const parts: StreamPart[] = [
      { type: 'start', model: 'claude-sonnet-4.6', created: 1 },
      { type: 'reasoning-delta', index: 0, text: 'Multiply 17 ' },
      { type: 'reasoning-delta', index: 0, text: 'by 23.' },
      { type: 'reasoning-signature', index: 0, signature: 'sig-1' },
      { type: 'reasoning-delta', index: 0, text: 'Check: 391.' },
      { type: 'reasoning-signature', index: 0, signature: 'sig-2' },
      { type: 'text-delta', index: 0, text: '391' },
      { type: 'finish', index: 0, finishReason: 'stop' },
    ];
    let text = parts.map((part) => renderer.part(part) ?? '').join('');
    text += renderer.finish({ inputTokens: 10, outputTokens: 20, reasoningTokens: 12 }, 0.001);
    const events = parseRendered(text);
    const reasoning = events.filter((event) => event.type.startsWith('response.reasoning_summary'));
    expect(reasoning.map((event) => [event.type, event.summary_index])).toEqual([
      ['response.reasoning_summary_part.added', 0],
      ['response.reasoning_summary_text.delta', 0],
      ['response.reasoning_summary_text.delta', 0],
      ['response.reasoning_summary_text.done', 0],
      ['response.reasoning_summary_part.done', 0],
      ['response.reasoning_summary_part.added', 1],
      ['response.reasoning_summary_text.delta', 1],
      ['response.reasoning_summary_text.done', 1],
      ['response.reasoning_summary_part.done', 1],
    ]);
    expect(reasoning[3]).toMatchObject({ text: 'Multiply 17 by 23.', output_index: 0 });
    const added = events.filter((event) => event.type === 'response.output_item.added').map((event) => (event.item as { type: string }).type);
    expect(added).toEqual(['reasoning', 'message']);
    const output = (stored?.output ?? []) as { type: string; summary?: unknown }[];
    expect(output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'Multiply 17 by 23.' }, { type: 'summary_text', text: 'Check: 391.' }] });
    expect((stored?.usage as { output_tokens_details: { reasoning_tokens: number } }).output_tokens_details.reasoning_tokens).toBe(12);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
  });
});
