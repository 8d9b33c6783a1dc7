/**
 * The OpenAI adapter with `api: responses`: the /v1/responses body it sends for a canonical
 * request, and recorded Responses answers and event streams read back into canonical form
 * (reasoning items skipped, usage by token class, cut and failed streams as errors).
 */
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/core/errors.js';
import type { ChatRequest, StreamPart } from '../../src/core/types.js';
import { OpenAIAdapter } from '../../src/providers/openai/openai-adapter.js';
import { collect, callContextFor, providerFor, SECRET, useFixtureServer } from './adapter-harness.js';

const { server, client } = useFixtureServer();

function call() {
  const provider = { ...providerFor(server, 'openai', 'openai', '/v1'), openaiApi: 'responses' as const };
  return { adapter: new OpenAIAdapter(provider, client, [SECRET]), context: callContextFor(provider, 'gpt-5.4-2026-03-05') };
}

const conversation: ChatRequest = {
  model: 'my-route',
  stream: false,
  includeUsage: false,
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'What is in this image?' }, { type: 'image', url: 'data:image/png;base64,AAAA', detail: 'low' }] },
    { role: 'assistant', content: 'Let me look it up.', toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":"cat"}' }] },
    { role: 'tool', content: '{"answer":"a cat"}', toolCallId: 'call_1' },
  ],
  tools: [{ name: 'lookup', description: 'Look something up', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } }],
  toolChoice: { name: 'lookup' },
  responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
  temperature: 0.2,
  topP: 0.9,
  maxTokens: 100,
  reasoningEffort: 'low',
  user: 'user-1',
  metadata: { team: 'search' },
  parallelToolCalls: false,
};

describe('OpenAI adapter over the Responses API: outbound', () => {
  it('sends /v1/responses with input items, function tools, text.format, reasoning and store false', async () => {
    server.replay = { fixture: 'openai/responses-text.json' };
    const { adapter, context } = call();
    await adapter.chat(conversation, context);
    const sent = server.last();
    expect(sent.url).toBe('/v1/responses');
    expect(sent.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(sent.body).toEqual({
      model: 'gpt-5.4-2026-03-05',
      store: false,
      input: [
        { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Be brief.' }] },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is in this image?' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' },
          ],
        },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Let me look it up.' }] },
        { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"q":"cat"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '{"answer":"a cat"}' },
      ],
      tools: [{ type: 'function', name: 'lookup', description: 'Look something up', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] }, strict: false }],
      tool_choice: { type: 'function', name: 'lookup' },
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      max_output_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      parallel_tool_calls: false,
      metadata: { team: 'search' },
      user: 'user-1',
      reasoning: { effort: 'low' },
    });
  });

  it('refuses what the Responses API cannot express and warns about what it drops', () => {
    const { adapter } = call();
    expect(() => adapter.unsupported?.({ ...conversation, stop: ['END'] })).toThrow(GatewayError);
    expect(() => adapter.unsupported?.({ ...conversation, n: 2 })).toThrow(/n > 1/);
    expect(adapter.unsupported?.({ ...conversation, seed: 7 })).toEqual(['seed dropped: upstream speaks the Responses API, which has no seed']);
  });
});

describe('OpenAI adapter over the Responses API: answers', () => {
  it('reads a recorded answer: text, reasoning skipped, cached and reasoning tokens', async () => {
    server.replay = { fixture: 'openai/responses-text.json' };
    const { adapter, context } = call();
    const answer = await adapter.chat(conversation, context);
    expect(answer.id).toBe('resp_68c1f2a4b7e08190a3c2d1e5f6a7b8c9');
    expect(answer.model).toBe('gpt-5.4-2026-03-05');
    expect(answer.choices).toEqual([{ index: 0, text: '17 × 23 = 391.', refusal: null, toolCalls: [], finishReason: 'stop' }]);
    expect(answer.usage).toEqual({ inputTokens: 2000, outputTokens: 900, cachedInputTokens: 1536, reasoningTokens: 640 });
  });

  it('reads a recorded function call', async () => {
    server.replay = { fixture: 'openai/responses-function-call.json' };
    const { adapter, context } = call();
    const answer = await adapter.chat(conversation, context);
    expect(answer.choices[0]).toEqual({
      index: 0,
      text: null,
      refusal: null,
      toolCalls: [{ id: 'call_Q2xhdWRlIGlzIGEgbW9kZWw', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      finishReason: 'tool_calls',
    });
  });

  it('reads a recorded text stream into parts, with usage at the end', async () => {
    server.replay = { fixture: 'openai/responses-stream-text.chunks.txt' };
    const { adapter, context } = call();
    const parts = await collect(await adapter.chatStream({ ...conversation, stream: true }, context));
    expect(parts[0]).toEqual({ type: 'start', id: 'resp_68c1f2a4b7e08190a3c2d1e5f6a7b8c9', model: 'gpt-5.4-2026-03-05', created: 1757540004 });
    expect(parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('')).toBe('17 × 23 = 391.');
    expect(parts.slice(-2)).toEqual([
      { type: 'finish', index: 0, finishReason: 'stop' },
      { type: 'usage', usage: { inputTokens: 2000, outputTokens: 900, cachedInputTokens: 1536, reasoningTokens: 640 } },
    ]);
  });

  it('reads a recorded function-call stream', async () => {
    server.replay = { fixture: 'openai/responses-stream-function-call.chunks.txt' };
    const { adapter, context } = call();
    const parts = await collect(await adapter.chatStream({ ...conversation, stream: true }, context));
    expect(parts.find((part) => part.type === 'tool-call-start')).toEqual({ type: 'tool-call-start', index: 0, toolIndex: 0, id: 'call_Q2xhdWRlIGlzIGEgbW9kZWw', name: 'get_weather' });
    expect(parts.map((part) => (part.type === 'tool-call-delta' ? part.argumentsDelta : '')).join('')).toBe('{"city":"Paris"}');
    expect(parts.at(-2)).toEqual({ type: 'finish', index: 0, finishReason: 'tool_calls' });
  });

  it('throws on response.failed after the first deltas', async () => {
    server.replay = { fixture: 'openai/responses-stream-failed.chunks.txt' };
    const { adapter, context } = call();
    const received: StreamPart[] = [];
    const read = async (): Promise<void> => {
      for await (const part of await adapter.chatStream({ ...conversation, stream: true }, context)) received.push(part);
    };
    await expect(read()).rejects.toThrow(/The model produced invalid content/);
    expect(received.some((part) => part.type === 'text-delta')).toBe(true);
  });

  it('throws instead of ending cleanly when the stream is cut before response.completed', async () => {
    server.replay = { fixture: 'openai/responses-stream-text.chunks.txt', destroyAfterEvents: 8 };
    const { adapter, context } = call();
    const read = async (): Promise<void> => {
      for await (const part of await adapter.chatStream({ ...conversation, stream: true }, context)) void part;
    };
    await expect(read()).rejects.toBeInstanceOf(GatewayError);
  });
});
