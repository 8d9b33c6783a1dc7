/**
 * The dashboard's API against a real gateway with simulated traffic: who may read it (admin
 * key session, bearer admin key; a normal key 403, none 401), CSRF on changes, logout, the
 * open loopback mode, and that its numbers are the request log's and /admin/spend's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_SIMULATOR_CONFIG, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ADMIN_KEY = 'sk-admin-dashboard-test-0123456789';

interface Overview {
  totals: { requests: number; errors: number; costUsd: number; inputTokens: number; outputTokens: number; latencyMs: { p50: number | null; p95: number | null }; guards: { requests: number } };
  series: { time: number[]; requests: number[] };
  savings: { baseline: string; baselineUsd: number; actualUsd: number } | null;
}

function sessionOf(response: Response): string {
  const cookie = response.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  expect(cookie).toMatch(/Path=\/ui/);
  return cookie.split(';')[0] as string;
}

describe('dashboard API with server.admin_key', () => {
  let gateway: TestGateway;
  let url: string;
  let userKey: string;
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };

  beforeAll(async () => {
    gateway = await startTestGateway(`server: { admin_key: env:ADMIN_KEY }\n${FAST_SIMULATOR_CONFIG}`, { ADMIN_KEY });
    url = gateway.running.url;
    const created = await fetch(`${url}/admin/keys`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'app', team: 'blue' }) });
    userKey = ((await created.json()) as { key: string }).key;
    const call = (model: string, headers: Record<string, string> = {}): Promise<Response> =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${userKey}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: `hello from ${model}` }], max_tokens: 20 }),
      });
    for (let index = 0; index < 4; index++) expect((await call('gpt-5.4-mini')).status).toBe(200);
    for (let index = 0; index < 2; index++) expect((await call('deepseek-v4-flash')).status).toBe(200);
    expect((await call('auto')).status).toBe(200);
    expect((await call('gpt-5.4', { 'x-switchyard-sim': 'error_rate=1;error_status=400' })).status).toBe(400);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('answers 401 without credentials, 401 for a wrong key, 403 for a normal virtual key', async () => {
    for (const path of ['overview', 'requests', 'breakdown?by=model', 'health', 'session', 'meta']) {
      const none = await fetch(`${url}/ui/api/${path}`);
      expect(none.status, path).toBe(401);
      const wrong = await fetch(`${url}/ui/api/${path}`, { headers: { authorization: 'Bearer sk-sy-not-a-key' } });
      expect(wrong.status, path).toBe(401);
      const user = await fetch(`${url}/ui/api/${path}`, { headers: { authorization: `Bearer ${userKey}` } });
      expect(user.status, path).toBe(403);
      expect(((await user.json()) as { error: { code: string } }).error.code).toBe('permission_denied');
    }
    const adminCall = await fetch(`${url}/ui/api/overview`, { headers: admin });
    expect(adminCall.status).toBe(200);
  });

  it('logs in with the admin key only, needs the CSRF token for changes, and logs out', async () => {
    const wrong = await fetch(`${url}/ui/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'not-the-admin-key' }) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const login = await fetch(`${url}/ui/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: ADMIN_KEY }) });
    expect(login.status).toBe(200);
    const cookie = sessionOf(login);
    const { csrf } = (await login.json()) as { csrf: string };
    const session = (await (await fetch(`${url}/ui/api/session`, { headers: { cookie } })).json()) as { mode: string; csrf: string };
    expect(session).toMatchObject({ mode: 'admin_key', csrf });
    // A forged cookie is nobody.
    expect((await fetch(`${url}/ui/api/overview`, { headers: { cookie: `${cookie}x` } })).status).toBe(401);

    const createKey = (headers: Record<string, string>): Promise<Response> =>
      fetch(`${url}/ui/api/admin/keys`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name: 'from-dashboard' }) });
    expect((await createKey({})).status).toBe(403);
    expect((await createKey({ 'x-switchyard-csrf': 'wrong' })).status).toBe(403);
    expect((await createKey({ 'x-switchyard-csrf': csrf, origin: 'http://evil.example' })).status).toBe(403);
    const created = await createKey({ 'x-switchyard-csrf': csrf, origin: url });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; key: string };
    expect(key.key).toMatch(/^sk-sy-/);
    const revoked = await fetch(`${url}/ui/api/admin/keys/${key.id}`, { method: 'DELETE', headers: { cookie, 'x-switchyard-csrf': csrf } });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { state: string }).state).toBe('revoked');
    const budget = await fetch(`${url}/ui/api/admin/budgets`, {
      method: 'POST',
      headers: { cookie, 'x-switchyard-csrf': csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'team', scope_id: 'blue', period: 'month', limit_usd: 5 }),
    });
    expect(budget.status).toBe(201);

    const logout = await fetch(`${url}/ui/api/logout`, { method: 'POST', headers: { cookie, 'x-switchyard-csrf': csrf } });
    expect(logout.status).toBe(200);
    expect(logout.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await fetch(`${url}/ui/api/overview`, { headers: { cookie } })).status).toBe(401);
  });

  it('the overview and breakdowns agree with /admin/spend and the request log', async () => {
    const overview = (await (await fetch(`${url}/ui/api/overview?range=1h&baseline=gpt-5.4`, { headers: admin })).json()) as Overview;
    const spend = (await (await fetch(`${url}/admin/spend?by=model&since=1h`, { headers: admin })).json()) as { rows: { group: string; requests: number; costUsd: number; inputTokens: number; outputTokens: number }[] };
    const sum = (field: 'requests' | 'costUsd' | 'inputTokens' | 'outputTokens'): number => spend.rows.reduce((total, row) => total + row[field], 0);
    expect(overview.totals.requests).toBe(sum('requests'));
    expect(overview.totals.requests).toBe(8);
    expect(overview.totals.errors).toBe(1);
    expect(overview.totals.costUsd).toBeCloseTo(sum('costUsd'), 12);
    expect(overview.totals.inputTokens).toBe(sum('inputTokens'));
    expect(overview.totals.outputTokens).toBe(sum('outputTokens'));
    expect(overview.series.requests.reduce((a, b) => a + b, 0)).toBe(8);
    expect(overview.totals.latencyMs.p50).not.toBeNull();
    const savings = (await (await fetch(`${url}/admin/spend/savings?baseline=gpt-5.4&since=1h`, { headers: admin })).json()) as { baseline_usd: number; actual_usd: number };
    expect(overview.savings?.baselineUsd).toBeCloseTo(savings.baseline_usd, 12);
    expect(overview.savings?.actualUsd).toBeCloseTo(savings.actual_usd, 12);

    const byModel = (await (await fetch(`${url}/ui/api/breakdown?by=model&range=1h`, { headers: admin })).json()) as { rows: { group: string; requests: number; costUsd: number; errors: number }[] };
    for (const row of spend.rows) {
      const mine = byModel.rows.find((candidate) => candidate.group === row.group);
      expect(mine?.requests, String(row.group)).toBe(row.requests);
      expect(mine?.costUsd).toBeCloseTo(row.costUsd, 12);
    }
    const byKey = (await (await fetch(`${url}/ui/api/breakdown?by=team&range=1h`, { headers: admin })).json()) as { rows: { group: string; requests: number }[] };
    expect(byKey.rows.find((row) => row.group === 'blue')?.requests).toBe(8);
    expect((await fetch(`${url}/ui/api/breakdown?by=colour`, { headers: admin })).status).toBe(400);
    expect((await fetch(`${url}/ui/api/overview?range=2w`, { headers: admin })).status).toBe(400);
    expect((await fetch(`${url}/ui/api/overview?since=2026-01-02&until=2026-01-01`, { headers: admin })).status).toBe(400);
  });

  it('filters, pages and opens requests', async () => {
    const list = async (query: string): Promise<{ data: { id: string; model: string; status: number; createdAt: number }[]; next: string | null }> => {
      const response = await fetch(`${url}/ui/api/requests?${query}`, { headers: admin });
      expect(response.status, query).toBe(200);
      return (await response.json()) as { data: { id: string; model: string; status: number; createdAt: number }[]; next: string | null };
    };
    const all = await list('limit=100');
    expect(all.data).toHaveLength(8);
    expect(all.data.map((row) => row.createdAt)).toEqual([...all.data.map((row) => row.createdAt)].sort((a, b) => b - a));
    expect((await list('status=error')).data.map((row) => row.status)).toEqual([400]);
    expect((await list('status=ok')).data).toHaveLength(7);
    expect((await list('model=deepseek-v4-flash')).data).toHaveLength(2);
    expect((await list('route=auto')).data).toHaveLength(1);
    expect((await list('q=deepseek')).data.every((row) => row.model === 'deepseek-v4-flash')).toBe(true);
    // Pages of three: every row once, newest first.
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await list(`limit=3${cursor ? `&before=${cursor}` : ''}`);
      seen.push(...page.data.map((row) => row.id));
      cursor = page.next;
    }
    expect(seen).toEqual(all.data.map((row) => row.id));
    expect((await fetch(`${url}/ui/api/requests?status=maybe`, { headers: admin })).status).toBe(400);

    const routed = (await list('route=auto')).data[0] as { id: string };
    const detail = (await (await fetch(`${url}/ui/api/requests/${routed.id}`, { headers: admin })).json()) as {
      request: { details: { decision: { strategy: string; candidates: unknown[] } } };
      attempts: { attempt: number; latencyMs: number; status: number }[];
    };
    expect(detail.request.details.decision.strategy).toBeTruthy();
    expect(detail.attempts[0]).toMatchObject({ attempt: 1, status: 200 });
    expect((await fetch(`${url}/ui/api/requests/nope`, { headers: admin })).status).toBe(404);
  });

  it('health lists deployments and in-flight calls; the page itself is served', async () => {
    const health = (await (await fetch(`${url}/ui/api/health`, { headers: admin })).json()) as { deployments: unknown[]; in_flight: number; eval_runs: unknown[] };
    expect(health.deployments.length).toBeGreaterThan(0);
    expect(health.in_flight).toBe(0);
    expect(health.eval_runs).toEqual([]);
    const redirect = await fetch(`${url}/ui`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
  });
});

describe('dashboard API without an admin key, on loopback', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('is open for reading; changes still need the page’s CSRF token', async () => {
    const url = gateway.running.url;
    expect((await fetch(`${url}/ui/api/overview?range=24h`)).status).toBe(200);
    const session = (await (await fetch(`${url}/ui/api/session`)).json()) as { mode: string; csrf: string };
    expect(session.mode).toBe('open');
    const body = JSON.stringify({ scope: 'global', period: 'day', limit_usd: 1 });
    expect((await fetch(`${url}/ui/api/admin/budgets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(403);
    const created = await fetch(`${url}/ui/api/admin/budgets`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-switchyard-csrf': session.csrf }, body });
    expect(created.status).toBe(201);
    expect((await fetch(`${url}/ui/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"key":"x"}' })).status).toBe(400);
  });
});
