/**
 * The response cache as the chat pipeline uses it, in three calls:
 *   plan(request, caller)   what this request may do with the cache (after the request guards):
 *                           look up and store, store only (x-switchyard-cache: refresh),
 *                           look up only (x-switchyard-cache: no-store), or bypass — and why;
 *   lookup(plan)            an exact hit, else (semantic mode) the closest earlier question of
 *                           the same scope that clears the threshold and the near-miss check;
 *   save(plan, answer)      store a complete answer (never a blocked, redacted, refused,
 *                           private or sampled one unless the policy says so).
 */
import { GatewayError } from '../core/errors.js';
import type { ChatRequest, ChatResponse } from '../core/types.js';
import { cacheKeys, type CacheKeys } from './key.js';
import type { SemanticMatcher } from './semantic.js';
import { withKeyMetadata, type CachePolicy, type CacheSettings } from './settings.js';
import { entryBytes, type CacheEntry, type CacheFilter, type CacheStats, type CacheStore, type EmbedContext, type Embedding } from './types.js';

export type CacheStatus = 'hit-exact' | 'hit-semantic' | 'miss' | 'bypass';

export interface CachePlan {
  /** What the response header says unless a hit changes it: miss or bypass. */
  status: 'miss' | 'bypass';
  /** Why a request bypasses the cache, or why its answer will not be stored (for the log). */
  reason?: string;
  policy: CachePolicy;
  lookup: boolean;
  store: boolean;
  keys?: CacheKeys;
  tenant: string;
  keyId: string | null;
  /** The question's embedding, computed once for lookup and store. */
  embedding?: Embedding;
}

export interface CacheHit {
  status: 'hit-exact' | 'hit-semantic';
  entry: CacheEntry;
  similarity?: number;
}

/** Who is asking and what the guards did: everything plan() needs besides the request. */
export interface CacheCaller {
  keyId: string | null;
  team: string | undefined;
  metadata: Record<string, string> | null | undefined;
  /** Why the request is private (header, metadata, key, guard), or undefined. */
  privateSource: string | undefined;
  /** A guard redacted or flagged something in the request. */
  guarded: boolean;
  /** A guard redacted values it will put back into the answer: such answers are never stored. */
  restores: boolean;
  /** The x-switchyard-cache request header. */
  header: string | undefined;
}

export class ResponseCache {
  constructor(
    readonly settings: CacheSettings,
    readonly store: CacheStore,
    readonly semantic: SemanticMatcher | undefined,
    private readonly clock: () => number = Date.now,
  ) {
    store.onRemove((entry) => semantic?.forget(entry));
    store.onAdd?.((entry) => semantic?.remember(entry));
  }

  /** Load what the store already holds into the semantic index (SQLite after a restart). */
  async start(): Promise<void> {
    if (this.semantic) for (const entry of await this.store.semanticEntries(this.clock())) this.semantic.remember(entry);
  }

  policyFor(target: string, metadata: Record<string, string> | null | undefined): CachePolicy {
    return withKeyMetadata(this.settings.routes.get(target) ?? this.settings.policy, metadata);
  }

  plan(request: ChatRequest, caller: CacheCaller): CachePlan {
    const policy = this.policyFor(request.model, caller.metadata);
    const tenant = policy.shared ? '*' : this.settings.tenant === 'team' && caller.team ? `team:${caller.team}` : caller.keyId !== null ? `key:${caller.keyId}` : 'anonymous';
    const base = { policy, tenant, keyId: caller.keyId };
    const header = caller.header?.trim().toLowerCase();
    if (header !== undefined && header !== 'off' && header !== 'refresh' && header !== 'no-store') {
      throw new GatewayError('invalid_request', `x-switchyard-cache must be off, refresh or no-store, got ${JSON.stringify(caller.header)}.`, { param: 'x-switchyard-cache' });
    }
    const bypass = (reason: string): CachePlan => ({ ...base, status: 'bypass', reason, lookup: false, store: false });
    if (policy.mode === 'off') return bypass('cache off');
    if (header === 'off') return bypass('x-switchyard-cache: off');
    if ((request.n ?? 1) > 1) return bypass('n > 1');
    if (request.temperature !== undefined && request.temperature > 0 && !policy.allowTemperature) return bypass('temperature > 0 (allow_temperature is off)');
    if (caller.privateSource && !policy.storePrivate) return bypass(`private (${caller.privateSource})`);
    if (caller.restores) return bypass('a guard redacted values it restores in the answer');
    if (caller.guarded && !policy.storeGuarded) return bypass('a guard redacted or flagged the request');
    const keys = cacheKeys(request, tenant);
    if (header === 'refresh') return { ...base, status: 'miss', reason: 'x-switchyard-cache: refresh', lookup: false, store: true, keys };
    if (header === 'no-store') return { ...base, status: 'miss', reason: 'x-switchyard-cache: no-store', lookup: true, store: false, keys };
    return { ...base, status: 'miss', lookup: true, store: true, keys };
  }

  /**
   * An exact hit, else a semantic one. In semantic mode the question is embedded here even when
   * the plan only stores (refresh): a model embedder's call is then an attempt of the request,
   * recorded with it, never after it.
   */
  async lookup(plan: CachePlan, context?: EmbedContext): Promise<CacheHit | undefined> {
    if (!plan.keys) return undefined;
    const semantic = plan.policy.mode === 'semantic' && this.semantic && plan.keys.question !== undefined ? this.semantic : undefined;
    if (!plan.lookup) {
      if (semantic && plan.store) plan.embedding = await semantic.embed(plan.keys.question!, context);
      return undefined;
    }
    const now = this.clock();
    const exact = await this.store.get(plan.keys.exact, now);
    if (exact && exact.tenant === plan.tenant) return { status: 'hit-exact', entry: exact };
    if (!semantic) return undefined;
    const found = await semantic.find(plan.keys.semanticScope, plan.keys.question!, plan.policy, context);
    plan.embedding = found.embedding;
    for (const candidate of found.candidates) {
      const entry = await this.store.get(candidate.key, now);
      // The scope is a digest of the tenant among the rest; the tenant is compared all the same.
      if (entry && entry.tenant === plan.tenant && entry.semanticScope === plan.keys.semanticScope) return { status: 'hit-semantic', entry, similarity: candidate.similarity };
    }
    return undefined;
  }

  /** Store a complete answer; returns why it was not stored, or undefined when it was. */
  async save(plan: CachePlan, request: ChatRequest, response: ChatResponse, served: { model: string; costUsd: number }): Promise<string | undefined> {
    if (!plan.store || !plan.keys) return plan.reason ?? 'not cacheable';
    if (response.choices.length === 0 || response.choices.some((choice) => choice.finishReason === 'content_filter' || choice.finishReason === 'error' || choice.refusal)) return 'refused or failed answer';
    const now = this.clock();
    const semantic = plan.policy.mode === 'semantic' && this.semantic && plan.keys.question !== undefined && !response.choices.some((choice) => choice.toolCalls.length > 0);
    const embedding = plan.embedding;
    const stored: Omit<CacheEntry, 'bytes'> = {
      key: plan.keys.exact,
      semanticScope: plan.keys.semanticScope,
      tenant: plan.tenant,
      keyId: plan.keyId,
      target: request.model,
      model: served.model,
      response: { ...response, id: undefined },
      costUsd: served.costUsd,
      createdAt: now,
      expiresAt: now + plan.policy.ttlMs,
      ...(semantic && embedding ? { question: plan.keys.question, embedding } : {}),
    };
    const entry: CacheEntry = { ...stored, bytes: entryBytes(stored) };
    await this.store.put(entry);
    if (entry.embedding) this.semantic?.remember(entry);
    return undefined;
  }

  clear(filter: CacheFilter): Promise<number> {
    return this.store.remove(filter);
  }

  async stats(): Promise<CacheStats & { semantic?: { embedder: string; scopes: number; entries: number } }> {
    const stats = await this.store.stats(this.clock());
    return this.semantic ? { ...stats, semantic: { embedder: this.semantic.embedder.name, ...this.semantic.size() } } : stats;
  }

  async close(): Promise<void> {
    await this.store.close();
    await this.semantic?.embedder.close?.();
  }
}
