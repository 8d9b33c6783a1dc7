/**
 * Extended thinking and cache_control from the official @anthropic-ai/sdk through the gateway
 * to a simulated Anthropic model: thinking blocks and their signatures come back (and stream)
 * as Anthropic sends them, go back upstream unchanged in the next turn (the simulator checks
 * each signature, as Anthropic does), and cache_control on system, tools and messages is
 * accepted on the way.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const CONFIG = `
providers:
  sim-anthropic:
    type: simulator
    protocol: anthropic
    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }
models:
  claude-sonnet-4.6:
    provider: sim-anthropic
    price: { input: 3, output: 15, cached_input: 0.3, cache_write_5m: 3.75, cache_write_1h: 6 }
`;

let gateway: TestGateway;
let client: Anthropic;

beforeAll(async () => {
  gateway = await startTestGateway(CONFIG);
  client = new Anthropic({ baseURL: gateway.running.url, apiKey: 'unused-on-loopback', maxRetries: 0, timeout: 30_000 });
});
afterAll(async () => {
  await gateway.stop();
});

const system: Anthropic.TextBlockParam[] = [{ type: 'text', text: 'You are a careful assistant. Think before answering.', cache_control: { type: 'ephemeral', ttl: '1h' } }];
const tools: Anthropic.Tool[] = [
  {
    name: 'get_weather',
    description: 'Current weather for a city',
    input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    cache_control: { type: 'ephemeral' },
  },
];
const thinking = { type: 'enabled' as const, budget_tokens: 2048 };

describe('extended thinking through the gateway', () => {
  it('returns a signed thinking block before the answer, billed as output', async () => {
    const { data, response } = await client.messages
      .create({ model: 'claude-sonnet-4.6', max_tokens: 4096, thinking, system, messages: [{ role: 'user', content: 'What is 17 * 23?' }] })
      .withResponse();
    expect(data.content[0]?.type).toBe('thinking');
    const block = data.content[0] as Anthropic.ThinkingBlock;
    expect(block.thinking).toContain('17 * 23');
    expect(block.signature.length).toBeGreaterThan(20);
    expect(data.content[1]?.type).toBe('text');
    expect(data.usage.output_tokens).toBeGreaterThan(20);
    expect(response.headers.get('x-switchyard-warnings') ?? '').not.toMatch(/thinking|cache_control/);
  });

  it('streams thinking_delta and signature_delta, and the SDK assembles the same blocks', async () => {
    const deltas: string[] = [];
    const stream = client.messages.stream({ model: 'claude-sonnet-4.6', max_tokens: 4096, thinking, messages: [{ role: 'user', content: 'Summarise the history of the bicycle.' }] });
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_delta') deltas.push(event.delta.type);
    });
    const message = await stream.finalMessage();
    expect(deltas).toContain('thinking_delta');
    expect(deltas).toContain('signature_delta');
    expect(deltas.indexOf('signature_delta')).toBeLessThan(deltas.indexOf('text_delta'));
    const [first, second] = message.content;
    expect(first?.type).toBe('thinking');
    expect((first as Anthropic.ThinkingBlock).signature.length).toBeGreaterThan(20);
    expect(second?.type).toBe('text');
  });

  it('hands the thinking block back with the tool result, cache_control included, and the upstream accepts its signature', async () => {
    const question: Anthropic.MessageParam = { role: 'user', content: [{ type: 'text', text: 'Check the weather in Paris using the get_weather tool.', cache_control: { type: 'ephemeral' } }] };
    const first = await client.messages.create({ model: 'claude-sonnet-4.6', max_tokens: 4096, thinking, system, tools, messages: [question] });
    expect(first.content[0]?.type).toBe('thinking');
    const call = first.content.find((block) => block.type === 'tool_use');
    if (call?.type !== 'tool_use') throw new Error(`expected a tool_use block, got ${JSON.stringify(first.content)}`);
    const second = await client.messages.create({
      model: 'claude-sonnet-4.6',
      max_tokens: 4096,
      thinking,
      system,
      tools,
      messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '{"temperature_c": 21}' }] }],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content.some((block) => block.type === 'text')).toBe(true);

    // A thinking block that was altered on the way is refused upstream, and the client is told.
    const altered = first.content.map((block) => (block.type === 'thinking' ? { ...block, thinking: `${block.thinking} (edited)` } : block));
    await expect(
      client.messages.create({
        model: 'claude-sonnet-4.6',
        max_tokens: 4096,
        thinking,
        tools,
        messages: [question, { role: 'assistant', content: altered }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '{}' }] }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.APIError);
  });

  it('refuses a thinking budget below the minimum or not below max_tokens', async () => {
    await expect(client.messages.create({ model: 'claude-sonnet-4.6', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 100 }, messages: [{ role: 'user', content: 'Hi' }] })).rejects.toBeInstanceOf(
      Anthropic.APIError,
    );
    await expect(client.messages.create({ model: 'claude-sonnet-4.6', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [{ role: 'user', content: 'Hi' }] })).rejects.toBeInstanceOf(
      Anthropic.APIError,
    );
  });
});

describe('prompt caching with thinking, over a conversation', () => {
  /** A system prompt long enough to be cached (Anthropic caches no prefix under 1024 tokens), kept for an hour. */
  const longSystem: Anthropic.TextBlockParam[] = [
    { type: 'text', text: `You are a careful arithmetic tutor. ${'Show the method, check the result by another route, and keep the final line short. '.repeat(80)}`, cache_control: { type: 'ephemeral', ttl: '1h' } },
  ];
  // The model's prices (per million tokens): input 3, output 15, cache read 0.3, 5-minute write 3.75, 1-hour write 6.
  const cost = (usage: Anthropic.Usage): number =>
    (usage.input_tokens * 3 +
      (usage.cache_read_input_tokens ?? 0) * 0.3 +
      (usage.cache_creation?.ephemeral_5m_input_tokens ?? 0) * 3.75 +
      (usage.cache_creation?.ephemeral_1h_input_tokens ?? 0) * 6 +
      usage.output_tokens * 15) /
    1e6;

  it('writes the marked prefix, reads it back on the next turns, and prices each token class', async () => {
    // A fresh conversation (its own first words), so no earlier test warmed this cache.
    const opening: Anthropic.MessageParam = { role: 'user', content: `Conversation ${Date.now()}: what is 17 * 23?` };
    const first = await client.messages.create({ model: 'claude-sonnet-4.6', max_tokens: 4096, thinking, system: longSystem, messages: [opening] }).withResponse();
    const one = first.data.usage;
    expect(one.cache_read_input_tokens).toBe(0);
    expect(one.cache_creation_input_tokens).toBeGreaterThanOrEqual(1024);
    expect(one.cache_creation).toEqual({ ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: one.cache_creation_input_tokens });
    expect(one.input_tokens).toBeGreaterThan(0);
    expect(Number(first.response.headers.get('x-switchyard-cost-usd'))).toBeCloseTo(cost(one), 8);
    expect(first.data.content[0]?.type).toBe('thinking');

    // Turn two: the answer (thinking included) handed back, and a new question marked for five minutes.
    const followUp: Anthropic.MessageParam = { role: 'user', content: [{ type: 'text', text: 'And 18 * 23?', cache_control: { type: 'ephemeral' } }] };
    const turnTwo = { model: 'claude-sonnet-4.6', max_tokens: 4096, thinking, system: longSystem, messages: [opening, { role: 'assistant' as const, content: first.data.content }, followUp] };
    // The answer's correctness is drawn per prompt by the simulated model's quality; ask for a right one.
    const second = await client.messages.create(turnTwo, { headers: { 'x-switchyard-sim': 'correct=1' } }).withResponse();
    const two = second.data.usage;
    expect(two.cache_read_input_tokens).toBe(one.cache_creation_input_tokens);
    expect(two.cache_creation).toEqual({ ephemeral_5m_input_tokens: two.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 });
    expect(two.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(Number(second.response.headers.get('x-switchyard-cost-usd'))).toBeCloseTo(cost(two), 8);
    expect(second.data.content.find((block) => block.type === 'text')?.text).toContain('414');

    // The same turn again (a retry): everything up to the last mark is read, nothing written.
    const third = await client.messages.create(turnTwo).withResponse();
    const three = third.data.usage;
    expect(three.cache_read_input_tokens).toBe((two.cache_read_input_tokens ?? 0) + (two.cache_creation_input_tokens ?? 0));
    expect(three.cache_creation_input_tokens).toBe(0);
    expect(three.input_tokens).toBe(two.input_tokens);
    expect(Number(third.response.headers.get('x-switchyard-cost-usd'))).toBeCloseTo(cost(three), 8);
    // Reading is cheaper than writing: the same prompt costs less the second time.
    expect(cost(three)).toBeLessThan(cost(two) + (three.output_tokens - two.output_tokens) * 15e-6);

    // Streamed, the cache classes arrive in message_start and are priced the same way.
    const stream = client.messages.stream(turnTwo);
    const streamed = await stream.finalMessage();
    expect(streamed.usage.cache_read_input_tokens).toBe(three.cache_read_input_tokens);
    expect(streamed.usage.cache_creation_input_tokens).toBe(0);
  });

  it('caches nothing below the minimum length, as Anthropic does', async () => {
    const { usage } = await client.messages.create({ model: 'claude-sonnet-4.6', max_tokens: 4096, thinking, system, messages: [{ role: 'user', content: 'What is 12 * 12?' }] });
    expect(usage.cache_creation_input_tokens).toBe(0);
    expect(usage.cache_read_input_tokens).toBe(0);
  });
});
