/** log.access: one JSON line per HTTP request, with what it cost and never a key or a body. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_SIMULATOR_CONFIG, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServe, tempDir } from '../helpers/cli.js';

const ADMIN_KEY = 'admin-secret-for-access-log-test';

describe('access log', () => {
  let gateway: TestGateway;
  const lines: string[] = [];
  const entries = (): Record<string, unknown>[] => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const waitForLines = async (count: number): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (lines.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  };

  beforeAll(async () => {
    gateway = await startTestGateway(`log: { access: true }\nserver: { admin_key: env:ADMIN_KEY }\n${FAST_SIMULATOR_CONFIG}`, { ADMIN_KEY }, { accessLog: (line) => lines.push(line) });
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it('writes one line per request: model calls with tokens and cost, other endpoints and errors too', async () => {
    const { key } = (await (
      await fetch(`${gateway.running.url}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'access', team: 'blue' }) })
    ).json()) as { key: string };
    lines.length = 0;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'user-agent': 'access-log-test/1.0' };
    const chat = await fetch(`${gateway.running.url}/v1/chat/completions?trace=1`, {
      method: 'POST',
      headers: { ...headers, 'x-request-id': 'access-chat-1' },
      body: JSON.stringify({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'secret-prompt-text about rivers' }] }),
    });
    expect(chat.status).toBe(200);
    await chat.text();
    const stream = await fetch(`${gateway.running.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...headers, 'x-request-id': 'access-stream-1' },
      body: JSON.stringify({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    await stream.text();
    await (await fetch(`${gateway.running.url}/health/live`)).text();
    await (await fetch(`${gateway.running.url}/v1/nowhere`, { headers: { 'x-request-id': 'access-404' } })).text();
    await (await fetch(`${gateway.running.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'access-401' }, body: '{}' })).text();
    await waitForLines(5);
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);

    const [chatLine, streamLine, health, notFound, unauthorized] = entries() as [Record<string, unknown>, ...Record<string, unknown>[]];
    expect(chatLine).toMatchObject({
      type: 'access',
      request_id: 'access-chat-1',
      method: 'POST',
      path: '/v1/chat/completions',
      status: 200,
      user_agent: 'access-log-test/1.0',
      remote_address: '127.0.0.1',
      team: 'blue',
      endpoint: 'chat',
      requested_model: 'gpt-5.4',
      model: 'gpt-5.4',
      provider: 'sim',
      stream: false,
      attempts: 1,
      finish_reason: 'stop',
      error_code: null,
    });
    expect(chatLine.key_id).toMatch(/^key_/);
    expect(Date.parse(chatLine.time as string)).toBeGreaterThan(Date.now() - 60_000);
    expect(chatLine.duration_ms).toBeGreaterThan(0);
    // The same tokens and cost as the request log.
    gateway.running.log.flush();
    const row = gateway.running.log.find('access-chat-1');
    expect(chatLine.input_tokens).toBe(row?.inputTokens);
    expect(chatLine.output_tokens).toBe(row?.outputTokens);
    expect(chatLine.cost_usd).toBe(row?.costUsd);
    expect(chatLine.cost_usd).toBeGreaterThan(0);
    expect(streamLine).toMatchObject({ request_id: 'access-stream-1', status: 200, stream: true, route: 'auto', model: 'gpt-5.4-mini' });
    expect(health).toMatchObject({ path: '/health/live', status: 200, key_id: null });
    expect(health).not.toHaveProperty('model');
    expect(notFound).toMatchObject({ request_id: 'access-404', method: 'GET', path: '/v1/nowhere', status: 404 });
    expect(unauthorized).toMatchObject({ request_id: 'access-401', status: 401 });
    // No key, no body, no query string.
    const text = lines.join('');
    expect(text).not.toContain(key);
    expect(text).not.toContain(ADMIN_KEY);
    expect(text).not.toContain('secret-prompt-text');
    expect(text).not.toContain('trace=1');
  });

  it('a client that leaves mid-stream is logged as 499', async () => {
    lines.length = 0;
    const controller = new AbortController();
    const response = await fetch(`${gateway.running.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'access-abandon', authorization: `Bearer ${ADMIN_KEY}` },
      body: '{}',
    }).catch(() => undefined);
    expect(response?.status).toBe(403);
    const { key } = (await (
      await fetch(`${gateway.running.url}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'leaver' }) })
    ).json()) as { key: string };
    lines.length = 0;
    const stream = await fetch(`${gateway.running.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'access-abandon', authorization: `Bearer ${key}`, 'x-switchyard-sim': 'ttft_ms=0;tps=100;answer_tokens=500' },
      body: JSON.stringify({ model: 'gpt-5.4', stream: true, messages: [{ role: 'user', content: 'Write a long essay.' }] }),
      signal: controller.signal,
    });
    const reader = stream.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.cancel().catch(() => undefined);
    await waitForLines(1);
    expect(entries()[0]).toMatchObject({ request_id: 'access-abandon', status: 499, error_code: 'client_closed', stream: true });
  });
});

describe('switchyard serve', () => {
  it('writes access lines to stdout with log.access: true, and none by default', async () => {
    for (const access of [true, false]) {
      const directory = tempDir();
      writeFileSync(join(directory, 'switchyard.yaml'), `log: { access: ${access} }\nstore: { sqlite: { path: ./log.db } }\nproviders: { sim: { type: simulator, behaviour: { ttft_ms: 0 } } }\nmodels: { m: { provider: sim } }\n`);
      const served = await startServe(['--port', '0'], { cwd: directory });
      try {
        const response = await fetch(`${served.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': `serve-access-${access}` },
          body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
        });
        expect(response.status).toBe(200);
        const deadline = Date.now() + 5000;
        while (access && !served.banner().includes('serve-access-true') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      } finally {
        await served.stop();
      }
      const accessLines = served
        .banner()
        .split('\n')
        .filter((line) => line.startsWith('{') && line.includes('"type":"access"'));
      if (access) {
        expect(accessLines).toHaveLength(1);
        expect(JSON.parse(accessLines[0] as string)).toMatchObject({ request_id: 'serve-access-true', status: 200, model: 'm' });
      } else {
        expect(accessLines).toEqual([]);
      }
    }
  });
});
