/**
 * Budgets in dollars and tokens, per key, team or globally, per UTC day, month or in
 * total, hard (reject with 429 budget_exceeded) or soft (alerts only). Enforcement is
 * exact within a process: before the upstream call a request reserves its worst-case
 * cost (prompt estimate + max_tokens, or the model's output cap) from every budget that
 * applies, synchronously — no await between check and reservation — and after the call
 * the reservation is replaced by the real cost. A request is admitted only when its
 * reservation fits, so spend can exceed a limit only by what one request costs beyond its
 * own estimate.
 *
 * Spend per scope and period starts from the request log the first time a budget needs
 * it (the log counts rows it has not written yet, so nothing recorded is missed; rows
 * pruned by retention are counted from their daily roll-up), then follows every settled
 * request.
 */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { openDatabase } from '../store/sqlite-schema.js';
import type { Spend, SpendQuery } from '../store/types.js';

export type BudgetScope = 'key' | 'team' | 'global';
export type BudgetPeriod = 'day' | 'month' | 'total';

export interface Budget {
  id: string;
  scope: BudgetScope;
  /** The key id or team name; null for global. */
  scopeId: string | null;
  period: BudgetPeriod;
  limitUsd: number | null;
  limitTokens: number | null;
  enforcement: 'hard' | 'soft';
  /** Alert thresholds as fractions of the limit, e.g. [0.5, 0.8, 1]. */
  alertAt: number[];
  createdAt: number;
}

export interface SpendEntry {
  usd: number;
  tokens: number;
  reservedUsd: number;
  reservedTokens: number;
}

export interface Caller {
  keyId: string | null;
  team: string | null;
}

export interface Reservation {
  entries: SpendEntry[];
  usd: number;
  tokens: number;
}

export interface BudgetDenial {
  denied: true;
  budget: Budget;
  message: string;
  /** Seconds until the period resets (undefined for total budgets). */
  retryAfterSeconds?: number;
}

export function periodStart(period: BudgetPeriod, now: number): number {
  const date = new Date(now);
  if (period === 'day') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  if (period === 'month') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  return 0;
}

export function periodEnd(period: BudgetPeriod, now: number): number | undefined {
  const date = new Date(now);
  if (period === 'day') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1);
  if (period === 'month') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  return undefined;
}

export function describeBudget(budget: Budget): string {
  const limits = [budget.limitUsd !== null ? `$${budget.limitUsd}` : '', budget.limitTokens !== null ? `${budget.limitTokens} tokens` : ''].filter(Boolean).join(' / ');
  const scope = budget.scope === 'global' ? 'global' : `${budget.scope} ${budget.scopeId}`;
  return `${budget.enforcement} ${budget.period === 'total' ? 'total' : `per-${budget.period}`} budget of ${limits} for ${scope} (${budget.id})`;
}

/**
 * The refusal of a hard budget whose spend and reservations (`used`) leave no room for a
 * request that may cost `usd` and `tokens`; undefined when it fits.
 */
export function overBudget(budget: Budget, used: { usd: number; tokens: number }, usd: number, tokens: number, now: number): BudgetDenial | undefined {
  const overUsd = budget.limitUsd !== null && used.usd + usd > budget.limitUsd + USD_TOLERANCE;
  const overTokens = budget.limitTokens !== null && used.tokens + tokens > budget.limitTokens;
  if (!overUsd && !overTokens) return undefined;
  const end = periodEnd(budget.period, now);
  const spent = overUsd ? `$${used.usd.toFixed(6)} of $${budget.limitUsd} spent or reserved` : `${used.tokens} of ${budget.limitTokens} tokens used or reserved`;
  return {
    denied: true,
    budget,
    message: `Budget exceeded: the ${describeBudget(budget)} has ${spent}; this request would need up to ${overUsd ? `$${usd.toFixed(6)}` : `${tokens} tokens`}.${end ? ` It resets at ${new Date(end).toISOString()}.` : ''}`,
    ...(end ? { retryAfterSeconds: Math.max(1, Math.ceil((end - now) / 1000)) } : {}),
  };
}

/** The spend entry a budget counts against now: its scope and the start of its current period. */
export function spendEntryId(budget: Budget, now: number): string {
  return `${budget.scope}:${encodeURIComponent(budget.scopeId ?? '')}:${periodStart(budget.period, now)}`;
}

/** Which request-log spend a budget's current period is (to seed shared state from the store). */
export function spendQueryOf(budget: Budget, now: number): SpendQuery {
  const scopeId = budget.scopeId ?? '';
  return { since: periodStart(budget.period, now), ...(budget.scope === 'key' ? { keyId: scopeId } : budget.scope === 'team' ? { team: scopeId } : {}) };
}

export interface BudgetRow {
  id: string;
  scope: BudgetScope;
  scope_id: string | null;
  period: BudgetPeriod;
  limit_usd: number | null;
  limit_tokens: number | null;
  enforcement: 'hard' | 'soft';
  alert_at: string;
  created_at: number;
}

/** The columns of budgets, in the order both databases hold them. */
export const BUDGET_COLUMNS = ['id', 'scope', 'scope_id', 'period', 'limit_usd', 'limit_tokens', 'enforcement', 'alert_at', 'created_at'] as const;

export function newBudget(input: Omit<Budget, 'id' | 'createdAt'>, now: number): Budget {
  return { ...input, id: `budget_${randomBytes(6).toString('hex')}`, createdAt: now };
}

export function budgetRow(budget: Budget): BudgetRow {
  return {
    id: budget.id,
    scope: budget.scope,
    scope_id: budget.scopeId,
    period: budget.period,
    limit_usd: budget.limitUsd,
    limit_tokens: budget.limitTokens,
    enforcement: budget.enforcement,
    alert_at: JSON.stringify(budget.alertAt),
    created_at: budget.createdAt,
  };
}

export function fromBudgetRow(row: BudgetRow): Budget {
  return {
    id: row.id,
    scope: row.scope,
    scopeId: row.scope_id,
    period: row.period,
    limitUsd: row.limit_usd,
    limitTokens: row.limit_tokens,
    enforcement: row.enforcement,
    alertAt: JSON.parse(row.alert_at) as number[],
    createdAt: row.created_at,
  };
}

/** Insert or replace a budget in the local SQLite copy. */
export function upsertBudgetRow(database: Database.Database, row: BudgetRow): void {
  database
    .prepare(
      `INSERT INTO budgets (${BUDGET_COLUMNS.join(', ')}) VALUES (${BUDGET_COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${BUDGET_COLUMNS.filter((column) => column !== 'id').map((column) => `${column} = excluded.${column}`).join(', ')}`,
    )
    .run(...BUDGET_COLUMNS.map((column) => row[column]));
}

const BUDGET_CACHE_MS = 2000;
/** Spend is summed in floating point: a request that fits to within a nano-dollar fits. */
const USD_TOLERANCE = 1e-9;

export class BudgetLedger {
  private readonly database: Database.Database;
  private readonly spend = new Map<string, SpendEntry>();
  private budgets: Budget[] = [];
  private loadedAt = Number.NEGATIVE_INFINITY;

  constructor(
    path: string,
    /** Spend in the request log (the log's spend()). */
    private readonly spendOf: (query: SpendQuery) => Spend,
    private readonly now: () => number = Date.now,
  ) {
    this.database = openDatabase(path);
  }

  create(input: Omit<Budget, 'id' | 'createdAt'>): Budget {
    const budget = newBudget(input, this.now());
    upsertBudgetRow(this.database, budgetRow(budget));
    this.loadedAt = Number.NEGATIVE_INFINITY;
    return budget;
  }

  remove(id: string): boolean {
    const removed = this.database.prepare('DELETE FROM budgets WHERE id = ?').run(id).changes > 0;
    this.loadedAt = Number.NEGATIVE_INFINITY;
    return removed;
  }

  list(): Budget[] {
    if (this.now() - this.loadedAt >= BUDGET_CACHE_MS) {
      const rows = this.database.prepare('SELECT * FROM budgets ORDER BY created_at').all() as BudgetRow[];
      this.budgets = rows.map(fromBudgetRow);
      this.loadedAt = this.now();
    }
    return this.budgets;
  }

  /** The budgets that apply to a caller. */
  applicable(caller: Caller): Budget[] {
    return this.list().filter(
      (budget) => budget.scope === 'global' || (budget.scope === 'key' && budget.scopeId === caller.keyId) || (budget.scope === 'team' && caller.team !== null && budget.scopeId === caller.team),
    );
  }

  /** Spend so far in the budget's current period (including reservations of requests in flight). */
  entry(budget: Budget): SpendEntry {
    const start = periodStart(budget.period, this.now());
    const key = `${budget.scope}\u0000${budget.scopeId ?? ''}\u0000${start}`;
    let entry = this.spend.get(key);
    if (!entry) {
      const spent = this.spendOf(spendQueryOf(budget, this.now()));
      entry = { usd: spent.usd, tokens: spent.tokens, reservedUsd: 0, reservedTokens: 0 };
      this.spend.set(key, entry);
    }
    return entry;
  }

  /** Check every hard budget and reserve the estimate from all of them, or say which budget refuses. */
  reserve(caller: Caller, usd: number, tokens: number): Reservation | BudgetDenial {
    const budgets = this.applicable(caller);
    if (budgets.length === 0) return { entries: [], usd, tokens };
    const entries: SpendEntry[] = [];
    for (const budget of budgets) {
      const entry = this.entry(budget);
      entries.push(entry);
      if (budget.enforcement !== 'hard') continue;
      const denial = overBudget(budget, { usd: entry.usd + entry.reservedUsd, tokens: entry.tokens + entry.reservedTokens }, usd, tokens, this.now());
      if (denial) return denial;
    }
    // Deduplicate: two budgets with the same scope and period share one entry.
    const unique = [...new Set(entries)];
    for (const entry of unique) {
      entry.reservedUsd += usd;
      entry.reservedTokens += tokens;
    }
    return { entries: unique, usd, tokens };
  }

  /** Replace a reservation with what the request really cost. */
  settle(reservation: Reservation, caller: Caller, usd: number, tokens: number): void {
    for (const entry of reservation.entries) {
      entry.reservedUsd = Math.max(0, entry.reservedUsd - reservation.usd);
      entry.reservedTokens = Math.max(0, entry.reservedTokens - reservation.tokens);
    }
    // Every entry of the caller's scopes follows the spend, also ones created while the request ran.
    const charged = new Set<SpendEntry>();
    for (const budget of this.applicable(caller)) {
      const entry = this.entry(budget);
      if (charged.has(entry)) continue;
      charged.add(entry);
      // An entry created during this request read the log, which does not hold this request yet.
      entry.usd += usd;
      entry.tokens += tokens;
    }
  }

  /**
   * Forget the spend followed so far: the next use reads it from the request log again
   * (after shared state was back, this process's counts missed what other replicas spent).
   */
  forgetSpend(): void {
    this.spend.clear();
  }

  /** Budgets were created or removed elsewhere: read them again on next use. */
  invalidate(): void {
    this.loadedAt = Number.NEGATIVE_INFINITY;
  }

  close(): void {
    this.database.close();
  }
}
