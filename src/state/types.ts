/**
 * State that must agree across workers and replicas — rate limits, concurrency slots,
 * budget reservations and spend, key changes, circuit openings, "fire once" claims — behind
 * one small interface, implemented by `RedisState` (state.redis.url): every admission is
 * one Lua script, atomic across any number of replicas; reservations and slots are held
 * under the replica's lease.
 *
 * A single process without Redis uses neither: governance keeps its synchronous
 * in-process limiter and ledger (the fastest path, and exact within the process).
 */

/** One rate-limit scope of a request (`key:…`, `team:…`, `model:…`), only the limits it has. */
export interface SharedScope {
  id: string;
  rpm?: number;
  tpm?: number;
  maxConcurrent?: number;
}

/** One spend entry a request is checked against: a budget's scope and period. */
export interface SharedBudgetCheck {
  /** The spend entry (scope, scope id, period start); several budgets may share one. */
  entry: string;
  hard: boolean;
  limitUsd?: number;
  limitTokens?: number;
}

export interface AdmitInput {
  /** Unique per request: names its reservations and slots. */
  ticket: string;
  /** Worst-case tokens (prompt estimate + most it may answer). */
  tokens: number;
  /** Worst-case cost in dollars. */
  usd: number;
  scopes: SharedScope[];
  budgets: SharedBudgetCheck[];
}

/** What the window of a limited scope held before this request (for x-ratelimit-* headers). */
export interface ScopeStats {
  id: string;
  requests?: number;
  oldestRequestAt?: number;
  tokens?: number;
  oldestTokensAt?: number;
}

export type AdmitOutcome =
  | { kind: 'admitted'; now: number; stats: ScopeStats[] }
  /** These spend entries are not known yet (first use, or the state was lost): seed them from the store and retry. */
  | { kind: 'missing'; entries: string[] }
  | { kind: 'limited'; now: number; scope: string; limit: 'requests' | 'tokens' | 'concurrent'; stats: ScopeStats }
  | { kind: 'over_budget'; now: number; index: number; usd: number; tokens: number };

export interface SettleInput {
  ticket: string;
  /** Real tokens and cost of the request. */
  tokens: number;
  usd: number;
  /** The scopes it was admitted under (slots to free, token counts to correct). */
  scopes: SharedScope[];
  /** Entries it reserved from. */
  reserved: string[];
  /** Entries to charge (every budget of the caller now, also ones created while it ran). */
  charge: string[];
}

export interface EntrySpend {
  usd: number;
  tokens: number;
}

/** A message every process sees: caches to drop, circuits opened elsewhere. */
export type StateEvent =
  | { type: 'keys_changed' }
  | { type: 'budgets_changed' }
  | { type: 'circuit_opened'; deployment: string; cooldownMs: number; origin: string }
  | { type: 'circuit_closed'; deployment: string; origin: string };

export interface DependencyHealth {
  name: string;
  state: 'ok' | 'unavailable';
  error?: string;
}

export interface SharedState {
  readonly name: string;
  /** Whether admissions can be answered now (false: Redis unreachable). */
  available(): boolean;
  admit(input: AdmitInput): Promise<AdmitOutcome>;
  /** Seed a spend entry from the durable store unless another process already did. */
  seed(entry: string, spend: EntrySpend, expiresAt: number | undefined): Promise<void>;
  /** Free the request's slots and reservations and charge its real cost; the charged entries' spend afterwards. */
  settle(input: SettleInput): Promise<Map<string, EntrySpend>>;
  /** Tell every process (this one included). */
  publish(event: StateEvent): void;
  subscribe(listener: (event: StateEvent) => void): void;
  /** True for exactly one caller per name until `ttlMs` passes (alerts, scheduled runs). */
  claimOnce(name: string, ttlMs: number): Promise<boolean>;
  /**
   * Give back a claim this process holds: at once (`keepMs` 0), or keep it `keepMs` longer
   * and then let it expire (a claim another process holds is left alone).
   */
  releaseClaim(name: string, keepMs: number): Promise<void>;
  health(): DependencyHealth;
  /** Called with the new health whenever availability changes. */
  watch(listener: (health: DependencyHealth) => void): void;
  close(): Promise<void>;
}
