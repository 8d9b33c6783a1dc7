/**
 * The Files and Batches APIs through the official OpenAI SDK, as existing batch code uses
 * them: upload a JSONL file, create a batch, poll it, download the output and error files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import { toFile } from 'openai';
import Database from 'better-sqlite3';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const CONFIG = `
batch: { poll_ms: 50, concurrency: 8 }
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
models:
  small: { provider: sim, upstream_model: gpt-5.4-mini, price: { input: 1, output: 2 } }
  embed: { provider: sim, upstream_model: text-embedding-3-small, kind: embedding, price: { input: 0.02, output: 0 } }
`;

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway(CONFIG);
});
afterAll(async () => {
  await gateway.stop();
});

function jsonl(lines: unknown[]): string {
  return `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;
}

async function finished(client: OpenAI, id: string, timeoutMs = 60_000): Promise<OpenAI.Batches.Batch> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await client.batches.retrieve(id);
    if (['completed', 'failed', 'expired', 'cancelled'].includes(batch.status)) return batch;
    if (Date.now() > deadline) throw new Error(`batch ${id} still ${batch.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Files and Batches through the OpenAI SDK', () => {
  it('200 chat lines: every custom_id answered once, with a request row per line under the batch', async () => {
    const lines = Array.from({ length: 200 }, (_, index) => ({
      custom_id: `task-${index}`,
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'small', messages: [{ role: 'user', content: `What is ${index} + ${index}?` }], max_tokens: 40 },
    }));
    const file = await gateway.client.files.create({ file: await toFile(Buffer.from(jsonl(lines)), 'tasks.jsonl'), purpose: 'batch' });
    expect(file).toMatchObject({ object: 'file', purpose: 'batch', filename: 'tasks.jsonl', status: 'processed' });
    const created = await gateway.client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { job: 'sums' } });
    expect(created).toMatchObject({ object: 'batch', input_file_id: file.id, metadata: { job: 'sums' } });
    expect(['validating', 'in_progress']).toContain(created.status);

    const batch = await finished(gateway.client, created.id);
    expect(batch.status).toBe('completed');
    expect(batch.request_counts).toEqual({ total: 200, completed: 200, failed: 0 });
    expect(batch.error_file_id).toBeNull();
    const output = (await (await gateway.client.files.content(batch.output_file_id!)).text()).trim().split('\n').map((line) => JSON.parse(line));
    expect(output).toHaveLength(200);
    expect(new Set(output.map((line) => line.custom_id))).toEqual(new Set(lines.map((line) => line.custom_id)));
    const seven = output.find((line) => line.custom_id === 'task-7');
    expect(seven.response.status_code).toBe(200);
    // Each answer is to its own line's question (right or wrong as the simulated model's quality has it).
    expect(seven.response.body.choices[0].message.content).toContain('7 + 7');
    expect(seven.error).toBeNull();

    gateway.running.log.flush();
    const database = new Database(gateway.dbPath, { readonly: true });
    const rows = database.prepare("SELECT id, status, cost_usd FROM requests WHERE id LIKE ?").all(`${batch.id.replace('_', '-')}-%`) as { id: string; status: number; cost_usd: number }[];
    database.close();
    expect(rows).toHaveLength(200);
    expect(rows.every((row) => row.status === 200 && row.cost_usd > 0)).toBe(true);
    expect(output.every((line) => rows.some((row) => row.id === line.response.request_id))).toBe(true);
  });

  it('embeddings lines', async () => {
    const lines = ['alpha', 'beta', 'gamma'].map((word) => ({ custom_id: word, method: 'POST', url: '/v1/embeddings', body: { model: 'embed', input: word } }));
    const file = await gateway.client.files.create({ file: await toFile(Buffer.from(jsonl(lines)), 'words.jsonl'), purpose: 'batch' });
    const batch = await finished(gateway.client, (await gateway.client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' })).id);
    expect(batch.request_counts).toEqual({ total: 3, completed: 3, failed: 0 });
    const output = (await (await gateway.client.files.content(batch.output_file_id!)).text()).trim().split('\n').map((line) => JSON.parse(line));
    expect(output.map((line) => line.response.body.data[0].embedding.length)).toEqual([1536, 1536, 1536]);
  });

  it('/v1/responses lines: Responses objects in the output, a request row per line; a line naming an unknown previous_response_id goes to the error file', async () => {
    const lines = [1, 2, 3].map((n) => ({ custom_id: `r${n}`, method: 'POST', url: '/v1/responses', body: { model: 'small', instructions: 'Answer briefly.', input: `What is ${n} + ${n}?`, max_output_tokens: 40 } }));
    lines.push({ custom_id: 'lost', method: 'POST', url: '/v1/responses', body: { model: 'small', input: 'and then?', previous_response_id: 'resp_never_existed' } as never });
    const file = await gateway.client.files.create({ file: await toFile(Buffer.from(jsonl(lines)), 'responses.jsonl'), purpose: 'batch' });
    const created = await gateway.client.batches.create({ input_file_id: file.id, endpoint: '/v1/responses', completion_window: '24h' });
    expect(created.endpoint).toBe('/v1/responses');
    const batch = await finished(gateway.client, created.id);
    expect(batch.status).toBe('completed');
    expect(batch.request_counts).toEqual({ total: 4, completed: 3, failed: 1 });
    const output = (await (await gateway.client.files.content(batch.output_file_id!)).text()).trim().split('\n').map((line) => JSON.parse(line));
    expect(output.map((line) => line.custom_id).sort()).toEqual(['r1', 'r2', 'r3']);
    for (const line of output) {
      const n = line.custom_id.slice(1);
      expect(line.response.status_code).toBe(200);
      expect(line.response.body).toMatchObject({ object: 'response', status: 'completed', model: expect.any(String) });
      const message = line.response.body.output.find((item: { type: string }) => item.type === 'message');
      expect(message.content[0].text).toContain(`${n} + ${n}`);
      // The stored response is the one the output line holds.
      expect((await gateway.client.responses.retrieve(line.response.body.id)).id).toBe(line.response.body.id);
    }
    const errors = (await (await gateway.client.files.content(batch.error_file_id!)).text()).trim().split('\n').map((line) => JSON.parse(line));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ custom_id: 'lost', response: { status_code: 404 }, error: { message: expect.stringContaining('resp_never_existed') } });

    gateway.running.log.flush();
    const database = new Database(gateway.dbPath, { readonly: true });
    const rows = database.prepare('SELECT id, status FROM requests WHERE id LIKE ?').all(`${batch.id.replace('_', '-')}-%`) as { id: string; status: number }[];
    database.close();
    expect(rows.map((row) => row.status).sort()).toEqual([200, 200, 200, 404]);
  });

  it('lines the gateway refuses go to the error file with their status and error; the batch goes on', async () => {
    const lines = [
      { custom_id: 'good', method: 'POST', url: '/v1/chat/completions', body: { model: 'small', messages: [{ role: 'user', content: 'hi' }] } },
      { custom_id: 'unknown-model', method: 'POST', url: '/v1/chat/completions', body: { model: 'nope', messages: [{ role: 'user', content: 'hi' }] } },
      { custom_id: 'bad-param', method: 'POST', url: '/v1/chat/completions', body: { model: 'small', messages: 'not a list' } },
    ];
    const file = await gateway.client.files.create({ file: await toFile(Buffer.from(jsonl(lines)), 'mixed.jsonl'), purpose: 'batch' });
    const batch = await finished(gateway.client, (await gateway.client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
    expect(batch.status).toBe('completed');
    expect(batch.request_counts).toEqual({ total: 3, completed: 1, failed: 2 });
    const errors = (await (await gateway.client.files.content(batch.error_file_id!)).text()).trim().split('\n').map((line) => JSON.parse(line));
    const byId = Object.fromEntries(errors.map((line) => [line.custom_id, line]));
    expect(byId['unknown-model'].response.status_code).toBe(404);
    expect(byId['unknown-model'].error.code).toBe('model_not_found');
    expect(byId['bad-param'].response.status_code).toBe(400);
  });

  it('validation: bad JSON, wrong url, duplicate custom_id and streaming are reported with their line numbers', async () => {
    const text = [
      JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { model: 'small', messages: [] } }),
      '{not json',
      JSON.stringify({ custom_id: 'b', method: 'POST', url: '/v1/embeddings', body: { model: 'small' } }),
      JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { model: 'small', messages: [] } }),
      JSON.stringify({ custom_id: 'c', method: 'POST', url: '/v1/chat/completions', body: { model: 'small', messages: [], stream: true } }),
    ].join('\n');
    const file = await gateway.client.files.create({ file: await toFile(Buffer.from(text), 'bad.jsonl'), purpose: 'batch' });
    const batch = await finished(gateway.client, (await gateway.client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
    expect(batch.status).toBe('failed');
    expect(batch.errors?.data?.map((error) => [error.line, error.code])).toEqual([
      [2, 'invalid_json_line'],
      [3, 'invalid_url'],
      [4, 'duplicate_custom_id'],
      [5, 'invalid_request'],
    ]);
    expect(batch.errors?.data?.[2]?.message).toContain('line 1');
  });

  it('bad requests to the API itself are clear 4xx errors', async () => {
    await expect(gateway.client.batches.create({ input_file_id: 'file-missing', endpoint: '/v1/chat/completions', completion_window: '24h' })).rejects.toMatchObject({ status: 404 });
    const file = await gateway.client.files.create({ file: await toFile(Buffer.from('{}\n'), 'x.jsonl'), purpose: 'batch' });
    await expect(gateway.client.batches.create({ input_file_id: file.id, endpoint: '/v1/completions' as '/v1/chat/completions', completion_window: '24h' })).rejects.toMatchObject({ status: 400, param: 'endpoint' });
    await expect(gateway.client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '48h' as '24h' })).rejects.toMatchObject({ status: 400, param: 'completion_window' });
    await expect(gateway.client.files.create({ file: await toFile(Buffer.from('{}\n'), 'x.jsonl'), purpose: 'fine-tune' })).rejects.toMatchObject({ status: 400, param: 'purpose' });
    await expect(gateway.client.batches.retrieve('batch_nope')).rejects.toMatchObject({ status: 404 });
    await expect(gateway.client.files.retrieve('file-nope')).rejects.toMatchObject({ status: 404 });
    const json = await fetch(`${gateway.running.url}/v1/files`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
  });

  it('files: list, retrieve, content, delete', async () => {
    const file = await gateway.client.files.create({ file: await toFile(Buffer.from('{"x":1}\n'), 'keep.jsonl'), purpose: 'batch' });
    expect((await gateway.client.files.retrieve(file.id)).bytes).toBe(8);
    expect(await (await gateway.client.files.content(file.id)).text()).toBe('{"x":1}\n');
    const listed = [];
    for await (const entry of gateway.client.files.list({ limit: 2 })) listed.push(entry.id);
    expect(listed).toContain(file.id);
    expect(await gateway.client.files.delete(file.id)).toMatchObject({ id: file.id, deleted: true });
    await expect(gateway.client.files.retrieve(file.id)).rejects.toMatchObject({ status: 404 });
  });
});
