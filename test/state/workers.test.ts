/**
 * `serve --workers 2` holds the guarantees two replicas hold, with Redis and without it
 * (then the primary process keeps the state and answers its workers over IPC): a key
 * budget that fits 10 serves 10 of 60 concurrent requests, a key's rpm admits exactly its
 * limit, and a key revoked through one worker is refused by both within a second.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminCall, call, REPLICA_CONFIG, startReplicas, type ReplicaSet } from '../helpers/replicas.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

const ADMIN = 'sy-admin-replicas-0123456789';

let set: ReplicaSet | undefined;
afterEach(async () => {
  await set?.stop();
  set = undefined;
});

describe.each([
  ['with Redis', undefined],
  ['without Redis (state in the primary process)', null],
] as const)('serve --workers 2 %s', (_, redisUrl) => {
  it('holds a key budget, a key rpm and a revocation across both workers', async () => {
    set = await startReplicas(1, REPLICA_CONFIG, { redisUrl, env: { ADMIN_KEY: ADMIN }, serveArgs: ['--workers', '2'] });
    const base = set.replicas[0]!.base;
    const key = async (name: string, extra: Record<string, unknown> = {}): Promise<{ id: string; key: string }> => {
      const created = await adminCall(base, ADMIN, 'POST', '/admin/keys', { name, ...extra });
      expect(created.status).toBe(201);
      return created.json as { id: string; key: string };
    };

    // Budget: fits 10 calls of $0.01; 60 concurrent connections are spread over both workers.
    const budgeted = await key('budgeted');
    expect((await adminCall(base, ADMIN, 'POST', '/admin/budgets', { scope: 'key', scope_id: budgeted.id, period: 'day', limit_usd: 0.1 })).status).toBe(201);
    const outcomes = await Promise.all(Array.from({ length: 60 }, (_, index) => call(base, budgeted.key, index)));
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(10);
    expect(outcomes.filter((outcome) => outcome === '429:budget_exceeded')).toHaveLength(50);

    // rpm 12: exactly 12 of 30.
    const limited = await key('rpm', { rpm: 12 });
    const rpmOutcomes = await Promise.all(Array.from({ length: 30 }, (_, index) => call(base, limited.key, index)));
    expect(rpmOutcomes.filter((outcome) => outcome === 'ok')).toHaveLength(12);
    expect(rpmOutcomes.filter((outcome) => outcome === '429:rate_limited')).toHaveLength(18);

    // Revocation: both workers have the key cached (concurrent calls reach both), then it is revoked through one.
    const revoked = await key('revoked');
    expect(new Set(await Promise.all(Array.from({ length: 6 }, (_, index) => call(base, revoked.key, index))))).toEqual(new Set(['ok']));
    expect((await adminCall(base, ADMIN, 'DELETE', `/admin/keys/${revoked.id}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(new Set(await Promise.all(Array.from({ length: 6 }, (_, index) => call(base, revoked.key, index))))).toEqual(new Set(['401:invalid_api_key']));
  });
});
