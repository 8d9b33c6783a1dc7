/**
 * Native batch forwarding (`batch: native`): lines naming such a model go to the provider's
 * own batch API — OpenAI Batches, Anthropic Message Batches, both spoken by the simulator —
 * are polled, and come back as the batch's answers, each a request row priced at half the
 * model's price. Lines naming other models still run through the gateway. A restart polls
 * the provider batch it had submitted instead of submitting again.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import Database from 'better-sqlite3';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';
import { SIMULATED_CATALOG, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ models: SIMULATED_CATALOG, behaviour: { ttftMs: 0, tokensPerSecond: 100_000 } });
});
afterAll(async () => {
  await simulator.close();
});

function config(directory: string, nativePollMs: number): string {
  return `
store:
  sqlite: { path: ${JSON.stringify(join(directory, 'log.db'))} }
  flush_interval_ms: 10
batch: { poll_ms: 50, native_poll_ms: ${nativePollMs}, concurrency: 4 }
providers:
  oai: { type: openai, base_url: ${simulator.url}/v1, api_key: env:SIM_KEY }
  ant: { type: anthropic, base_url: ${simulator.url}/v1, api_key: env:SIM_KEY }
models:
  mini: { provider: oai, upstream_model: gpt-5.4-mini, price: { input: 1, output: 2 } }
  mini-batch: { provider: oai, upstream_model: gpt-5.4-mini, price: { input: 1, output: 2 }, batch: native }
  sonnet-batch: { provider: ant, upstream_model: claude-sonnet-4.6, price: { input: 1, output: 5 }, batch: native }
`;
}

async function start(directory: string, nativePollMs = 50): Promise<RunningGateway> {
  return startGateway({ config: parseConfigText(config(directory, nativePollMs), { SIM_KEY: 'sk-sim-test' }, 'test'), logger: silentLogger(), port: 0, host: '127.0.0.1' });
}

interface Row {
  id: string;
  status: number;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  details: string | null;
}

function rows(gateway: RunningGateway, directory: string, batchId: string): Row[] {
  gateway.log.flush();
  const database = new Database(join(directory, 'log.db'), { readonly: true });
  try {
    return database.prepare('SELECT id, status, model, input_tokens, output_tokens, cost_usd, details FROM requests WHERE id LIKE ?').all(`${batchId.replace(/_/g, '-')}-%`) as Row[];
  } finally {
    database.close();
  }
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('native batch forwarding', () => {
  it("OpenAI batch lines naming a native model go to the provider's Batches API as one batch, at half price; the others run through the gateway", async () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-native-'));
    const gateway = await start(directory);
    try {
      const before = simulator.stats();
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const lines = Array.from({ length: 24 }, (_, index) => ({
        custom_id: `q${index}`,
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: index < 16 ? 'mini-batch' : 'mini', messages: [{ role: 'user', content: `What is ${index} + ${index}?` }], max_tokens: 40 },
      }));
      const file = await client.files.create({ file: await toFile(Buffer.from(lines.map((line) => JSON.stringify(line)).join('\n')), 'in.jsonl'), purpose: 'batch' });
      const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      const batch = await until(() => client.batches.retrieve(created.id), (value) => value.status === 'completed');
      expect(batch.request_counts).toEqual({ total: 24, completed: 24, failed: 0 });
      const output = (await (await client.files.content(batch.output_file_id!)).text()).trim().split('\n').map((line) => JSON.parse(line) as { custom_id: string; response: { status_code: number; body: { choices: { message: { content: string } }[] } } });
      expect(output.map((line) => line.custom_id).sort()).toEqual(lines.map((line) => line.custom_id).sort());
      for (const line of output) expect(line.response.body.choices[0]?.message.content).toContain(`${line.custom_id.slice(1)} + ${line.custom_id.slice(1)}`);

      // Counted at the simulator: one OpenAI batch, the 16 native lines answered there once each.
      const after = simulator.stats();
      expect(after.batchesCreated.openai - before.batchesCreated.openai).toBe(1);
      const answered = [...after.batchLinesAnswered].filter(([id]) => !before.batchLinesAnswered.has(id) || before.batchLinesAnswered.get(id) !== after.batchLinesAnswered.get(id));
      expect(answered.map(([, count]) => count)).toEqual(Array(16).fill(1));

      const logged = rows(gateway, directory, batch.id);
      expect(logged).toHaveLength(24);
      const native = logged.filter((row) => row.model === 'mini-batch');
      expect(native).toHaveLength(16);
      for (const row of native) {
        expect(row.status).toBe(200);
        expect(row.input_tokens).toBeGreaterThan(0);
        expect(row.cost_usd).toBeCloseTo(((row.input_tokens * 1 + row.output_tokens * 2) / 1e6) * 0.5, 12);
        expect(JSON.parse(row.details ?? '{}')).toMatchObject({ batch: { native: true, discount: 0.5, provider_batch_id: expect.stringMatching(/^batch_/) } });
      }
      for (const row of logged.filter((entry) => entry.model === 'mini')) expect(row.cost_usd).toBeCloseTo((row.input_tokens * 1 + row.output_tokens * 2) / 1e6, 12);
    } finally {
      await gateway.stop(1000);
    }
  });

  it("Anthropic Message Batch requests naming a native Anthropic model go to the provider's Message Batches API", async () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-native-'));
    const gateway = await start(directory);
    try {
      const before = simulator.stats();
      const client = new Anthropic({ baseURL: gateway.url, apiKey: 'unused', maxRetries: 0 });
      const requests = Array.from({ length: 8 }, (_, index) => ({ custom_id: `m${index}`, params: { model: index < 6 ? 'sonnet-batch' : 'mini', max_tokens: 40, messages: [{ role: 'user' as const, content: `What is ${index} + ${index}?` }] } }));
      const created = await client.messages.batches.create({ requests });
      const batch = await until(() => client.messages.batches.retrieve(created.id), (value) => value.processing_status === 'ended');
      expect(batch.request_counts).toEqual({ processing: 0, succeeded: 8, errored: 0, canceled: 0, expired: 0 });
      const results = [];
      for await (const line of await client.messages.batches.results(batch.id)) results.push(line);
      expect(results.map((line) => line.custom_id).sort()).toEqual(requests.map((request) => request.custom_id).sort());
      for (const line of results) {
        expect(line.result.type).toBe('succeeded');
        if (line.result.type === 'succeeded') expect(line.result.message.type).toBe('message');
      }
      expect(simulator.stats().batchesCreated.anthropic - before.batchesCreated.anthropic).toBe(1);
      const logged = rows(gateway, directory, batch.id);
      const native = logged.filter((row) => row.model === 'sonnet-batch');
      expect(native).toHaveLength(6);
      for (const row of native) expect(row.cost_usd).toBeCloseTo(((row.input_tokens * 1 + row.output_tokens * 5) / 1e6) * 0.5, 12);
      expect(logged.filter((row) => row.model === 'mini')).toHaveLength(2);
    } finally {
      await gateway.stop(1000);
    }
  });

  it('a restart polls the provider batch it submitted, never submitting it again', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-native-'));
    // The first process submits, then is stopped before it polls (its poll interval is an hour).
    const first = await start(directory, 3_600_000);
    const before = simulator.stats();
    const client = new OpenAI({ baseURL: `${first.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const lines = Array.from({ length: 5 }, (_, index) => ({ custom_id: `r${index}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'mini-batch', messages: [{ role: 'user', content: `Say ${index}` }] } }));
    const file = await client.files.create({ file: await toFile(Buffer.from(lines.map((line) => JSON.stringify(line)).join('\n')), 'in.jsonl'), purpose: 'batch' });
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await until(async () => simulator.stats().batchesCreated.openai - before.batchesCreated.openai, (count) => count === 1);
    await first.stop(1000);

    const second = await start(directory);
    try {
      const again = new OpenAI({ baseURL: `${second.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const batch = await until(() => again.batches.retrieve(created.id), (value) => value.status === 'completed');
      expect(batch.request_counts).toEqual({ total: 5, completed: 5, failed: 0 });
      expect(simulator.stats().batchesCreated.openai - before.batchesCreated.openai).toBe(1);
      expect(rows(second, directory, batch.id)).toHaveLength(5);
    } finally {
      await second.stop(1000);
    }
  });

  it('batch: native on a provider without a batch API is a config error naming the model', () => {
    expect(() =>
      parseConfigText(
        `providers:\n  g: { type: gemini, api_key: env:K }\nmodels:\n  flash: { provider: g, upstream_model: gemini-2.5-flash, batch: native }\n`,
        { K: 'k' },
        'test',
      ),
    ).toThrow(/models\.flash\.batch: native batches need a provider with a batch API/);
  });
});
