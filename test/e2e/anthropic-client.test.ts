/**
 * Claude clients against /v1/messages: the official @anthropic-ai/sdk, served by whatever
 * model the request names (here simulated models behind the OpenAI protocol).
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gateway: TestGateway;
let client: Anthropic;

beforeAll(async () => {
  gateway = await startTestGateway();
  client = new Anthropic({ baseURL: gateway.running.url, apiKey: 'unused-on-loopback', maxRetries: 0, timeout: 10_000 });
});
afterAll(async () => {
  await gateway.stop();
});

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('Anthropic SDK against /v1/messages', () => {
  it('answers a message in the Anthropic format, with switchyard headers', async () => {
    const { data, response } = await client.messages
      .create({ model: 'gpt-5.4', max_tokens: 200, system: 'Be brief.', messages: [{ role: 'user', content: 'What is 17 * 23?' }] })
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.role).toBe('assistant');
    expect(data.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(data.content[0]?.type).toBe('text');
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-model')).toBe('gpt-5.4');
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).toBeGreaterThan(0);
  });

  it('streams the Anthropic event sequence and the SDK assembles the message', async () => {
    const events: string[] = [];
    const stream = client.messages.stream({ model: 'gpt-5.4-mini', max_tokens: 300, messages: [{ role: 'user', content: 'Summarise the history of the bicycle.' }] });
    stream.on('streamEvent', (event) => events.push(event.type));
    const message = await stream.finalMessage();
    expect(events[0]).toBe('message_start');
    expect(events).toContain('content_block_start');
    expect(events).toContain('content_block_delta');
    expect(events.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    expect(text.length).toBeGreaterThan(10);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('calls tools and continues from a tool_result', async () => {
    const first = await client.messages.create({
      model: 'gpt-5.4',
      max_tokens: 300,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Check the weather in Paris using the get_weather tool.' }],
    });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((block) => block.type === 'tool_use');
    if (call?.type !== 'tool_use') throw new Error('expected a tool_use block');
    expect(call.name).toBe('get_weather');
    expect(call.input).toHaveProperty('city');
    const second = await client.messages.create({
      model: 'gpt-5.4',
      max_tokens: 300,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Check the weather in Paris using the get_weather tool.' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '{"temperature_c": 21}' }] },
      ],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content[0]?.type).toBe('text');
  });

  it('streams tool use as input_json_delta that assembles to the input', async () => {
    const stream = client.messages.stream({
      model: 'gpt-5.4',
      max_tokens: 300,
      tools: [weatherTool],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [{ role: 'user', content: 'Weather in Berlin?' }],
    });
    const message = await stream.finalMessage();
    const call = message.content.find((block) => block.type === 'tool_use');
    expect(call?.type === 'tool_use' && call.input).toHaveProperty('city');
    expect(message.stop_reason).toBe('tool_use');
  });

  it('reports settings it could not carry in x-switchyard-warnings', async () => {
    // top_k is part of the Messages API, though this SDK's types no longer list it.
    const params = { model: 'gpt-5.4', max_tokens: 50, top_k: 5, messages: [{ role: 'user', content: 'hi' }] } as Anthropic.MessageCreateParamsNonStreaming;
    const { response } = await client.messages.create(params).withResponse();
    expect(response.headers.get('x-switchyard-warnings')).toContain('top_k');
  });

  it('errors come in Anthropic format and raise the SDK classes', async () => {
    const missing = await client.messages.create({ model: 'claude-9', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect((missing as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const invalid = await fetch(`${gateway.running.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const wrongMethod = await fetch(`${gateway.running.url}/v1/messages`);
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('a stream cut upstream ends with an error event, never message_stop', async () => {
    const stream = client.messages.stream(
      { model: 'gpt-5.4', max_tokens: 500, messages: [{ role: 'user', content: 'Write a long story about a lighthouse keeper.' }] },
      { headers: { 'x-switchyard-sim': 'break_after=5;tps=500' } },
    );
    const events: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    await expect(stream.finalMessage()).rejects.toThrow();
    expect(events).not.toContain('message_stop');
  });
});
