import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/core/types.js';
import { AnthropicAdapter } from '../../src/providers/anthropic/anthropic-adapter.js';
import { collect, callContextFor, providerFor, SECRET, useFixtureServer } from './adapter-harness.js';

const { server, client } = useFixtureServer();

function call() {
  const provider = providerFor(server, 'anthropic', 'anthropic', '/v1');
  return { adapter: new AnthropicAdapter(provider, client, [SECRET]), context: callContextFor(provider, 'claude-sonnet-4-5') };
}

const conversation: ChatRequest = {
  model: 'claude',
  stream: false,
  includeUsage: false,
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'developer', content: 'Use metric units.' },
    { role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image', url: 'data:image/png;base64,AAAA' }] },
    { role: 'assistant', content: 'Let me check.', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris"}' }, { id: 'call_2', name: 'get_time', arguments: '{}' }] },
    { role: 'tool', content: '{"temperature_c":21}', toolCallId: 'call_1' },
    { role: 'tool', content: '09:00', toolCallId: 'call_2' },
    { role: 'user', content: 'Thanks. And tomorrow?' },
  ],
  tools: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } }, { name: 'get_time' }],
  toolChoice: 'required',
  parallelToolCalls: false,
  stop: ['END'],
  temperature: 0.5,
  user: 'user-7',
};


describe('Anthropic adapter: outbound requests', () => {
  it('sends the Messages API shape: system apart, merged turns, tool results as user turns', async () => {
    server.replay = { fixture: 'anthropic/message-basic.json' };
    const { adapter, context } = call();
    await adapter.chat(conversation, context);
    const sent = server.last();
    expect(sent.url).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(SECRET);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 64_000,
      system: 'Be brief.\n\nUse metric units.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'Paris' } },
            { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: '{"temperature_c":21}' },
            { type: 'tool_result', tool_use_id: 'call_2', content: '09:00' },
            { type: 'text', text: 'Thanks. And tomorrow?' },
          ],
        },
      ],
      tools: [
        { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } },
        { name: 'get_time', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stop_sequences: ['END'],
      temperature: 0.5,
      metadata: { user_id: 'user-7' },
    });
  });

  it('asks for JSON with one forced tool and returns its input as the text', async () => {
    server.replay = { fixture: 'anthropic/message-json-tool.json' };
    const { adapter, context } = call();
    const response = await adapter.chat(
      { model: 'c', stream: false, includeUsage: false, messages: [{ role: 'user', content: 'Ada?' }], maxTokens: 100, responseFormat: { type: 'json_schema', name: 'person', schema: { type: 'object' } } },
      context,
    );
    const body = server.last().body as Record<string, unknown>;
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'person' });
    expect(body.tools).toEqual([{ name: 'person', description: 'Answer with this JSON shape.', input_schema: { type: 'object' } }]);
    expect(body.max_tokens).toBe(100);
    expect(response.choices[0]).toMatchObject({ text: '{"name":"Ada Lovelace","born":1815}', toolCalls: [], finishReason: 'stop' });
  });

  it('reports what Anthropic cannot express: warnings, or a 400 naming the param', () => {
    const { adapter } = call();
    const base = { model: 'c', stream: false, includeUsage: false, messages: [{ role: 'user' as const, content: 'x' }] };
    expect(adapter.unsupported({ ...base, seed: 1, temperature: 1.5 })).toEqual(['seed dropped: not supported by Anthropic', "temperature 1.5 lowered to 1, Anthropic's maximum"]);
    expect(() => adapter.unsupported({ ...base, n: 2 })).toThrow(expect.objectContaining({ status: 400, param: 'n' }));
    expect(() => adapter.unsupported({ ...base, logprobs: true })).toThrow(expect.objectContaining({ param: 'logprobs' }));
  });
});

describe('Anthropic adapter: responses', () => {
  it('reads text, stop reason and usage with cached input counted in the total', async () => {
    server.replay = { fixture: 'anthropic/message-basic.json' };
    const { adapter, context } = call();
    expect(await adapter.chat(conversation, context)).toMatchObject({
      id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
      model: 'claude-sonnet-4-5-20250929',
      choices: [{ text: 'Hi! My name is Claude.', toolCalls: [], finishReason: 'stop' }],
      usage: { inputTokens: 3595, outputTokens: 503, cachedInputTokens: 1500 },
    });
  });

  it('reads tool_use blocks as tool calls', async () => {
    server.replay = { fixture: 'anthropic/message-tool-use.json' };
    const { adapter, context } = call();
    const response = await adapter.chat(conversation, context);
    expect(response.choices[0]).toMatchObject({
      text: "I'll check the current weather in San Francisco for you.",
      toolCalls: [{ id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' }],
      finishReason: 'tool_calls',
    });
  });

  it('maps a refusal to a content_filter finish', async () => {
    server.replay = { fixture: 'anthropic/message-refusal.json' };
    const { adapter, context } = call();
    expect((await adapter.chat(conversation, context)).choices[0]?.finishReason).toBe('content_filter');
  });

  it('streams text with start, deltas, finish and usage', async () => {
    server.replay = { fixture: 'anthropic/stream-text.chunks.txt' };
    const { adapter, context } = call();
    const parts = await collect(await adapter.chatStream({ ...conversation, stream: true }, context));
    expect((server.last().body as { stream: boolean }).stream).toBe(true);
    expect(parts).toEqual([
      { type: 'start', id: 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY', model: 'claude-sonnet-4-5-20250929', created: expect.any(Number), prompt: { inputTokens: 25 } },
      { type: 'text-delta', index: 0, text: 'Hello' },
      { type: 'text-delta', index: 0, text: '!' },
      { type: 'finish', index: 0, finishReason: 'stop' },
      { type: 'usage', usage: { inputTokens: 25, outputTokens: 15 } },
    ]);
  });

  it('streams tool use: input_json_delta fragments reassemble to the input', async () => {
    server.replay = { fixture: 'anthropic/stream-tool-use.chunks.txt' };
    const { adapter, context } = call();
    const parts = await collect(await adapter.chatStream({ ...conversation, stream: true }, context));
    expect(parts.find((part) => part.type === 'tool-call-start')).toEqual({ type: 'tool-call-start', index: 0, toolIndex: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather' });
    const args = parts.map((part) => (part.type === 'tool-call-delta' ? part.argumentsDelta : '')).join('');
    expect(JSON.parse(args)).toEqual({ location: 'San Francisco, CA' });
    expect(parts.at(-2)).toEqual({ type: 'finish', index: 0, finishReason: 'tool_calls' });
  });

  it('ignores event types it does not know', async () => {
    server.replay = { fixture: 'anthropic/stream-unknown-event.chunks.txt' };
    const { adapter, context } = call();
    const parts = await collect(await adapter.chatStream({ ...conversation, stream: true }, context));
    expect(parts.filter((part) => part.type === 'text-delta')).toEqual([{ type: 'text-delta', index: 0, text: 'Still fine.' }]);
  });

  it('a mid-stream overloaded error event throws, keeping 529 as the upstream status', async () => {
    server.replay = { fixture: 'anthropic/stream-overloaded.chunks.txt' };
    const { adapter, context } = call();
    await expect(collect(await adapter.chatStream({ ...conversation, stream: true }, context))).rejects.toMatchObject({ status: 502, upstreamStatus: 529 });
  });

  it('a stream cut before message_stop throws instead of ending cleanly', async () => {
    server.replay = { fixture: 'anthropic/stream-text.chunks.txt', destroyAfterEvents: 4 };
    const { adapter, context } = call();
    await expect(collect(await adapter.chatStream({ ...conversation, stream: true }, context))).rejects.toMatchObject({ status: 502 });
  });
});

describe('Anthropic adapter: errors', () => {
  it('429 → rate limited with Retry-After', async () => {
    server.replay = { fixture: 'anthropic/error-429.json', status: 429, headers: { 'retry-after': '12' } };
    const { adapter, context } = call();
    await expect(adapter.chat(conversation, context)).rejects.toMatchObject({ status: 429, code: 'upstream_rate_limited', retryAfterSeconds: 12 });
  });

  it('529 overloaded → 502 carrying the upstream status', async () => {
    server.replay = { fixture: 'anthropic/error-529.json', status: 529 };
    const { adapter, context } = call();
    const error = await adapter.chat(conversation, context).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 502, code: 'upstream_error', upstreamStatus: 529, retryable: true });
    expect((error as Error).message).toContain('Overloaded');
  });

  it('400 → 400 with the upstream explanation', async () => {
    server.replay = { fixture: 'anthropic/error-400.json', status: 400 };
    const { adapter, context } = call();
    await expect(adapter.chat(conversation, context)).rejects.toThrow(/tool_use ids were found without tool_result/);
  });

  it('a non-JSON body is a clean 502', async () => {
    server.replay = { fixture: 'anthropic/stream-text.chunks.txt', headers: { 'content-type': 'application/json' } };
    const { adapter, context } = call();
    await expect(adapter.chat(conversation, context)).rejects.toMatchObject({ status: 502, code: 'upstream_bad_response' });
  });

  it('has no embeddings', async () => {
    const { adapter, context } = call();
    await expect(adapter.embed({ model: 'c', input: ['x'], encodingFormat: 'float' }, context)).rejects.toMatchObject({ status: 422 });
  });
});

describe('Anthropic adapter: count_tokens', () => {
  it('posts the prompt alone to /v1/messages/count_tokens and reads input_tokens', async () => {
    server.replay = { fixture: 'anthropic/count-tokens.json' };
    const { adapter, context } = call();
    const count = await adapter.countTokens({ ...conversation, maxTokens: 500 }, context);
    expect(count).toBe(2095);
    const sent = server.last();
    expect(sent.url).toBe('/v1/messages/count_tokens');
    expect(sent.headers['x-api-key']).toBe(SECRET);
    expect(Object.keys(sent.body as object).sort()).toEqual(['messages', 'model', 'system', 'tool_choice', 'tools']);
  });

  it('refuses an answer without a number of input tokens', async () => {
    server.replay = { fixture: 'anthropic/message-basic.json' };
    const { adapter, context } = call();
    await expect(adapter.countTokens(conversation, context)).rejects.toThrow(/input_tokens/);
  });
});
