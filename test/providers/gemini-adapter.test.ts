import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/core/types.js';
import { GeminiAdapter } from '../../src/providers/gemini/gemini-adapter.js';
import { collect, callContextFor, providerFor, SECRET, useFixtureServer } from './adapter-harness.js';

const { server, client } = useFixtureServer();

function call() {
  const provider = providerFor(server, 'gemini', 'gemini', '/v1beta');
  return { adapter: new GeminiAdapter(provider, client, [SECRET]), context: callContextFor(provider, 'gemini-2.5-flash') };
}

const conversation: ChatRequest = {
  model: 'gemini',
  stream: false,
  includeUsage: false,
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', url: 'https://example.invalid/cat.PNG' }] },
    { role: 'assistant', content: null, toolCalls: [{ id: 'call_9', name: 'lookup', arguments: '{"q":"cat"}' }] },
    { role: 'tool', content: 'a cat', toolCallId: 'call_9' },
  ],
  tools: [{ name: 'lookup', parameters: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { q: { type: ['string', 'null'] } }, additionalProperties: false } }],
  toolChoice: { name: 'lookup' },
  temperature: 0.2,
  maxTokens: 64,
  stop: ['END'],
  seed: 3,
};


describe('Gemini adapter: outbound requests', () => {
  it('sends generateContent with systemInstruction, model role, function responses by name and a cleaned schema', async () => {
    server.replay = { fixture: 'gemini/generate-basic.json' };
    const { adapter, context } = call();
    await adapter.chat(conversation, context);
    const sent = server.last();
    expect(sent.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe(SECRET);
    expect(sent.url).not.toContain(SECRET);
    expect(sent.body).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'What is this?' }, { fileData: { mimeType: 'image/png', fileUri: 'https://example.invalid/cat.PNG' } }] },
        { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { q: 'cat' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { content: 'a cat' } } }] },
      ],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      tools: [{ functionDeclarations: [{ name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string', nullable: true } } } }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['lookup'] } },
      generationConfig: { temperature: 0.2, maxOutputTokens: 64, stopSequences: ['END'], seed: 3 },
    });
  });

  it('asks for JSON with responseMimeType and responseSchema', async () => {
    server.replay = { fixture: 'gemini/generate-basic.json' };
    const { adapter, context } = call();
    await adapter.chat(
      { model: 'g', stream: false, includeUsage: false, messages: [{ role: 'user', content: 'x' }], responseFormat: { type: 'json_schema', name: 'p', schema: { type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: false } } },
      context,
    );
    expect((server.last().body as { generationConfig: unknown }).generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { a: { type: 'integer' } } },
    });
  });

  it('streams from streamGenerateContent?alt=sse', async () => {
    server.replay = { fixture: 'gemini/stream-text.chunks.txt' };
    const { adapter, context } = call();
    await collect(await adapter.chatStream({ ...conversation, stream: true }, context));
    expect(server.last().url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });

  it('a tool result must answer an earlier call', async () => {
    const { adapter, context } = call();
    const orphan: ChatRequest = { model: 'g', stream: false, includeUsage: false, messages: [{ role: 'tool', content: 'x', toolCallId: 'nope' }] };
    await expect(adapter.chat(orphan, context)).rejects.toMatchObject({ status: 400, param: 'messages[0].tool_call_id' });
  });
});

describe('Gemini adapter: responses', () => {
  it('reads text and usage (thinking tokens count as output)', async () => {
    server.replay = { fixture: 'gemini/generate-basic.json' };
    const { adapter, context } = call();
    expect(await adapter.chat(conversation, context)).toMatchObject({
      id: 'nJp1aLzqA5SQ_uMP7oTQ0QU',
      model: 'gemini-2.5-flash',
      choices: [{ text: 'AI learns patterns from data to make predictions.', toolCalls: [], finishReason: 'stop' }],
      usage: { inputTokens: 8, outputTokens: 34, reasoningTokens: 23, cachedInputTokens: 4 },
    });
  });

  it('reads function calls as tool calls with synthesised ids: unique per response, the same on replay', async () => {
    server.replay = { fixture: 'gemini/generate-function-call.json' };
    const { adapter, context } = call();
    const first = (await adapter.chat(conversation, context)).choices[0];
    expect(first).toMatchObject({
      text: null,
      toolCalls: [{ id: expect.stringMatching(/^call_[0-9a-f]{24}$/), name: 'get_weather', arguments: '{"location":"Boston, MA"}' }],
      finishReason: 'tool_calls',
    });
    const replayed = (await adapter.chat(conversation, context)).choices[0];
    expect(replayed?.toolCalls[0]?.id).toBe(first?.toolCalls[0]?.id);
    // Another response (another responseId) making the same call gets another id.
    server.replay = { fixture: 'gemini/stream-function-call.chunks.txt' };
    const streamed = await collect(await adapter.chatStream({ ...conversation, stream: true }, context));
    const streamedId = streamed.find((part) => part.type === 'tool-call-start');
    expect(streamedId).toMatchObject({ id: expect.stringMatching(/^call_[0-9a-f]{24}$/) });
    expect((streamedId as { id: string }).id).not.toBe(first?.toolCalls[0]?.id);
  });

  it('a SAFETY candidate and a blocked prompt are content_filter finishes, not errors', async () => {
    const { adapter, context } = call();
    server.replay = { fixture: 'gemini/generate-safety.json' };
    expect((await adapter.chat(conversation, context)).choices[0]).toMatchObject({ text: '', finishReason: 'content_filter' });
    server.replay = { fixture: 'gemini/generate-prompt-blocked.json' };
    expect((await adapter.chat(conversation, context)).choices[0]).toMatchObject({ text: '', finishReason: 'content_filter' });
  });

  it('streams text chunks, the finish and the last cumulative usage', async () => {
    server.replay = { fixture: 'gemini/stream-text.chunks.txt' };
    const { adapter, context } = call();
    const parts = await collect(await adapter.chatStream({ ...conversation, stream: true }, context));
    expect(parts).toEqual([
      { type: 'start', id: 'abc123', model: 'gemini-2.5-flash', created: expect.any(Number), prompt: { inputTokens: 6 } },
      { type: 'text-delta', index: 0, text: 'The quick' },
      { type: 'text-delta', index: 0, text: ' brown fox' },
      { type: 'text-delta', index: 0, text: ' jumps.' },
      { type: 'finish', index: 0, finishReason: 'stop' },
      { type: 'usage', usage: { inputTokens: 6, outputTokens: 6 } },
    ]);
  });

  it('streams a function call whole', async () => {
    server.replay = { fixture: 'gemini/stream-function-call.chunks.txt' };
    const { adapter, context } = call();
    const parts = await collect(await adapter.chatStream({ ...conversation, stream: true }, context));
    expect(parts.slice(1, 4)).toEqual([
      { type: 'tool-call-start', index: 0, toolIndex: 0, id: expect.stringMatching(/^call_[0-9a-f]{24}$/), name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, toolIndex: 0, argumentsDelta: '{"location":"Paris"}' },
      { type: 'finish', index: 0, finishReason: 'tool_calls' },
    ]);
  });

  it('a stream that ends without a finish reason throws', async () => {
    server.replay = { fixture: 'gemini/stream-truncated.chunks.txt' };
    const { adapter, context } = call();
    await expect(collect(await adapter.chatStream({ ...conversation, stream: true }, context))).rejects.toMatchObject({ status: 502, code: 'upstream_connection_error' });
  });

  it('embeds with batchEmbedContents', async () => {
    server.replay = { fixture: 'gemini/embeddings.json' };
    const { adapter, context } = call();
    const response = await adapter.embed({ model: 'e', input: ['a', 'b'], dimensions: 3, encodingFormat: 'float' }, context);
    expect(server.last().url).toBe('/v1beta/models/gemini-2.5-flash:batchEmbedContents');
    expect(server.last().body).toEqual({
      requests: [
        { model: 'models/gemini-2.5-flash', content: { parts: [{ text: 'a' }] }, outputDimensionality: 3 },
        { model: 'models/gemini-2.5-flash', content: { parts: [{ text: 'b' }] }, outputDimensionality: 3 },
      ],
    });
    expect(response.vectors).toEqual([
      [0.013168523, -0.008711934, -0.046782676],
      [0.1, 0.2, 0.3],
    ]);
  });
});

describe('Gemini adapter: errors', () => {
  it('429 RESOURCE_EXHAUSTED → rate limited, with the RetryInfo delay as Retry-After', async () => {
    server.replay = { fixture: 'gemini/error-429.json', status: 429 };
    const { adapter, context } = call();
    await expect(adapter.chat(conversation, context)).rejects.toMatchObject({ status: 429, code: 'upstream_rate_limited', retryAfterSeconds: 7 });
  });

  it('400 INVALID_ARGUMENT → 400 with the upstream explanation', async () => {
    server.replay = { fixture: 'gemini/error-400.json', status: 400 };
    const { adapter, context } = call();
    await expect(adapter.chat(conversation, context)).rejects.toThrow(/contents is not specified/);
  });

  it('403 → 502 that does not echo the upstream message', async () => {
    server.replay = { fixture: 'gemini/error-403.json', status: 403 };
    const { adapter, context } = call();
    const error = (await adapter.chat(conversation, context).catch((caught: unknown) => caught)) as Error;
    expect(error).toMatchObject({ status: 502, code: 'upstream_auth_error' });
    expect(error.message).not.toContain('unregistered');
  });

  it('reports what Gemini cannot express', () => {
    const { adapter } = call();
    const base = { model: 'g', stream: false, includeUsage: false, messages: [{ role: 'user' as const, content: 'x' }] };
    expect(adapter.unsupported({ ...base, logitBias: { '1': 2 }, parallelToolCalls: false })).toEqual(['logit_bias dropped: not supported by Gemini', 'parallel_tool_calls dropped: not supported by Gemini']);
    expect(() => adapter.unsupported({ ...base, n: 3 })).toThrow(expect.objectContaining({ param: 'n' }));
  });
});
