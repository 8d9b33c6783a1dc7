/**
 * Batches under governance: a batch belongs to the key that created it (another key sees
 * 404s), its lines are billed to that key and stop at its budget without overspending,
 * a key revoked mid-batch fails the rest, and a batch can be cancelled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { toFile } from 'openai';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ADMIN = 'sy-admin-batch-governance-0123456789';
const CONFIG = `
server: { admin_key: env:ADMIN }
batch: { poll_ms: 50, concurrency: 4 }
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
  slow: { type: simulator, behaviour: { ttft_ms: 300, tokens_per_second: 1000 } }
models:
  small: { provider: sim, upstream_model: gpt-5.4-mini, price: { input: 0, output: 0, per_request: 0.1 } }
  slow: { provider: slow, upstream_model: gpt-5.4-mini, price: { input: 0, output: 0 } }
`;

let gateway: TestGateway;

async function admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${gateway.running.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return (await response.json()) as Record<string, unknown>;
}

async function keyClient(name: string): Promise<{ id: string; client: OpenAI }> {
  const key = (await admin('POST', '/admin/keys', { name })) as { id: string; key: string };
  return { id: key.id, client: new OpenAI({ baseURL: `${gateway.running.url}/v1`, apiKey: key.key, maxRetries: 0 }) };
}

function lines(count: number, model: string): Buffer {
  return Buffer.from(Array.from({ length: count }, (_, index) => JSON.stringify({ custom_id: `l${index}`, method: 'POST', url: '/v1/chat/completions', body: { model, max_tokens: 20, messages: [{ role: 'user', content: `Say hello ${index}` }] } })).join('\n'));
}

async function submit(client: OpenAI, content: Buffer): Promise<OpenAI.Batches.Batch> {
  const file = await client.files.create({ file: await toFile(content, 'in.jsonl'), purpose: 'batch' });
  return client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
}

async function until(client: OpenAI, id: string, statuses: string[], timeoutMs = 60_000): Promise<OpenAI.Batches.Batch> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await client.batches.retrieve(id);
    if (statuses.includes(batch.status)) return batch;
    if (Date.now() > deadline) throw new Error(`batch ${id} is ${batch.status}`);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

beforeAll(async () => {
  gateway = await startTestGateway(CONFIG, { ADMIN });
});
afterAll(async () => {
  await gateway.stop();
});

describe('batches under governance', () => {
  it("another key's files and batches are 404s, and lists show only one's own", async () => {
    const alice = await keyClient('alice');
    const bob = await keyClient('bob');
    const batch = await submit(alice.client, lines(2, 'small'));
    await expect(bob.client.batches.retrieve(batch.id)).rejects.toMatchObject({ status: 404 });
    await expect(bob.client.batches.cancel(batch.id)).rejects.toMatchObject({ status: 404 });
    await expect(bob.client.files.retrieve(batch.input_file_id)).rejects.toMatchObject({ status: 404 });
    await expect(bob.client.files.content(batch.input_file_id)).rejects.toMatchObject({ status: 404 });
    await expect(bob.client.batches.create({ input_file_id: batch.input_file_id, endpoint: '/v1/chat/completions', completion_window: '24h' })).rejects.toMatchObject({ status: 404 });
    const bobs = [];
    for await (const entry of bob.client.batches.list()) bobs.push(entry.id);
    expect(bobs).not.toContain(batch.id);
    const done = await until(alice.client, batch.id, ['completed']);
    await expect(bob.client.files.content(done.output_file_id!)).rejects.toMatchObject({ status: 404 });
    const unauthenticated = await fetch(`${gateway.running.url}/v1/batches/${batch.id}`);
    expect(unauthenticated.status).toBe(401);
  });

  it("lines are billed to the owner's key and stop at its budget with budget_exceeded, never overspending", async () => {
    const carol = await keyClient('carol');
    const budget = (await admin('POST', '/admin/budgets', { scope: 'key', scope_id: carol.id, period: 'total', limit_usd: 0.5 })) as { id: string };
    const batch = await until(carol.client, (await submit(carol.client, lines(20, 'small'))).id, ['completed']);
    expect(batch.request_counts?.total).toBe(20);
    expect(batch.request_counts?.completed).toBe(5);
    expect(batch.request_counts?.failed).toBe(15);
    const errors = (await (await carol.client.files.content(batch.error_file_id!)).text()).trim().split('\n').map((line) => JSON.parse(line) as { error: { code: string } });
    expect(errors.every((line) => line.error.code === 'budget_exceeded')).toBe(true);
    const budgets = (await admin('GET', '/admin/budgets')) as { data: { id: string; spent_usd: number }[] };
    expect(budgets.data.find((entry) => entry.id === budget.id)?.spent_usd).toBeCloseTo(0.5, 9);
  });

  it('a key revoked mid-batch fails the lines not yet sent', async () => {
    const dave = await keyClient('dave');
    const batch = await submit(dave.client, lines(30, 'slow'));
    await until(dave.client, batch.id, ['in_progress']);
    while ((await dave.client.batches.retrieve(batch.id)).request_counts!.completed < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    await admin('DELETE', `/admin/keys/${dave.id}`);
    // The revoked key can no longer read its batch; the runner's store shows how it ended.
    await expect(dave.client.batches.retrieve(batch.id)).rejects.toMatchObject({ status: 401 });
    const deadline = Date.now() + 60_000;
    let state = batchState(batch.id);
    while (state.status !== 'completed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = batchState(batch.id);
    }
    expect(state.status).toBe('completed');
    expect(state.completed).toBeGreaterThanOrEqual(2);
    expect(state.failed).toBeGreaterThan(0);
    expect(state.completed + state.failed).toBe(30);
    expect(state.errors.every((code) => code === 'invalid_api_key')).toBe(true);
  });

  it('cancel: lines not yet sent are not sent; the batch ends cancelled with the finished lines in its output', async () => {
    const erin = await keyClient('erin');
    const batch = await submit(erin.client, lines(40, 'slow'));
    await until(erin.client, batch.id, ['in_progress']);
    while ((await erin.client.batches.retrieve(batch.id)).request_counts!.completed < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    const cancelling = await erin.client.batches.cancel(batch.id);
    expect(['cancelling', 'cancelled']).toContain(cancelling.status);
    const cancelled = await until(erin.client, batch.id, ['cancelled']);
    expect(cancelled.cancelled_at).not.toBeNull();
    const counts = cancelled.request_counts!;
    expect(counts.completed).toBeGreaterThanOrEqual(2);
    expect(counts.completed).toBeLessThan(40);
    expect(counts.completed + counts.failed).toBe(40);
    const output = (await (await erin.client.files.content(cancelled.output_file_id!)).text()).trim().split('\n');
    expect(output).toHaveLength(counts.completed);
    const errors = (await (await erin.client.files.content(cancelled.error_file_id!)).text()).trim().split('\n').map((line) => JSON.parse(line) as { error: { code: string } });
    expect(errors.every((line) => line.error.code === 'batch_cancelled')).toBe(true);
    await expect(erin.client.batches.cancel(batch.id)).rejects.toMatchObject({ status: 409 });
  });
});

function batchState(id: string): { status: string; completed: number; failed: number; errors: string[] } {
  const store = gateway.running.batches!.store;
  const batch = store.batch(id)!;
  const errors = store.lines(id, ['failed']).map((line) => line.error?.code ?? '');
  return { status: batch.status, completed: batch.counts.completed, failed: batch.counts.failed, errors };
}
