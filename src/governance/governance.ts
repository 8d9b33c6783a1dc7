/**
 * Cost governance on the request path, in one place: who is calling (virtual keys), may
 * they (rate limits per key, team and model), can they afford it (budgets with reservation
 * before the call), and afterwards what it really cost (reconciliation, alerts).
 * Everything here is synchronous between check and reservation, which is what makes the
 * limits exact under concurrency within a process.
 */
import type { GatewayConfig, ModelConfig } from '../config/load.js';
import { GatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ChatRequest } from '../core/types.js';
import type { RequestLog, RequestRecord } from '../store/types.js';
import { AlertNotifier, ErrorRateWatch } from './alerts.js';
import { BudgetLedger, periodStart, periodEnd, describeBudget, overBudget, spendEntryId, spendQueryOf, type Budget, type BudgetDenial, type Caller, type Reservation, type SpendEntry } from './budgets.js';
import { KeyStore, keyState, KEY_PREFIX, type NewKey, type TeamLimits, type VirtualKey } from './keys.js';
import type { GovernanceSync } from '../store/postgres-governance.js';
import { RateLimiter, admittedHeaders, limitedDenial, type Admission, type LimitScope, type RateDenial } from './rate-limits.js';
import type { EntrySpend, SharedScope, SharedState } from '../state/types.js';
import { SpendReports } from './spend.js';
import { worstCaseCost } from './pricing.js';

/** What a request holds between admission and settlement: in this process, or in shared state. */
export type Permit = { caller: Caller; reservation: Reservation; admission: Admission; shared?: undefined } | { caller: Caller; shared: SharedPermit };

interface SharedPermit {
  ticket: string;
  scopes: SharedScope[];
  reserved: string[];
}

/** Shared state and what to do when it cannot be reached (state.on_unavailable). */
export interface GovernanceState {
  shared: SharedState;
  onUnavailable: 'fail_closed' | 'local';
}

let ticketCounter = 0;

const DEFAULT_OUTPUT_RESERVE = 4096;

/** A denial says so (a total budget's has no Retry-After, so its shape alone does not tell). */
function isDenial<T extends object>(value: T | BudgetDenial | RateDenial): value is BudgetDenial | RateDenial {
  return 'denied' in value;
}

/** Worst-case tokens of a request: its prompt (estimated from its size) and the most it may answer. */
export function worstCaseTokens(request: ChatRequest, model: ModelConfig): { input: number; output: number } {
  let characters = 0;
  for (const message of request.messages) {
    if (typeof message.content === 'string') characters += message.content.length;
    else if (message.content) for (const part of message.content) characters += part.type === 'text' ? part.text.length : 340;
    for (const call of message.toolCalls ?? []) characters += call.arguments.length + call.name.length;
  }
  // ~4 characters per token for prose; a third more for safety (code and non-Latin scripts tokenise denser).
  const input = Math.ceil(characters / 3) + 4 * request.messages.length + 3;
  const output = request.maxTokens ?? Math.min(model.maxOutputTokens ?? DEFAULT_OUTPUT_RESERVE, DEFAULT_OUTPUT_RESERVE);
  return { input, output };
}

export class Governance {
  readonly keys: KeyStore;
  readonly budgets: BudgetLedger;
  readonly limiter = new RateLimiter();
  readonly alerts: AlertNotifier;
  readonly reports: SpendReports;
  private readonly errorRate: ErrorRateWatch | undefined;

  private readonly shared: SharedState | undefined;
  private readonly onUnavailable: 'fail_closed' | 'local';

  constructor(
    private readonly config: GatewayConfig,
    private readonly log: Pick<RequestLog, 'spend' | 'flush' | 'saturated'>,
    private readonly logger: Logger,
    state?: GovernanceState,
    /** store.postgres: keys, teams, budgets and alerts in PostgreSQL, the SQLite file their local copy. */
    private readonly store?: GovernanceSync,
  ) {
    const path = config.store.sqlitePath;
    this.keys = new KeyStore(path);
    this.budgets = new BudgetLedger(path, (query) => log.spend(query));
    this.alerts = new AlertNotifier(path, logger, config.governance.webhookUrl, Date.now, state?.shared, store);
    // Another replica changed keys, teams or budgets in PostgreSQL (or this one did): look them up again.
    store?.onChange((changes) => {
      if (changes.has('keys')) this.keys.invalidate();
      if (changes.has('budgets')) this.budgets.invalidate();
    });
    this.reports = new SpendReports(path, () => log.flush());
    this.errorRate = config.governance.errorRate ? new ErrorRateWatch(config.governance.errorRate, this.alerts) : undefined;
    this.shared = state?.shared;
    this.onUnavailable = state?.onUnavailable ?? 'fail_closed';
    // Keys, teams and budgets changed by another worker or replica are looked up again at once.
    // Counts kept in this process while shared state was away (on_unavailable: local) go stale
    // once it is back: a later outage starts again from the log.
    this.shared?.watch((health) => {
      if (health.state === 'ok') this.budgets.forgetSpend();
    });
    this.shared?.subscribe((event) => {
      if (event.type === 'keys_changed') this.keys.invalidate();
      if (event.type === 'budgets_changed') this.budgets.invalidate();
    });
  }

  /**
   * Admin changes (admin API, dashboard): with store.postgres written to PostgreSQL first
   * (a 503 governance_store_unavailable when it does not answer, nothing changed), then the
   * local copy; every replica and worker is told.
   */
  async createKey(input: NewKey): Promise<{ key: VirtualKey; secret: string }> {
    const created = this.store ? await this.store.createKey(input) : this.keys.create(input);
    this.keysChanged();
    return created;
  }

  async changeKey(id: string, change: 'revoke' | 'disable' | 'enable'): Promise<VirtualKey | undefined> {
    const key = this.store ? await this.store.changeKey(id, change) : change === 'revoke' ? this.keys.revoke(id) : this.keys.setDisabled(id, change === 'disable');
    this.keys.invalidate();
    this.keysChanged();
    return key;
  }

  async saveTeam(id: string, limits: TeamLimits): Promise<void> {
    if (this.store) await this.store.saveTeam(id, limits);
    else this.keys.saveTeam(id, limits);
    this.keys.invalidate();
    this.keysChanged();
  }

  async createBudget(input: Omit<Budget, 'id' | 'createdAt'>): Promise<Budget> {
    const budget = this.store ? await this.store.createBudget(input) : this.budgets.create(input);
    this.budgets.invalidate();
    this.budgetsChanged();
    return budget;
  }

  async removeBudget(id: string): Promise<boolean> {
    const removed = this.store ? await this.store.removeBudget(id) : this.budgets.remove(id);
    this.budgets.invalidate();
    this.budgetsChanged();
    return removed;
  }

  /** Say that keys or teams changed here (revoked, disabled, limits), so every process looks them up again. */
  keysChanged(): void {
    this.shared?.publish({ type: 'keys_changed' });
  }

  /**
   * A budget's spend and reservations in its current period, as this process knows them;
   * with shared state, the request log's spend (every replica's written rows).
   */
  spentOf(budget: Budget): SpendEntry {
    if (!this.shared) return this.budgets.entry(budget);
    const spent = this.log.spend(spendQueryOf(budget, Date.now()));
    return { usd: spent.usd, tokens: spent.tokens, reservedUsd: 0, reservedTokens: 0 };
  }

  /** Say that budgets were created or removed here. */
  budgetsChanged(): void {
    this.shared?.publish({ type: 'budgets_changed' });
  }

  /** Whether API requests must present a key (static keys configured, or an admin key: governance mode). */
  get keysRequired(): boolean {
    return this.config.server.apiKeys.length > 0 || this.config.server.adminKey !== undefined;
  }

  /** The virtual key for a presented secret, or a 401 saying why it is not accepted (never echoing it). */
  /** `hash`: the secret's SHA-256 (hex) when the caller has it already. */
  authenticateVirtualKey(secret: string, hash?: string): VirtualKey {
    if (!secret.startsWith(KEY_PREFIX)) throw new GatewayError('invalid_api_key', 'Incorrect API key provided.');
    const key = this.keys.findBySecret(secret, hash);
    if (!key) throw new GatewayError('invalid_api_key', 'Incorrect API key provided.');
    const state = keyState(key, Date.now());
    if (state !== 'active') throw new GatewayError('invalid_api_key', `This API key (${key.prefix}…) is ${state}.`);
    return key;
  }

  /**
   * Admit a routed request: rate limits, then budgets (reserving the worst case). Throws a
   * 429 naming the limit or budget; sets x-ratelimit-* headers via `setHeader`.
   */
  admit(request: ChatRequest, model: ModelConfig, caller: Caller, key: VirtualKey | undefined, setHeader: (name: string, value: string) => void): Permit | undefined | Promise<Permit | undefined> {
    if (this.unlimited(model, key)) return undefined;
    const images = request.messages.some((message) => Array.isArray(message.content) && message.content.some((part) => part.type === 'image'));
    return this.admitEstimate(worstCaseTokens(request, model), model, caller, key, setHeader, { images });
  }

  /**
   * No limit and no budget can apply: nothing to reserve, nothing to settle (a budget
   * created later reads this request's spend from the log). The common case costs nothing.
   */
  private unlimited(model: ModelConfig, key: VirtualKey | undefined): boolean {
    return !model.rateLimits && !(key && (key.rpm || key.tpm || key.maxConcurrent || this.teamLimited(key.team))) && this.budgets.list().length === 0;
  }

  private teamLimited(team: string | null): boolean {
    if (!team) return false;
    const limits = this.keys.teamLimits(team);
    return Boolean(limits.rpm || limits.tpm || limits.maxConcurrent);
  }

  /** Admission for a request whose worst-case tokens are already known (embeddings: input only). */
  admitEstimate(
    tokens: { input: number; output: number },
    model: ModelConfig,
    caller: Caller,
    key: VirtualKey | undefined,
    setHeader: (name: string, value: string) => void,
    may: Parameters<typeof worstCaseCost>[2] = {},
  ): Permit | undefined | Promise<Permit | undefined> {
    if (this.unlimited(model, key)) return undefined;
    const scopes: LimitScope[] = [];
    if (key) scopes.push({ id: `key:${key.id}`, rpm: key.rpm, tpm: key.tpm, maxConcurrent: key.maxConcurrent });
    if (key?.team) {
      const team = this.keys.teamLimits(key.team);
      scopes.push({ id: `team:${key.team}`, rpm: team.rpm ?? null, tpm: team.tpm ?? null, maxConcurrent: team.maxConcurrent ?? null });
    }
    if (model.rateLimits) scopes.push({ id: `model:${model.name}`, rpm: model.rateLimits.rpm ?? null, tpm: model.rateLimits.tpm ?? null, maxConcurrent: model.rateLimits.maxConcurrent ?? null });
    if (this.shared) {
      const sharedScopes = scopes.filter((scope) => scope.rpm || scope.tpm || scope.maxConcurrent).map(toSharedScope);
      const budgets = this.budgets.applicable(caller);
      // Soft budgets alone need no shared admission: their spend is followed and alerted on.
      if (sharedScopes.length > 0 || budgets.some((budget) => budget.enforcement === 'hard')) {
        if (this.shared.available()) return this.admitShared(this.shared, tokens, model, caller, sharedScopes, budgets, setHeader, may);
        this.unavailable();
      }
    }
    return this.admitLocal(scopes, tokens, model, caller, setHeader, may);
  }

  /** Shared state cannot be reached: refuse (fail_closed) or go on with this process's own counts (local). */
  private unavailable(): void {
    if (this.onUnavailable === 'local') return;
    throw new GatewayError(
      'shared_state_unavailable',
      `Shared state (${this.shared?.name === 'redis' ? 'Redis, state.redis.url' : 'the primary process'}) cannot be reached: requests under a rate limit or hard budget are refused until it is back (state.on_unavailable: fail_closed).`,
      { retryAfterSeconds: 2 },
    );
  }

  private admitLocal(
    scopes: LimitScope[],
    tokens: { input: number; output: number },
    model: ModelConfig,
    caller: Caller,
    setHeader: (name: string, value: string) => void,
    may: Parameters<typeof worstCaseCost>[2],
  ): Permit {
    const admission = this.limiter.admit(scopes, tokens.input + tokens.output);
    if (isDenial(admission)) {
      for (const [name, value] of Object.entries(admission.headers)) setHeader(name, value);
      throw new GatewayError('rate_limited', admission.message, { retryAfterSeconds: admission.retryAfterSeconds });
    }
    for (const [name, value] of Object.entries(admission.headers)) setHeader(name, value);
    const usd = worstCaseCost(model.price, tokens, may);
    const reservation = this.budgets.reserve(caller, usd, tokens.input + tokens.output);
    if (isDenial(reservation)) {
      this.limiter.release(admission, 0);
      throw new GatewayError('budget_exceeded', reservation.message, reservation.retryAfterSeconds !== undefined ? { retryAfterSeconds: reservation.retryAfterSeconds } : {});
    }
    // A budget must see this request's cost after a restart too: not while its row could be dropped.
    if (reservation.entries.length > 0 && this.log.saturated()) {
      this.budgets.settle(reservation, caller, 0, 0);
      this.limiter.release(admission, 0);
      throw new GatewayError('request_log_unavailable', 'The request log cannot be written at the moment and its buffer is full; requests under a budget are refused until it recovers.', { retryAfterSeconds: 5 });
    }
    return { caller, reservation, admission };
  }

  /**
   * Admission in shared state: one atomic step checks every limit and hard budget and
   * reserves the worst case. A spend entry shared state does not know yet (first use, or
   * Redis lost its data) is seeded from the request log's spend, never from zero.
   */
  private async admitShared(
    shared: SharedState,
    tokens: { input: number; output: number },
    model: ModelConfig,
    caller: Caller,
    scopes: SharedScope[],
    budgets: Budget[],
    setHeader: (name: string, value: string) => void,
    may: Parameters<typeof worstCaseCost>[2],
  ): Promise<Permit> {
    const usd = worstCaseCost(model.price, tokens, may);
    const total = tokens.input + tokens.output;
    const now = Date.now();
    const checks = budgets.map((budget) => ({
      entry: spendEntryId(budget, now),
      hard: budget.enforcement === 'hard',
      ...(budget.limitUsd !== null ? { limitUsd: budget.limitUsd } : {}),
      ...(budget.limitTokens !== null ? { limitTokens: budget.limitTokens } : {}),
    }));
    const ticket = `${process.pid}.${++ticketCounter}.${now}`;
    let outcome;
    try {
      outcome = await shared.admit({ ticket, tokens: total, usd, scopes, budgets: checks });
      for (let seeded = 0; outcome.kind === 'missing' && seeded < 3; seeded++) {
        for (const entry of outcome.entries) {
          const budget = budgets[checks.findIndex((check) => check.entry === entry)];
          if (!budget) continue;
          const end = periodEnd(budget.period, now);
          await shared.seed(entry, this.log.spend(spendQueryOf(budget, now)), end !== undefined ? end + 86_400_000 : undefined);
        }
        outcome = await shared.admit({ ticket, tokens: total, usd, scopes, budgets: checks });
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'shared-state admission failed');
      this.unavailable();
      const local = scopes.map((scope) => ({ id: scope.id, rpm: scope.rpm ?? null, tpm: scope.tpm ?? null, maxConcurrent: scope.maxConcurrent ?? null }));
      return this.admitLocal(local, tokens, model, caller, setHeader, may);
    }
    if (outcome.kind === 'missing') throw new GatewayError('shared_state_unavailable', 'Shared state lost its budget spend again while it was being restored; retry.', { retryAfterSeconds: 1 });
    if (outcome.kind === 'limited') {
      const scope = scopes.find((candidate) => candidate.id === outcome.scope) ?? { id: outcome.scope };
      const denial = limitedDenial(fromSharedScope(scope), outcome.limit, outcome.stats, total, outcome.now);
      for (const [name, value] of Object.entries(denial.headers)) setHeader(name, value);
      throw new GatewayError('rate_limited', denial.message, { retryAfterSeconds: denial.retryAfterSeconds });
    }
    if (outcome.kind === 'over_budget') {
      const budget = budgets[outcome.index] as Budget;
      const denial = overBudget(budget, { usd: outcome.usd, tokens: outcome.tokens }, usd, total, now) ?? { message: `Budget exceeded: the ${describeBudget(budget)} has no room for this request.` };
      throw new GatewayError('budget_exceeded', denial.message, 'retryAfterSeconds' in denial && denial.retryAfterSeconds !== undefined ? { retryAfterSeconds: denial.retryAfterSeconds } : {});
    }
    const stats = new Map(outcome.stats.map((item) => [item.id, item]));
    for (const [name, value] of Object.entries(admittedHeaders(scopes.map(fromSharedScope), stats, total, outcome.now))) setHeader(name, value);
    const permit: Permit = { caller, shared: { ticket, scopes, reserved: [...new Set(checks.map((check) => check.entry))] } };
    if (permit.shared.reserved.length > 0 && this.log.saturated()) {
      this.settleShared(permit.caller, permit.shared, 0, 0);
      throw new GatewayError('request_log_unavailable', 'The request log cannot be written at the moment and its buffer is full; requests under a budget are refused until it recovers.', { retryAfterSeconds: 5 });
    }
    return permit;
  }

  private settleShared(caller: Caller, permit: SharedPermit, usd: number, tokens: number): void {
    const shared = this.shared;
    if (!shared) return;
    const now = Date.now();
    const budgets = this.budgets.applicable(caller);
    const charge = [...new Set(budgets.map((budget) => spendEntryId(budget, now)))];
    shared
      .settle({ ticket: permit.ticket, tokens, usd, scopes: permit.scopes, reserved: permit.reserved, charge })
      .then((spends) => this.checkThresholds(budgets, (budget) => spends.get(spendEntryId(budget, now))))
      .catch((error: unknown) => this.logger.warn({ err: error, ticket: permit.ticket }, 'settling in shared state failed; it is sent again when shared state is back'));
  }

  /** The request is over (whatever happened): reconcile its reservation with its real cost and check alerts. */
  settle(permit: Permit | undefined, record: RequestRecord): void {
    const tokens = record.inputTokens + record.outputTokens;
    this.errorRate?.observe(record.status);
    if (!permit) return;
    if (permit.shared) return this.settleShared(permit.caller, permit.shared, record.costUsd, tokens);
    this.limiter.release(permit.admission, tokens);
    this.budgets.settle(permit.reservation, permit.caller, record.costUsd, tokens);
    this.checkThresholds(this.budgets.applicable(permit.caller), (budget) => this.budgets.entry(budget));
  }

  private checkThresholds(budgets: Budget[], spendOf: (budget: Budget) => EntrySpend | undefined): void {
    const now = Date.now();
    for (const budget of budgets) {
      const entry = spendOf(budget);
      if (!entry) continue;
      const fraction = Math.max(budget.limitUsd ? entry.usd / budget.limitUsd : 0, budget.limitTokens ? entry.tokens / budget.limitTokens : 0);
      for (const threshold of budget.alertAt) {
        if (fraction < threshold) continue;
        this.alerts.fire({
          type: 'budget_threshold',
          alert: `${budget.id}:${threshold}`,
          periodStart: periodStart(budget.period, now),
          message: `${Math.round(threshold * 100)} % of the ${describeBudget(budget)} reached: $${entry.usd.toFixed(6)} spent, ${entry.tokens} tokens`,
          details: { budget: budget.id, scope: budget.scope, scope_id: budget.scopeId, threshold, spent_usd: entry.usd, spent_tokens: entry.tokens, limit_usd: budget.limitUsd, limit_tokens: budget.limitTokens },
        });
      }
    }
  }

  close(): void {
    this.keys.close();
    this.budgets.close();
    this.alerts.close();
    this.reports.close();
  }
}

function toSharedScope(scope: LimitScope): SharedScope {
  return { id: scope.id, ...(scope.rpm ? { rpm: scope.rpm } : {}), ...(scope.tpm ? { tpm: scope.tpm } : {}), ...(scope.maxConcurrent ? { maxConcurrent: scope.maxConcurrent } : {}) };
}

function fromSharedScope(scope: SharedScope): LimitScope {
  return { id: scope.id, rpm: scope.rpm ?? null, tpm: scope.tpm ?? null, maxConcurrent: scope.maxConcurrent ?? null };
}
