/** TTL and LRU eviction of the stores (an injected clock), the SQLite store across a restart, and the cache config's validation. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../../src/config/load.js';
import { MemoryCacheStore } from '../../src/cache/memory-store.js';
import { ResponseCache, type CacheCaller } from '../../src/cache/response-cache.js';
import { resolveCacheSettings } from '../../src/cache/settings.js';
import { SqliteCacheStore } from '../../src/cache/sqlite-store.js';
import { SemanticMatcher } from '../../src/cache/semantic.js';
import { LocalEmbedder } from '../../src/cache/local-embedder.js';
import type { ChatRequest, ChatResponse } from '../../src/core/types.js';
import type { CacheStore } from '../../src/cache/types.js';

const caller: CacheCaller = { keyId: 'k1', team: undefined, metadata: undefined, privateSource: undefined, guarded: false, restores: false, header: undefined };

function request(text: string, model = 'm'): ChatRequest {
  return { model, messages: [{ role: 'user', content: text }], stream: false, includeUsage: false };
}

function answer(text: string): ChatResponse {
  return { model: 'm', created: 1, choices: [{ index: 0, text, toolCalls: [], finishReason: 'stop' }], usage: { inputTokens: 5, outputTokens: 7 } };
}

function cacheWith(raw: Parameters<typeof resolveCacheSettings>[0], clock: { now: number }, store: CacheStore = new MemoryCacheStore(raw?.max_entries ?? 100, (raw?.max_mb ?? 1) * 1024 * 1024)): ResponseCache {
  const settings = resolveCacheSettings(raw, {});
  return new ResponseCache(settings, store, settings.policy.mode === 'semantic' ? new SemanticMatcher(new LocalEmbedder()) : undefined, () => clock.now);
}

async function roundTrip(cache: ResponseCache, text: string): Promise<string | undefined> {
  const plan = cache.plan(request(text), caller);
  const hit = await cache.lookup(plan);
  if (hit) return hit.status;
  await cache.save(plan, request(text), answer(`answer to ${text}`), { model: 'm', costUsd: 0.001 });
  return undefined;
}

describe('cache stores', () => {
  it('expires an answer after ttl_s', async () => {
    const clock = { now: 1_000_000 };
    const cache = cacheWith({ mode: 'exact', ttl_s: 60 }, clock);
    expect(await roundTrip(cache, 'q')).toBeUndefined();
    clock.now += 59_999;
    expect(await roundTrip(cache, 'q')).toBe('hit-exact');
    clock.now += 1;
    expect(await roundTrip(cache, 'q')).toBeUndefined();
    expect((await cache.stats()).expirations).toBe(1);
  });

  it('evicts the least recently used answer beyond max_entries', async () => {
    const clock = { now: 1_000_000 };
    const cache = cacheWith({ mode: 'exact', max_entries: 2 }, clock);
    await roundTrip(cache, 'one');
    await roundTrip(cache, 'two');
    expect(await roundTrip(cache, 'one')).toBe('hit-exact'); // "two" is now the least recently used
    await roundTrip(cache, 'three');
    expect(await roundTrip(cache, 'one')).toBe('hit-exact');
    expect(await roundTrip(cache, 'three')).toBe('hit-exact');
    expect(await roundTrip(cache, 'two')).toBeUndefined();
    expect((await cache.stats()).evictions).toBeGreaterThanOrEqual(1);
  });

  it('evicts beyond max_mb by the estimated size of each answer', async () => {
    const clock = { now: 1_000_000 };
    const store = new MemoryCacheStore(1000, 6_000);
    const cache = cacheWith({ mode: 'exact' }, clock, store);
    for (let index = 0; index < 20; index++) await roundTrip(cache, `question ${index} ${'x'.repeat(1000)}`);
    const stats = await cache.stats();
    expect(stats.bytes).toBeLessThanOrEqual(6_000);
    expect(stats.entries).toBeLessThan(20);
    expect(stats.entries).toBeGreaterThan(0);
  });

  it('drops an evicted semantic entry from the semantic index', async () => {
    const clock = { now: 1_000_000 };
    const cache = cacheWith({ mode: 'semantic', max_entries: 1 }, clock);
    await roundTrip(cache, 'How do I reset my router password?');
    await roundTrip(cache, 'What is the boiling point of water?');
    expect(cache.semantic?.size().entries).toBe(1);
  });

  it('keeps answers and their semantic index across a restart with the SQLite backend', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'switchyard-cache-')), 'cache.db');
    const clock = { now: 1_000_000 };
    const first = cacheWith({ mode: 'semantic' }, clock, new SqliteCacheStore(path, 100, 1 << 20, clock.now));
    await roundTrip(first, 'How do I reset my router password?');
    await roundTrip(first, 'Expiring soon');
    await first.close();
    clock.now += 1000;
    const second = cacheWith({ mode: 'semantic' }, clock, new SqliteCacheStore(path, 100, 1 << 20, clock.now));
    await second.start();
    expect(await roundTrip(second, 'How do I reset my router password?')).toBe('hit-exact');
    expect(await roundTrip(second, 'how can I reset the password of my router')).toBe('hit-semantic');
    expect((await second.stats()).entries).toBe(2);
    await second.clear({});
    await second.close();
    const third = cacheWith({ mode: 'exact' }, clock, new SqliteCacheStore(path, 100, 1 << 20, clock.now));
    expect((await third.stats()).entries).toBe(0);
    await third.close();
  });
});

const BASE = `
providers:
  sim: { type: simulator }
models:
  chat: { provider: sim }
  embed: { provider: sim, kind: embedding }
`;

function issues(yaml: string): string[] {
  try {
    parseConfigText(BASE + yaml, {}, 'test');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
}

describe('cache config', () => {
  it('accepts a full block and resolves route and key overrides', () => {
    const config = parseConfigText(`${BASE}cache:\n  mode: semantic\n  ttl_s: 30\n  threshold: 0.85\n  embedder: embed\n  backend: sqlite\n  sqlite: { path: /tmp/x.db }\n  max_entries: 5\n  max_mb: 2\n  tenant: team\nroutes:\n  faq:\n    model: chat\n    cache: { mode: exact, shared: true, ttl_s: 5 }\n`, {}, 'test');
    expect(config.cache.enabled).toBe(true);
    expect(config.cache.policy).toMatchObject({ mode: 'semantic', ttlMs: 30_000, threshold: 0.85 });
    expect(config.cache.routes.get('faq')).toMatchObject({ mode: 'exact', shared: true, ttlMs: 5_000, threshold: 0.85 });
    expect(config.cache).toMatchObject({ backend: 'sqlite', sqlitePath: '/tmp/x.db', maxEntries: 5, maxBytes: 2 * 1024 * 1024, tenant: 'team', embedder: 'embed' });
  });

  it('is off unless a mode turns it on', () => {
    expect(parseConfigText(BASE, {}, 'test').cache.enabled).toBe(false);
    expect(parseConfigText(`${BASE}routes:\n  faq:\n    model: chat\n    cache: { mode: exact }\n`, {}, 'test').cache.enabled).toBe(true);
  });

  it('rejects bad values with their paths', () => {
    expect(issues('cache:\n  mode: fuzzy\n')[0]).toMatch(/^cache\.mode: /);
    expect(issues('cache:\n  mode: exact\n  ttl_s: 0\n')[0]).toMatch(/^cache\.ttl_s: /);
    expect(issues('cache:\n  threshold: 1.5\n')[0]).toMatch(/^cache\.threshold: /);
    expect(issues('cache:\n  colour: blue\n')[0]).toBe('cache: unknown key "colour"');
    expect(issues('cache:\n  backend: redis\n')[0]).toBe('cache.backend: backend redis needs cache.redis.url or state.redis.url');
    expect(issues('cache:\n  backend: redis\n  redis: { url: localhost:6379 }\n')[0]).toBe('cache.redis.url: must be a redis:// or rediss:// URL with a host, got "localhost:6379"');
    expect(issues('cache:\n  sqlite: { path: x.db }\n')[0]).toBe('cache.sqlite: cache.sqlite goes with backend: sqlite');
    expect(issues('cache:\n  embedder: chat\n')[0]).toMatch(/^cache\.embedder: "chat" is not local, onnx:<folder> or an embedding model of this config \(embedding models: embed\)/);
    expect(issues('cache:\n  embedder: onnx:/nonexistent/folder\n')[0]).toMatch(/^cache\.embedder: ONNX model folder not found/);
    expect(issues('routes:\n  faq:\n    model: chat\n    cache: { backend: sqlite }\n')[0]).toBe('routes.faq.cache: unknown key "backend"');
    expect(issues('routes:\n  faq:\n    model: chat\n    cache: { mode: always }\n')[0]).toMatch(/^routes\.faq\.cache\.mode: /);
  });
});
