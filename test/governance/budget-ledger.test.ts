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
});
