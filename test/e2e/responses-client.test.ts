/**
 * The official openai SDK's client.responses against /v1/responses, served by simulated
 * GPT (OpenAI protocol), Claude (Anthropic protocol) and Gemini (Gemini protocol) models:
 * plain answers, streams through the SDK's event helpers, a function-call round trip with
 * previous_response_id, structured output, stored responses and their input items.
 */
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const CONFIG = `
providers:
  sim-openai:
    type: simulator
    protocol: openai
    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }
  sim-openai-responses:
    type: simulator
    protocol: openai
    api: responses
    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }
  sim-anthropic:
    type: simulator
    protocol: anthropic
    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }
  sim-gemini:
    type: simulator
    protocol: gemini
    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }
models:
  gpt-5.4:
    provider: sim-openai
    price: { input: 1.75, output: 14, cached_input: 0.175 }
  gpt-5.4-native:
    provider: sim-openai-responses
    upstream_model: gpt-5.4
    price: { input: 1.75, output: 14, cached_input: 0.175 }
  claude-sonnet-4.6:
    provider: sim-anthropic
    price: { input: 3, output: 15, cached_input: 0.3, cache_write_5m: 3.75, cache_write_1h: 6 }
  gemini-3.1-pro:
    provider: sim-gemini
    price: { input: 2, output: 12, cached_input: 0.2 }
`;

/** gpt-5.4 over Chat Completions, gpt-5.4-native over the Responses API upstream, Claude and Gemini translated. */
const MODELS = ['gpt-5.4', 'gpt-5.4-native', 'claude-sonnet-4.6', 'gemini-3.1-pro'] as const;

const weatherTool: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway(CONFIG);
});
afterAll(async () => {
  await gateway.stop();
});

describe.each(MODELS)('client.responses with %s', (model) => {
  it('answers a plain string input with a completed response, usage and switchyard headers', async () => {
    const { data, response } = await gateway.client.responses.create({ model, input: 'What is 17 * 23?', instructions: 'Be brief.' }).withResponse();
    expect(data.object).toBe('response');
    expect(data.id).toMatch(/^resp_[0-9a-f]{32}$/);
    expect(data.status).toBe('completed');
    expect(data.instructions).toBe('Be brief.');
    expect(data.output[0]?.type).toBe('message');
    expect(data.output_text).toContain('391');
    expect(data.usage?.input_tokens).toBeGreaterThan(0);
    expect(data.usage?.output_tokens).toBeGreaterThan(0);
    expect(data.usage?.total_tokens).toBe((data.usage?.input_tokens ?? 0) + (data.usage?.output_tokens ?? 0));
    expect(data.usage?.input_tokens_details.cached_tokens).toBe(0);
    expect(data.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThanOrEqual(0);
    expect(response.headers.get('x-switchyard-model')).toBe(model);
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).toBeGreaterThan(0);
  });

  it('streams the Responses event sequence and the SDK assembles the final response', async () => {
    const types: string[] = [];
    let deltas = '';
    const stream = gateway.client.responses.stream({ model, input: [{ role: 'user', content: 'Summarise the history of the bicycle.' }] });
    stream.on('event', (event) => types.push(event.type));
    stream.on('response.output_text.delta', (event) => (deltas += event.delta));
    const final = await stream.finalResponse();
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types).toContain('response.output_text.delta');
    expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
    expect(final.status).toBe('completed');
    expect(final.output_text.length).toBeGreaterThan(10);
    expect(final.output_text).toBe(deltas);
    expect(final.usage?.output_tokens).toBeGreaterThan(0);
    // Stored by default: GET returns what the stream completed with.
    const stored = await gateway.client.responses.retrieve(final.id);
    expect(stored.output_text).toBe(final.output_text);
    expect(stored.output.map((item) => item.id)).toEqual(final.output.map((item) => item.id));
    expect(stored.usage).toEqual(final.usage);
  });

  it('calls a function, then continues from previous_response_id with the function_call_output', async () => {
    const first = await gateway.client.responses.create({ model, tools: [weatherTool], input: 'Check the weather in Paris using the get_weather tool.' });
    const call = first.output.find((item) => item.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error(`expected a function_call item, got ${JSON.stringify(first.output)}`);
    expect(call.name).toBe('get_weather');
    expect(JSON.parse(call.arguments)).toHaveProperty('city');
    expect(call.call_id).not.toBe('');
    const second = await gateway.client.responses.create({
      model,
      tools: [weatherTool],
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"temperature_c": 21}' }],
    });
    expect(second.previous_response_id).toBe(first.id);
    expect(second.status).toBe('completed');
    expect(second.output[0]?.type).toBe('message');
    expect(second.output_text.length).toBeGreaterThan(0);
    // The second turn saw the whole conversation: more input tokens than the first.
    expect(second.usage?.input_tokens).toBeGreaterThan(first.usage?.input_tokens ?? 0);
  });

  it('streams a function call with argument deltas', async () => {
    const types: string[] = [];
    let argumentDeltas = '';
    const stream = gateway.client.responses.stream({ model, tools: [weatherTool], tool_choice: { type: 'function', name: 'get_weather' }, input: 'Weather in Oslo?' });
    stream.on('event', (event) => types.push(event.type));
    stream.on('response.function_call_arguments.delta', (event) => (argumentDeltas += event.delta));
    const final = await stream.finalResponse();
    const call = final.output.find((item) => item.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error('expected a function_call item');
    expect(call.arguments).toBe(argumentDeltas);
    expect(JSON.parse(call.arguments)).toHaveProperty('city');
    const added = types.indexOf('response.output_item.added');
    expect(types[added + 1]).toBe('response.function_call_arguments.delta');
    expect(types.slice(-3)).toEqual(['response.function_call_arguments.done', 'response.output_item.done', 'response.completed']);
  });

  it('returns structured output that matches text.format json_schema', async () => {
    const response = await gateway.client.responses.create({
      model,
      input: 'Give me a person: a name and a birth year.',
      text: {
        format: {
          type: 'json_schema',
          name: 'person',
          strict: true,
          schema: { type: 'object', properties: { name: { type: 'string' }, born: { type: 'integer' } }, required: ['name', 'born'], additionalProperties: false },
        },
      },
    });
    const value = JSON.parse(response.output_text) as { name: unknown; born: unknown };
    expect(typeof value.name).toBe('string');
    expect(Number.isInteger(value.born)).toBe(true);
    expect(response.text?.format?.type).toBe('json_schema');
  });
});

describe('reasoning items from a model that thinks (Claude, thinking from reasoning.effort)', () => {
  const request = { model: 'claude-sonnet-4.6', input: 'What is 17 * 23?', reasoning: { effort: 'low' as const, summary: 'auto' as const } };

  it('puts the thinking before the answer as a reasoning item with summary text', async () => {
    const response = await gateway.client.responses.create(request);
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    const reasoning = response.output[0] as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.id).toMatch(/^rs_/);
    expect(reasoning.summary.length).toBeGreaterThan(0);
    for (const part of reasoning.summary) {
      expect(part.type).toBe('summary_text');
      expect(part.text.length).toBeGreaterThan(0);
    }
    expect(response.output_text).toContain('391');
    expect(response.reasoning).toEqual({ effort: 'low', summary: 'auto' });
  });

  it('gives an empty summary when none was asked for, as OpenAI does', async () => {
    const response = await gateway.client.responses.create({ ...request, reasoning: { effort: 'low' } });
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect((response.output[0] as OpenAI.Responses.ResponseReasoningItem).summary).toEqual([]);
  });

  it('streams it with the reasoning summary events, which the SDK assembles', async () => {
    const types: string[] = [];
    let summary = '';
    const stream = gateway.client.responses.stream(request);
    stream.on('event', (event) => types.push(event.type));
    stream.on('response.reasoning_summary_text.delta', (event) => (summary += event.delta));
    const final = await stream.finalResponse();
    const reasoningEvents = [
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
    ];
    // Deltas repeat; the order of the distinct events is OpenAI's.
    const distinct = types.slice(2).filter((type, index, all) => type !== all[index - 1]);
    expect(distinct.slice(0, reasoningEvents.length)).toEqual(reasoningEvents);
    expect(distinct[reasoningEvents.length]).toBe('response.output_item.added');
    expect(types.at(-1)).toBe('response.completed');
    const reasoning = final.output[0] as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.type).toBe('reasoning');
    expect(reasoning.summary.map((part) => part.text).join('')).toBe(summary);
    expect(summary.length).toBeGreaterThan(0);
    expect(final.output_text).toContain('391');
    // Stored as streamed.
    const stored = await gateway.client.responses.retrieve(final.id);
    expect(stored.output[0]).toEqual(final.output[0]);
  });

  it('has no reasoning item when the model does not think', async () => {
    const response = await gateway.client.responses.create({ ...request, model: 'gpt-5.4' });
    expect(response.output.map((item) => item.type)).toEqual(['message']);
  });
});

describe('a Responses upstream behind other client formats', () => {
  it('serves Chat Completions clients, streamed and not, from the Responses API', async () => {
    const plain = await gateway.client.chat.completions.create({ model: 'gpt-5.4-native', messages: [{ role: 'user', content: 'What is 17 * 23?' }] });
    expect(plain.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(plain.usage?.completion_tokens).toBeGreaterThan(0);
    const stream = await gateway.client.chat.completions.create({ model: 'gpt-5.4-native', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'What is 17 * 23?' }] });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe(plain.choices[0]?.message.content);
    expect(finish).toBe('stop');
  });
});

describe('stored responses', () => {
  it('lists input items (newest first by default), and deletes', async () => {
    const response = await gateway.client.responses.create({
      model: 'gpt-5.4',
      input: [
        { role: 'developer', content: 'Answer in one word.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Capital of France?' }] },
      ],
    });
    const page = await gateway.client.responses.inputItems.list(response.id);
    expect(page.data.map((item) => (item.type === 'message' ? item.role : item.type))).toEqual(['user', 'developer']);
    const ascending = await gateway.client.responses.inputItems.list(response.id, { order: 'asc', limit: 1 });
    expect(ascending.data).toHaveLength(1);
    expect(ascending.data[0]?.type === 'message' && ascending.data[0].role).toBe('developer');
    expect(ascending.has_more).toBe(true);
    await gateway.client.responses.delete(response.id);
    await expect(gateway.client.responses.retrieve(response.id)).rejects.toMatchObject({ status: 404 });
  });

  it('keeps nothing with store: false, so the id cannot be continued', async () => {
    const response = await gateway.client.responses.create({ model: 'gpt-5.4', input: 'Hello', store: false });
    expect((response as { store?: boolean }).store).toBe(false);
    await expect(gateway.client.responses.retrieve(response.id)).rejects.toMatchObject({ status: 404 });
    await expect(gateway.client.responses.create({ model: 'gpt-5.4', input: 'And again', previous_response_id: response.id })).rejects.toMatchObject({
      status: 404,
      param: 'previous_response_id',
    });
  });
});
