/**
 * List prices of providers' own model ids: every spelling a provider uses finds the same
 * entry, and a `<provider>/<model>` call the config does not list is billed from it —
 * through each cloud provider's own protocol.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPrice, listPriceNames, priceKey } from '../../src/config/list-prices.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('priceKey', () => {
  it.each([
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['global.anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5'],
    ['anthropic.claude-3-5-haiku-20241022-v1:0', 'claude-3-5-haiku'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['claude-sonnet-4.5', 'claude-sonnet-4-5'],
    ['amazon.nova-pro-v1:0', 'nova-pro'],
    ['eu.amazon.nova-lite-v1:0', 'nova-lite'],
    ['amazon.titan-embed-text-v2:0', 'titan-embed-text'],
    ['meta.llama3-3-70b-instruct-v1:0', 'llama3-3-70b-instruct'],
    ['mistral.mistral-large-2407-v1:0', 'mistral-large'],
    ['mistral-large-2411', 'mistral-large'],
    ['mistral-small-latest', 'mistral-small'],
    ['codestral-2508', 'codestral'],
    ['command-a-03-2025', 'command-a'],
    ['command-r-plus-08-2024', 'command-r-plus'],
    ['command-r7b-12-2024', 'command-r7b'],
    ['embed-v4.0', 'embed-v4-0'],
    ['gpt-4.1-2025-04-14', 'gpt-4-1'],
    ['gpt-4o-mini', 'gpt-4o-mini'],
    ['gemini-2.5-flash', 'gemini-2-5-flash'],
  ])('%s → %s', (model, key) => {
    expect(priceKey(model)).toBe(key);
  });
});

describe('listPrice', () => {
  it('prices every token class the provider publishes, with the date it was read', () => {
    expect(listPrice('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toEqual({ input: 3, output: 15, cachedInput: 0.3, cacheWrite5m: 3.75, cacheWrite1h: 6, asOf: '2025-11-01' });
    expect(listPrice('mistral-large-latest')).toEqual({ input: 2, output: 6, asOf: '2025-11-01' });
    expect(listPrice('command-r-08-2024')).toMatchObject({ input: 0.15, output: 0.6 });
    expect(listPrice('command-r-plus-08-2024')).toMatchObject({ input: 2.5, output: 10 });
  });

  it('knows nothing it was not told: unknown ids and self-hosted names stay unpriced', () => {
    expect(listPrice('my-finetune-v3')).toBeUndefined();
    expect(listPrice('llama3:8b')).toBeUndefined();
    expect(listPrice('gpt-5-chat-latest')).toBeUndefined();
  });

  it('every entry name is already in normal form and appears once', () => {
    const names = listPriceNames();
    for (const name of names) expect(priceKey(name), name).toBe(name);
    expect(new Set(names).size).toBe(names.length);
  });
});

/** One passthrough id per cloud provider, billed from the list through that provider's protocol. */
const CASES = [
  { provider: 'azure', type: 'azure-openai', model: 'gpt-4.1', input: 2, output: 8 },
  { provider: 'bedrock', type: 'bedrock', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', input: 3, output: 15 },
  { provider: 'bedrock', type: 'bedrock', model: 'amazon.nova-pro-v1:0', input: 0.8, output: 3.2 },
  { provider: 'vertex', type: 'vertex', model: 'gemini-2.5-flash', input: 0.3, output: 2.5 },
  { provider: 'vertex', type: 'vertex', model: 'claude-haiku-4-5@20251001', input: 1, output: 5 },
  { provider: 'mistral', type: 'mistral', model: 'mistral-large-2411', input: 2, output: 6 },
  { provider: 'cohere', type: 'cohere', model: 'command-a-03-2025', input: 2.5, output: 10 },
] as const;

describe('a <provider>/<model> call the config does not list is billed at list price', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    const providers = [...new Set(CASES.map((entry) => `  ${entry.provider}:\n    type: simulator\n    protocol: ${entry.type}\n    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }`))];
    // The simulator answers for the upstream names its config mentions; the models below carry no price.
    const models = CASES.map((entry, index) => `  teach-${index}:\n    provider: ${entry.provider}\n    upstream_model: "${entry.model}"`);
    gateway = await startTestGateway(`providers:\n${providers.join('\n')}\nmodels:\n${models.join('\n')}\n`);
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it.each(CASES)('$provider/$model costs input × $input + output × $output per 1M tokens', async ({ provider, model, input, output }) => {
    const { data, response } = await gateway.client.chat.completions
      .create({ model: `${provider}/${model}`, messages: [{ role: 'user', content: 'Explain why the sky is blue.' }] })
      .withResponse();
    const usage = data.usage!;
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeGreaterThan(0);
    const expected = (usage.prompt_tokens * input + usage.completion_tokens * output) / 1e6;
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).toBeCloseTo(expected, 9);
  });

  it('a configured model keeps what its config says: without a price it costs nothing, whatever the list says', async () => {
    const { response } = await gateway.client.chat.completions.create({ model: 'teach-5', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).toBe(0);
  });
});
