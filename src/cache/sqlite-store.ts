/**
 * Answers that survive a restart, for one process: the memory store serves every read, and
 * each put and removal is written to a SQLite file in a batch after the response (one
 * transaction per turn of the event loop), never on the request's path. On start the live
 * entries are read back in the order they were stored (the LRU order restarts from there).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MemoryCacheStore } from './memory-store.js';
import { packEmbedding, unpackEmbedding } from './codec.js';
import type { CacheEntry, CacheFilter, CacheStats, CacheStore } from './types.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS cache_entries (
  key TEXT PRIMARY KEY,
  semantic_scope TEXT NOT NULL,
  tenant TEXT NOT NULL,
  key_id TEXT,
  target TEXT NOT NULL,
  model TEXT NOT NULL,
  response TEXT NOT NULL,
  cost_usd REAL NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  question TEXT,
  embedding BLOB,
  bytes INTEGER NOT NULL
)`;

interface Row {
  key: string;
  semantic_scope: string;
  tenant: string;
  key_id: string | null;
  target: string;
  model: string;
  response: string;
  cost_usd: number;
  created_at: number;
  expires_at: number;
  question: string | null;
  embedding: Buffer | null;
  bytes: number;
}

export class SqliteCacheStore implements CacheStore {
  readonly name = 'sqlite';
  private readonly memory: MemoryCacheStore;
  private readonly database: Database.Database;
  private readonly pending = new Map<string, CacheEntry | null>();
  private scheduled = false;

  constructor(path: string, maxEntries: number, maxBytes: number, now: number = Date.now()) {
    mkdirSync(dirname(path), { recursive: true });
    this.database = new Database(path);
    this.database.pragma('journal_mode = WAL');
    this.database.exec(SCHEMA);
    this.memory = new MemoryCacheStore(maxEntries, maxBytes);
    this.database.prepare('DELETE FROM cache_entries WHERE expires_at <= ?').run(now);
    for (const row of this.database.prepare('SELECT * FROM cache_entries ORDER BY rowid').iterate() as IterableIterator<Row>) this.memory.putNow(fromRow(row));
    this.memory.onRemove((entry) => this.queue(entry.key, null));
  }

  onRemove(listener: (entry: CacheEntry) => void): void {
    this.memory.onRemove(listener);
  }

  get(key: string, now: number): Promise<CacheEntry | undefined> {
    return this.memory.get(key, now);
  }

  put(entry: CacheEntry): Promise<void> {
    this.memory.putNow(entry);
    if (this.memory.getNow(entry.key, entry.createdAt) === entry) this.queue(entry.key, entry);
    return Promise.resolve();
  }

  remove(filter: CacheFilter): Promise<number> {
    return this.memory.remove(filter);
  }

  async stats(now: number): Promise<CacheStats> {
    return { ...(await this.memory.stats(now)), backend: this.name };
  }

  semanticEntries(now: number): Promise<CacheEntry[]> {
    return this.memory.semanticEntries(now);
  }

  /** Write what is pending now (tests, shutdown). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const upsert = this.database.prepare(
      `INSERT OR REPLACE INTO cache_entries (key, semantic_scope, tenant, key_id, target, model, response, cost_usd, created_at, expires_at, question, embedding, bytes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const remove = this.database.prepare('DELETE FROM cache_entries WHERE key = ?');
    const batch = [...this.pending];
    this.pending.clear();
    this.database.transaction(() => {
      for (const [key, entry] of batch) {
        if (!entry) remove.run(key);
        else
          upsert.run(entry.key, entry.semanticScope, entry.tenant, entry.keyId, entry.target, entry.model, JSON.stringify(entry.response), entry.costUsd, entry.createdAt, entry.expiresAt, entry.question ?? null, entry.embedding ? packEmbedding(entry.embedding) : null, entry.bytes);
      }
    })();
  }

  close(): Promise<void> {
    this.flush();
    this.database.close();
    return Promise.resolve();
  }

  private queue(key: string, entry: CacheEntry | null): void {
    this.pending.set(key, entry);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }
}

function fromRow(row: Row): CacheEntry {
  return {
    key: row.key,
    semanticScope: row.semantic_scope,
    tenant: row.tenant,
    keyId: row.key_id,
    target: row.target,
    model: row.model,
    response: JSON.parse(row.response) as CacheEntry['response'],
    costUsd: row.cost_usd,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.question !== null ? { question: row.question } : {}),
    ...(row.embedding ? { embedding: unpackEmbedding(row.embedding) } : {}),
    bytes: row.bytes,
  };
}
