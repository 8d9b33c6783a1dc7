/**
 * Answers in this process's memory, least recently used first out: a Map kept in recency
 * order (a hit moves its entry to the end), bounded by entries and by estimated bytes.
 * Expired entries are dropped when read, when evicting, and on stats.
 */
import type { CacheEntry, CacheFilter, CacheStats, CacheStore } from './types.js';

export function matchesFilter(entry: Pick<CacheEntry, 'keyId' | 'tenant' | 'target' | 'model'>, filter: CacheFilter): boolean {
  if (filter.keyId !== undefined && entry.keyId !== filter.keyId && entry.tenant !== `key:${filter.keyId}`) return false;
  if (filter.target !== undefined && entry.target !== filter.target) return false;
  if (filter.model !== undefined && entry.model !== filter.model) return false;
  return true;
}

export class MemoryCacheStore implements CacheStore {
  readonly name: string = 'memory';
  private readonly entries = new Map<string, CacheEntry>();
  private bytes = 0;
  private evictions = 0;
  private expirations = 0;
  private readonly listeners: ((entry: CacheEntry) => void)[] = [];

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  onRemove(listener: (entry: CacheEntry) => void): void {
    this.listeners.push(listener);
  }

  get(key: string, now: number): Promise<CacheEntry | undefined> {
    return Promise.resolve(this.getNow(key, now));
  }

  /** Synchronous read (the SQLite store answers from here too). */
  getNow(key: string, now: number): CacheEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.expirations++;
      this.drop(entry);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  put(entry: CacheEntry): Promise<void> {
    this.putNow(entry);
    return Promise.resolve();
  }

  /** Add or replace; returns the entries evicted to make room. */
  putNow(entry: CacheEntry): CacheEntry[] {
    const previous = this.entries.get(entry.key);
    if (previous) this.drop(previous);
    if (entry.bytes > this.maxBytes) return [];
    this.entries.set(entry.key, entry);
    this.bytes += entry.bytes;
    const evicted: CacheEntry[] = [];
    for (const oldest of this.entries.values()) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      if (oldest.expiresAt > entry.createdAt) this.evictions++;
      else this.expirations++;
      this.drop(oldest);
      evicted.push(oldest);
    }
    return evicted;
  }

  remove(filter: CacheFilter): Promise<number> {
    return Promise.resolve(this.removeNow(filter).length);
  }

  removeNow(filter: CacheFilter): CacheEntry[] {
    const removed: CacheEntry[] = [];
    for (const entry of [...this.entries.values()]) {
      if (!matchesFilter(entry, filter)) continue;
      this.drop(entry);
      removed.push(entry);
    }
    return removed;
  }

  stats(now: number): Promise<CacheStats> {
    this.sweep(now);
    return Promise.resolve({ backend: this.name, entries: this.entries.size, bytes: this.bytes, maxEntries: this.maxEntries, maxBytes: this.maxBytes, evictions: this.evictions, expirations: this.expirations });
  }

  semanticEntries(now: number): Promise<CacheEntry[]> {
    this.sweep(now);
    return Promise.resolve([...this.entries.values()].filter((entry) => entry.embedding !== undefined));
  }

  /** Drop every expired entry; returns them. */
  sweep(now: number): CacheEntry[] {
    const expired: CacheEntry[] = [];
    for (const entry of [...this.entries.values()]) {
      if (entry.expiresAt > now) continue;
      this.expirations++;
      this.drop(entry);
      expired.push(entry);
    }
    return expired;
  }

  get size(): number {
    return this.entries.size;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private drop(entry: CacheEntry): void {
    if (this.entries.get(entry.key) !== entry) return;
    this.entries.delete(entry.key);
    this.bytes -= entry.bytes;
    for (const listener of this.listeners) listener(entry);
  }
}
