/**
 * Client-visible errors name the provider, never the upstream's address: a stream cut
 * mid-answer and a refused connection, in both client formats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureServer } from '../helpers/fixture-server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const upstream = new FixtureServer();
let gateway: TestGateway;

beforeAll(async () => {
  await upstream.start();
  gateway = await startTestGateway(
    `
resilience:
  circuit_breaker: { enabled: false }
providers:
  openai: { type: openai, base_url: ${upstream.url}/v1, api_key: env:UPSTREAM_KEY }
  gone: { type: openai, base_url: http://127.0.0.1:9/v1, api_key: env:UPSTREAM_KEY }
models:
  gpt-5.4: { provider: openai, price: { input: 1.75, output: 14 } }
  gpt-gone: { provider: gone, price: { input: 1, output: 1 } }
`,
    { UPSTREAM_KEY: 'sk-upstream-test' },
  );
});

afterAll(async () => {
  await gateway.stop();
  await upstream.close();
});

async function send(path: string, body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${gateway.running.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.text();
}

const chat = (model: string, stream: boolean) => ({ model, stream, max_tokens: 50, messages: [{ role: 'user', content: 'Tell me about foxes.' }] });

describe('errors name the provider, not its address', () => {
  it.each(['/v1/chat/completions', '/v1/messages'])('a stream cut mid-answer (%s)', async (path) => {
    upstream.replay = { fixture: 'openai/stream-text.chunks.txt', destroyAfterEvents: 2 };
    const text = await send(path, chat('gpt-5.4', true));
    expect(text).toMatch(/error/);
    expect(text).toContain('provider openai');
    expect(text).not.toContain('127.0.0.1');
  });

  it.each(['/v1/chat/completions', '/v1/messages'])('a refused connection (%s)', async (path) => {
    const text = await send(path, chat('gpt-gone', false));
    expect(text).toContain('provider gone');
    expect(text).not.toContain('127.0.0.1');
  });
});
