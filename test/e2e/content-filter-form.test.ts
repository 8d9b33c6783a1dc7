/** A content-filtered answer has one form per client format, whichever protocol's upstream withheld it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway(`
resilience:
  circuit_breaker: { enabled: false }
providers:
  sim-openai: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
  sim-anthropic: { type: simulator, protocol: anthropic, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
  sim-gemini: { type: simulator, protocol: gemini, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
models:
  gpt-5.4: { provider: sim-openai, price: { input: 1.75, output: 14 } }
  claude-sonnet-4.6: { provider: sim-anthropic, price: { input: 3, output: 15 } }
  gemini-3.1-pro: { provider: sim-gemini, price: { input: 2, output: 12 } }
`);
});
afterAll(async () => {
  await gateway.stop();
});

async function post(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(`${gateway.running.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-switchyard-sim': 'safety=1' }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe.each(['gpt-5.4', 'claude-sonnet-4.6', 'gemini-3.1-pro'])('a withheld answer from %s', (model) => {
  it('is content null with finish_reason content_filter in Chat Completions', async () => {
    const json = await post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'Tell me a story.' }] });
    const choice = (json.choices as { message: { content: unknown }; finish_reason: string }[])[0];
    expect(choice?.finish_reason).toBe('content_filter');
    expect(choice?.message.content).toBeNull();
  });

  it('is an empty content list in Anthropic Messages', async () => {
    const json = await post('/v1/messages', { model, max_tokens: 100, messages: [{ role: 'user', content: 'Tell me a story.' }] });
    expect(json.content).toEqual([]);
  });
});
