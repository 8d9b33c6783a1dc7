import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(async () => {
  await gateway.stop();
});

interface Row {
  id: string;
  status: number;
  stream: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  error_code: string | null;
  attempts: number;
}

/** Start a stream and walk away after a few chunks. */
async function abandonStream(url: string, id: string): Promise<void> {
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': id, 'x-switchyard-sim': 'ttft_ms=0;tps=200;answer_tokens=400' },
    body: JSON.stringify({ model: 'gpt-5.4', stream: true, messages: [{ role: 'user', content: 'Write a long essay about rivers.' }] }),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  for (let received = 0; received < 3; received++) await reader.read();
  controller.abort();
  await reader.cancel().catch(() => undefined);
}

describe('request log completeness', () => {
  it('N concurrent mixed requests leave exactly one row each, with tokens and cost', async () => {
    const url = gateway.running.url;
    const kinds = ['plain', 'stream', 'abandon', 'error', 'invalid', 'embed'] as const;
    const jobs = Array.from({ length: 60 }, (_, index) => ({ id: `log-test-${index}`, kind: kinds[index % kinds.length]! }));
    await Promise.all(
      jobs.map(async ({ id, kind }) => {
        const headers = { 'content-type': 'application/json', 'x-request-id': id };
        const messages = [{ role: 'user', content: `Question number ${id}: what is 2 + 2?` }];
        if (kind === 'abandon') return abandonStream(url, id);
        if (kind === 'embed') {
          await (await fetch(`${url}/v1/embeddings`, { method: 'POST', headers, body: JSON.stringify({ model: 'text-embedding-3-small', input: id }) })).text();
          return;
        }
        const body =
          kind === 'invalid' ? '{"model": "gpt-5.4", "messages": 12}' : JSON.stringify({ model: 'gpt-5.4', messages, stream: kind === 'stream' });
        const extra: Record<string, string> = kind === 'error' ? { 'x-switchyard-sim': 'error_rate=1;error_status=503' } : {};
        await (await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { ...headers, ...extra }, body })).text();
      }),
    );
    // Abandoned streams are recorded when the gateway notices the disconnect; give it a moment, then flush.
    await new Promise((resolve) => setTimeout(resolve, 300));
    gateway.running.log.flush();

    const database = new Database(gateway.dbPath, { readonly: true });
    const rows = database.prepare(`SELECT * FROM requests WHERE id LIKE 'log-test-%'`).all() as Row[];
    const attempts = database.prepare(`SELECT request_id, COUNT(*) AS n FROM attempts WHERE request_id LIKE 'log-test-%' GROUP BY request_id`).all() as { request_id: string; n: number }[];
    database.close();

    expect(rows).toHaveLength(jobs.length);
    const byId = new Map(rows.map((row) => [row.id, row]));
    const attemptCount = new Map(attempts.map((row) => [row.request_id, row.n]));
    for (const { id, kind } of jobs) {
      const row = byId.get(id)!;
      expect(row, id).toBeDefined();
      switch (kind) {
        case 'plain':
        case 'stream':
          expect(row.status, id).toBe(200);
          expect(row.input_tokens).toBeGreaterThan(0);
          expect(row.output_tokens).toBeGreaterThan(0);
          expect(row.cost_usd).toBeGreaterThan(0);
          expect(attemptCount.get(id)).toBe(1);
          break;
        case 'abandon':
          expect(row.status, id).toBe(499);
          expect(row.error_code).toBe('client_closed');
          expect(row.output_tokens, 'tokens streamed before the client left are billed').toBeGreaterThan(0);
          expect(row.cost_usd).toBeGreaterThan(0);
          expect(attemptCount.get(id)).toBe(1);
          break;
        case 'error':
          expect(row.status).toBe(502);
          expect(row.error_code).toBe('upstream_error');
          expect(row.cost_usd).toBe(0);
          expect(attemptCount.get(id)).toBe(1);
          break;
        case 'invalid':
          expect(row.status).toBe(400);
          expect(attemptCount.get(id)).toBeUndefined();
          break;
        case 'embed':
          expect(row.status).toBe(200);
          expect(row.input_tokens).toBeGreaterThan(0);
          expect(row.cost_usd).toBeGreaterThan(0);
          break;
      }
    }
  });

  it('keeps request and response content by default', async () => {
    await gateway.client.chat.completions.create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'remember this sentence' }] }, { headers: { 'x-request-id': 'content-1' } });
    gateway.running.log.flush();
    const [row] = gateway.running.log.recent({ last: 50 }).filter((candidate) => candidate.id === 'content-1');
    expect(row?.requestBody).toContain('remember this sentence');
    expect(JSON.parse(row?.responseBody ?? '{}').object).toBe('chat.completion');
  });

  it('caps a stored body at 64 KiB by default, marked truncated with its full size, and keeps small ones whole', async () => {
    // 300,000 bytes of prompt, in several-byte characters, so the cut must land on a character boundary.
    const prompt = 'Summarise: ' + 'é—ü'.repeat(40_000);
    await gateway.client.chat.completions.create({ model: 'gpt-5.4', messages: [{ role: 'user', content: prompt }] }, { headers: { 'x-request-id': 'huge-1' } });
    gateway.running.log.flush();
    const row = gateway.running.log.find('huge-1');
    const fullBytes = Buffer.byteLength(JSON.stringify({ model: 'gpt-5.4', messages: [{ role: 'user', content: prompt }] }));
    expect(row?.details?.truncated).toEqual({ request_body: fullBytes });
    const stored = row?.requestBody ?? '';
    expect(stored).toMatch(new RegExp(`…\\[truncated: ${fullBytes} bytes in all\\]$`));
    const kept = stored.slice(0, stored.indexOf('…[truncated'));
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(64 * 1024);
    expect(Buffer.byteLength(kept)).toBeGreaterThan(64 * 1024 - 3);
    expect(kept).not.toContain('\uFFFD');
    expect(JSON.parse(row?.responseBody ?? '{}').object).toBe('chat.completion');
  });
});
