/**
 * Budgets of every period (day, month, total) × scope (key, team, global) × enforcement
 * (hard, soft), each sent sequentially and concurrently through the real gateway, with
 * spend already in the log from earlier periods: a hard budget admits exactly the calls
 * that fit and refuses the rest with 429 budget_exceeded; a soft one serves them all and
 * alerts; either way every request leaves its row (and its attempt rows) and the budget's
 * spend equals what the log holds for its period.
 */
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ADMIN = 'sy-admin-matrix-0123456789';
/** Every call costs exactly this (a per-request price), so the arithmetic is the test's own. */
const CALL_USD = 0.08;
const LIMIT_USD = 0.8;
const REQUESTS = 14;
const DAY_MS = 86_400_000;

const CONFIG = `
server:
  admin_key: env:ADMIN_KEY
resilience:
  circuit_breaker: { enabled: false }
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
models:
  flat-rate: { provider: sim, upstream_model: gpt-5.4-mini, price: { input: 0, output: 0, per_request: ${CALL_USD} } }
routes:
  auto: { model: flat-rate }
`;

type Period = 'day' | 'month' | 'total';
type Scope = 'key' | 'team' | 'global';
type Enforcement = 'hard' | 'soft';

/** The start of a UTC day or month, written out here rather than taken from the code under test. */
function startOf(period: Period, now: number): number {
  const date = new Date(now);
  if (period === 'day') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  if (period === 'month') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  return 0;
}

/** Spend from before the test: last year (only a total budget counts it), the month's first moment, today's first moment. */
function earlierSpend(now: number): { createdAt: number; usd: number }[] {
  return [
    { createdAt: now - 400 * DAY_MS, usd: 2 * CALL_USD },
    { createdAt: startOf('month', now) + 1, usd: CALL_USD },
    { createdAt: startOf('day', now) + 2, usd: CALL_USD },
  ];
}

const gateways: TestGateway[] = [];
let shared: TestGateway | undefined;

async function gatewayFor(scope: Scope): Promise<TestGateway> {
  // A global budget sees every caller's spend: each global case gets a gateway of its own.
  if (scope !== 'global' && shared) return shared;
  const gateway = await startTestGateway(CONFIG, { ADMIN_KEY: ADMIN });
  gateways.push(gateway);
  if (scope !== 'global') shared = gateway;
  return gateway;
}

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
});

async function admin(gateway: TestGateway, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${gateway.running.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

let cases = 0;

describe.each(['day', 'month', 'total'] as Period[])('a %s budget', (period) => {
  describe.each(['key', 'team', 'global'] as Scope[])('scoped to %s', (scope) => {
    describe.each(['hard', 'soft'] as Enforcement[])('%s', (enforcement) => {
      it.each(['sequential', 'concurrent'])('%s requests', async (mode) => {
        const gateway = await gatewayFor(scope);
        const tag = `${period}-${scope}-${enforcement}-${mode}-${++cases}`;
        const team = scope === 'team' ? `team-${tag}` : undefined;
        const keys: { id: string; key: string }[] = [];
        for (const name of scope === 'team' ? ['a', 'b'] : ['a']) {
          const created = await admin(gateway, 'POST', '/admin/keys', { name: `${tag}-${name}`, ...(team ? { team } : {}) });
          expect(created.status).toBe(201);
          keys.push(created.json as { id: string; key: string });
        }
        const owner = keys[0] as { id: string };

        // Spend from earlier periods, already in the log, for this scope.
        const now = Date.now();
        const earlier = earlierSpend(now);
        const database = new Database(gateway.dbPath);
        const insert = database.prepare(
          `INSERT INTO requests (id, created_at, endpoint, key_id, team, route, requested_model, model, provider, stream, status, latency_ms, input_tokens, output_tokens, cached_input_tokens, cost_usd, simulated, attempts)
           VALUES (?, ?, 'chat', ?, ?, 'auto', 'auto', 'flat-rate', 'sim', 0, 200, 1, 10, 10, 0, ?, 1, 1)`,
        );
        earlier.forEach((row, index) => insert.run(`earlier-${tag}-${index}`, row.createdAt, owner.id, team ?? null, row.usd));
        database.close();
        const start = startOf(period, now);
        const priorUsd = earlier.filter((row) => row.createdAt >= start).reduce((sum, row) => sum + row.usd, 0);
        const fits = Math.round((LIMIT_USD - priorUsd) / CALL_USD);

        const created = await admin(gateway, 'POST', '/admin/budgets', {
          scope,
          ...(scope === 'key' ? { scope_id: owner.id } : scope === 'team' ? { scope_id: team } : {}),
          period,
          limit_usd: LIMIT_USD,
          enforcement,
        });
        expect(created.status).toBe(201);
        const budgetId = created.json.id as string;

        const call = async (index: number): Promise<string> => {
          const key = keys[index % keys.length] as { key: string };
          const client = new OpenAI({ baseURL: `${gateway.running.url}/v1`, apiKey: key.key, maxRetries: 0, timeout: 10_000 });
          try {
            await client.chat.completions.create({ model: 'auto', max_tokens: 20, messages: [{ role: 'user', content: `Tell me about tides (${index}).` }] });
            return 'ok';
          } catch (error) {
            if (!(error instanceof OpenAI.APIError)) throw error;
            if (error.status === 429 && period !== 'total') expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
            return `${error.status}:${String(error.code)}`;
          }
        };
        const outcomes: string[] = [];
        if (mode === 'sequential') for (let index = 0; index < REQUESTS; index++) outcomes.push(await call(index));
        else outcomes.push(...(await Promise.all(Array.from({ length: REQUESTS }, (_, index) => call(index)))));

        const served = enforcement === 'hard' ? fits : REQUESTS;
        expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(served);
        expect(outcomes.filter((outcome) => outcome === '429:budget_exceeded')).toHaveLength(REQUESTS - served);

        // Every request has its row; every served one its attempt row and its cost.
        gateway.running.log.flush();
        const log = new Database(gateway.dbPath, { readonly: true });
        const rows = log
          .prepare(`SELECT id, status, error_code AS errorCode, cost_usd AS costUsd, attempts FROM requests WHERE key_id IN (${keys.map(() => '?').join(', ')}) AND id NOT LIKE 'earlier-%'`)
          .all(...keys.map((key) => key.id)) as { id: string; status: number; errorCode: string | null; costUsd: number; attempts: number }[];
        const attemptRows = log.prepare(`SELECT COUNT(*) AS n FROM attempts WHERE request_id IN (${rows.map(() => '?').join(', ') || "''"})`).get(...rows.map((row) => row.id)) as { n: number };
        log.close();
        expect(rows).toHaveLength(REQUESTS);
        const ok = rows.filter((row) => row.status === 200);
        expect(ok).toHaveLength(served);
        for (const row of ok) expect(row).toMatchObject({ costUsd: CALL_USD, attempts: 1 });
        for (const row of rows.filter((each) => each.status !== 200)) expect(row).toMatchObject({ status: 429, errorCode: 'budget_exceeded', costUsd: 0, attempts: 0 });
        expect(attemptRows.n).toBe(served);

        // The budget's spend: what the log holds for its period and scope.
        const listed = await admin(gateway, 'GET', '/admin/budgets');
        const budget = (listed.json.data as { id: string; spent_usd: number; reserved_usd: number }[]).find((each) => each.id === budgetId);
        expect(budget?.spent_usd).toBeCloseTo(priorUsd + served * CALL_USD, 9);
        expect(budget?.reserved_usd).toBeCloseTo(0, 9);
        if (enforcement === 'hard') expect(budget?.spent_usd).toBeLessThanOrEqual(LIMIT_USD + 1e-9);
        else {
          // Past its limit, a soft budget alerts (once, at 100 %).
          await gateway.running.gateway.services.governance.alerts.settled();
          const alerts = new Database(gateway.dbPath, { readonly: true });
          const fired = alerts.prepare('SELECT alert FROM alerts_fired WHERE alert = ?').all(`${budgetId}:1`);
          alerts.close();
          expect(fired).toHaveLength(1);
        }
      });
    });
  });
});

describe('settling governance', () => {
  it('a failure while settling leaves every row and attempt row in the log, and the answer whole', async () => {
    const gateway = await startTestGateway(CONFIG, { ADMIN_KEY: ADMIN });
    gateways.push(gateway);
    const key = (await admin(gateway, 'POST', '/admin/keys', { name: 'settle-fails' })).json as { id: string; key: string };
    const created = await admin(gateway, 'POST', '/admin/budgets', { scope: 'key', scope_id: key.id, period: 'total', limit_usd: 100, enforcement: 'soft', alert_at: [0.0001] });
    expect(created.status).toBe(201);
    // Every settlement now settles, then fails (as the total-budget bug did).
    const governance = gateway.running.gateway.services.governance;
    const settle = governance.settle.bind(governance);
    governance.settle = (permit, record) => {
      settle(permit, record);
      throw new TypeError('settling failed');
    };
    const client = new OpenAI({ baseURL: `${gateway.running.url}/v1`, apiKey: key.key, maxRetries: 0, timeout: 10_000 });
    const answered = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
    const stream = await client.chat.completions.create({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'hello' }] });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    expect(answered.choices[0]?.message.content).toBeTruthy();
    expect(streamed).toBeTruthy();

    gateway.running.log.flush();
    const log = new Database(gateway.dbPath, { readonly: true });
    const rows = log.prepare('SELECT id, status, stream, cost_usd AS costUsd FROM requests WHERE key_id = ? ORDER BY created_at').all(key.id) as { id: string; status: number; stream: number; costUsd: number }[];
    const attempts = log.prepare(`SELECT COUNT(*) AS n FROM attempts WHERE request_id IN (${rows.map(() => '?').join(', ') || "''"})`).get(...rows.map((row) => row.id)) as { n: number };
    log.close();
    expect(rows.map((row) => [row.status, row.stream, row.costUsd])).toEqual([
      [200, 0, CALL_USD],
      [200, 1, CALL_USD],
    ]);
    expect(attempts.n).toBe(2);
    const listed = await admin(gateway, 'GET', '/admin/budgets');
    expect((listed.json.data as { spent_usd: number }[])[0]?.spent_usd).toBeCloseTo(2 * CALL_USD, 9);
  });
});

describe('token budgets', () => {
  it('limit_tokens refuses once the tokens used and reserved would pass it, and spend matches the log', async () => {
    const gateway = await gatewayFor('key');
    const key = (await admin(gateway, 'POST', '/admin/keys', { name: 'tokens' })).json as { id: string; key: string };
    const created = await admin(gateway, 'POST', '/admin/budgets', { scope: 'key', scope_id: key.id, period: 'day', limit_tokens: 300 });
    const client = new OpenAI({ baseURL: `${gateway.running.url}/v1`, apiKey: key.key, maxRetries: 0, timeout: 10_000 });
    const outcomes: string[] = [];
    for (let index = 0; index < 12; index++) {
      outcomes.push(
        await client.chat.completions.create({ model: 'auto', max_tokens: 40, messages: [{ role: 'user', content: 'Name a colour.' }] }).then(
          () => 'ok',
          (error: unknown) => (error instanceof OpenAI.APIError ? `${error.status}:${String(error.code)}:${error.message}` : 'other'),
        ),
      );
    }
    const refused = outcomes.filter((outcome) => outcome.startsWith('429:budget_exceeded'));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatch(/tokens used or reserved/);
    // Once refused, refused for the rest of the day.
    expect(outcomes.slice(outcomes.indexOf(refused[0] as string)).every((outcome) => outcome.startsWith('429'))).toBe(true);
    gateway.running.log.flush();
    const log = new Database(gateway.dbPath, { readonly: true });
    const used = log.prepare('SELECT SUM(input_tokens + output_tokens) AS tokens FROM requests WHERE key_id = ?').get(key.id) as { tokens: number };
    log.close();
    const listed = await admin(gateway, 'GET', '/admin/budgets');
    const budget = (listed.json.data as { id: string; spent_tokens: number }[]).find((each) => each.id === created.json.id);
    expect(budget?.spent_tokens).toBe(used.tokens);
    expect(used.tokens).toBeLessThanOrEqual(300);
  });
});
