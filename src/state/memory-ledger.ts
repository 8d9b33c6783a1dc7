/**
 * The admission and settlement of redis-scripts.ts, in memory: what the cluster primary
 * runs for its workers when there is no Redis (`serve --workers N` on one machine). The
 * primary answers one message at a time, so a check and its reservation cannot interleave
 * with another worker's, exactly as a Lua script cannot in Redis. Instead of leases, a
 * worker that exits has everything it held released at once (`releaseHolder`).
 */
import type { AdmitInput, AdmitOutcome, EntrySpend, ScopeStats, SettleInput } from './types.js';

const WINDOW_MS = 60_000;
const USD_TOLERANCE = 1e-9;

interface Held {
  holder: string;
  usd: number;
  tokens: number;
}

interface ScopeWindow {
  requests: { at: number; ticket: string }[];
  tokens: { at: number; ticket: string; tokens: number }[];
  tokenSum: number;
  slots: Map<string, string>;
}

export class MemoryLedger {
  private readonly windows = new Map<string, ScopeWindow>();
  private readonly spend = new Map<string, EntrySpend & { expiresAt: number | undefined }>();
  private readonly reserved = new Map<string, Map<string, Held>>();
  private readonly claims = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  private window(id: string, now: number): ScopeWindow {
    let window = this.windows.get(id);
    if (!window) {
      window = { requests: [], tokens: [], tokenSum: 0, slots: new Map() };
      this.windows.set(id, window);
    }
    const since = now - WINDOW_MS;
    while (window.requests.length > 0 && (window.requests[0] as { at: number }).at <= since) window.requests.shift();
    while (window.tokens.length > 0 && (window.tokens[0] as { at: number }).at <= since) window.tokenSum -= (window.tokens.shift() as { tokens: number }).tokens;
    return window;
  }

  private entry(id: string, now: number): (EntrySpend & { expiresAt: number | undefined }) | undefined {
    const entry = this.spend.get(id);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= now) {
      this.spend.delete(id);
      return undefined;
    }
    return entry;
  }

  admit(input: AdmitInput, holder: string): AdmitOutcome {
    const now = this.now();
    const stats: ScopeStats[] = [];
    for (const scope of input.scopes) {
      const window = this.window(scope.id, now);
      const item: ScopeStats = { id: scope.id };
      if (scope.rpm) {
        item.requests = window.requests.length;
        if (window.requests[0]) item.oldestRequestAt = window.requests[0].at;
        if (window.requests.length >= scope.rpm) return { kind: 'limited', now, scope: scope.id, limit: 'requests', stats: item };
      }
      if (scope.tpm) {
        item.tokens = window.tokenSum;
        if (window.tokens[0]) item.oldestTokensAt = window.tokens[0].at;
        if (window.tokenSum + input.tokens > scope.tpm) return { kind: 'limited', now, scope: scope.id, limit: 'tokens', stats: item };
      }
      if (scope.maxConcurrent && window.slots.size >= scope.maxConcurrent) return { kind: 'limited', now, scope: scope.id, limit: 'concurrent', stats: item };
      stats.push(item);
    }
    const missing = input.budgets.filter((budget) => !this.entry(budget.entry, now)).map((budget) => budget.entry);
    if (missing.length > 0) return { kind: 'missing', entries: [...new Set(missing)] };
    for (const [index, budget] of input.budgets.entries()) {
      const spent = this.entry(budget.entry, now) as EntrySpend;
      let usd = spent.usd;
      let tokens = spent.tokens;
      for (const held of this.reserved.get(budget.entry)?.values() ?? []) {
        usd += held.usd;
        tokens += held.tokens;
      }
      if (!budget.hard) continue;
      const overUsd = budget.limitUsd !== undefined && usd + input.usd > budget.limitUsd + USD_TOLERANCE;
      const overTokens = budget.limitTokens !== undefined && tokens + input.tokens > budget.limitTokens;
      if (overUsd || overTokens) return { kind: 'over_budget', now, index, usd, tokens };
    }
    for (const scope of input.scopes) {
      const window = this.window(scope.id, now);
      if (scope.rpm) window.requests.push({ at: now, ticket: input.ticket });
      if (scope.tpm) {
        window.tokens.push({ at: now, ticket: input.ticket, tokens: input.tokens });
        window.tokenSum += input.tokens;
      }
      if (scope.maxConcurrent) window.slots.set(input.ticket, holder);
    }
    for (const entry of new Set(input.budgets.map((budget) => budget.entry))) {
      let held = this.reserved.get(entry);
      if (!held) this.reserved.set(entry, (held = new Map()));
      held.set(input.ticket, { holder, usd: input.usd, tokens: input.tokens });
    }
    return { kind: 'admitted', now, stats };
  }

  seed(entry: string, spend: EntrySpend, expiresAt: number | undefined): void {
    if (this.entry(entry, this.now())) return;
    this.spend.set(entry, { usd: spend.usd, tokens: spend.tokens, expiresAt });
  }

  settle(input: SettleInput): { entry: string; usd: number; tokens: number }[] {
    const now = this.now();
    for (const entry of input.reserved) this.reserved.get(entry)?.delete(input.ticket);
    for (const scope of input.scopes) {
      const window = this.windows.get(scope.id);
      if (!window) continue;
      if (scope.maxConcurrent) window.slots.delete(input.ticket);
      if (scope.tpm) {
        const item = window.tokens.find((candidate) => candidate.ticket === input.ticket);
        if (item) {
          window.tokenSum += input.tokens - item.tokens;
          item.tokens = input.tokens;
        }
      }
    }
    const charged: { entry: string; usd: number; tokens: number }[] = [];
    for (const entry of input.charge) {
      const spent = this.entry(entry, now);
      if (!spent) continue;
      spent.usd += input.usd;
      spent.tokens += input.tokens;
      charged.push({ entry, usd: spent.usd, tokens: spent.tokens });
    }
    return charged;
  }

  /** A holder (a worker) is gone: free every slot and reservation it held. */
  releaseHolder(holder: string): void {
    for (const window of this.windows.values()) for (const [ticket, owner] of window.slots) if (owner === holder) window.slots.delete(ticket);
    for (const held of this.reserved.values()) for (const [ticket, item] of held) if (item.holder === holder) held.delete(ticket);
  }

  releaseClaim(name: string, keepMs: number): void {
    if (!this.claims.has(name)) return;
    if (keepMs > 0) this.claims.set(name, this.now() + keepMs);
    else this.claims.delete(name);
  }

  claimOnce(name: string, ttlMs: number): boolean {
    const now = this.now();
    const until = this.claims.get(name);
    if (until !== undefined && until > now) return false;
    this.claims.set(name, now + ttlMs);
    if (this.claims.size > 10_000) for (const [key, expires] of this.claims) if (expires <= now) this.claims.delete(key);
    return true;
  }
}
