/**
 * Costs per token class, hand-computed per provider: recorded answers of OpenAI, an
 * OpenAI-compatible server (DeepSeek's own cache fields), Anthropic (5-minute and 1-hour
 * cache writes, cache reads) and Gemini (cached content, thoughts, audio and image input),
 * each plain and streamed, through the real gateway. Checked in x-switchyard-cost-usd, the
 * usage the client sees, the request log (request and attempt rows), a key budget, the key's
 * usage report and the savings report.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureServer } from '../helpers/fixture-server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ADMIN = 'sy-admin-token-classes-0123456789';
const server = new FixtureServer();
let gateway: TestGateway;
let key: { id: string; secret: string };
let budgetId: string;

/**
 * Each case: the recorded answers, the token classes they carry, and the cost worked out by
 * hand in micro-dollars (tokens × USD per million).
 */
const CASES = [
  {
    model: 'gpt-5.4',
    plain: 'openai/chat-cached-reasoning.json',
    stream: 'openai/stream-cached-reasoning.chunks.txt',
    // input 2000 of which 1536 cached and 256 written to the cache; output 900 of which 640 reasoning.
    tokens: { inputTokens: 2000, cachedInputTokens: 1536, outputTokens: 900, reasoningTokens: 640, cacheWrite5mTokens: 256, cacheWrite1hTokens: 0, audioInputTokens: 0, imageInputTokens: 0 },
    // 208 × 1.75 + 1536 × 0.175 + 256 × 2.1875 + 260 × 14 + 640 × 20 = 364 + 268.8 + 560 + 3640 + 12800
    micro: 17_632.8,
  },
  {
    model: 'deepseek-reasoner',
    plain: 'openai/chat-deepseek-cache.json',
    // The streamed usage has only DeepSeek's prompt_cache_hit_tokens, no prompt_tokens_details.
    stream: 'openai/stream-deepseek-cache.chunks.txt',
    tokens: { inputTokens: 1200, cachedInputTokens: 1024, outputTokens: 300, reasoningTokens: 200, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, audioInputTokens: 0, imageInputTokens: 0 },
    // 176 × 0.28 + 1024 × 0.028 + 300 × 0.42 (reasoning at the output price) = 49.28 + 28.672 + 126
    micro: 203.952,
  },
  {
    model: 'claude-sonnet-4.6',
    plain: 'anthropic/message-cache.json',
    stream: 'anthropic/stream-cache.chunks.txt',
    // input_tokens 50 + cache writes 3000 (2000 for 5 minutes, 1000 for 1 hour) + cache reads 8000; 150 of the 400 output tokens thinking.
    tokens: { inputTokens: 11_050, cachedInputTokens: 8000, cacheWrite5mTokens: 2000, cacheWrite1hTokens: 1000, outputTokens: 400, reasoningTokens: 150, audioInputTokens: 0, imageInputTokens: 0 },
    // 50 × 3 + 8000 × 0.3 + 2000 × 3.75 + 1000 × 6 + 400 × 15 (thinking at the output price) = 150 + 2400 + 7500 + 6000 + 6000
    micro: 22_050,
  },
  {
    model: 'gemini-3.1-pro',
    plain: 'gemini/generate-cached-thinking.json',
    stream: 'gemini/stream-cached-thinking.chunks.txt',
    // prompt 5000: 3000 cached, 960 audio, 240 image, 800 plain text; candidates 200 + thoughts 800.
    tokens: { inputTokens: 5000, cachedInputTokens: 3000, audioInputTokens: 960, imageInputTokens: 240, outputTokens: 1000, reasoningTokens: 800, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 },
    // 800 × 2 + 3000 × 0.2 + 960 × 7 + 240 × 2 (image at the input price) + 1000 × 12 = 1600 + 600 + 6720 + 480 + 12000
    micro: 21_400,
  },
] as const;

const usd = (micro: number): number => micro / 1_000_000;

async function admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${gateway.running.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  expect(response.status).toBeLessThan(300);
  return (await response.json()) as Record<string, unknown>;
}

function openai(): OpenAI {
  return new OpenAI({ baseURL: `${gateway.running.url}/v1`, apiKey: key.secret, maxRetries: 0, timeout: 10_000 });
}

function lastRow() {
  gateway.running.log.flush();
  const row = gateway.running.log.recent({ last: 1 })[0];
  if (!row) throw new Error('no request row');
  return { row, attempts: gateway.running.log.attemptsOf(row.id) };
}

beforeAll(async () => {
  await server.start();
  gateway = await startTestGateway(
    `
server:
  admin_key: env:ADMIN_KEY
providers:
  openai: { type: openai, base_url: ${server.url}/v1, api_key: env:UPSTREAM_KEY }
  deepseek: { type: openai-compatible, base_url: ${server.url}/v1, api_key: env:UPSTREAM_KEY }
  anthropic: { type: anthropic, base_url: ${server.url}/v1, api_key: env:UPSTREAM_KEY }
  gemini: { type: gemini, base_url: ${server.url}/v1beta, api_key: env:UPSTREAM_KEY }
models:
  gpt-5.4: { provider: openai, price: { input: 1.75, output: 14, cached_input: 0.175, cache_write_5m: 2.1875, reasoning: 20 } }
  deepseek-reasoner: { provider: deepseek, price: { input: 0.28, output: 0.42, cached_input: 0.028 } }
  claude-sonnet-4.6: { provider: anthropic, price: { input: 3, output: 15, cached_input: 0.3, cache_write_5m: 3.75, cache_write_1h: 6 } }
  gemini-3.1-pro: { provider: gemini, price: { input: 2, output: 12, cached_input: 0.2, audio_input: 7 } }
  gpt-5.4-mini: { provider: openai, price: { input: 0.25, output: 2 } }
`,
    { ADMIN_KEY: ADMIN, UPSTREAM_KEY: "sk-upstream-test" },
  );
  const created = await admin('POST', '/admin/keys', { name: 'token-classes' });
  key = { id: created.id as string, secret: created.key as string };
  budgetId = (await admin('POST', '/admin/budgets', { scope: 'key', scope_id: key.id, period: 'day', limit_usd: 10 })).id as string;
});

afterAll(async () => {
  await gateway.stop();
  await server.close();
});

describe.each(CASES)('$model: token classes priced by hand', (entry) => {
  it('plain answer: the cost header, the usage the client sees, and both log rows', async () => {
    server.replay = { fixture: entry.plain };
    const { data, response } = await openai().chat.completions.create({ model: entry.model, messages: [{ role: 'user', content: 'When does the contract renew?' }] }).withResponse();
    // The header has 8 decimals (a hundred-millionth of a dollar); the log keeps the full figure.
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).toBeCloseTo(usd(entry.micro), 8);
    expect(data.usage).toMatchObject({
      prompt_tokens: entry.tokens.inputTokens,
      completion_tokens: entry.tokens.outputTokens,
      prompt_tokens_details: { cached_tokens: entry.tokens.cachedInputTokens, audio_tokens: entry.tokens.audioInputTokens },
      completion_tokens_details: { reasoning_tokens: entry.tokens.reasoningTokens },
    });
    const { row, attempts } = lastRow();
    expect(row).toMatchObject(entry.tokens);
    expect(row.costUsd).toBeCloseTo(usd(entry.micro), 12);
    expect(attempts[0]).toMatchObject({ ...entry.tokens, usageSource: 'upstream' });
  });

  it('streamed answer: the same classes from the streamed usage', async () => {
    server.replay = { fixture: entry.stream };
    const stream = await openai().chat.completions.create({
      model: entry.model,
      messages: [{ role: 'user', content: 'When does the contract renew?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: (OpenAI.CompletionUsage & { cost_usd?: number }) | undefined;
    let text = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('The contract renews on 1 March.');
    expect(usage?.prompt_tokens_details?.cached_tokens).toBe(entry.tokens.cachedInputTokens);
    expect(usage?.completion_tokens_details?.reasoning_tokens).toBe(entry.tokens.reasoningTokens);
    expect(usage?.cost_usd).toBeCloseTo(usd(entry.micro), 12);
    const { row } = lastRow();
    expect(row).toMatchObject({ ...entry.tokens, stream: true });
    expect(row.costUsd).toBeCloseTo(usd(entry.micro), 12);
  });
});

describe('token classes in the Anthropic format, budgets and reports', () => {
  it('renders cache writes by lifetime and reads to an Anthropic client', async () => {
    server.replay = { fixture: 'anthropic/message-cache.json' };
    const client = new Anthropic({ baseURL: gateway.running.url, apiKey: key.secret, maxRetries: 0 });
    const message = await client.messages.create({ model: 'claude-sonnet-4.6', max_tokens: 512, messages: [{ role: 'user', content: 'When does the contract renew?' }] });
    expect(message.usage).toMatchObject({
      input_tokens: 50,
      cache_creation_input_tokens: 3000,
      cache_read_input_tokens: 8000,
      cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 1000 },
      output_tokens: 400,
      output_tokens_details: { thinking_tokens: 150 },
    });
    // The same answer streamed: the closing message_delta carries the classes.
    server.replay = { fixture: 'anthropic/stream-cache.chunks.txt' };
    const stream = client.messages.stream({ model: 'claude-sonnet-4.6', max_tokens: 512, messages: [{ role: 'user', content: 'When does the contract renew?' }] });
    const final = await stream.finalMessage();
    expect(final.usage).toMatchObject({ input_tokens: 50, cache_creation_input_tokens: 3000, cache_read_input_tokens: 8000, output_tokens: 400 });
  });

  it('charges the key budget, the usage report and the savings report by class', async () => {
    // Every case ran twice through the OpenAI client, the Anthropic one twice more.
    const anthropic = CASES.find((entry) => entry.model === 'claude-sonnet-4.6');
    const totalMicro = CASES.reduce((sum, entry) => sum + 2 * entry.micro, 0) + 2 * (anthropic?.micro ?? 0);
    const budgets = (await admin('GET', '/admin/budgets')).data as { id: string; spent_usd: number }[];
    expect(budgets.find((budget) => budget.id === budgetId)?.spent_usd).toBeCloseTo(usd(totalMicro), 10);

    const usage = await admin('GET', `/admin/usage?key=${key.id}`);
    expect(usage.costUsd).toBeCloseTo(usd(totalMicro), 10);
    const sum = (name: keyof (typeof CASES)[number]['tokens']): number =>
      CASES.reduce((total, entry) => total + 2 * entry.tokens[name], 0) + 2 * (anthropic?.tokens[name] ?? 0);
    for (const name of ['inputTokens', 'outputTokens', 'cachedInputTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens', 'audioInputTokens', 'imageInputTokens', 'reasoningTokens'] as const) {
      expect(usage[name], name).toBe(sum(name));
    }

    // Baseline gpt-5.4-mini (input 0.25, output 2, no class prices): every input token at 0.25, every output token at 2.
    const savings = await admin('GET', '/admin/spend/savings?baseline=gpt-5.4-mini');
    const baselineMicro = sum('inputTokens') * 0.25 + sum('outputTokens') * 2;
    expect(savings.baseline_usd as number).toBeCloseTo(usd(baselineMicro), 10);
    expect(savings.actual_usd as number).toBeCloseTo(usd(totalMicro), 10);
  });
});
