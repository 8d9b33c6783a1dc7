/**
 * Cost governance through the real gateway: virtual keys, the admin API's auth matrix,
 * budgets under concurrency, rate limits at the boundary, alerts, cost figures checked by
 * hand, and the savings report.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { worstCaseTokens } from '../../src/governance/governance.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ADMIN = 'sy-admin-secret-0123456789';
const PRICE = { input: 1, output: 2 };

const config = (webhook: string) => `
server:
  admin_key: env:ADMIN_KEY
governance:
  alerts: { webhook_url: ${webhook} }
resilience:
  circuit_breaker: { enabled: false }
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
  slow: { type: simulator, behaviour: { ttft_ms: 400, tokens_per_second: 100000 } }
models:
  gpt-5.4-mini: { provider: sim, price: { input: ${PRICE.input}, output: ${PRICE.output} } }
  gpt-5.4: { provider: sim, price: { input: 1.75, output: 14, cached_input: 0.175 } }
  slow-model: { provider: slow, upstream_model: gpt-5.4-mini, price: { input: 1, output: 2 } }
routes:
  auto: { model: gpt-5.4-mini }
`;

let gateway: TestGateway;
let webhook: Server;
const alerts: Record<string, unknown>[] = [];

async function admin(method: string, path: string, body?: unknown, key: string | null = ADMIN) {
  const response = await fetch(`${gateway.running.url}${path}`, {
    method,
    headers: { ...(key !== null ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, text, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

async function createKey(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const created = await admin('POST', '/admin/keys', body);
  expect(created.status).toBe(201);
  return { id: created.json.id as string, secret: created.json.key as string };
}

function client(secret: string): OpenAI {
  return new OpenAI({ baseURL: `${gateway.running.url}/v1`, apiKey: secret, maxRetries: 0, timeout: 10_000 });
}

beforeAll(async () => {
  webhook = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      alerts.push(JSON.parse(body) as Record<string, unknown>);
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  gateway = await startTestGateway(config(`http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`), { ADMIN_KEY: ADMIN });
});

afterAll(async () => {
  await gateway.stop();
  await new Promise((resolve) => webhook.close(resolve));
});

describe('virtual keys', () => {
  it('are shown once, stored hashed, and authenticate API requests', async () => {
    const { id, secret } = await createKey({ name: 'ci', team: 'platform' });
    expect(secret).toMatch(/^sk-sy-[0-9A-Za-z]{32}$/);
    const listed = await admin('GET', '/admin/keys');
    expect(listed.text).not.toContain(secret);
    expect(listed.text).toContain(`"id":"${id}"`);
    const completion = await client(secret).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content).toBeTruthy();
    // Without a key, or with a wrong one, no model call.
    await expect(client('sk-sy-wrongwrongwrongwrongwrongwrong12').chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    const anonymous = await fetch(`${gateway.running.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(anonymous.status).toBe(401);
  });

  it('a disabled key is refused with a 401 saying so, makes no model call, and works again once enabled', async () => {
    const { id, secret } = await createKey({ name: 'switched-off' });
    const ask = () => client(secret).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
    expect((await ask()).choices[0]?.message.content).toBeTruthy();
    const disabled = await admin('POST', `/admin/keys/${id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.json).toMatchObject({ id, state: 'disabled' });
    gateway.running.log.flush();
    const before = gateway.running.log.recent({ last: 500 }).filter((row) => row.keyId === id && row.status === 200).length;
    const refused = await ask().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((refused as Error).message).toMatch(/is disabled/);
    expect((refused as Error).message).not.toContain(secret);
    // Anthropic-format clients are refused the same way.
    const messages = await fetch(`${gateway.running.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': secret, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'auto', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(messages.status).toBe(401);
    expect(((await messages.json()) as { type: string; error: { type: string } }).error.type).toBe('authentication_error');
    gateway.running.log.flush();
    expect(gateway.running.log.recent({ last: 500 }).filter((row) => row.keyId === id && row.status === 200)).toHaveLength(before);

    expect((await admin('POST', `/admin/keys/${id}/enable`)).json).toMatchObject({ id, state: 'active' });
    expect((await ask()).choices[0]?.message.content).toBeTruthy();
  });

  it('restricts models and routes', async () => {
    const { secret } = await createKey({ name: 'narrow', allowed_models: ['gpt-5.4-mini'], allowed_routes: ['auto'] });
    await expect(client(secret).chat.completions.create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((await client(secret).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] })).model).toBeTruthy();
  });
});

describe('admin auth matrix', () => {
  it('every /admin route answers 401 to no, invalid, expired and revoked keys, 403 to a normal key (own usage aside), and serves the admin key', async () => {
    const normal = await createKey({ name: 'normal' });
    const expired = await createKey({ name: 'expired', expires_at: '2020-01-01T00:00:00Z' });
    const revoked = await createKey({ name: 'revoked' });
    expect((await admin('DELETE', `/admin/keys/${revoked.id}`)).status).toBe(200);
    const target = await createKey({ name: 'target' });
    const budget = await admin('POST', '/admin/budgets', { scope: 'key', scope_id: target.id, period: 'day', limit_usd: 100 });
    expect(budget.status).toBe(201);

    const routes: [string, string, unknown?][] = [
      ['GET', '/admin/keys'],
      ['POST', '/admin/keys', { name: 'matrix' }],
      ['GET', `/admin/keys/${target.id}`],
      ['POST', `/admin/keys/${target.id}/disable`],
      ['POST', `/admin/keys/${target.id}/enable`],
      ['GET', '/admin/teams'],
      ['POST', '/admin/teams', { id: 'matrix-team' }],
      ['GET', '/admin/budgets'],
      ['POST', '/admin/budgets', { scope: 'global', period: 'total', limit_usd: 1000 }],
      ['GET', '/admin/usage'],
      ['GET', '/admin/spend?by=key'],
      ['GET', '/admin/spend/savings?baseline=gpt-5.4'],
      ['DELETE', `/admin/budgets/${budget.json.id as string}`],
      ['DELETE', `/admin/keys/${target.id}`],
    ];
    const callers: [string, string | null][] = [
      ['none', null],
      ['invalid', 'sk-sy-invalidinvalidinvalidinvalid12'],
      ['expired', expired.secret],
      ['revoked', revoked.secret],
      ['normal', normal.secret],
    ];
    for (const [method, path, body] of routes) {
      for (const [who, key] of callers) {
        const result = await admin(method, path, body, key);
        const expected = who === 'normal' ? (path === '/admin/usage' ? 200 : 403) : 401;
        expect(result.status, `${who} ${method} ${path}`).toBe(expected);
        for (const secret of [normal.secret, expired.secret, revoked.secret, ADMIN]) expect(result.text).not.toContain(secret);
      }
      const result = await admin(method, path, body);
      expect(result.status, `admin ${method} ${path}: ${result.text}`).toBeLessThan(300);
      expect(result.text).not.toMatch(/[0-9a-f]{64}/); // no key hash, ever
    }
    const own = await admin('GET', `/admin/usage?key=${target.id}`, undefined, normal.secret);
    expect(own.status).toBe(403);
  });
});

describe('budgets', () => {
  const estimateUsd = () => {
    const tokens = worstCaseTokens({ model: 'auto', stream: false, includeUsage: false, maxTokens: 50, messages: [{ role: 'user', content: 'Tell me about tides.' }] }, {
      maxOutputTokens: undefined,
    } as never);
    return (tokens.input * PRICE.input + tokens.output * PRICE.output) / 1_000_000;
  };
  const burst = async (secrets: string[], count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, index) =>
        client(secrets[index % secrets.length] as string)
          .chat.completions.create({ model: 'auto', max_tokens: 50, messages: [{ role: 'user', content: 'Tell me about tides.' }] })
          .then(
            () => 'ok',
            (error: unknown) => (error instanceof OpenAI.APIError ? `${error.status}:${(error as { code?: string }).code}` : 'other'),
          ),
      ),
    );

  it("50 concurrent requests against a key's budget that fits 10: spend stays within the budget, the rest get 429 budget_exceeded", async () => {
    const { id, secret } = await createKey({ name: 'race' });
    const limit = estimateUsd() * 10;
    expect((await admin('POST', '/admin/budgets', { scope: 'key', scope_id: id, period: 'day', limit_usd: limit })).status).toBe(201);
    const results = await burst([secret], 50);
    const ok = results.filter((result) => result === 'ok').length;
    expect(ok).toBe(10);
    expect(results.filter((result) => result === '429:budget_exceeded')).toHaveLength(40);
    const usage = await admin('GET', `/admin/usage?key=${id}`);
    expect(usage.json.costUsd as number).toBeLessThanOrEqual(limit + estimateUsd());
    const refused = await client(secret).chat.completions.create({ model: 'auto', max_tokens: 50, messages: [{ role: 'user', content: 'Tell me about tides.' }] }).catch((error: unknown) => error);
    expect(String((refused as Error).message)).toMatch(/Budget exceeded: the hard per-day budget of \$[\d.]+ for key key_\w+/);
  });

  it('a team budget shared by several keys holds under concurrency too', async () => {
    const keys = await Promise.all(['a', 'b', 'c'].map((name) => createKey({ name: `team-${name}`, team: 'shared-team' })));
    const limit = estimateUsd() * 10;
    expect((await admin('POST', '/admin/budgets', { scope: 'team', scope_id: 'shared-team', period: 'month', limit_usd: limit })).status).toBe(201);
    const results = await burst(
      keys.map((key) => key.secret),
      50,
    );
    expect(results.filter((result) => result === 'ok')).toHaveLength(10);
    const spend = await admin('GET', '/admin/spend?by=team');
    const team = (spend.json.rows as { group: string; costUsd: number }[]).find((row) => row.group === 'shared-team');
    expect(team?.costUsd).toBeLessThanOrEqual(limit + estimateUsd());
  });

  it('fires each alert threshold once per period, to the webhook', async () => {
    const { id, secret } = await createKey({ name: 'alerting' });
    const created = await admin('POST', '/admin/budgets', { scope: 'key', scope_id: id, period: 'day', limit_usd: estimateUsd() * 4, enforcement: 'soft', alert_at: [0.5] });
    for (let index = 0; index < 6; index++) await client(secret).chat.completions.create({ model: 'auto', max_tokens: 50, messages: [{ role: 'user', content: 'Tell me about tides.' }] });
    await gateway.running.gateway.services.governance.alerts.settled();
    const fired = alerts.filter((alert) => alert.budget === created.json.id);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ type: 'budget_threshold', threshold: 0.5 });
  });
});

describe('rate limits', () => {
  it('rpm: N allowed, N+1 refused with Retry-After and x-ratelimit headers', async () => {
    const { secret } = await createKey({ name: 'rpm', rpm: 5 });
    for (let index = 0; index < 5; index++) {
      const { response } = await client(secret).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      expect(response.headers.get('x-ratelimit-remaining-requests')).toBe(String(4 - index));
    }
    const refused = await fetch(`${gateway.running.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });

  it('a team limit is shared by every key of the team', async () => {
    expect((await admin('POST', '/admin/teams', { id: 'rl-team', rpm: 4 })).status).toBe(201);
    const first = await createKey({ name: 'rl-a', team: 'rl-team' });
    const second = await createKey({ name: 'rl-b', team: 'rl-team' });
    for (let index = 0; index < 4; index++) await client(index % 2 === 0 ? first.secret : second.secret).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
    const refused = await client(second.secret).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(String((refused as Error).message)).toContain('team:rl-team');
    const teams = await admin('GET', '/admin/teams');
    expect(teams.json.data).toContainEqual(expect.objectContaining({ id: 'rl-team', rpm: 4, keys: 2 }));
  });

  it('tpm admits at the worst case (prompt estimate + max_tokens); a refused request holds nothing', async () => {
    const { secret } = await createKey({ name: 'tpm', tpm: 250 });
    const ask = (maxTokens = 100) =>
      client(secret)
        .chat.completions.create({ model: 'slow-model', max_tokens: maxTokens, messages: [{ role: 'user', content: 'hi' }] })
        .then(
          () => 'ok',
          (error: unknown) => (error instanceof OpenAI.RateLimitError ? '429' : 'other'),
        );
    // Each holds ~108 tokens while in flight: two fit in 250, the third does not.
    expect((await Promise.all([ask(), ask(), ask()])).sort()).toEqual(['429', 'ok', 'ok']);
    // The refused one holds nothing; a small request still fits beside the two settled ones.
    expect(await ask(10)).toBe('ok');
  });

  it('max_concurrent refuses the request over the limit while others run', async () => {
    const { secret } = await createKey({ name: 'concurrent', max_concurrent: 2 });
    const results = await Promise.all(
      Array.from({ length: 3 }, () =>
        client(secret)
          .chat.completions.create({ model: 'slow-model', messages: [{ role: 'user', content: 'hi' }] })
          .then(
            () => 'ok',
            (error: unknown) => (error instanceof OpenAI.RateLimitError ? '429' : 'other'),
          ),
      ),
    );
    expect(results.sort()).toEqual(['429', 'ok', 'ok']);
  });
});

describe('cost correctness and savings', () => {
  it('bills streaming and non-streaming requests at list price, and reports savings against a baseline', async () => {
    const { id, secret } = await createKey({ name: 'costs' });
    const plain = await client(secret).chat.completions.create({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'Explain tides briefly.' }] }).withResponse();
    const usage = plain.data.usage as { prompt_tokens: number; completion_tokens: number };
    const expected = (usage.prompt_tokens * PRICE.input + usage.completion_tokens * PRICE.output) / 1_000_000;
    expect(Number(plain.response.headers.get('x-switchyard-cost-usd'))).toBeCloseTo(expected, 10);

    const stream = await client(secret).chat.completions.create({ model: 'gpt-5.4-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Explain tides briefly.' }] });
    let streamUsage: { prompt_tokens: number; completion_tokens: number; cost_usd?: number } | undefined;
    for await (const chunk of stream) if (chunk.usage) streamUsage = chunk.usage as typeof streamUsage;
    expect(streamUsage?.cost_usd).toBeCloseTo(((streamUsage?.prompt_tokens ?? 0) * PRICE.input + (streamUsage?.completion_tokens ?? 0) * PRICE.output) / 1_000_000, 10);

    const own = await admin('GET', `/admin/usage?key=${id}`);
    expect(own.json.costUsd as number).toBeCloseTo(expected + (streamUsage?.cost_usd ?? 0), 10);
    expect(own.json.requests).toBe(2);

    const savings = await admin('GET', '/admin/spend/savings?baseline=gpt-5.4');
    const rows = savings.json.rows as { actualUsd: number; baselineUsd: number }[];
    expect(savings.json.saved_usd as number).toBeCloseTo(rows.reduce((sum, row) => sum + row.baselineUsd - row.actualUsd, 0), 10);
    expect(savings.json.baseline_usd as number).toBeGreaterThan(savings.json.actual_usd as number);
    // No evaluation run measured gpt-5.4 here: the same tokens, and asking for measured lengths is refused.
    expect(savings.json.baseline_mode).toBe('tokens');
    const tokens = await admin('GET', '/admin/spend/savings?baseline=gpt-5.4&baseline_mode=tokens');
    expect(tokens.json.baseline_usd).toBe(savings.json.baseline_usd);
    const measured = await admin('GET', '/admin/spend/savings?baseline=gpt-5.4&baseline_mode=measured');
    expect(measured.status).toBe(400);
    expect((measured.json.error as { param: string; message: string }).param).toBe('baseline_mode');
    expect((measured.json.error as { message: string }).message).toMatch(/evaluation runs that measured 'gpt-5.4'/);
    const unknown = await admin('GET', '/admin/spend/savings?baseline=gpt-5.4&baseline_mode=guess');
    expect(unknown.status).toBe(400);
    expect((unknown.json.error as { message: string }).message).toMatch(/baseline_mode must be measured or tokens/);
  });

  it('a client that walks away mid-stream is billed for what it received, once', async () => {
    const { id, secret } = await createKey({ name: 'walkaway' });
    const controller = new AbortController();
    const response = await fetch(`${gateway.running.url}/v1/chat/completions`, {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, 'x-switchyard-sim': 'tps=50;answer_tokens=200' },
      body: JSON.stringify({ model: 'gpt-5.4-mini', stream: true, messages: [{ role: 'user', content: 'Write a long story.' }] }),
    });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.read();
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 300));
    gateway.running.log.flush();
    const row = gateway.running.log.recent({ last: 50 }).find((request) => request.keyId === id);
    expect(row?.status).toBe(499);
    expect(row?.outputTokens).toBeGreaterThan(0);
    expect(row?.outputTokens).toBeLessThan(200);
    const attempts = gateway.running.log.attemptsOf(row?.id ?? '');
    expect(attempts).toHaveLength(1);
    expect(row?.costUsd).toBeCloseTo(attempts[0]?.costUsd ?? -1, 12);
    const usage = await admin('GET', `/admin/usage?key=${id}`);
    expect(usage.json.costUsd as number).toBeCloseTo(row?.costUsd ?? -1, 12);
  });
});
