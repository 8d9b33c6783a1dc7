/**
 * Anthropic's Message Batches API through the official @anthropic-ai/sdk, as Claude batch
 * code uses it: create, retrieve until ended, stream the results, list, cancel, delete —
 * each request run by the gateway under the creating key, another key seeing 404s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import Database from 'better-sqlite3';
import { toFile } from 'openai';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ADMIN = 'sy-admin-message-batches-0123456789';
const CONFIG = `
server: { admin_key: env:ADMIN }
batch: { poll_ms: 50, concurrency: 4 }
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
  slow: { type: simulator, behaviour: { ttft_ms: 400, tokens_per_second: 1000 } }
models:
  small: { provider: sim, upstream_model: claude-haiku-4-5, price: { input: 1, output: 5 } }
  priced: { provider: sim, upstream_model: claude-haiku-4-5, price: { input: 0, output: 0, per_request: 0.1 } }
  slow: { provider: slow, upstream_model: claude-haiku-4-5, price: { input: 1, output: 5 } }
`;

let gateway: TestGateway;
let alice: { id: string; key: string; client: Anthropic };
let bob: { id: string; key: string; client: Anthropic };

async function keyClient(name: string): Promise<{ id: string; key: string; client: Anthropic }> {
  const response = await fetch(`${gateway.running.url}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  const key = (await response.json()) as { id: string; key: string };
  return { ...key, client: new Anthropic({ baseURL: gateway.running.url, apiKey: key.key, maxRetries: 0 }) };
}

function requests(count: number, model: string, prefix = 'q'): Anthropic.Messages.Batches.BatchCreateParams.Request[] {
  return Array.from({ length: count }, (_, index) => ({ custom_id: `${prefix}-${index}`, params: { model, max_tokens: 40, messages: [{ role: 'user', content: `What is ${index} + ${index}?` }] } }));
}

async function ended(client: Anthropic, id: string, timeoutMs = 60_000): Promise<Anthropic.Messages.Batches.MessageBatch> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await client.messages.batches.retrieve(id);
    if (batch.processing_status === 'ended') return batch;
    if (Date.now() > deadline) throw new Error(`message batch ${id} is still ${batch.processing_status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function results(client: Anthropic, id: string): Promise<Anthropic.Messages.Batches.MessageBatchIndividualResponse[]> {
  const all = [];
  for await (const entry of await client.messages.batches.results(id)) all.push(entry);
  return all;
}

beforeAll(async () => {
  gateway = await startTestGateway(CONFIG, { ADMIN });
  alice = await keyClient('alice');
  bob = await keyClient('bob');
});
afterAll(async () => {
  await gateway.stop();
});

describe('Message Batches through the Anthropic SDK', () => {
  it('create, retrieve until ended, results: every custom_id once, Messages answers, an unknown model errored; a request row per request under the key', async () => {
    const input = [...requests(40, 'small'), { custom_id: 'nowhere', params: { model: 'no-such-model', max_tokens: 10, messages: [{ role: 'user' as const, content: 'hi' }] } }];
    const created = await alice.client.messages.batches.create({ requests: input });
    expect(created).toMatchObject({ type: 'message_batch', processing_status: 'in_progress', results_url: null, ended_at: null, archived_at: null, cancel_initiated_at: null });
    expect(created.id).toMatch(/^msgbatch_/);
    expect(created.request_counts.processing + created.request_counts.succeeded + created.request_counts.errored).toBe(41);
    expect(Date.parse(created.expires_at) - Date.parse(created.created_at)).toBe(24 * 3600 * 1000);

    const batch = await ended(alice.client, created.id);
    expect(batch.request_counts).toEqual({ processing: 0, succeeded: 40, errored: 1, canceled: 0, expired: 0 });
    expect(batch.results_url).toBe(`${gateway.running.url}/v1/messages/batches/${batch.id}/results`);
    expect(batch.ended_at).not.toBeNull();

    const lines = await results(alice.client, batch.id);
    expect(lines.map((line) => line.custom_id).sort()).toEqual(input.map((request) => request.custom_id).sort());
    for (const line of lines.filter((entry) => entry.custom_id !== 'nowhere')) {
      expect(line.result.type).toBe('succeeded');
      if (line.result.type !== 'succeeded') continue;
      const n = line.custom_id.slice('q-'.length);
      expect(line.result.message).toMatchObject({ type: 'message', role: 'assistant' });
      const text = line.result.message.content.find((block) => block.type === 'text');
      expect(text?.type === 'text' ? text.text : '').toContain(`${n} + ${n}`);
    }
    const nowhere = lines.find((line) => line.custom_id === 'nowhere');
    expect(nowhere?.result).toMatchObject({ type: 'errored', error: { type: 'error', error: { type: 'not_found_error', message: expect.stringContaining('no-such-model') } } });

    gateway.running.log.flush();
    const database = new Database(gateway.dbPath, { readonly: true });
    const rows = database.prepare('SELECT status, key_id FROM requests WHERE id LIKE ?').all(`${batch.id.replace(/_/g, '-')}-%`) as { status: number; key_id: string }[];
    database.close();
    expect(rows).toHaveLength(41);
    expect(rows.filter((row) => row.status === 200)).toHaveLength(40);
    expect(rows.every((row) => row.key_id === alice.id)).toBe(true);
  });

  it("another key gets 404s for a batch that is not its own, and does not list it", async () => {
    const batch = await alice.client.messages.batches.create({ requests: requests(2, 'small', 'own') });
    await ended(alice.client, batch.id);
    await expect(bob.client.messages.batches.retrieve(batch.id)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    await expect(bob.client.messages.batches.cancel(batch.id)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    await expect(bob.client.messages.batches.delete(batch.id)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    const raw = await fetch(`${gateway.running.url}/v1/messages/batches/${batch.id}/results`, { headers: { 'x-api-key': bob.key } });
    expect(raw.status).toBe(404);
    expect(await raw.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const listed = [];
    for await (const entry of bob.client.messages.batches.list()) listed.push(entry.id);
    expect(listed).not.toContain(batch.id);
  });

  it('cancel: requests not yet sent end canceled, the batch ends with its counts; only an ended batch can be deleted', async () => {
    const created = await alice.client.messages.batches.create({ requests: requests(24, 'slow', 'c') });
    await expect(alice.client.messages.batches.delete(created.id)).rejects.toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error' } } });
    const cancelling = await alice.client.messages.batches.cancel(created.id);
    expect(['canceling', 'ended']).toContain(cancelling.processing_status);
    expect(cancelling.cancel_initiated_at).not.toBeNull();
    const batch = await ended(alice.client, created.id);
    const counts = batch.request_counts;
    expect(counts.canceled).toBeGreaterThan(0);
    expect(counts.processing).toBe(0);
    expect(counts.succeeded + counts.errored + counts.canceled + counts.expired).toBe(24);
    const lines = await results(alice.client, batch.id);
    expect(lines.filter((line) => line.result.type === 'canceled')).toHaveLength(counts.canceled);
    expect(lines.filter((line) => line.result.type === 'succeeded')).toHaveLength(counts.succeeded);
    await expect(alice.client.messages.batches.cancel(batch.id)).rejects.toMatchObject({ status: 400 });

    expect(await alice.client.messages.batches.delete(batch.id)).toEqual({ id: batch.id, type: 'message_batch_deleted' });
    await expect(alice.client.messages.batches.retrieve(batch.id)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it("a budget that runs out ends the remaining requests errored, never overspent", async () => {
    const dana = await keyClient('dana');
    await fetch(`${gateway.running.url}/admin/budgets`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ scope: 'key', scope_id: dana.id, period: 'total', limit_usd: 0.3 }) });
    const batch = await ended(dana.client, (await dana.client.messages.batches.create({ requests: requests(10, 'priced', 'b') })).id);
    expect(batch.request_counts).toEqual({ processing: 0, succeeded: 3, errored: 7, canceled: 0, expired: 0 });
    const errored = (await results(dana.client, batch.id)).filter((line) => line.result.type === 'errored');
    expect(errored).toHaveLength(7);
    for (const line of errored) expect(line.result).toMatchObject({ type: 'errored', error: { type: 'error', error: { type: 'rate_limit_error', message: expect.stringMatching(/budget/i) } } });
  });

  it('list: newest first, paged with after_id (the SDK iterator) and before_id', async () => {
    const carol = await keyClient('carol');
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      ids.push((await carol.client.messages.batches.create({ requests: requests(1, 'small', `l${index}`) })).id);
      // Batches are ordered by their creation millisecond: one each.
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    const listed = [];
    for await (const entry of carol.client.messages.batches.list({ limit: 2 })) listed.push(entry.id);
    expect(listed).toEqual([...ids].reverse());
    const first = await carol.client.messages.batches.list({ limit: 2 });
    expect(first.data.map((batch) => batch.id)).toEqual([ids[4], ids[3]]);
    expect(first.has_more).toBe(true);
    const back = await carol.client.messages.batches.list({ limit: 2, before_id: ids[1] });
    expect(back.data.map((batch) => batch.id)).toEqual([ids[3], ids[2]]);
    expect(back.has_more).toBe(true);
  });

  it("bad requests are Anthropic errors naming the request: custom_id rules, duplicates, no model, streaming, results before the end", async () => {
    const client = alice.client;
    const rejects = async (body: unknown, message: string): Promise<void> => {
      const error = await client.messages.batches.create(body as Anthropic.Messages.Batches.BatchCreateParams).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining(message) } });
    };
    await rejects({ requests: [] }, 'requests: the list is empty');
    await rejects({ requests: [{ custom_id: 'has space', params: { model: 'small', max_tokens: 5, messages: [] } }] }, 'requests.0.custom_id');
    await rejects({ requests: [...requests(2, 'small', 'dup'), { custom_id: 'dup-1', params: { model: 'small', max_tokens: 5, messages: [] } }] }, "requests.2.custom_id: 'dup-1' is already used by requests.1");
    await rejects({ requests: [{ custom_id: 'a', params: { max_tokens: 5, messages: [] } }] }, 'requests.0.params.model');
    await rejects({ requests: [{ custom_id: 'a', params: { model: 'small', max_tokens: 5, messages: [], stream: true } }] }, 'requests.0.params.stream');
    await rejects({}, 'requests: Field required');
    await rejects({ requests: 'x' }, 'requests: must be a list, not a string');
    await rejects({ requests: [{ custom_id: 'a', params: [] }] }, 'requests.0.params: must be an object, not a list');
    await rejects({ requests: [{ custom_id: 'a', params: { model: 7, max_tokens: 5, messages: [] } }] }, 'requests.0.params.model: must be a non-empty string, not a number');

    const slow = await client.messages.batches.create({ requests: requests(2, 'slow', 's') });
    const early = await fetch(`${gateway.running.url}/v1/messages/batches/${slow.id}/results`, { headers: { 'x-api-key': alice.key } });
    expect(early.status).toBe(400);
    expect(await early.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining("processing_status is 'ended'") } });
    await client.messages.batches.cancel(slow.id);
  });

  it('Message Batches and OpenAI batches share the store but not their APIs', async () => {
    const message = await alice.client.messages.batches.create({ requests: requests(1, 'small', 'x') });
    const openai = await fetch(`${gateway.running.url}/v1/batches/${message.id}`, { headers: { authorization: `Bearer ${alice.key}` } });
    expect(openai.status).toBe(404);
    expect(await openai.json()).toMatchObject({ error: { code: 'not_found' } });
    const { default: OpenAI } = await import('openai');
    const client = new OpenAI({ baseURL: `${gateway.running.url}/v1`, apiKey: alice.key, maxRetries: 0 });
    const file = await client.files.create({ file: await toFile(Buffer.from(`${JSON.stringify({ custom_id: 'o', method: 'POST', url: '/v1/chat/completions', body: { model: 'small', messages: [{ role: 'user', content: 'hi' }] } })}\n`), 'o.jsonl'), purpose: 'batch' });
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await expect(alice.client.messages.batches.retrieve(batch.id)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    const openaiListed = [];
    for await (const entry of client.batches.list()) openaiListed.push(entry.id);
    expect(openaiListed).toContain(batch.id);
    expect(openaiListed).not.toContain(message.id);
  });
});
