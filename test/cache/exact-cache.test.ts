/**
 * The exact cache through the real gateway: hits replay the stored answer with no upstream
 * call (x-switchyard-attempts 0, no attempt row), scoped by tenant, model, system prompt, tools
 * and parameters; streamed replay in both client formats; per-request off / refresh; guarded
 * and private requests bypass; invalidation through DELETE /admin/cache.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const CONFIG = `
server:
  api_keys:
    - { key: env:KEY_A, name: tenant-a }
    - { key: env:KEY_B, name: tenant-b }
  admin_key: env:ADMIN_KEY
resilience:
  circuit_breaker: { enabled: false }
cache:
  mode: exact
  ttl_s: 600
guards:
  policies:
    careful:
      request:
        pii: { action: redact }
providers:
  sim:
    type: simulator
    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }
models:
  gpt-5.4:
    provider: sim
    price: { input: 1.75, output: 14 }
  gpt-5.4-mini:
    provider: sim
    price: { input: 0.25, output: 2 }
  private-llm:
    provider: sim
    private: true
    price: { input: 0.1, output: 0.1 }
routes:
  auto:
    model: gpt-5.4-mini
  guarded:
    model: gpt-5.4-mini
    guards: careful
  sampled:
    model: gpt-5.4-mini
    cache: { allow_temperature: true }
`;

const ENV = { KEY_A: 'sk-test-tenant-a', KEY_B: 'sk-test-tenant-b', ADMIN_KEY: 'sk-test-admin' };

let gateway: TestGateway;
let a: OpenAI;
let b: OpenAI;

function clientFor(key: string): OpenAI {
  return new OpenAI({ baseURL: `${gateway.running.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
}

async function ask(client: OpenAI, body: Partial<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming>, headers: Record<string, string> = {}) {
  const { data, response } = await client.chat.completions
    .create({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'What is the capital of Portugal?' }], ...body, stream: false }, { headers })
    .withResponse();
  return { data, cache: response.headers.get('x-switchyard-cache'), simulated: response.headers.get('x-switchyard-simulated'), attempts: Number(response.headers.get('x-switchyard-attempts')), cost: Number(response.headers.get('x-switchyard-cost-usd')), id: response.headers.get('x-request-id') as string };
}

function rowOf(id: string): { cost_usd: number; attempts: number; details: string; simulated: number } {
  gateway.running.gateway.services.log.flush();
  const database = new Database(gateway.dbPath, { readonly: true });
  const row = database.prepare('SELECT cost_usd, attempts, details, simulated FROM requests WHERE id = ?').get(id) as { cost_usd: number; attempts: number; details: string; simulated: number };
  database.close();
  return row;
}

beforeAll(async () => {
  gateway = await startTestGateway(CONFIG, ENV);
  a = clientFor(ENV.KEY_A);
  b = clientFor(ENV.KEY_B);
});
afterAll(async () => {
  await gateway.stop();
});

describe('exact cache', () => {
  it('answers the same request from the cache: no upstream call, cost 0, the avoided cost recorded', async () => {
    const question = { messages: [{ role: 'user' as const, content: 'Name three rivers in Spain.' }] };
    const first = await ask(a, question);
    expect(first.cache).toBe('miss');
    expect(first.attempts).toBe(1);
    const second = await ask(a, question);
    expect(second.cache).toBe('hit-exact');
    expect(second.attempts).toBe(0);
    expect(second.cost).toBe(0);
    // The simulator's answer is still a simulated answer when replayed.
    expect(first.simulated).toBe('true');
    expect(second.simulated).toBe('true');
    expect(second.data.choices[0]?.message.content).toBe(first.data.choices[0]?.message.content);
    expect(second.data.usage?.completion_tokens).toBe(first.data.usage?.completion_tokens);
    const row = rowOf(second.id);
    expect(row.cost_usd).toBe(0);
    expect(row.attempts).toBe(0);
    expect(row.simulated).toBe(1);
    const details = JSON.parse(row.details) as { cache: { status: string; avoided_usd: number } };
    expect(details.cache.status).toBe('hit-exact');
    expect(details.cache.avoided_usd).toBeCloseTo(rowOf(first.id).cost_usd, 12);
    expect(details.cache.avoided_usd).toBeGreaterThan(0);
  });

  it('never serves one tenant the answer of another', async () => {
    const question = { messages: [{ role: 'user' as const, content: 'Which tenant am I?' }] };
    expect((await ask(a, question)).cache).toBe('miss');
    const other = await ask(b, question);
    expect(other.cache).toBe('miss');
    expect(other.attempts).toBe(1);
    expect((await ask(b, question)).cache).toBe('hit-exact');
    expect((await ask(a, question)).cache).toBe('hit-exact');
  });

  it('keeps models, system prompts, tools and every answer-changing parameter apart', async () => {
    const base = { messages: [{ role: 'user' as const, content: 'Scope test: how do tides work?' }] };
    expect((await ask(a, base)).cache).toBe('miss');
    expect((await ask(a, base)).cache).toBe('hit-exact');
    const variants: Partial<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming>[] = [
      { model: 'gpt-5.4' },
      { messages: [{ role: 'system', content: 'Answer like a pirate.' }, ...base.messages] },
      { tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }] },
      { temperature: 0 },
      { top_p: 0.5 },
      { max_tokens: 77 },
      { seed: 7 },
      { stop: ['\n\n'] },
      { presence_penalty: 0.5 },
      { frequency_penalty: 0.5 },
      { response_format: { type: 'json_object' } },
      { messages: [{ role: 'user', content: 'Scope test: how do tides work? ' }, { role: 'assistant', content: 'Gravity.' }, { role: 'user', content: 'More detail?' }] },
    ];
    for (const variant of variants) {
      const first = await ask(a, { ...base, ...variant });
      expect(first.cache, JSON.stringify(variant)).toBe('miss');
      expect(first.attempts, JSON.stringify(variant)).toBe(1);
    }
    // Delivery-only settings are not part of the key.
    expect((await ask(a, { ...base, user: 'someone', metadata: { team: 'x' } })).cache).toBe('hit-exact');
    expect((await ask(a, { messages: [{ role: 'user', content: '  Scope test: how do tides work?\n' }] })).cache).toBe('hit-exact');
  });

  it('bypasses requests that set temperature > 0 unless the route opts in', async () => {
    const sampled = { temperature: 0.9, messages: [{ role: 'user' as const, content: 'Write a two-line poem about rain.' }] };
    expect((await ask(a, sampled)).cache).toBe('bypass');
    expect((await ask(a, sampled)).cache).toBe('bypass');
    expect((await ask(a, { ...sampled, model: 'sampled' })).cache).toBe('miss');
    expect((await ask(a, { ...sampled, model: 'sampled' })).cache).toBe('hit-exact');
  });

  it('x-switchyard-cache: off neither looks up nor stores; refresh stores without looking up', async () => {
    const question = { messages: [{ role: 'user' as const, content: 'Per-request control: what is a lighthouse?' }] };
    expect((await ask(a, question, { 'x-switchyard-cache': 'off' })).cache).toBe('bypass');
    expect((await ask(a, question)).cache).toBe('miss');
    const cached = await ask(a, question);
    expect(cached.cache).toBe('hit-exact');
    const off = await ask(a, question, { 'x-switchyard-cache': 'off' });
    expect(off.cache).toBe('bypass');
    expect(off.attempts).toBe(1);
    const refreshed = await ask(a, question, { 'x-switchyard-cache': 'refresh' });
    expect(refreshed.cache).toBe('miss');
    expect(refreshed.attempts).toBe(1);
    const after = await ask(a, question);
    expect(after.cache).toBe('hit-exact');
    expect(after.data.choices[0]?.message.content).toBe(refreshed.data.choices[0]?.message.content);
    await expect(ask(a, question, { 'x-switchyard-cache': 'sometimes' })).rejects.toMatchObject({ status: 400, param: 'x-switchyard-cache' });
  });

  it('never stores a request a guard redacted, nor a private one', async () => {
    const pii = { model: 'guarded', messages: [{ role: 'user' as const, content: 'Email jane.doe@example.com about the invoice.' }] };
    const first = await ask(a, pii);
    expect(first.cache).toBe('bypass');
    const second = await ask(a, pii);
    expect(second.cache).toBe('bypass');
    expect(second.attempts).toBe(1);
    const privateQuestion = { model: 'private-llm', messages: [{ role: 'user' as const, content: 'Private: summarise my notes.' }] };
    const secret = await ask(a, privateQuestion, { 'x-switchyard-private': 'true' });
    expect(secret.cache).toBe('bypass');
    expect(secret.attempts).toBe(1);
    expect((await ask(a, privateQuestion, { 'x-switchyard-private': 'true' })).cache).toBe('bypass');
    // Nothing was stored: the same question without the flag is a miss.
    expect((await ask(a, privateQuestion)).cache).toBe('miss');
  });

  it('streams a hit as SSE in the OpenAI format, with usage when asked', async () => {
    const messages = [{ role: 'user' as const, content: 'Explain photosynthesis in two sentences.' }];
    const stored = await ask(a, { messages });
    const stream = await a.chat.completions.create({ model: 'gpt-5.4-mini', messages, stream: true, stream_options: { include_usage: true } }).withResponse();
    expect(stream.response.headers.get('x-switchyard-cache')).toBe('hit-exact');
    expect(stream.response.headers.get('content-type')).toMatch(/text\/event-stream/);
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | undefined | null;
    let finish: string | null | undefined;
    for await (const chunk of stream.data) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      finish ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(stored.data.choices[0]?.message.content);
    expect(chunks).toBeGreaterThan(3);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBe(stored.data.usage?.completion_tokens);
  });

  it('replays an answer stored from an OpenAI call to an Anthropic client, streamed and not', async () => {
    const question = 'Cross-format: what is a haiku?';
    const stored = await ask(a, { max_tokens: 300, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: question }] });
    expect(stored.cache).toBe('miss');
    const anthropic = new Anthropic({ baseURL: gateway.running.url, apiKey: ENV.KEY_A, maxRetries: 0, timeout: 10_000 });
    const { data, response } = await anthropic.messages.create({ model: 'gpt-5.4-mini', max_tokens: 300, system: 'Be brief.', messages: [{ role: 'user', content: question }] }).withResponse();
    expect(response.headers.get('x-switchyard-cache')).toBe('hit-exact');
    expect(data.content[0]?.type === 'text' ? data.content[0].text : '').toBe(stored.data.choices[0]?.message.content);
    expect(data.stop_reason).toBe('end_turn');
    const events: string[] = [];
    const stream = anthropic.messages.stream({ model: 'gpt-5.4-mini', max_tokens: 300, system: 'Be brief.', messages: [{ role: 'user', content: question }] });
    stream.on('streamEvent', (event) => events.push(event.type));
    const message = await stream.finalMessage();
    expect(events[0]).toBe('message_start');
    expect(events.filter((event) => event === 'content_block_delta').length).toBeGreaterThan(1);
    expect(events.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(message.content[0]?.type === 'text' ? message.content[0].text : '').toBe(stored.data.choices[0]?.message.content);
    expect(message.usage.output_tokens).toBe(stored.data.usage?.completion_tokens);
  });

  it('replays an answer stored from an Anthropic stream to an OpenAI call', async () => {
    const anthropic = new Anthropic({ baseURL: gateway.running.url, apiKey: ENV.KEY_B, maxRetries: 0, timeout: 10_000 });
    const question = 'Stored from a stream: what is a sonnet?';
    const streamed = await anthropic.messages.stream({ model: 'gpt-5.4', max_tokens: 256, messages: [{ role: 'user', content: question }] }).finalMessage();
    const replay = await ask(b, { model: 'gpt-5.4', max_tokens: 256, messages: [{ role: 'user', content: question }] });
    expect(replay.cache).toBe('hit-exact');
    expect(replay.data.choices[0]?.message.content).toBe(streamed.content[0]?.type === 'text' ? streamed.content[0].text : '');
  });

  it('DELETE /admin/cache invalidates by key, by model, or everything', async () => {
    const admin = { authorization: `Bearer ${ENV.ADMIN_KEY}` };
    const question = { messages: [{ role: 'user' as const, content: 'Invalidation: what is a glacier?' }] };
    await ask(a, question);
    await ask(b, question);
    expect((await ask(a, question)).cache).toBe('hit-exact');
    const byKey = await fetch(`${gateway.running.url}/admin/cache?key=tenant-a`, { method: 'DELETE', headers: admin });
    expect(byKey.status).toBe(200);
    expect(((await byKey.json()) as { deleted: number }).deleted).toBeGreaterThan(0);
    expect((await ask(b, question)).cache).toBe('hit-exact');
    expect((await ask(a, question)).cache).toBe('miss');
    const byModel = await fetch(`${gateway.running.url}/admin/cache?model=gpt-5.4-mini`, { method: 'DELETE', headers: admin });
    expect(((await byModel.json()) as { deleted: number }).deleted).toBeGreaterThan(0);
    expect((await ask(b, question)).cache).toBe('miss');
    const stats = (await (await fetch(`${gateway.running.url}/admin/cache`, { headers: admin })).json()) as { entries: number; backend: string };
    expect(stats.backend).toBe('memory');
    expect(stats.entries).toBeGreaterThan(0);
    const all = await fetch(`${gateway.running.url}/admin/cache`, { method: 'DELETE', headers: admin });
    expect(((await all.json()) as { deleted: number }).deleted).toBe(stats.entries);
    expect((await ask(b, question)).cache).toBe('miss');
    const bad = await fetch(`${gateway.running.url}/admin/cache?tenant=x`, { method: 'DELETE', headers: admin });
    expect(bad.status).toBe(400);
    const notAdmin = await fetch(`${gateway.running.url}/admin/cache`, { method: 'DELETE', headers: { authorization: `Bearer ${ENV.KEY_A}` } });
    expect(notAdmin.status).toBe(403);
  });

  it('reports the cache hits and the avoided cost in the savings report', async () => {
    gateway.running.gateway.services.log.flush();
    const response = await fetch(`${gateway.running.url}/admin/spend/savings?baseline=gpt-5.4`, { headers: { authorization: `Bearer ${ENV.ADMIN_KEY}` } });
    const report = (await response.json()) as { cache_hits: number; cache_avoided_usd: number; rows: { cacheHits: number }[] };
    expect(report.cache_hits).toBeGreaterThan(5);
    expect(report.cache_avoided_usd).toBeGreaterThan(0);
  });

  it('counts hits, misses and the avoided cost in /metrics', async () => {
    const metrics = await (await fetch(`${gateway.running.url}/metrics`)).text();
    expect(metrics).toMatch(/switchyard_cache_requests_total\{status="hit-exact"\} [1-9]/);
    expect(metrics).toMatch(/switchyard_cache_requests_total\{status="miss"\} [1-9]/);
    expect(metrics).toMatch(/switchyard_cache_avoided_usd_total [0-9.e-]*[1-9]/);
  });
});
