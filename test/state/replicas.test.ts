/**
 * Three replicas — separate `switchyard serve` processes on one request-log database and
 * one Redis — hold the guarantees one process holds: 60 concurrent requests spread across
 * them against a key budget or a team budget that fits 10 are served 10 times, and the
 * log's spend stays within the budget; a key's rpm admits exactly its limit across them;
 * a key revoked on one replica is refused by another within a second.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminCall, call, REPLICA_CALL_USD, REPLICA_CONFIG, startReplicas, type ReplicaSet } from '../helpers/replicas.js';

// Processes start slowly on a busy machine; each test is bounded all the same.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

const ADMIN = 'sy-admin-replicas-0123456789';
/** Every call costs exactly this (a per-request price): the worst case is the real cost. */
const CALL_USD = REPLICA_CALL_USD;
const LIMIT_USD = 0.1;
const FITS = 10;
const REQUESTS = 60;

let set: ReplicaSet | undefined;
afterEach(async () => {
  await set?.stop();
  set = undefined;
});

/** Rows in the shared database once every replica has flushed (they stop first). */
function loggedSpend(dbPath: string, where: string, ...values: string[]): { rows: number; usd: number; served: number } {
  const database = new Database(dbPath, { readonly: true });
  try {
    return database.prepare(`SELECT COUNT(*) AS rows, COALESCE(SUM(cost_usd), 0) AS usd, SUM(status = 200) AS served FROM requests WHERE ${where}`).get(...values) as { rows: number; usd: number; served: number };
  } finally {
    database.close();
  }
}

async function createKey(base: string, name: string, extra: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const created = await adminCall(base, ADMIN, 'POST', '/admin/keys', { name, ...extra });
  expect(created.status).toBe(201);
  return created.json as { id: string; key: string };
}

function count(outcomes: string[], outcome: string): number {
  return outcomes.filter((each) => each === outcome).length;
}

describe('three replicas on one Redis', () => {
  it('a key budget that fits 10 serves 10 of 60 concurrent requests spread across them', async () => {
    set = await startReplicas(3, REPLICA_CONFIG, { env: { ADMIN_KEY: ADMIN } });
    const [a] = set.replicas;
    const key = await createKey(a!.base, 'budgeted');
    const budget = await adminCall(a!.base, ADMIN, 'POST', '/admin/budgets', { scope: 'key', scope_id: key.id, period: 'day', limit_usd: LIMIT_USD });
    expect(budget.status).toBe(201);
    const replicas = set.replicas;
    const outcomes = await Promise.all(Array.from({ length: REQUESTS }, (_, index) => call(replicas[index % 3]!.base, key.key, index)));
    expect(count(outcomes, 'ok')).toBe(FITS);
    expect(count(outcomes, '429:budget_exceeded')).toBe(REQUESTS - FITS);
    await set.halt();
    const logged = loggedSpend(set.dbPath, 'key_id = ?', key.id);
    expect(logged.rows).toBe(REQUESTS);
    expect(logged.usd).toBeLessThanOrEqual(LIMIT_USD + CALL_USD + 1e-9);
    expect(logged.served).toBe(FITS);
  });

  it('a team budget that fits 10 serves 10 of 60 concurrent requests from two keys across them', async () => {
    set = await startReplicas(3, REPLICA_CONFIG, { env: { ADMIN_KEY: ADMIN } });
    const [a] = set.replicas;
    const keys = [await createKey(a!.base, 'team-a', { team: 'rivers' }), await createKey(a!.base, 'team-b', { team: 'rivers' })];
    expect((await adminCall(a!.base, ADMIN, 'POST', '/admin/budgets', { scope: 'team', scope_id: 'rivers', period: 'month', limit_usd: LIMIT_USD })).status).toBe(201);
    const replicas = set.replicas;
    const outcomes = await Promise.all(Array.from({ length: REQUESTS }, (_, index) => call(replicas[index % 3]!.base, keys[index % 2]!.key, index)));
    expect(count(outcomes, 'ok')).toBe(FITS);
    expect(count(outcomes, '429:budget_exceeded')).toBe(REQUESTS - FITS);
    await set.halt();
    const logged = loggedSpend(set.dbPath, 'team = ?', 'rivers');
    expect(logged.rows).toBe(REQUESTS);
    expect(logged.usd).toBeLessThanOrEqual(LIMIT_USD + CALL_USD + 1e-9);
  });

  it('a key rpm of 12 admits exactly 12 of 30 concurrent requests across them', async () => {
    set = await startReplicas(3, REPLICA_CONFIG, { env: { ADMIN_KEY: ADMIN } });
    const [a] = set.replicas;
    const key = await createKey(a!.base, 'rpm', { rpm: 12 });
    const replicas = set.replicas;
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, index) => call(replicas[index % 3]!.base, key.key, index)));
    expect(count(outcomes, 'ok')).toBe(12);
    expect(count(outcomes, '429:rate_limited')).toBe(18);
    // The next one on any replica is refused too: the window is shared.
    for (const replica of replicas) expect(await call(replica.base, key.key, 99)).toBe('429:rate_limited');
  });

  it('a key revoked on one replica is refused by another within a second', async () => {
    set = await startReplicas(2, REPLICA_CONFIG, { env: { ADMIN_KEY: ADMIN } });
    const [a, b] = set.replicas;
    const key = await createKey(a!.base, 'revoked');
    // B has looked the key up (and cached it) before the revocation.
    expect(await call(b!.base, key.key, 0)).toBe('ok');
    expect((await adminCall(a!.base, ADMIN, 'DELETE', `/admin/keys/${key.id}`)).status).toBe(200);
    // Within a second (the key cache alone would keep it for two).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await call(b!.base, key.key, 1)).toBe('401:invalid_api_key');
  });
});
