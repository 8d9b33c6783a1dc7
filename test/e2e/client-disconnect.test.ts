import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/** An upstream that never answers and reports when the gateway hangs up on it. */
let upstream: Server;
let upstreamClosed: Promise<number>;
let gateway: TestGateway;

beforeAll(async () => {
  let signalClosed: (at: number) => void = () => undefined;
  upstreamClosed = new Promise((resolve) => (signalClosed = resolve));
  upstream = createServer((request) => {
    request.resume();
    request.socket.once('close', () => signalClosed(Date.now()));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = (upstream.address() as AddressInfo).port;
  gateway = await startTestGateway(`
providers:
  slow:
    type: openai-compatible
    base_url: http://127.0.0.1:${port}/v1
models:
  slow-model:
    provider: slow
    price: { input: 1, output: 1 }
`);
});

afterAll(async () => {
  await gateway.stop();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

describe('client disconnect', () => {
  it('cancels the upstream call and records the request as 499', async () => {
    const controller = new AbortController();
    const pending = fetch(`${gateway.running.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'disconnect-1' },
      body: JSON.stringify({ model: 'slow-model', messages: [{ role: 'user', content: 'hello' }] }),
      signal: controller.signal,
    }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const abortedAt = Date.now();
    controller.abort();
    await pending;
    const closedAt = await upstreamClosed;
    expect(closedAt - abortedAt).toBeLessThan(1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    gateway.running.log.flush();
    const row = gateway.running.log.recent({ last: 10 }).find((candidate) => candidate.id === 'disconnect-1');
    expect(row?.status).toBe(499);
    expect(row?.errorCode).toBe('client_closed');
    expect(gateway.running.log.attemptsOf('disconnect-1')).toHaveLength(1);
  });
});
