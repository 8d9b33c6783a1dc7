/**
 * A stream that ends with its protocol's end marker ([DONE], message_stop) hands its
 * upstream connection back to the pool: the next call reuses it. Reading stopped at the
 * marker used to destroy the body, which closed the connection after every stream.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const event = (data: unknown, name?: string): string => `${name ? `event: ${name}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

function openAIStream(): string {
  const base = { id: 'chatcmpl-k', object: 'chat.completion.chunk', created: 1, model: 'm' };
  return (
    event({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hello' }, finish_reason: null }] }) +
    event({ ...base, choices: [{ index: 0, delta: { content: ' there.' }, finish_reason: 'stop' }] }) +
    event({ ...base, choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }) +
    event('[DONE]')
  );
}

function anthropicStream(): string {
  return (
    event({ type: 'message_start', message: { id: 'msg_k', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, usage: { input_tokens: 5, output_tokens: 0 } } }, 'message_start') +
    event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start') +
    event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello there.' } }, 'content_block_delta') +
    event({ type: 'content_block_stop', index: 0 }, 'content_block_stop') +
    event({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } }, 'message_delta') +
    event({ type: 'message_stop' }, 'message_stop')
  );
}

/** An upstream that answers every POST with a complete stream, written in two pieces, and counts connections. */
class CountingUpstream {
  connections = 0;
  url = '';
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const body = request.url?.includes('/messages') ? anthropicStream() : openAIStream();
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        // The end marker and the end of the body arrive separately, as they often do upstream.
        response.write(body);
        setTimeout(() => response.end(), 5);
      });
    });
    this.server.on('connection', () => this.connections++);
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

const upstream = new CountingUpstream();
let gateway: TestGateway;

beforeAll(async () => {
  await upstream.start();
  gateway = await startTestGateway(`
providers:
  compatible: { type: openai-compatible, base_url: ${upstream.url}/v1 }
  claude: { type: anthropic, base_url: ${upstream.url}/v1, api_key: env:ANTHROPIC_KEY }
models:
  via-openai: { provider: compatible }
  via-anthropic: { provider: claude }
`, { ANTHROPIC_KEY: 'test-key' });
});
afterAll(async () => {
  await gateway.stop();
  await upstream.stop();
});

async function streamText(model: string): Promise<string> {
  const stream = await gateway.client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  return text;
}

describe('upstream connections after a complete stream', () => {
  // Each body ends 5 ms after its end marker; the next call starts 50 ms after the previous
  // stream, so the connection is back in the pool by then and is reused (one extra allowed
  // for a machine too busy to finish in time). Destroying the body at the marker opened a
  // new connection for every stream.
  it.each(['via-openai', 'via-anthropic'])('%s: five streams in a row reuse the upstream connections', async (model) => {
    const before = upstream.connections;
    for (let index = 0; index < 5; index++) {
      expect(await streamText(model)).toBe('Hello there.');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(upstream.connections - before).toBeLessThanOrEqual(2);
  });
});
