/**
 * The Azure OpenAI, Bedrock, Vertex AI, Mistral and Cohere adapters against recorded wire
 * fixtures: the request each sends (path, auth, body) and what it makes of answers,
 * stream frames and error bodies.
 */
import { describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../../src/config/load.js';
import type { ChatRequest } from '../../src/core/types.js';
import { AzureOpenAIAdapter } from '../../src/providers/azure-openai/azure-adapter.js';
import { BedrockAdapter } from '../../src/providers/bedrock/bedrock-adapter.js';
import { CohereAdapter } from '../../src/providers/cohere/cohere-adapter.js';
import { MistralAdapter } from '../../src/providers/mistral/mistral-adapter.js';
import { mistralToolCallId } from '../../src/providers/mistral/mistral-request.js';
import { VertexAdapter } from '../../src/providers/vertex/vertex-adapter.js';
import { collect, callContextFor, providerFor, SECRET, useFixtureServer } from './adapter-harness.js';

const { server, client } = useFixtureServer();

function provider(type: ProviderConfig['type'], path: string, extra: Partial<ProviderConfig> = {}): ProviderConfig {
  return { ...providerFor(server, type, type as ProviderConfig['protocol'], path), ...extra };
}

const ask: ChatRequest = { model: 'm', stream: false, includeUsage: false, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Capital of France?' }], maxTokens: 50, temperature: 0.2 };
const toolTurns: ChatRequest = {
  ...ask,
  messages: [
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: null, toolCalls: [{ id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
    { role: 'tool', content: '{"temperature_c":21}', toolCallId: 'toolu_01A09q90qw90lq917835lq9' },
  ],
  tools: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
  toolChoice: 'required',
};

describe('Azure OpenAI', () => {
  const azure = (extra: Partial<ProviderConfig> = {}) => {
    const config = provider('azure-openai', '', { azure: { apiVersion: '2024-10-21' }, ...extra });
    return { adapter: new AzureOpenAIAdapter(config, client, [SECRET]), context: callContextFor(config, 'gpt-4o-prod') };
  };

  it('calls the deployment path with api-version and the api-key header, without model/store in the body', async () => {
    server.replay = { fixture: 'azure-openai/chat-basic.json' };
    const { adapter, context } = azure();
    const response = await adapter.chat({ ...ask, store: true }, context);
    const sent = server.last();
    expect(sent.url).toBe('/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21');
    expect(sent.headers['api-key']).toBe(SECRET);
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Capital of France?' }], max_completion_tokens: 50, temperature: 0.2 });
    expect(response.choices[0]).toMatchObject({ text: 'Paris is the capital of France.', finishReason: 'stop' });
    expect(response.usage).toEqual({ inputTokens: 14, outputTokens: 8 });
  });

  it('a filtered answer and a filtered prompt (400 content_filter) are content_filter finishes', async () => {
    const { adapter, context } = azure();
    server.replay = { fixture: 'azure-openai/chat-filtered-answer.json' };
    expect((await adapter.chat(ask, context)).choices[0]?.finishReason).toBe('content_filter');
    server.replay = { fixture: 'azure-openai/error-400-content-filter.json', status: 400 };
    expect((await adapter.chat(ask, context)).choices[0]).toMatchObject({ text: '', finishReason: 'content_filter' });
    const parts = await collect(await adapter.chatStream({ ...ask, stream: true }, context));
    expect(parts.map((part) => part.type)).toEqual(['start', 'finish']);
    expect(parts[1]).toMatchObject({ finishReason: 'content_filter' });
  });

  it('streams past the prompt_filter_results chunk, with usage', async () => {
    server.replay = { fixture: 'azure-openai/stream-text.chunks.txt' };
    const { adapter, context } = azure();
    const parts = await collect(await adapter.chatStream({ ...ask, stream: true }, context));
    expect(parts[0]).toMatchObject({ type: 'start', id: 'chatcmpl-AR2str', model: 'gpt-4o-2024-08-06' });
    expect(parts.filter((part) => part.type === 'text-delta')).toEqual([{ type: 'text-delta', index: 0, text: 'Bonjour' }]);
    expect(parts.at(-1)).toEqual({ type: 'usage', usage: { inputTokens: 9, outputTokens: 2, cachedInputTokens: 4 } });
  });

  it('429 honours retry-after-ms', async () => {
    server.replay = { fixture: 'azure-openai/error-429.json', status: 429, headers: { 'retry-after': '6', 'retry-after-ms': '5500' } };
    const { adapter, context } = azure();
    await expect(adapter.chat(ask, context)).rejects.toMatchObject({ code: 'upstream_rate_limited', retryAfterSeconds: 5.5 });
  });
});

describe('Bedrock', () => {
  const bedrock = (guardrail = false) => {
    const config = provider('bedrock', '', {
      apiKey: undefined,
      aws: { region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET }, ...(guardrail ? { guardrail: { identifier: 'gr-1', version: '2' } } : {}) },
    });
    return { adapter: new BedrockAdapter(config, client, [SECRET]), context: callContextFor(config, 'anthropic.claude-3-5-sonnet-20240620-v1:0') };
  };

  it('sends a signed Converse body: system apart, tool turns as blocks, toolConfig, guardrail', async () => {
    server.replay = { fixture: 'bedrock/converse-tool-use.json' };
    const { adapter, context } = bedrock(true);
    await adapter.chat({ ...toolTurns, messages: [{ role: 'system', content: 'Be brief.' }, ...toolTurns.messages] }, context);
    const sent = server.last();
    expect(sent.url).toBe('/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse');
    expect(sent.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/);
    expect(JSON.stringify(sent.headers)).not.toContain(SECRET);
    expect(sent.body).toEqual({
      messages: [
        { role: 'user', content: [{ text: 'Weather in Paris?' }] },
        { role: 'assistant', content: [{ toolUse: { toolUseId: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { city: 'Paris' } } }] },
        { role: 'user', content: [{ toolResult: { toolUseId: 'toolu_01A09q90qw90lq917835lq9', content: [{ text: '{"temperature_c":21}' }] } }] },
      ],
      system: [{ text: 'Be brief.' }],
      inferenceConfig: { maxTokens: 50, temperature: 0.2 },
      toolConfig: { tools: [{ toolSpec: { name: 'get_weather', description: 'Weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } } }], toolChoice: { any: {} } },
      guardrailConfig: { guardrailIdentifier: 'gr-1', guardrailVersion: '2' },
    });
  });

  it('reads text, tool use and cache usage (input counts cache reads and writes; reads are cached input, writes five-minute cache writes)', async () => {
    server.replay = { fixture: 'bedrock/converse-tool-use.json' };
    const { adapter, context } = bedrock();
    const response = await adapter.chat(ask, context);
    expect(response.choices[0]).toMatchObject({ text: "I'll look up the weather.", toolCalls: [{ id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'get_weather', arguments: '{"city":"Seattle"}' }], finishReason: 'tool_calls' });
    expect(response.usage).toEqual({ inputTokens: 1223, outputTokens: 52, cachedInputTokens: 600, cacheWrite5mTokens: 200 });
  });

  it('JSON schema output goes in outputConfig.textFormat; a guardrail intervention is a content_filter finish', async () => {
    server.replay = { fixture: 'bedrock/converse-guardrail.json' };
    const { adapter, context } = bedrock();
    const response = await adapter.chat({ ...ask, responseFormat: { type: 'json_schema', name: 'city', schema: { type: 'object', properties: { name: { type: 'string' } } } } }, context);
    expect((server.last().body as { outputConfig: unknown }).outputConfig).toEqual({ textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: '{"type":"object","properties":{"name":{"type":"string"}}}', name: 'city' } } } });
    expect(response.choices[0]?.finishReason).toBe('content_filter');
  });

  it('decodes a ConverseStream event stream into text, a tool call, the finish and usage', async () => {
    server.replay = { fixture: 'bedrock/stream-tool-use.events.json' };
    const { adapter, context } = bedrock();
    const parts = await collect(await adapter.chatStream({ ...ask, stream: true }, context));
    expect(server.last().url).toBe('/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream');
    expect(parts.slice(1)).toEqual([
      { type: 'text-delta', index: 0, text: 'Checking' },
      { type: 'tool-call-start', index: 0, toolIndex: 0, id: 'tooluse_Qy4pT0Wg', name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, toolIndex: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', index: 0, toolIndex: 0, argumentsDelta: ' "Oslo"}' },
      { type: 'finish', index: 0, finishReason: 'tool_calls' },
      { type: 'usage', usage: { inputTokens: 311, outputTokens: 40 } },
    ]);
  });

  it('a throttlingException frame mid-stream is a retryable 429', async () => {
    server.replay = { fixture: 'bedrock/stream-throttled.events.json' };
    const { adapter, context } = bedrock();
    await expect(collect(await adapter.chatStream({ ...ask, stream: true }, context))).rejects.toMatchObject({ code: 'upstream_rate_limited', retryable: true });
  });

  it('maps throttling and over-long input by x-amzn-ErrorType', async () => {
    const { adapter, context } = bedrock();
    server.replay = { fixture: 'bedrock/error-throttling.json', status: 429, headers: { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/' } };
    await expect(adapter.chat(ask, context)).rejects.toMatchObject({ code: 'upstream_rate_limited', status: 429 });
    server.replay = { fixture: 'bedrock/error-validation-length.json', status: 400, headers: { 'x-amzn-errortype': 'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/' } };
    await expect(adapter.chat(ask, context)).rejects.toMatchObject({ code: 'context_length_exceeded' });
  });

  it('web image URLs are refused with the param named (Bedrock takes bytes)', async () => {
    const { adapter, context } = bedrock();
    await expect(adapter.chat({ ...ask, messages: [{ role: 'user', content: [{ type: 'image', url: 'https://example.invalid/a.png' }] }] }, context)).rejects.toMatchObject({ status: 400, param: 'messages[0].content' });
  });
});

describe('Vertex AI', () => {
  const vertex = (model: string) => {
    const config = provider('vertex', '/v1', { apiKey: undefined, vertex: { project: 'my-proj', location: 'europe-west4', accessToken: SECRET } });
    return { adapter: new VertexAdapter(config, client, [SECRET]), context: callContextFor(config, model) };
  };

  it('Gemini models: generateContent on the regional publisher path with a bearer token', async () => {
    server.replay = { fixture: 'gemini/generate-basic.json' };
    const { adapter, context } = vertex('gemini-2.5-flash');
    const response = await adapter.chat(ask, context);
    expect(server.last().url).toBe('/v1/projects/my-proj/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent');
    expect(server.last().headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(response.usage).toMatchObject({ inputTokens: 8, reasoningTokens: 23 });
  });

  it('Claude models: rawPredict with anthropic_version and no model in the body; streamRawPredict for streams', async () => {
    server.replay = { fixture: 'anthropic/message-basic.json' };
    const { adapter, context } = vertex('claude-sonnet-4-5@20250929');
    await adapter.chat(ask, context);
    expect(server.last().url).toBe('/v1/projects/my-proj/locations/europe-west4/publishers/anthropic/models/claude-sonnet-4-5%4020250929:rawPredict');
    expect(server.last().body).toEqual({ anthropic_version: 'vertex-2023-10-16', max_tokens: 50, messages: [{ role: 'user', content: [{ type: 'text', text: 'Capital of France?' }] }], system: 'Be brief.', temperature: 0.2 });
    server.replay = { fixture: 'anthropic/stream-text.chunks.txt' };
    const parts = await collect(await adapter.chatStream({ ...ask, stream: true }, context));
    expect(server.last().url).toMatch(/:streamRawPredict$/);
    expect(parts.some((part) => part.type === 'text-delta')).toBe(true);
  });

  it('embeddings through :predict, with token counts', async () => {
    server.replay = { fixture: 'vertex/predict-embeddings.json' };
    const { adapter, context } = vertex('text-embedding-005');
    const response = await adapter.embed({ model: 'e', input: ['a b', 'c d e'], dimensions: 3, encodingFormat: 'float' }, context);
    expect(server.last().body).toEqual({ instances: [{ content: 'a b', task_type: 'CLUSTERING' }, { content: 'c d e', task_type: 'CLUSTERING' }], parameters: { outputDimensionality: 3 } });
    expect(response).toEqual({ model: 'text-embedding-005', vectors: [[0.01, -0.02, 0.03], [0.04, 0.05, -0.06]], usage: { inputTokens: 7 } });
  });

  it('an expired token given as is: a 502 saying to check it, without the token', async () => {
    server.replay = { fixture: 'vertex/error-401.json', status: 401 };
    const { adapter, context } = vertex('gemini-2.5-flash');
    const error = (await adapter.chat(ask, context).then(
      () => undefined,
      (caught: unknown) => caught,
    )) as Error;
    expect(error).toMatchObject({ code: 'upstream_auth_error', status: 502 });
    expect(error.message).toContain('access_token');
    expect(error.message).not.toContain(SECRET);
  });
});

describe('Mistral', () => {
  const mistral = () => {
    const config = provider('mistral', '/v1');
    return { adapter: new MistralAdapter(config, client, [SECRET]), context: callContextFor(config, 'mistral-large-latest') };
  };

  it("maps tool-call ids to Mistral's nine characters (the same for the call and its result), required → any, seed → random_seed", async () => {
    server.replay = { fixture: 'mistral/chat-tool-call.json' };
    const { adapter, context } = mistral();
    const response = await adapter.chat({ ...toolTurns, seed: 7 }, context);
    const body = server.last().body as { messages: Array<Record<string, unknown>>; tool_choice: unknown; random_seed: unknown };
    const id = mistralToolCallId('toolu_01A09q90qw90lq917835lq9');
    expect(id).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(body.messages[1]).toMatchObject({ tool_calls: [{ id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] });
    expect(body.messages[2]).toEqual({ role: 'tool', content: '{"temperature_c":21}', tool_call_id: id });
    expect(body.tool_choice).toBe('any');
    expect(body.random_seed).toBe(7);
    expect(server.last().headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(response.choices[0]).toMatchObject({ toolCalls: [{ id: 'D681PevKs', name: 'get_weather' }], finishReason: 'tool_calls' });
  });

  it('content chunks become text (thinking left out); model_length is a length finish', async () => {
    server.replay = { fixture: 'mistral/chat-basic.json' };
    const { adapter, context } = mistral();
    expect((await adapter.chat(ask, context)).choices[0]?.text).toBe('Hello there!');
    server.replay = { fixture: 'mistral/stream-text.chunks.txt' };
    const parts = await collect(await adapter.chatStream({ ...ask, stream: true }, context));
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => (part as { text: string }).text).join('')).toBe('Bonjour !');
    expect(parts).toContainEqual({ type: 'finish', index: 0, finishReason: 'length' });
    expect(parts.at(-1)).toEqual({ type: 'usage', usage: { inputTokens: 7, outputTokens: 3 } });
  });

  it('a 422 validation error is a 400 naming the field problem', async () => {
    server.replay = { fixture: 'mistral/error-422.json', status: 422 };
    const { adapter, context } = mistral();
    await expect(adapter.chat(ask, context)).rejects.toMatchObject({ code: 'invalid_request', status: 400, message: expect.stringContaining('Field required') });
  });
});

describe('Cohere', () => {
  const cohere = () => {
    const config = provider('cohere', '');
    return { adapter: new CohereAdapter(config, client, [SECRET]), context: callContextFor(config, 'command-a-03-2025') };
  };

  it('sends Chat v2 (p, stop_sequences, REQUIRED) and reads tool calls with billed units as usage', async () => {
    server.replay = { fixture: 'cohere/chat-tool-call.json' };
    const { adapter, context } = cohere();
    const response = await adapter.chat({ ...toolTurns, topP: 0.5, stop: ['END'] }, context);
    expect(server.last().url).toBe('/v2/chat');
    expect(server.last().body).toMatchObject({
      model: 'command-a-03-2025',
      stream: false,
      tool_choice: 'REQUIRED',
      p: 0.5,
      stop_sequences: ['END'],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', tool_calls: [{ id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_01A09q90qw90lq917835lq9', content: '{"temperature_c":21}' },
      ],
    });
    expect(response.choices[0]).toMatchObject({ text: null, toolCalls: [{ id: 'get_weather_1byjy32y4hvq', name: 'get_weather', arguments: '{"location":"Toronto"}' }], finishReason: 'tool_calls' });
    expect(response.usage).toEqual({ inputTokens: 37, outputTokens: 28, cachedInputTokens: 12 });
  });

  it('streams typed SSE events to message-end', async () => {
    server.replay = { fixture: 'cohere/stream-text.chunks.txt' };
    const { adapter, context } = cohere();
    const parts = await collect(await adapter.chatStream({ ...ask, stream: true }, context));
    expect(parts).toEqual([
      { type: 'start', id: '29f14a5a-11de-4cae-9800-25e4747408ea', model: 'command-a-03-2025', created: expect.any(Number) },
      { type: 'text-delta', index: 0, text: 'Hello' },
      { type: 'text-delta', index: 0, text: ' world' },
      { type: 'finish', index: 0, finishReason: 'stop' },
      { type: 'usage', usage: { inputTokens: 3, outputTokens: 2 } },
    ]);
  });

  it('a stream cut before message-end throws', async () => {
    server.replay = { fixture: 'cohere/stream-text.chunks.txt', destroyAfterEvents: 3 };
    const { adapter, context } = cohere();
    await expect(collect(await adapter.chatStream({ ...ask, stream: true }, context))).rejects.toMatchObject({ status: 502 });
  });

  it('embeds with Embed v2 float embeddings and billed input tokens; 429 is a rate limit', async () => {
    server.replay = { fixture: 'cohere/embed.json' };
    const { adapter, context } = cohere();
    const response = await adapter.embed({ model: 'e', input: ['a', 'b'], encodingFormat: 'float' }, context);
    expect(server.last().body).toEqual({ model: 'command-a-03-2025', texts: ['a', 'b'], input_type: 'clustering', embedding_types: ['float'] });
    expect(response.usage.inputTokens).toBe(2);
    server.replay = { fixture: 'cohere/error-429.json', status: 429 };
    await expect(adapter.chat(ask, context)).rejects.toMatchObject({ code: 'upstream_rate_limited' });
  });
});
