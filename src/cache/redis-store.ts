/**
 * Answers in Redis, shared by every replica pointed at it. Under the key prefix:
 *   e:<key>     the entry (JSON; its embedding packed, base64), with a Redis TTL a minute past
 *               its own expiry as a safety net;
 *   meta        hash key → {scope, tenant, keyId, target, model, bytes} (for DELETE by filter);
 *   sem         hash key → {scope, question, embedding}: the semantic entries, read on start;
 *   lru, exp    sorted sets key → last use / expiry time;
 *   bytes, evictions, expirations   counters.
 * Every change runs as one Lua script, so replicas never see half an entry, and limits
 * (max_entries, max_mb) hold for the whole fleet. Each semantic store and each removal is
 * published on the channel <prefix>events: every replica adds the question to its own
 * semantic index, or forgets it, as the one that stored or removed it did.
 *
 * Redis being unreachable never fails a request: a lookup is then a miss and a store is
 * skipped (counted in `errors`); the admin calls (stats, clear) report the error.
 */
import { Redis } from 'ioredis';
import { packEmbedding, unpackEmbedding } from './codec.js';
import { matchesFilter } from './memory-store.js';
import type { CacheEntry, CacheFilter, CacheStats, CacheStore } from './types.js';

/** KEYS: none (all keys are derived from the prefix in ARGV[1]). ARGV[2]: the operation. */
const SCRIPT = `
local prefix = ARGV[1]
local op = ARGV[2]
local channel = prefix .. 'events'
local function drop(key, counter)
  local meta = redis.call('HGET', prefix .. 'meta', key)
  if not meta then
    redis.call('ZREM', prefix .. 'lru', key)
    redis.call('ZREM', prefix .. 'exp', key)
    return 0
  end
  local decoded = cjson.decode(meta)
  redis.call('DEL', prefix .. 'e:' .. key)
  redis.call('HDEL', prefix .. 'meta', key)
  redis.call('HDEL', prefix .. 'sem', key)
  redis.call('ZREM', prefix .. 'lru', key)
  redis.call('ZREM', prefix .. 'exp', key)
  redis.call('DECRBY', prefix .. 'bytes', decoded.bytes)
  if counter then redis.call('INCR', prefix .. counter) end
  redis.call('PUBLISH', channel, cjson.encode({ op = 'remove', key = key, scope = decoded.scope }))
  return 1
end
local function purge(now)
  local expired = redis.call('ZRANGEBYSCORE', prefix .. 'exp', '-inf', now, 'LIMIT', 0, 256)
  for _, key in ipairs(expired) do drop(key, 'expirations') end
end
if op == 'get' then
  local key, now = ARGV[3], tonumber(ARGV[4])
  local expires = redis.call('ZSCORE', prefix .. 'exp', key)
  if not expires then return false end
  if tonumber(expires) <= now then
    drop(key, 'expirations')
    return false
  end
  local value = redis.call('GET', prefix .. 'e:' .. key)
  if not value then
    drop(key, nil)
    return false
  end
  redis.call('ZADD', prefix .. 'lru', now, key)
  return value
elseif op == 'put' then
  local key, entry, meta, sem, bytes = ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7])
  local expires, now, maxEntries, maxBytes, add = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11]), ARGV[12]
  purge(now)
  if redis.call('HEXISTS', prefix .. 'meta', key) == 1 then drop(key, nil) end
  if bytes > maxBytes then return 0 end
  redis.call('SET', prefix .. 'e:' .. key, entry, 'PX', math.max(1, expires - now) + 60000)
  redis.call('HSET', prefix .. 'meta', key, meta)
  if sem ~= '' then redis.call('HSET', prefix .. 'sem', key, sem) end
  redis.call('ZADD', prefix .. 'lru', now, key)
  redis.call('ZADD', prefix .. 'exp', expires, key)
  redis.call('INCRBY', prefix .. 'bytes', bytes)
  while redis.call('ZCARD', prefix .. 'lru') > maxEntries or tonumber(redis.call('GET', prefix .. 'bytes') or '0') > maxBytes do
    local oldest = redis.call('ZRANGE', prefix .. 'lru', 0, 0)[1]
    if not oldest then break end
    drop(oldest, 'evictions')
  end
  if add ~= '' and redis.call('HEXISTS', prefix .. 'meta', key) == 1 then redis.call('PUBLISH', channel, add) end
  return 1
elseif op == 'remove' then
  local removed = 0
  for index = 3, #ARGV do removed = removed + drop(ARGV[index], nil) end
  return removed
elseif op == 'stats' then
  purge(tonumber(ARGV[3]))
  return {
    redis.call('ZCARD', prefix .. 'lru'),
    tonumber(redis.call('GET', prefix .. 'bytes') or '0'),
    tonumber(redis.call('GET', prefix .. 'evictions') or '0'),
    tonumber(redis.call('GET', prefix .. 'expirations') or '0'),
  }
end
return redis.error_reply('unknown operation ' .. op)
`;

interface StoredMeta {
  scope: string;
  tenant: string;
  keyId: string | null;
  target: string;
  model: string;
  bytes: number;
}

type StoredEntry = Omit<CacheEntry, 'embedding'> & { embedding?: string };

interface Event {
  op: 'add' | 'remove';
  key: string;
  scope: string;
  question?: string;
  embedding?: string;
  expiresAt?: number;
}

function encode(entry: CacheEntry): string {
  const { embedding, ...rest } = entry;
  return JSON.stringify(embedding ? { ...rest, embedding: packEmbedding(embedding).toString('base64') } : rest);
}

function decode(text: string): CacheEntry {
  const { embedding, ...rest } = JSON.parse(text) as StoredEntry;
  return embedding ? { ...rest, embedding: unpackEmbedding(Buffer.from(embedding, 'base64')) } : rest;
}

export class RedisCacheStore implements CacheStore {
  readonly name = 'redis';
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly ready: Promise<void>;
  private readonly removeListeners: ((entry: Pick<CacheEntry, 'key' | 'semanticScope'>) => void)[] = [];
  private readonly addListeners: ((entry: Pick<CacheEntry, 'key' | 'semanticScope' | 'question' | 'embedding'>) => void)[] = [];
  /** Redis calls that failed on the request path (a lookup answered miss, a store skipped). */
  private errors = 0;

  constructor(
    url: string,
    readonly prefix: string,
    private readonly maxEntries: number,
    private readonly maxBytes: number,
    private readonly clock: () => number = Date.now,
  ) {
    const options = { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 1000, enableOfflineQueue: true } as const;
    const client = (this.client = new Redis(url, options));
    const subscriber = (this.subscriber = new Redis(url, { ...options, maxRetriesPerRequest: null, commandTimeout: undefined }));
    // Reconnection is ioredis's; an error event must not go unhandled.
    this.client.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, message: string) => this.onEvent(message));
    this.ready = (async () => {
      await Promise.all([client.connect(), subscriber.connect()]);
      await subscriber.subscribe(`${prefix}events`);
    })();
    // A start that fails is reported by the first call that needs Redis, not as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** Entries another replica stored: the semantic index adds their question. */
  onAdd(listener: (entry: Pick<CacheEntry, 'key' | 'semanticScope' | 'question' | 'embedding'>) => void): void {
    this.addListeners.push(listener);
  }

  onRemove(listener: (entry: Pick<CacheEntry, 'key' | 'semanticScope'>) => void): void {
    this.removeListeners.push(listener);
  }

  private onEvent(message: string): void {
    let event: Event;
    try {
      event = JSON.parse(message) as Event;
    } catch {
      return;
    }
    if (event.op === 'remove') for (const listener of this.removeListeners) listener({ key: event.key, semanticScope: event.scope });
    if (event.op === 'add' && event.question !== undefined && event.embedding !== undefined && (event.expiresAt ?? Infinity) > this.clock()) {
      const entry = { key: event.key, semanticScope: event.scope, question: event.question, embedding: unpackEmbedding(Buffer.from(event.embedding, 'base64')) };
      for (const listener of this.addListeners) listener(entry);
    }
  }

  private async run(...args: (string | number)[]): Promise<unknown> {
    await this.ready;
    return this.client.eval(SCRIPT, 0, this.prefix, ...args);
  }

  async get(key: string, now: number): Promise<CacheEntry | undefined> {
    try {
      const value = (await this.run('get', key, now)) as string | null;
      return value ? decode(value) : undefined;
    } catch {
      this.errors++;
      return undefined;
    }
  }

  async put(entry: CacheEntry): Promise<void> {
    const meta: StoredMeta = { scope: entry.semanticScope, tenant: entry.tenant, keyId: entry.keyId, target: entry.target, model: entry.model, bytes: entry.bytes };
    const packed = entry.embedding ? packEmbedding(entry.embedding).toString('base64') : undefined;
    const semantic = packed !== undefined && entry.question !== undefined ? JSON.stringify({ scope: entry.semanticScope, question: entry.question, embedding: packed, expiresAt: entry.expiresAt }) : '';
    const added = semantic ? JSON.stringify({ op: 'add', key: entry.key, scope: entry.semanticScope, question: entry.question, embedding: packed, expiresAt: entry.expiresAt } satisfies Event) : '';
    try {
      await this.run('put', entry.key, encode(entry), JSON.stringify(meta), semantic, entry.bytes, entry.expiresAt, entry.createdAt, this.maxEntries, this.maxBytes, added);
    } catch {
      this.errors++;
    }
  }

  async remove(filter: CacheFilter): Promise<number> {
    await this.ready;
    const all = await this.client.hgetall(`${this.prefix}meta`);
    const keys = Object.entries(all)
      .filter(([, text]) => {
        const meta = JSON.parse(text) as StoredMeta;
        return matchesFilter({ keyId: meta.keyId, tenant: meta.tenant, target: meta.target, model: meta.model }, filter);
      })
      .map(([key]) => key);
    let removed = 0;
    for (let at = 0; at < keys.length; at += 500) removed += Number(await this.run('remove', ...keys.slice(at, at + 500)));
    return removed;
  }

  async stats(now: number): Promise<CacheStats & { errors: number }> {
    const [entries, bytes, evictions, expirations] = (await this.run('stats', now)) as number[];
    return { backend: this.name, entries: entries ?? 0, bytes: bytes ?? 0, maxEntries: this.maxEntries, maxBytes: this.maxBytes, evictions: evictions ?? 0, expirations: expirations ?? 0, errors: this.errors };
  }

  async semanticEntries(now: number): Promise<Pick<CacheEntry, 'key' | 'semanticScope' | 'question' | 'embedding'>[]> {
    try {
      await this.ready;
      const all = await this.client.hgetall(`${this.prefix}sem`);
      const entries: Pick<CacheEntry, 'key' | 'semanticScope' | 'question' | 'embedding'>[] = [];
      for (const [key, text] of Object.entries(all)) {
        const stored = JSON.parse(text) as { scope: string; question: string; embedding: string; expiresAt: number };
        if (stored.expiresAt <= now) continue;
        // Only what the semantic index needs; a hit reads the whole entry with get().
        entries.push({ key, semanticScope: stored.scope, question: stored.question, embedding: unpackEmbedding(Buffer.from(stored.embedding, 'base64')) });
      }
      return entries;
    } catch {
      this.errors++;
      return [];
    }
  }

  async close(): Promise<void> {
    this.client.disconnect();
    this.subscriber.disconnect();
    await Promise.resolve();
  }
}
