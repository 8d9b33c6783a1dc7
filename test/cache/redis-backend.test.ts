/**
 * The redis backend on the real Redis: two `switchyard serve` processes share answers (exact and
 * semantic), never across tenants, and a DELETE on one is seen by the other; the store on its
 * own keeps max_entries for every process together, and an unreachable Redis makes a lookup a
 * miss instead of an error. Every test uses its own key prefix and deletes its keys after.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisCacheStore } from '../../src/cache/redis-store.js';
import { entryBytes, type CacheEntry } from '../../src/cache/types.js';
import { spawnServe, type ServeProcess } from '../helpers/serve-process.js';

const REDIS_URL = 'redis://127.0.0.1:6379/0';
const ADMIN = 'sy-admin-cache-redis-0123456789';
const KEY_A = 'sk-cache-redis-tenant-a-0123456789';
const KEY_B = 'sk-cache-redis-tenant-b-0123456789';
const prefixes: string[] = [];
const processes: ServeProcess[] = [];

function newPrefix(): string {
  const prefix = `switchyard-test:${randomUUID()}:cache:`;
  prefixes.push(prefix);
  return prefix;
}

afterAll(async () => {
  for (const each of processes) each.child.kill('SIGKILL');
  const redis = new Redis(REDIS_URL);
  for (const prefix of prefixes) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  redis.disconnect();
});

async function ask(url: string, key: string, content: string): Promise<{ text: string; cache: string | null; attempts: number }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content }] }),
  });
  const body = (await response.json()) as { choices: { message: { content: string } }[] };
  return { text: body.choices[0]?.message.content ?? '', cache: response.headers.get('x-switchyard-cache'), attempts: Number(response.headers.get('x-switchyard-attempts')) };
}

/** Asks until the answer is a hit (the other process's store reaches this one through pub/sub), at most 40 times. */
async function askUntilHit(url: string, key: string, content: string): Promise<{ text: string; cache: string | null; attempts: number }> {
  for (let tries = 0; ; tries++) {
    const answer = await ask(url, key, content);
    if (answer.cache?.startsWith('hit') || tries >= 40) return answer;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function startGateway(directory: string, name: string, prefix: string): ServeProcess {
  const configPath = join(directory, `${name}.yaml`);
  writeFileSync(
    configPath,
    `server:
  admin_key: env:ADMIN_KEY
  api_keys:
    - { key: env:KEY_A, name: tenant-a }
    - { key: env:KEY_B, name: tenant-b }
store:
  sqlite: { path: ${JSON.stringify(join(directory, `${name}.db`))} }
cache:
  mode: semantic
  backend: redis
  redis: { url: ${REDIS_URL}, prefix: ${JSON.stringify(prefix)} }
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
models:
  gpt-5.4-mini: { provider: sim, price: { input: 1, output: 2 } }
`,
  );
  const serve = spawnServe(configPath, { ADMIN_KEY: ADMIN, KEY_A, KEY_B });
  processes.push(serve);
  return serve;
}

describe('redis cache backend', () => {
  it('shares answers between two gateway processes, exact and semantic, never across tenants', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-cache-redis-'));
    const prefix = newPrefix();
    const [first, second] = [startGateway(directory, 'one', prefix), startGateway(directory, 'two', prefix)];
    const [one, two] = await Promise.all([first.url, second.url]);

    const stored = await ask(one, KEY_A, 'How do I reset the password of my home router?');
    expect(stored).toMatchObject({ cache: 'miss', attempts: 1 });
    // The other process: the same question is an exact hit with the first one's answer and no upstream call.
    expect(await ask(two, KEY_A, 'How do I reset the password of my home router?')).toEqual({ text: stored.text, cache: 'hit-exact', attempts: 0 });
    // A paraphrase: a semantic hit there too, once the store's announcement has reached it.
    expect(await askUntilHit(two, KEY_A, 'how can I reset my home router password')).toMatchObject({ text: stored.text, cache: 'hit-semantic', attempts: 0 });
    // Another tenant asking the same on either process: a miss, answered by the model.
    expect(await ask(two, KEY_B, 'How do I reset the password of my home router?')).toMatchObject({ cache: 'miss', attempts: 1 });

    // Both answers are in the shared store (each is stored just after its response went out).
    const entries = async (url: string): Promise<number> => ((await (await fetch(`${url}/admin/cache`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { entries: number }).entries;
    for (let tries = 0; tries < 40 && (await entries(one)) < 2; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await entries(one)).toBe(2);
    // Cleared on the first process: gone for the second too, exactly and semantically.
    const cleared = await fetch(`${one}/admin/cache`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(((await cleared.json()) as { deleted: number }).deleted).toBe(2);
    expect(await ask(two, KEY_A, 'how can I reset my home router password')).toMatchObject({ cache: 'miss', attempts: 1 });
    const stats = (await (await fetch(`${two}/admin/cache`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { backend: string; entries: number };
    expect(stats).toMatchObject({ backend: 'redis', entries: 1 });
  }, 60_000);

  it('keeps max_entries for every process together and tells each one what the other evicted', async () => {
    const prefix = newPrefix();
    const left = new RedisCacheStore(REDIS_URL, prefix, 2, 1 << 20);
    const right = new RedisCacheStore(REDIS_URL, prefix, 2, 1 << 20);
    const forgotten: string[] = [];
    right.onRemove((entry) => forgotten.push(entry.key));
    const now = Date.now();
    await left.put(entryOf('a', now));
    await right.put(entryOf('b', now + 1));
    await left.put(entryOf('c', now + 2));
    expect(await right.get('a', now + 3)).toBeUndefined();
    expect((await right.get('b', now + 3))?.response.choices[0]?.text).toBe('answer b');
    expect((await left.stats(now + 3)).entries).toBe(2);
    // The eviction of "a" reached the other store's listeners.
    for (let tries = 0; tries < 40 && !forgotten.includes('a'); tries++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(forgotten).toContain('a');
    // Expired: gone for both, counted once.
    expect(await left.get('b', now + 120_000)).toBeUndefined();
    expect((await right.stats(now + 120_000)).expirations).toBe(2);
    await Promise.all([left.close(), right.close()]);
  });

  it('answers a lookup with a miss and skips a store when Redis cannot be reached; the admin stats report the error', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address() as { port: number };
        server.close(() => resolve(address.port));
      });
    });
    const store = new RedisCacheStore(`redis://127.0.0.1:${port}/0`, newPrefix(), 10, 1 << 20);
    expect(await store.get('anything', Date.now())).toBeUndefined();
    await store.put(entryOf('x', Date.now()));
    await expect(store.stats(Date.now())).rejects.toThrow();
    await store.close();
  });
});

function entryOf(key: string, now: number): CacheEntry {
  const entry: Omit<CacheEntry, 'bytes'> = {
    key,
    semanticScope: 'scope',
    tenant: 'key:k',
    keyId: 'k',
    target: 'gpt-5.4-mini',
    model: 'gpt-5.4-mini',
    response: { model: 'gpt-5.4-mini', choices: [{ index: 0, text: `answer ${key}`, toolCalls: [], finishReason: 'stop' }], usage: { inputTokens: 1, outputTokens: 2 } } as unknown as CacheEntry['response'],
    costUsd: 0.01,
    createdAt: now,
    expiresAt: now + 60_000,
  };
  return { ...entry, bytes: entryBytes(entry) };
}
