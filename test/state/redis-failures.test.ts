/**
 * Replicas when Redis or a replica fails, each test on a Redis of its own (stopped and
 * restarted here; the machine's shared Redis is never touched):
 * - Redis stopped: requests under a hard budget get 503 shared_state_unavailable in the
 *   client's format (fail_closed), or are served on local counts (local); unbudgeted
 *   requests flow either way; /health/ready and /metrics say Redis is down.
 * - Redis restarted empty: budgets continue from the log's spend, not from zero.
 * - A replica SIGKILLed with requests in flight: its concurrency slots are free again within
 *   the lease, and every request it acknowledged has its row.
 */
import Anthropic from '@anthropic-ai/sdk';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminCall, call, REPLICA_CONFIG, startReplicas, startThrowawayRedis, type ReplicaSet, type ThrowawayRedis } from '../helpers/replicas.js';

// Processes start slowly on a busy machine; each test is bounded all the same.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

const ADMIN = 'sy-admin-replicas-0123456789';

let set: ReplicaSet | undefined;
let redis: ThrowawayRedis | undefined;
afterEach(async () => {
  await set?.stop();
  await redis?.stop();
  set = undefined;
  redis = undefined;
});

async function createKey(base: string, name: string, extra: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const created = await adminCall(base, ADMIN, 'POST', '/admin/keys', { name, ...extra });
  expect(created.status).toBe(201);
  return created.json as { id: string; key: string };
}

/** Poll a replica's readiness until Redis shows the wanted state (bounded). */
async function redisState(base: string, wanted: 'ok' | 'unavailable'): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const body = (await (await fetch(`${base}/health/ready`)).json()) as { dependencies: { name: string; state: string }[] } & Record<string, unknown>;
    if (body.dependencies.find((dependency) => dependency.name === 'redis')?.state === wanted) return body;
    if (Date.now() > deadline) throw new Error(`redis never became ${wanted}: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Redis stopped', () => {
  it('fail_closed: 503 naming Redis for budgeted keys in OpenAI and Anthropic format; unbudgeted keys flow; health and metrics say so', async () => {
    redis = await startThrowawayRedis();
    set = await startReplicas(1, REPLICA_CONFIG, { redisUrl: redis.url, env: { ADMIN_KEY: ADMIN } });
    const base = set.replicas[0]!.base;
    const budgeted = await createKey(base, 'budgeted');
    const free = await createKey(base, 'free');
    expect((await adminCall(base, ADMIN, 'POST', '/admin/budgets', { scope: 'key', scope_id: budgeted.id, period: 'day', limit_usd: 1 })).status).toBe(201);
    expect(await call(base, budgeted.key, 0)).toBe('ok');

    await redis.stop();
    const health = await redisState(base, 'unavailable');
    expect(health.status).toBe('degraded');
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/switchyard_dependency_up\{dependency="redis"\} 0/);

    const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: budgeted.key, maxRetries: 0 });
    const refused = await openai.chat.completions.create({ model: 'auto', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.InternalServerError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((refused as InstanceType<typeof OpenAI.APIError>).code).toBe('shared_state_unavailable');
    expect((refused as Error).message).toMatch(/Redis/);

    const anthropic = new Anthropic({ baseURL: base, apiKey: budgeted.key, maxRetries: 0 });
    const refusedAnthropic = await anthropic.messages.create({ model: 'auto', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(refusedAnthropic).toBeInstanceOf(Anthropic.APIError);
    expect((refusedAnthropic as InstanceType<typeof Anthropic.APIError>).status).toBe(503);
    expect(((refusedAnthropic as InstanceType<typeof Anthropic.APIError>).error as { type: string; error: { message: string } }).type).toBe('error');
    expect(((refusedAnthropic as InstanceType<typeof Anthropic.APIError>).error as { error: { message: string } }).error.message).toMatch(/Redis/);

    // Nothing under a budget or limit: served while Redis is down.
    for (let index = 0; index < 3; index++) expect(await call(base, free.key, index)).toBe('ok');

    // Redis back (empty): the budgeted key is served again, its spend seeded from the log.
    await redis.start();
    await redisState(base, 'ok');
    expect(await call(base, budgeted.key, 1)).toBe('ok');
  });

  it('local: budgeted keys are served on this replica\'s own counts while Redis is down', async () => {
    redis = await startThrowawayRedis();
    set = await startReplicas(1, REPLICA_CONFIG, { redisUrl: redis.url, env: { ADMIN_KEY: ADMIN }, onUnavailable: 'local' });
    const base = set.replicas[0]!.base;
    const budgeted = await createKey(base, 'budgeted');
    // Fits 3 calls.
    expect((await adminCall(base, ADMIN, 'POST', '/admin/budgets', { scope: 'key', scope_id: budgeted.id, period: 'day', limit_usd: 0.03 })).status).toBe(201);
    expect(await call(base, budgeted.key, 0)).toBe('ok');
    await redis.stop();
    await redisState(base, 'unavailable');
    // The local ledger starts from the log's spend (one call): two more fit, then it refuses.
    const outcomes = [];
    for (let index = 1; index <= 4; index++) outcomes.push(await call(base, budgeted.key, index));
    expect(outcomes).toEqual(['ok', 'ok', '429:budget_exceeded', '429:budget_exceeded']);
  });
});

describe('Redis restarted empty', () => {
  it('budgets continue from the log\'s spend across replicas, not from zero', async () => {
    redis = await startThrowawayRedis();
    set = await startReplicas(2, REPLICA_CONFIG, { redisUrl: redis.url, env: { ADMIN_KEY: ADMIN } });
    const [a, b] = set.replicas;
    const key = await createKey(a!.base, 'budgeted');
    expect((await adminCall(a!.base, ADMIN, 'POST', '/admin/budgets', { scope: 'key', scope_id: key.id, period: 'day', limit_usd: 0.1 })).status).toBe(201);
    const before = await Promise.all(Array.from({ length: 6 }, (_, index) => call([a, b][index % 2]!.base, key.key, index)));
    expect(before.filter((outcome) => outcome === 'ok')).toHaveLength(6);

    // Redis loses everything (it keeps nothing on disk) and comes back.
    await redis.stop();
    await redis.start();
    await redisState(a!.base, 'ok');
    await redisState(b!.base, 'ok');

    // 6 of 10 calls are spent in the log: 4 more fit, whichever replica takes them.
    const after = await Promise.all(Array.from({ length: 20 }, (_, index) => call([a, b][index % 2]!.base, key.key, 100 + index)));
    expect(after.filter((outcome) => outcome === 'ok')).toHaveLength(4);
    expect(after.filter((outcome) => outcome === '429:budget_exceeded')).toHaveLength(16);
  });
});

describe('a replica SIGKILLed mid-load', () => {
  it('frees its concurrency slots within the lease, and every request it acknowledged has its row', async () => {
    redis = await startThrowawayRedis();
    set = await startReplicas(2, REPLICA_CONFIG, { redisUrl: redis.url, env: { ADMIN_KEY: ADMIN }, leaseMs: 2000 });
    const [a, b] = set.replicas;
    const key = await createKey(a!.base, 'capped', { max_concurrent: 3 });

    // Requests A answered: their ids are the rows that must survive the kill.
    const acknowledged: string[] = [];
    for (let index = 0; index < 8; index++) {
      const response = await fetch(`${a!.base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'auto', max_tokens: 8, messages: [{ role: 'user', content: `fast ${index}` }] }),
      });
      expect(response.status).toBe(200);
      await response.text();
      acknowledged.push(response.headers.get('x-request-id') as string);
    }
    // Three slow calls on A take every slot of the key. A slow call that arrives while one of
    // B's probes below holds a slot is refused (429) and tries again, so all three end up held.
    const holdSlot = async (index: number): Promise<void> => {
      for (let tries = 0; tries < 400; tries++) {
        const response = await fetch(`${a!.base}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json', 'x-switchyard-sim': 'ttft_ms=60000' },
          body: JSON.stringify({ model: 'auto', max_tokens: 8, messages: [{ role: 'user', content: `slow ${index}` }] }),
        }).catch(() => undefined);
        // Pending until A is killed (no answer for a minute), then a network error.
        if (response?.status !== 429) return;
        await response.text();
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    const slow = Array.from({ length: 3 }, (_, index) => holdSlot(index));
    // B sees the key's three slots taken.
    const deadline = Date.now() + 10_000;
    while ((await call(b!.base, key.key, 0)) !== '429:rate_limited') {
      if (Date.now() > deadline) throw new Error('the slow calls never took the slots');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    a!.child.kill('SIGKILL');
    await a!.exited;
    await Promise.all(slow);
    const killedAt = Date.now();
    // Within the lease (2 s) and its renewal period, B admits the key again.
    let freedAfter: number | undefined;
    while (Date.now() - killedAt < 8000) {
      if ((await call(b!.base, key.key, 1)) === 'ok') {
        freedAfter = Date.now() - killedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(freedAfter, 'the slots of the killed replica were never freed').toBeDefined();

    // B writes what A's journal holds (a dead process's journal is replayed); then every acknowledged row is there.
    await set.halt();
    const restarted = await set.add();
    await fetch(`${restarted.base}/health/ready`);
    await set.halt();
    const database = new Database(set.dbPath, { readonly: true });
    const found = database.prepare(`SELECT id FROM requests WHERE id IN (${acknowledged.map(() => '?').join(', ')})`).all(...acknowledged) as { id: string }[];
    database.close();
    expect(found.map((row) => row.id).sort()).toEqual([...acknowledged].sort());
  });
});
