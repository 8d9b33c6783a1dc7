/**
 * POST /v1/messages/count_tokens through the official @anthropic-ai/sdk: Anthropic's own
 * count for a model behind an Anthropic provider with a key (here the simulator, which
 * speaks count_tokens), the gateway's tokenizer for every other model, and a fallback to the
 * tokenizer, with a warning, when Anthropic's count fails. The header says which counted.
 */
import Anthropic from '@anthropic-ai/sdk';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const CONFIG = `
resilience:
  circuit_breaker: { enabled: false }
providers:
  sim-anthropic:
    type: simulator
    protocol: anthropic
    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }
  sim-openai:
    type: simulator
    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }
  keyless-anthropic:
    type: anthropic
    base_url: http://127.0.0.1:9/v1
models:
  claude-sonnet-4.6:
    provider: sim-anthropic
    price: { input: 3, output: 15 }
  gpt-5.4:
    provider: sim-openai
    price: { input: 1.75, output: 14 }
  claude-without-key:
    provider: keyless-anthropic
    upstream_model: claude-sonnet-4-6
    price: { input: 3, output: 15 }
routes:
  auto:
    model: claude-sonnet-4.6
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

const tools: Anthropic.Tool[] = [
  { name: 'get_weather', description: 'Current weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
];
const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'What is the weather in Paris? Answer in one sentence, please.' }];

describe('messages.countTokens', () => {
  it("asks Anthropic's count_tokens for a model behind an Anthropic provider with a key", async () => {
    const { data, response } = await client.messages.countTokens({ model: 'claude-sonnet-4.6', system: 'Be brief.', messages, tools }).withResponse();
    expect(response.headers.get('x-switchyard-token-count-source')).toBe('anthropic');
    expect(response.headers.get('x-switchyard-model')).toBe('claude-sonnet-4.6');
    expect(data.input_tokens).toBeGreaterThan(10);
    // More prompt, more tokens: the count is of this request, not a constant.
    const longer = await client.messages.countTokens({ model: 'claude-sonnet-4.6', system: 'Be brief.', messages: [...messages, { role: 'assistant', content: 'It is sunny.' }, { role: 'user', content: 'And tomorrow in Lyon and in Marseille?' }], tools });
    expect(longer.input_tokens).toBeGreaterThan(data.input_tokens);
  });

  it('resolves a route to its model before counting', async () => {
    const { response } = await client.messages.countTokens({ model: 'auto', messages }).withResponse();
    expect(response.headers.get('x-switchyard-route')).toBe('auto');
    expect(response.headers.get('x-switchyard-token-count-source')).toBe('anthropic');
  });

  it("counts with the gateway's tokenizer for a model of another provider", async () => {
    const { data, response } = await client.messages.countTokens({ model: 'gpt-5.4', messages, tools }).withResponse();
    expect(response.headers.get('x-switchyard-token-count-source')).toBe('tokenizer');
    const withoutTools = await client.messages.countTokens({ model: 'gpt-5.4', messages });
    expect(data.input_tokens).toBeGreaterThan(withoutTools.input_tokens);
    expect(withoutTools.input_tokens).toBeGreaterThan(10);
  });

  it('counts with the tokenizer for an Anthropic provider without a key', async () => {
    const { response } = await client.messages.countTokens({ model: 'claude-without-key', messages }).withResponse();
    expect(response.headers.get('x-switchyard-token-count-source')).toBe('tokenizer');
  });

  it("falls back to the tokenizer, with a warning, when Anthropic's count fails", async () => {
    const { data, response } = await client.messages
      .countTokens({ model: 'claude-sonnet-4.6', messages }, { headers: { 'x-switchyard-sim': 'error_rate=1;error_status=529' } })
      .withResponse();
    expect(response.headers.get('x-switchyard-token-count-source')).toBe('tokenizer');
    expect(response.headers.get('x-switchyard-warnings')).toMatch(/Anthropic count_tokens failed/);
    expect(data.input_tokens).toBeGreaterThan(10);
  });

  it('answers bad input in Anthropic’s error format', async () => {
    await expect(client.messages.countTokens({ model: 'claude-sonnet-4.6', messages: [] })).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(client.messages.countTokens({ model: 'no-such-model', messages })).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('leaves one request row per count, with the upstream call as an attempt billed nothing', async () => {
    const { response } = await client.messages.countTokens({ model: 'claude-sonnet-4.6', messages }).withResponse();
    const id = response.headers.get('x-request-id') ?? '';
    gateway.running.gateway.services.log.flush();
    const database = new Database(gateway.dbPath, { readonly: true });
    try {
      const row = database.prepare('SELECT endpoint, status, model, cost_usd, input_tokens, attempts FROM requests WHERE id = ?').get(id);
      expect(row).toEqual({ endpoint: 'count_tokens', status: 200, model: 'claude-sonnet-4.6', cost_usd: 0, input_tokens: 0, attempts: 1 });
    } finally {
      database.close();
    }
  });
});
