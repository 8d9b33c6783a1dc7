/**
 * A streamed /v1/messages answer reports the prompt's input_tokens in message_start, as
 * Anthropic's API does (Claude clients show the context used from it), whichever protocol
 * the upstream speaks; and the simulator's own Anthropic stream does too.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const CONFIG = `
providers:
  sim-openai: { type: simulator, protocol: openai, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
  sim-anthropic: { type: simulator, protocol: anthropic, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
  sim-gemini: { type: simulator, protocol: gemini, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
models:
  over-openai: { provider: sim-openai, upstream_model: gpt-5.4 }
  over-anthropic: { provider: sim-anthropic, upstream_model: claude-sonnet-4.6 }
  over-gemini: { provider: sim-gemini, upstream_model: gemini-3.1-pro }
`;

const PROMPT = 'Summarise in two sentences why railway switches need regular maintenance, and what goes wrong when they get none. '.repeat(6);

let gateway: TestGateway;
let client: Anthropic;
beforeAll(async () => {
  gateway = await startTestGateway(CONFIG);
  client = new Anthropic({ baseURL: gateway.running.url, apiKey: 'unused', maxRetries: 0, timeout: 10_000 });
});
afterAll(async () => {
  await gateway.stop();
});

describe('message_start input_tokens', () => {
  it.each(['over-openai', 'over-anthropic', 'over-gemini'])('%s', async (model) => {
    const stream = client.messages.stream({ model, max_tokens: 200, system: 'Be brief.', messages: [{ role: 'user', content: PROMPT }] });
    let started: number | undefined;
    for await (const event of stream) if (event.type === 'message_start') started = event.message.usage.input_tokens;
    const final = await stream.finalMessage();
    expect(started).toBeGreaterThan(100);
    // The final usage is the upstream's own count; the start is the same count or the gateway's.
    if (model === 'over-anthropic') expect(started).toBe(final.usage.input_tokens);
    else expect(Math.abs((started ?? 0) - final.usage.input_tokens) / final.usage.input_tokens).toBeLessThan(0.2);
  });

  it("the simulator's Anthropic protocol reports it at the start as well", async () => {
    const simulator = gateway.running.simulators.find((running) => running.url && gateway.running.gateway.services.config.providers.get('sim-anthropic')?.baseUrl?.startsWith(running.url));
    expect(simulator).toBeDefined();
    const response = await fetch(`${simulator?.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'simulated-key', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4.6', max_tokens: 50, stream: true, messages: [{ role: 'user', content: PROMPT }] }),
    });
    const text = await response.text();
    const start = JSON.parse(/event: message_start\ndata: (.*)\n/.exec(text)?.[1] ?? '{}') as { message?: { usage?: { input_tokens?: number } } };
    expect(start.message?.usage?.input_tokens).toBeGreaterThan(100);
  });
});
