/**
 * The cache settings the gateway runs on: the top-level block resolved with defaults, each
 * route's overrides merged over it, and a key's metadata (`cache`, `cache_ttl_s`) over that.
 */
import type { RawCache, RawRouteCache } from './schema.js';
import { CACHE_MODES } from './schema.js';

export type CacheMode = (typeof CACHE_MODES)[number];

/** What applies to one request. */
export interface CachePolicy {
  mode: CacheMode;
  ttlMs: number;
  /** undefined: the embedder's calibrated threshold. */
  threshold: number | undefined;
  shared: boolean;
  allowTemperature: boolean;
  storePrivate: boolean;
  storeGuarded: boolean;
  nearMiss: boolean;
}

export interface CacheSettings {
  policy: CachePolicy;
  /** Route name → that route's policy (only routes with a `cache` block). */
  routes: Map<string, CachePolicy>;
  tenant: 'key' | 'team';
  maxEntries: number;
  maxBytes: number;
  backend: 'memory' | 'sqlite' | 'redis';
  sqlitePath: string;
  /** backend redis: cache.redis's URL and prefix (undefined: state.redis's URL, under `<its prefix>cache:`, see index.ts). */
  redis: { url: string | undefined; prefix: string | undefined } | undefined;
  /** `local`, an embedding model's name, or `onnx:<folder>`. */
  embedder: string;
  /** Whether any policy (top level or a route) turns the cache on: else the gateway builds no cache at all. */
  enabled: boolean;
}

export const DEFAULT_TTL_S = 3600;

function overlay(base: CachePolicy, raw: RawRouteCache | undefined): CachePolicy {
  if (!raw) return base;
  return {
    mode: raw.mode ?? base.mode,
    ttlMs: raw.ttl_s !== undefined ? raw.ttl_s * 1000 : base.ttlMs,
    threshold: raw.threshold ?? base.threshold,
    shared: raw.shared ?? base.shared,
    allowTemperature: raw.allow_temperature ?? base.allowTemperature,
    storePrivate: raw.store_private ?? base.storePrivate,
    storeGuarded: raw.store_guarded ?? base.storeGuarded,
    nearMiss: raw.near_miss ?? base.nearMiss,
  };
}

const DEFAULT_POLICY: CachePolicy = {
  mode: 'off',
  ttlMs: DEFAULT_TTL_S * 1000,
  threshold: undefined,
  shared: false,
  allowTemperature: false,
  storePrivate: false,
  storeGuarded: false,
  nearMiss: true,
};

export function resolveCacheSettings(raw: RawCache | undefined, routes: Record<string, { cache?: RawRouteCache | undefined }>): CacheSettings {
  const policy = overlay(DEFAULT_POLICY, raw);
  const routePolicies = new Map<string, CachePolicy>();
  for (const [name, route] of Object.entries(routes)) if (route.cache) routePolicies.set(name, overlay(policy, route.cache));
  return {
    policy,
    routes: routePolicies,
    tenant: raw?.tenant ?? 'key',
    maxEntries: raw?.max_entries ?? 10_000,
    maxBytes: Math.round((raw?.max_mb ?? 256) * 1024 * 1024),
    backend: raw?.backend ?? 'memory',
    sqlitePath: raw?.sqlite?.path ?? './.switchyard/cache.db',
    redis: raw?.backend === 'redis' ? { url: raw.redis?.url, prefix: raw.redis?.prefix } : undefined,
    embedder: raw?.embedder ?? 'local',
    enabled: policy.mode !== 'off' || [...routePolicies.values()].some((each) => each.mode !== 'off'),
  };
}

/** The metadata keys a virtual key may set: `cache` (a mode) and `cache_ttl_s`. */
export function keyMetadataProblem(metadata: Record<string, string> | null | undefined): string | undefined {
  if (!metadata) return undefined;
  const mode = metadata.cache;
  if (mode !== undefined && !(CACHE_MODES as readonly string[]).includes(mode)) return `metadata.cache must be one of ${CACHE_MODES.join(', ')}, got ${JSON.stringify(mode)}`;
  const ttl = metadata.cache_ttl_s;
  if (ttl !== undefined && !(/^\d+$/.test(ttl) && Number(ttl) > 0)) return `metadata.cache_ttl_s must be a whole number of seconds > 0, got ${JSON.stringify(ttl)}`;
  return undefined;
}

/** A key's metadata over a policy; values a key could not have been created with are ignored. */
export function withKeyMetadata(policy: CachePolicy, metadata: Record<string, string> | null | undefined): CachePolicy {
  if (!metadata || (metadata.cache === undefined && metadata.cache_ttl_s === undefined) || keyMetadataProblem(metadata)) return policy;
  return {
    ...policy,
    ...(metadata.cache !== undefined ? { mode: metadata.cache as CacheMode } : {}),
    ...(metadata.cache_ttl_s !== undefined ? { ttlMs: Number(metadata.cache_ttl_s) * 1000 } : {}),
  };
}
