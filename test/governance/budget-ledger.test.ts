/**
 * The budget ledger on a real request log with an injected clock: token limits, the UTC
 * day and month rollovers (in a time zone where local and UTC days differ), total
 * budgets, and spend read back from the log by a fresh ledger after a restart.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetLedger, type Budget, type BudgetDenial, type Caller, type Reservation } from '../../src/governance/budgets.js';
import { SqliteRequestLog } from '../../src/store/sqlite-request-log.js';
import { logRow } from '../helpers/log-rows.js';

const CALLER: Caller = { keyId: 'key_a', team: 'team_a' };
let previousZone: string | undefined;

beforeAll(() => {
  // Local midnight is 07:00 or 08:00 UTC here: a ledger that used local days would roll over at the wrong time.
  previousZone = process.env.TZ;
  process.env.TZ = 'America/Los_Angeles';
});

afterAll(() => {
  if (previousZone === undefined) delete process.env.TZ;
  else process.env.TZ = previousZone;
});

/** A log and a ledger on one database, with a clock the test moves. */
function setup(path = join(mkdtempSync(join(tmpdir(), 'switchyard-ledger-')), 'log.db'), start = Date.UTC(2026, 2, 15, 12)) {
  const clock = { now: start };
  const log = new SqliteRequestLog({ path, flushIntervalMs: 10 });
  const ledger = new BudgetLedger(path, (query) => log.spend(query), () => clock.now);
  /** One request as the gateway runs it: reserve, record its row, settle its real cost. */
  const spend = (usd: number, tokens: number, estimate = { usd, tokens }): Reservation | BudgetDenial => {
    const reservation = ledger.reserve(CALLER, estimate.usd, estimate.tokens);
    if ('denied' in reservation) return reservation;
    const row = logRow(`r-${clock.now}-${Math.random()}`, { createdAt: clock.now, keyId: CALLER.keyId, team: CALLER.team, costUsd: usd, inputTokens: tokens, outputTokens: 0 });
    ledger.settle(reservation, CALLER, usd, tokens);
    log.record(row.request, row.attempts);
    return reservation;
  };
  const close = (): void => {
    ledger.close();
    log.close();
  };
  return { path, clock, log, ledger, spend, close };
}

const budget = (ledger: BudgetLedger, input: Partial<Omit<Budget, 'id' | 'createdAt'>>): Budget =>
  ledger.create({ scope: 'key', scopeId: 'key_a', period: 'day', limitUsd: null, limitTokens: null, enforcement: 'hard', alertAt: [], ...input });

const denied = (outcome: Reservation | BudgetDenial): outcome is BudgetDenial => 'denied' in outcome;

describe('budget ledger', () => {
  it('enforces limit_tokens: admits at the estimate, then at the real count once settled', () => {
    const { ledger, spend, close } = setup();
    budget(ledger, { limitTokens: 1000 });
    expect(denied(spend(0, 600))).toBe(false);
    // 600 used: an estimate of 500 does not fit, 400 does.
    const refused = spend(0, 500);
    expect(denied(refused) && refused.message).toMatch(/600 of 1000 tokens used or reserved/);
    expect(denied(spend(0, 400))).toBe(false);
    expect(denied(spend(0, 1))).toBe(true);
    // A request that reserved more than it used frees the rest.
    close();
    const again = setup();
    budget(again.ledger, { limitTokens: 1000 });
    const held = again.ledger.reserve(CALLER, 0, 900);
    expect(denied(again.ledger.reserve(CALLER, 0, 200))).toBe(true);
    again.ledger.settle(held as Reservation, CALLER, 0, 100);
    expect(denied(again.ledger.reserve(CALLER, 0, 200))).toBe(false);
    again.close();
  });

  it('a day budget starts afresh at UTC midnight; a month budget does not', () => {
    const { clock, ledger, spend, close } = setup(undefined, Date.UTC(2026, 2, 15, 23, 59));
    const day = budget(ledger, { period: 'day', limitUsd: 1 });
    const month = budget(ledger, { scope: 'team', scopeId: 'team_a', period: 'month', limitUsd: 3 });
    expect(denied(spend(0.9, 1))).toBe(false);
    const full = spend(0.2, 1);
    expect(denied(full) && full.budget.id).toBe(day.id);
    expect(denied(full) && full.retryAfterSeconds).toBe(60);
    // 07:59 UTC on the 16th is still the 15th in Los Angeles: a new UTC day all the same.
    clock.now = Date.UTC(2026, 2, 16, 0, 0, 1);
    expect(ledger.entry(day).usd).toBe(0);
    expect(ledger.entry(month).usd).toBeCloseTo(0.9, 9);
    expect(denied(spend(0.9, 1))).toBe(false);
    expect(denied(spend(0.9, 1))).toBe(true);
    clock.now = Date.UTC(2026, 2, 17, 0, 0, 1);
    expect(denied(spend(0.9, 1))).toBe(false);
    // The month budget holds 2.7 of 3: the next dollar is refused until April.
    clock.now = Date.UTC(2026, 2, 18, 0, 0, 1);
    const monthFull = spend(0.5, 1);
    expect(denied(monthFull) && monthFull.budget.id).toBe(month.id);
    expect(denied(monthFull) && monthFull.message).toMatch(/resets at 2026-04-01T00:00:00.000Z/);
    clock.now = Date.UTC(2026, 3, 1, 0, 0, 1);
    expect(ledger.entry(month).usd).toBe(0);
    expect(denied(spend(0.5, 1))).toBe(false);
    close();
  });

  it('a total budget counts spend from any time and never resets', () => {
    const { path, ledger, spend, close } = setup(undefined, Date.UTC(2024, 0, 1));
    const total = budget(ledger, { period: 'total', limitUsd: 1 });
    expect(denied(spend(0.6, 1))).toBe(false);
    close();
    // Two years later, in a new process: the old spend still counts.
    const later = setup(path, Date.UTC(2026, 0, 1));
    const refused = later.spend(0.5, 1);
    expect(denied(refused) && refused.budget.id).toBe(total.id);
    expect(denied(refused) && refused.retryAfterSeconds).toBeUndefined();
    expect(denied(refused) && refused.message).not.toMatch(/resets/);
    expect(denied(later.spend(0.4, 1))).toBe(false);
    expect(later.ledger.entry(total).usd).toBeCloseTo(1, 9);
    later.close();
  });

  it('a fresh ledger reads the spend back from the log after a restart', () => {
    const first = setup(undefined, Date.UTC(2026, 4, 10, 8));
    const day = budget(first.ledger, { period: 'day', limitUsd: 1, limitTokens: 100 });
    const month = budget(first.ledger, { period: 'month', limitUsd: 5 });
    for (let index = 0; index < 3; index++) expect(denied(first.spend(0.25, 20))).toBe(false);
    first.close();

    const second = setup(first.path, Date.UTC(2026, 4, 10, 9));
    expect(second.ledger.entry(day)).toMatchObject({ tokens: 60, reservedUsd: 0 });
    expect(second.ledger.entry(day).usd).toBeCloseTo(0.75, 9);
    expect(second.ledger.entry(month).usd).toBeCloseTo(0.75, 9);
    // So the next dollar is refused, and 0.25 fits.
    expect(denied(second.spend(1, 1))).toBe(true);
    expect(denied(second.spend(0.25, 20))).toBe(false);
    // Tokens count too: 80 of 100 used.
    expect(denied(second.spend(0, 30))).toBe(true);
    second.close();
  });

  it('a soft budget never refuses, and its spend still counts', () => {
    const { ledger, spend, close } = setup();
    const soft = budget(ledger, { limitUsd: 1, enforcement: 'soft' });
    for (let index = 0; index < 3; index++) expect(denied(spend(0.6, 1))).toBe(false);
    expect(ledger.entry(soft).usd).toBeCloseTo(1.8, 9);
    close();
  });

  it('dollar sums that fill a limit exactly fit, to within floating-point error', () => {
    const { ledger, spend, close } = setup();
    budget(ledger, { limitUsd: 0.3 });
    // 0.1 + 0.1 + 0.1 is 0.30000000000000004 in floating point.
    for (let index = 0; index < 3; index++) expect(denied(spend(0.1, 1))).toBe(false);
    expect(denied(spend(0.000001, 1))).toBe(true);
    close();
  });

  it('two budgets of one scope and period share their spend: a request is reserved once', () => {
    const { ledger, close } = setup();
    budget(ledger, { limitUsd: 1 });
    budget(ledger, { limitTokens: 100 });
    const first = ledger.reserve(CALLER, 0.5, 50);
    expect(denied(first)).toBe(false);
    expect((first as Reservation).entries).toHaveLength(1);
    expect((first as Reservation).entries[0]).toMatchObject({ reservedUsd: 0.5, reservedTokens: 50 });
    // Counted twice, 0.5 more would be over the dollar limit and 50 over the token one.
    expect(denied(ledger.reserve(CALLER, 0.5, 50))).toBe(false);
    expect(denied(ledger.reserve(CALLER, 0.01, 1))).toBe(true);
    close();
  });

  it('settling gives back exactly the reservation, and never less than nothing', () => {
    const { ledger, close } = setup();
    const day = budget(ledger, { limitUsd: 1, limitTokens: 100 });
    const held = ledger.reserve(CALLER, 0.4, 40) as Reservation;
    const other = ledger.reserve(CALLER, 0.3, 30) as Reservation;
    ledger.settle(held, CALLER, 0.1, 10);
    expect(ledger.entry(day)).toMatchObject({ reservedTokens: 30, tokens: 10 });
    expect(ledger.entry(day).reservedUsd).toBeCloseTo(0.3, 9);
    ledger.settle(other, CALLER, 0.2, 20);
    // Settled twice by mistake: the reservation does not go below zero.
    ledger.settle(other, CALLER, 0, 0);
    expect(ledger.entry(day)).toMatchObject({ reservedUsd: 0, reservedTokens: 0, tokens: 30 });
    close();
  });

  it('each scope applies to its own callers only', () => {
    const { ledger, close } = setup();
    const key = budget(ledger, { scope: 'key', scopeId: 'key_a', limitUsd: 1 });
    const team = budget(ledger, { scope: 'team', scopeId: 'team_a', limitUsd: 1 });
    const global = budget(ledger, { scope: 'global', scopeId: null, limitUsd: 1 });
    const ids = (caller: Caller): string[] => ledger.applicable(caller).map((applied) => applied.id);
    expect(ids(CALLER)).toEqual([key.id, team.id, global.id]);
    expect(ids({ keyId: 'key_b', team: 'team_a' })).toEqual([team.id, global.id]);
    expect(ids({ keyId: 'key_a', team: null })).toEqual([key.id, global.id]);
    expect(ids({ keyId: null, team: 'team_b' })).toEqual([global.id]);
    close();
  });

  it('a refusal names the budget, what is used, what the request needs, and when it resets', () => {
    const { clock, ledger, close } = setup(undefined, Date.UTC(2026, 2, 15, 12));
    const team = budget(ledger, { scope: 'team', scopeId: 'team_a', period: 'month', limitUsd: 2 });
    ledger.reserve(CALLER, 1.5, 10);
    const refused = ledger.reserve(CALLER, 1, 10) as BudgetDenial;
    expect(refused.message).toBe(`Budget exceeded: the hard per-month budget of $2 for team team_a (${team.id}) has $1.500000 of $2 spent or reserved; this request would need up to $1.000000. It resets at 2026-04-01T00:00:00.000Z.`);
    expect(refused.retryAfterSeconds).toBe((Date.UTC(2026, 3, 1) - clock.now) / 1000);
    ledger.remove(team.id);
    const global = budget(ledger, { scope: 'global', scopeId: null, period: 'total', limitTokens: 15 });
    expect(denied(ledger.reserve(CALLER, 0, 10))).toBe(false);
    const tokens = ledger.reserve(CALLER, 0, 10) as BudgetDenial;
    expect(tokens.message).toBe(`Budget exceeded: the hard total budget of 15 tokens for global (${global.id}) has 10 of 15 tokens used or reserved; this request would need up to 10 tokens.`);
    close();
  });

  it('a budget created by another process applies within two seconds', () => {
    const first = setup();
    const second = setup(first.path);
    expect(second.ledger.applicable(CALLER)).toEqual([]);
    const created = budget(first.ledger, { limitUsd: 1 });
    second.clock.now += 2000;
    expect(second.ledger.applicable(CALLER).map((applied) => applied.id)).toEqual([created.id]);
    // Removed there: gone here too after the same delay.
    expect(first.ledger.remove(created.id)).toBe(true);
    expect(first.ledger.remove(created.id)).toBe(false);
    second.clock.now += 2000;
    expect(second.ledger.applicable(CALLER)).toEqual([]);
    second.close();
    first.close();
  });

  it("spend is kept per key: one key's spending does not count against another key's budget", () => {
    const { ledger, close } = setup();
    const mine = budget(ledger, { scopeId: 'key_a', limitUsd: 1 });
    const theirs = budget(ledger, { scopeId: 'key_b', limitUsd: 1 });
    const other: Caller = { keyId: 'key_b', team: null };
    ledger.settle(ledger.reserve(CALLER, 0.8, 1) as Reservation, CALLER, 0.8, 1);
    expect(ledger.entry(mine).usd).toBeCloseTo(0.8, 9);
    expect(ledger.entry(theirs).usd).toBe(0);
    expect(denied(ledger.reserve(other, 0.8, 1))).toBe(false);
    close();
  });

  it("a fresh ledger reads back only the spend of each budget's own key or team", () => {
    const first = setup(undefined, Date.UTC(2026, 4, 10, 8));
    const row = (id: string, keyId: string, team: string, costUsd: number) => logRow(id, { createdAt: first.clock.now, keyId, team, costUsd, inputTokens: 10, outputTokens: 0 });
    for (const [id, keyId, team, cost] of [['r1', 'key_a', 'team_a', 0.1], ['r2', 'key_b', 'team_a', 0.2], ['r3', 'key_c', 'team_b', 0.4]] as const) {
      const { request, attempts } = row(id, keyId, team, cost);
      first.log.record(request, attempts);
    }
    first.close();
    const second = setup(first.path, Date.UTC(2026, 4, 10, 9));
    const key = budget(second.ledger, { scope: 'key', scopeId: 'key_b', limitUsd: 10 });
    const team = budget(second.ledger, { scope: 'team', scopeId: 'team_a', limitUsd: 10 });
    const global = budget(second.ledger, { scope: 'global', scopeId: null, limitUsd: 10 });
    expect(second.ledger.entry(key).usd).toBeCloseTo(0.2, 9);
    expect(second.ledger.entry(team).usd).toBeCloseTo(0.3, 9);
    expect(second.ledger.entry(global).usd).toBeCloseTo(0.7, 9);
    second.close();
  });

  it('two budgets of one scope and period are charged once when a request settles', () => {
    const { ledger, close } = setup();
    const dollars = budget(ledger, { limitUsd: 1 });
    budget(ledger, { limitTokens: 100 });
    ledger.settle(ledger.reserve(CALLER, 0.5, 50) as Reservation, CALLER, 0.5, 50);
    expect(ledger.entry(dollars)).toMatchObject({ usd: 0.5, tokens: 50, reservedUsd: 0, reservedTokens: 0 });
    close();
  });

  it('a caller without budgets reserves nothing and is never refused', () => {
    const { ledger, close } = setup();
    budget(ledger, { scopeId: 'key_other', limitUsd: 0.01 });
    expect(ledger.reserve(CALLER, 5, 500)).toEqual({ entries: [], usd: 5, tokens: 500 });
    close();
  });

  it('a budget with a dollar and a token limit names both when it refuses', () => {
    const { ledger, close } = setup();
    const both = budget(ledger, { limitUsd: 1, limitTokens: 100, enforcement: 'hard' });
    ledger.reserve(CALLER, 0.1, 90);
    const refused = ledger.reserve(CALLER, 0.1, 20) as BudgetDenial;
    expect(refused.message).toContain(`the hard per-day budget of $1 / 100 tokens for key key_a (${both.id}) has 90 of 100 tokens used or reserved`);
    close();
  });
});
