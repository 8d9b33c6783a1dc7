/**
 * The `cache:` block (top level) and `routes.<r>.cache` (a route's overrides). Part of the
 * config schema, kept beside the cache it configures.
 */
import { z } from 'zod';

export const CACHE_MODES = ['off', 'exact', 'semantic'] as const;

/** Settings a route may override (and a key, for mode and ttl, through its metadata). */
const overridable = {
  mode: z
    .enum(CACHE_MODES)
    .optional()
    .describe('off (default): no lookup, no store; exact: the same normalised request gets the stored answer; semantic: exact, and else the closest earlier question in the same scope when it clears `threshold` and the near-miss check.'),
  ttl_s: z.number().int().positive().optional().describe('How long an answer stays servable, in seconds (default 3600).'),
  threshold: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('semantic: the similarity from which a stored question answers a new one (default: the embedder\'s calibrated value: 0.85 for local — the probability its pair scorer gives that the two questions are paraphrases — and 0.9, a cosine, for dense models).'),
  shared: z
    .boolean()
    .optional()
    .describe('One namespace for every caller of this route instead of one per tenant (default false: an answer is never served across tenants).'),
  allow_temperature: z
    .boolean()
    .optional()
    .describe('Also cache requests that set temperature > 0 (default false: such requests bypass the cache; requests that do not set temperature are cached).'),
  store_private: z
    .boolean()
    .optional()
    .describe('Cache requests flagged private (header x-switchyard-private, metadata.private, a private key, a route-private guard verdict). Default false: they bypass the cache.'),
  store_guarded: z
    .boolean()
    .optional()
    .describe('Store answers to requests a guard redacted or flagged (default false). Blocked requests are never stored.'),
  near_miss: z
    .boolean()
    .optional()
    .describe('semantic: reject a similar question that differs in numbers, quantities, dates, names, negation, target language or code (default true).'),
};

export const routeCacheSchema = z.strictObject(overridable).describe("This route's cache settings, over the top-level `cache` block.");

export const cacheSchema = z
  .strictObject({
    ...overridable,
    tenant: z
      .enum(['key', 'team'])
      .optional()
      .describe("Whose answers a caller may receive: key (default) — its own virtual or static key's; team — its team's (a key without a team is its own tenant)."),
    max_entries: z.number().int().positive().optional().describe('Most answers kept; the least recently used go first (default 10000).'),
    max_mb: z.number().positive().optional().describe('Most memory (or storage) for answers, in MiB; least recently used go first (default 256).'),
    backend: z
      .enum(['memory', 'sqlite', 'redis'])
      .optional()
      .describe('memory (default): this process only; sqlite: survives restarts (one process); redis: shared by every replica (cache.redis.url, else the Redis of state.redis.url).'),
    sqlite: z.strictObject({ path: z.string().min(1).describe('Default ./.switchyard/cache.db') }).optional(),
    redis: z
      .strictObject({
        url: z.string().min(1).optional().describe('redis://host:port/db of the server every replica shares (default: state.redis.url).'),
        prefix: z.string().min(1).optional().describe('Key prefix (default "switchyard:cache:").'),
      })
      .optional(),
    embedder: z
      .string()
      .min(1)
      .optional()
      .describe('semantic: `local` (default: built in, offline), the name of an embedding model of this config (called through its provider), or `onnx:<folder>` (a sentence-embedding model with tokenizer.json).'),
  })
  .superRefine((cache, context) => {
    if (cache.sqlite && cache.backend !== 'sqlite') context.addIssue({ code: 'custom', message: 'cache.sqlite goes with backend: sqlite', path: ['sqlite'] });
    if (cache.redis && cache.backend !== 'redis') context.addIssue({ code: 'custom', message: 'cache.redis goes with backend: redis', path: ['redis'] });
  })
  .describe('Response cache: exact and semantic answers per tenant, replayed in the client\'s format (see docs/cache.md).');

export type RawCache = z.infer<typeof cacheSchema>;
export type RawRouteCache = z.infer<typeof routeCacheSchema>;
