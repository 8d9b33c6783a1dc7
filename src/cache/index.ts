/** Builds the response cache a config describes: its store, its embedder, its semantic index. */
import type { GatewayConfig } from '../config/load.js';
import type { Executor } from '../router/executor.js';
import type { CircuitBreakers } from '../resilience/circuit-breaker.js';
import { createEmbedder } from './embedders.js';
import { MemoryCacheStore } from './memory-store.js';
import { ResponseCache } from './response-cache.js';
import { SemanticMatcher } from './semantic.js';
import { RedisCacheStore } from './redis-store.js';
import { SqliteCacheStore } from './sqlite-store.js';
import type { CacheStore } from './types.js';

/** cache.redis.url, else the shared state's Redis (`state.redis.url`, resolved by the config loader). */
function redisUrl(config: GatewayConfig): string {
  const url = config.cache.redis?.url ?? (config as { state?: { redis?: { url?: unknown } } }).state?.redis?.url;
  if (typeof url !== 'string') throw new Error('cache.backend redis needs cache.redis.url or state.redis.url');
  return url;
}

export function createResponseCache(config: GatewayConfig, dependencies: { executor: Executor; breakers: CircuitBreakers | undefined }, clock: () => number = Date.now): ResponseCache | undefined {
  const settings = config.cache;
  if (!settings.enabled) return undefined;
  const store: CacheStore =
    settings.backend === 'sqlite'
      ? new SqliteCacheStore(settings.sqlitePath, settings.maxEntries, settings.maxBytes, clock())
      : settings.backend === 'redis'
        ? new RedisCacheStore(redisUrl(config), settings.redis?.prefix ?? 'switchyard:cache:', settings.maxEntries, settings.maxBytes, clock)
        : new MemoryCacheStore(settings.maxEntries, settings.maxBytes);
  const semanticWanted = settings.policy.mode === 'semantic' || [...settings.routes.values()].some((policy) => policy.mode === 'semantic');
  const semantic = semanticWanted ? new SemanticMatcher(createEmbedder(settings.embedder, { models: config.models, ...dependencies })) : undefined;
  return new ResponseCache(settings, store, semantic, clock);
}
