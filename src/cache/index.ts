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

/** cache.redis.url and its prefix, else the shared state's Redis (`state.redis.url`) under `<state prefix>cache:`. */
function redisTarget(config: GatewayConfig): { url: string; prefix: string } {
  const own = config.cache.redis;
  if (own?.url !== undefined) return { url: own.url, prefix: own.prefix ?? 'switchyard:cache:' };
  const shared = config.state.redis;
  if (!shared) throw new Error('cache.backend redis needs cache.redis.url or state.redis.url');
  return { url: shared.url, prefix: own?.prefix ?? `${shared.keyPrefix}cache:` };
}

export function createResponseCache(config: GatewayConfig, dependencies: { executor: Executor; breakers: CircuitBreakers | undefined }, clock: () => number = Date.now): ResponseCache | undefined {
  const settings = config.cache;
  if (!settings.enabled) return undefined;
  const store: CacheStore =
    settings.backend === 'sqlite'
      ? new SqliteCacheStore(settings.sqlitePath, settings.maxEntries, settings.maxBytes, clock())
      : settings.backend === 'redis'
        ? new RedisCacheStore(redisTarget(config).url, redisTarget(config).prefix, settings.maxEntries, settings.maxBytes, clock)
        : new MemoryCacheStore(settings.maxEntries, settings.maxBytes);
  const semanticWanted = settings.policy.mode === 'semantic' || [...settings.routes.values()].some((policy) => policy.mode === 'semantic');
  const semantic = semanticWanted ? new SemanticMatcher(createEmbedder(settings.embedder, { models: config.models, ...dependencies })) : undefined;
  return new ResponseCache(settings, store, semantic, clock);
}
