import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { clientFor, postJson, readRawStream, startFastSimulator } from './helpers.js';

let simulator: RunningSimulator;
let client: OpenAI;

beforeAll(async () => {
  simulator = await startFastSimulator();
  client = clientFor(simulator);
});
afterAll(() => simulator.close());

const weatherTool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['location', 'unit'],
    },
  },
};

describe('chat completions (OpenAI SDK)', () => {
  it('returns a well-formed chat.completion, identical content and usage for identical requests', async () => {
    const request = { model: 'gpt-5.4', messages: [{ role: 'user' as const, content: 'Tell me about tidal power in Scotland' }], seed: 42 };
    const first = await client.chat.completions.create(request);
    const second = await client.chat.completions.create(request);
    expect(first.object).toBe('chat.completion');
    expect(first.id).toMatch(/^chatcmpl-/);
    expect(first.model).toBe('gpt-5.4');
    expect(first.choices[0]?.finish_reason).toBe('stop');
    expect(first.choices[0]?.message.role).toBe('assistant');
    expect(first.choices[0]?.message.content).toContain('tidal');
    expect(second.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
    expect(second.usage).toEqual(first.usage);
    expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(first.usage?.completion_tokens_details?.reasoning_tokens).toBe(0);
    expect(first.usage?.total_tokens).toBe((first.usage?.prompt_tokens ?? 0) + (first.usage?.completion_tokens ?? 0));
  });

  it('answers arithmetic correctly when the header forces a correct draw', async () => {
    const forced = clientFor(simulator, { 'x-switchyard-sim': 'correct=1' });
    const completion = await forced.chat.completions.create({ model: 'llama-4-maverick', messages: [{ role: 'user', content: 'What is 17 * 23?' }] });
    expect(completion.choices[0]?.message.content).toMatch(/The answer is 391\.$/);
    const wrong = clientFor(simulator, { 'x-switchyard-sim': 'correct=0' });
    const mistaken = await wrong.chat.completions.create({ model: 'llama-4-maverick', messages: [{ role: 'user', content: 'What is 17 * 23?' }] });
    expect(mistaken.choices[0]?.message.content).not.toMatch(/The answer is 391\./);
  });

  it('cuts at max_completion_tokens with finish_reason length', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-5.4-mini',
      max_completion_tokens: 4,
      messages: [{ role: 'user', content: 'Explain how glaciers form' }],
    });
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(4);
  });

  it('produces JSON conforming to a json_schema response format', async () => {
    const completion = await client.chat.completions.create({
      model: 'claude-sonnet-4.6',
      messages: [{ role: 'user', content: 'Describe a fictional bookshop in Lisbon' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'bookshop',
          strict: true,
          schema: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              founded: { type: 'integer' },
              genres: { type: 'array', items: { type: 'string', enum: ['poetry', 'history', 'travel'] } },
              open: { type: 'boolean' },
            },
            required: ['name', 'founded', 'genres', 'open'],
            additionalProperties: false,
          },
        },
      },
    });
    const parsed = JSON.parse(completion.choices[0]?.message.content ?? '') as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['founded', 'genres', 'name', 'open']);
    expect(Number.isInteger(parsed.founded)).toBe(true);
    expect(parsed.genres).toBeInstanceOf(Array);
  });

  it('returns a valid JSON object for json_object', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-5.4',
      messages: [{ role: 'user', content: 'Reply in JSON: what is 6 * 7?' }],
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toHaveProperty('answer');
  });

  it('calls a tool when asked and answers the tool result in text', async () => {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris in celsius?' }];
    const call = await client.chat.completions.create({ model: 'gpt-5.4', messages, tools: [weatherTool] });
    const choice = call.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const toolCall = choice.message.tool_calls?.[0];
    expect(toolCall?.type).toBe('function');
    expect(toolCall?.id).toMatch(/^call_/);
    if (toolCall?.type !== 'function') throw new Error('expected a function call');
    expect(toolCall.function.name).toBe('get_weather');
    expect(JSON.parse(toolCall.function.arguments)).toEqual({ location: 'Paris', unit: 'celsius' });

    messages.push(choice.message, { role: 'tool', tool_call_id: toolCall.id, content: '{"temperature":18,"condition":"cloudy"}' });
    const reply = await client.chat.completions.create({ model: 'gpt-5.4', messages, tools: [weatherTool] });
    expect(reply.choices[0]?.finish_reason).toBe('stop');
    expect(reply.choices[0]?.message.content).toContain('cloudy');
  });

  it('never calls a tool with tool_choice none, always with required', async () => {
    const messages = [{ role: 'user' as const, content: 'What is the weather in Paris?' }];
    const none = await client.chat.completions.create({ model: 'gpt-5.4', messages, tools: [weatherTool], tool_choice: 'none' });
    expect(none.choices[0]?.finish_reason).toBe('stop');
    const required = await client.chat.completions.create({
      model: 'gpt-5.4',
      messages: [{ role: 'user', content: 'Hello there' }],
      tools: [weatherTool],
      tool_choice: 'required',
    });
    expect(required.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('streams tool-call deltas that reassemble to valid JSON arguments', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-5.4',
      stream: true,
      messages: [{ role: 'user', content: 'Use the get_weather tool for Tokyo' }],
      tools: [weatherTool],
    });
    let name = '';
    let id = '';
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      const choice = chunk.choices[0];
      for (const delta of choice?.delta.tool_calls ?? []) {
        expect(delta.index).toBe(0);
        if (delta.id) id = delta.id;
        if (delta.function?.name) name += delta.function.name;
        args += delta.function?.arguments ?? '';
      }
      finish = choice?.finish_reason ?? finish;
    }
    expect(id).toMatch(/^call_/);
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toMatchObject({ location: 'Tokyo' });
    expect(finish).toBe('tool_calls');
  });

  it('streams content whose deltas add up to the non-streamed answer', async () => {
    const request = { model: 'gemini-3.1-flash', messages: [{ role: 'user' as const, content: 'Write a short poem about the sea' }] };
    const whole = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({ ...request, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(whole.choices[0]?.message.content);
  });

  it('lists and retrieves models', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toContain('gpt-5.4');
    expect(models).toContain('text-embedding-3-small');
    expect((await client.models.retrieve('claude-opus-4.6')).owned_by).toBe('anthropic');
  });

  it('rejects unknown models with 404 model_not_found', async () => {
    const error = await client.chat.completions.create({ model: 'gpt-0', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });

  it('rejects a malformed x-switchyard-sim header with 400 naming the key', async () => {
    const bad = clientFor(simulator, { 'x-switchyard-sim': 'ttft_ms=soon' });
    const error = await bad.chat.completions.create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('ttft_ms');
  });

  it('rejects malformed bodies with OpenAI-format 400s', async () => {
    const empty = await postJson(simulator, '/v1/chat/completions', { model: 'gpt-5.4', messages: [] });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'messages', code: null } });
    const notJson = await fetch(`${simulator.url}/v1/chat/completions`, { method: 'POST', body: '{nope' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toMatch(/parse the JSON/);
  });
});

describe('raw SSE', () => {
  it('follows the OpenAI chunk format, with usage on every chunk and a final usage chunk', async () => {
    const response = await postJson(simulator, '/v1/chat/completions', {
      model: 'gpt-5.4-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { events, done } = await readRawStream(response);
    expect(done).toBe(true);
    const ids = new Set(events.map((event) => event.id));
    expect(ids.size).toBe(1);
    for (const event of events) {
      expect(event.object).toBe('chat.completion.chunk');
      expect(event).toHaveProperty('usage');
      expect(event).toHaveProperty('system_fingerprint');
    }
    const first = events[0] as { choices: Array<{ delta: unknown }> };
    expect(first.choices[0]?.delta).toMatchObject({ role: 'assistant', content: '' });
    const finish = events[events.length - 2] as { choices: Array<{ delta: unknown; finish_reason: string }>; usage: unknown };
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(finish.usage).toBeNull();
    const last = events[events.length - 1] as { choices: unknown[]; usage: { completion_tokens: number } };
    expect(last.choices).toEqual([]);
    expect(last.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('omits usage without include_usage', async () => {
    const response = await postJson(simulator, '/v1/chat/completions', { model: 'gpt-5.4-mini', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    const { events, done } = await readRawStream(response);
    expect(done).toBe(true);
    for (const event of events) expect(event).not.toHaveProperty('usage');
  });
});

describe('embeddings', () => {
  const cosine = (left: ArrayLike<number>, right: ArrayLike<number>): number => {
    let sum = 0;
    for (let index = 0; index < left.length; index++) sum += (left[index] ?? 0) * (right[index] ?? 0);
    return sum;
  };

  it('embeds similar texts closer than dissimilar ones (SDK default base64 path)', async () => {
    const response = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['How do I reset my password?', 'How can I reset my account password?', 'The quarterly report shows revenue growth in Asia'],
    });
    expect(response.object).toBe('list');
    expect(response.data).toHaveLength(3);
    const [anchor, similar, different] = response.data.map((item) => item.embedding);
    expect(anchor).toHaveLength(1536);
    expect(cosine(anchor!, similar!)).toBeGreaterThan(cosine(anchor!, different!));
    expect(response.usage.prompt_tokens).toBeGreaterThan(0);
    expect(response.usage.total_tokens).toBe(response.usage.prompt_tokens);
  });

  it('honours dimensions and encoding_format float', async () => {
    const response = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world', dimensions: 256, encoding_format: 'float' });
    const vector = response.data[0]!.embedding;
    expect(vector).toHaveLength(256);
    expect(cosine(vector, vector)).toBeCloseTo(1, 5);
  });

  it('rejects token-array input and chat models', async () => {
    const tokens = await postJson(simulator, '/v1/embeddings', { model: 'text-embedding-3-small', input: [1, 2, 3] });
    expect(tokens.status).toBe(400);
    const chatModel = await postJson(simulator, '/v1/embeddings', { model: 'gpt-5.4', input: 'hi' });
    expect(chatModel.status).toBe(400);
  });
});
