/**
 * Spend reports read straight from a request log file: every grouping, the time range
 * (since inclusive, until exclusive), rows pruned into spend_rollup still counted by their
 * day, evaluation traffic left out unless asked for, and the relative times the CLI takes.
 * Sums are worked out by hand from the rows below.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSince, savingsRow, SpendReports, type SavingsSums } from '../../src/governance/spend.js';
import { openDatabase } from '../../src/store/sqlite-schema.js';

const DAY = 86_400_000;
const D1 = Date.UTC(2026, 4, 1);
const D2 = D1 + DAY;

interface Row {
  id: string;
  at: number;
  key?: string | null;
  team?: string | null;
  route?: string | null;
  model?: string;
  input: number;
  output: number;
  cached?: number;
  reasoning?: number;
  usd: number;
  status?: number;
}

function setUp(rows: Row[], rollup: { day: number; key: string; team: string; route: string; model: string; requests: number; input: number; output: number; usd: number }[] = []): { reports: SpendReports; flushes: () => number } {
  const path = join(mkdtempSync(join(tmpdir(), 'switchyard-spend-')), 'log.db');
  const database = openDatabase(path);
  const insert = database.prepare(
    `INSERT INTO requests (id, created_at, endpoint, key_id, team, route, requested_model, model, provider, stream, status, latency_ms, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost_usd, simulated, attempts, details)
     VALUES (?, ?, 'chat', ?, ?, ?, 'auto', ?, 'sim', 0, ?, 10, ?, ?, ?, ?, ?, 1, 1, '{}')`,
  );
  for (const row of rows) insert.run(row.id, row.at, row.key ?? null, row.team ?? null, row.route ?? null, row.model ?? 'cheap', row.status ?? 200, row.input, row.output, row.cached ?? 0, row.reasoning ?? 0, row.usd);
  const roll = database.prepare(
    `INSERT INTO spend_rollup (day, key_id, team, route, model, requests, input_tokens, output_tokens, cached_input_tokens, cache_write_5m_tokens, cache_write_1h_tokens, audio_input_tokens, image_input_tokens, reasoning_tokens, cost_usd)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, ?)`,
  );
  for (const row of rollup) roll.run(row.day, row.key, row.team, row.route, row.model, row.requests, row.input, row.output, row.usd);
  database.close();
  let flushed = 0;
  return { reports: new SpendReports(path, () => void flushed++), flushes: () => flushed };
}

const ROWS: Row[] = [
  { id: 'r1', at: D1 + 1_000, key: 'key_a', team: 'search', route: 'auto', model: 'cheap', input: 100, output: 10, cached: 5, reasoning: 2, usd: 0.5 },
  { id: 'r2', at: D1 + 2_000, key: 'key_a', team: 'search', route: 'auto', model: 'big', input: 200, output: 20, usd: 2 },
  { id: 'r3', at: D2 + 1_000, key: 'key_b', team: 'ads', route: null, model: 'big', input: 300, output: 30, usd: 1 },
  { id: 'r4', at: D2 + 2_000, key: null, team: null, route: null, model: 'cheap', input: 1, output: 1, usd: 0.25 },
  { id: 'e1', at: D2 + 3_000, key: 'eval:bench', team: null, route: 'auto', model: 'big', input: 999, output: 999, usd: 100 },
];

describe('SpendReports.spend', () => {
  it('by key: sums of cost, requests and every token class, most expensive first; evaluation calls left out', () => {
    const { reports, flushes } = setUp(ROWS);
    const rows = reports.spend('key');
    expect(flushes(), 'the log is flushed first, so the report sees the latest requests').toBe(1);
    expect(rows.map((row) => [row.group, row.requests, row.costUsd])).toEqual([
      ['key_a', 2, 2.5],
      ['key_b', 1, 1],
      [null, 1, 0.25],
    ]);
    expect(rows[0]).toMatchObject({ inputTokens: 300, outputTokens: 30, cachedInputTokens: 5, reasoningTokens: 2, cacheWrite5mTokens: 0, audioInputTokens: 0 });
    reports.close();
  });

  it('evaluation calls are included when asked for, and when one evaluation key is asked for by id', () => {
    const { reports } = setUp(ROWS);
    expect(reports.spend('key', {}, { includeEval: true })[0]).toMatchObject({ group: 'eval:bench', costUsd: 100 });
    expect(reports.spend('key', {}, { keyId: 'eval:bench' })).toEqual([expect.objectContaining({ group: 'eval:bench', requests: 1, costUsd: 100 })]);
    expect(reports.spend('key', {}, { keyId: 'key_a' }).map((row) => row.group)).toEqual(['key_a']);
    reports.close();
  });

  it('by team, route, model and day', () => {
    const { reports } = setUp(ROWS);
    expect(reports.spend('team').map((row) => [row.group, row.costUsd])).toEqual([
      ['search', 2.5],
      ['ads', 1],
      [null, 0.25],
    ]);
    expect(reports.spend('route').map((row) => [row.group, row.costUsd])).toEqual([
      ['auto', 2.5],
      [null, 1.25],
    ]);
    expect(reports.spend('model').map((row) => [row.group, row.requests, row.costUsd])).toEqual([
      ['big', 2, 3],
      ['cheap', 2, 0.75],
    ]);
    expect(reports.spend('day').map((row) => [row.group, row.costUsd])).toEqual([
      ['2026-05-01', 2.5],
      ['2026-05-02', 1.25],
    ]);
    reports.close();
  });

  it('equal costs are ordered by group', () => {
    const { reports } = setUp([
      { id: 'x', at: D1, key: 'key_z', input: 1, output: 1, usd: 1 },
      { id: 'y', at: D1, key: 'key_m', input: 1, output: 1, usd: 1 },
    ]);
    expect(reports.spend('key').map((row) => row.group)).toEqual(['key_m', 'key_z']);
    reports.close();
  });

  it('since is inclusive, until exclusive', () => {
    const { reports } = setUp(ROWS);
    expect(reports.spend('key', { since: D1 + 2_000 }).map((row) => [row.group, row.requests])).toEqual([
      ['key_a', 1],
      ['key_b', 1],
      [null, 1],
    ]);
    expect(reports.spend('key', { until: D2 + 1_000 }).map((row) => [row.group, row.requests])).toEqual([['key_a', 2]]);
    expect(reports.spend('key', { since: D1 + 1_001, until: D2 + 1_001 }).map((row) => [row.group, row.requests])).toEqual([
      ['key_a', 1],
      ['key_b', 1],
    ]);
    reports.close();
  });

  it('rows pruned into the daily rollup still count, by the day they fell on, with no group where the rollup has none', () => {
    const { reports } = setUp(ROWS, [
      { day: D1 - DAY, key: 'key_a', team: 'search', route: 'auto', model: 'cheap', requests: 3, input: 30, output: 3, usd: 0.75 },
      { day: D1 - DAY, key: '', team: '', route: '', model: '', requests: 1, input: 1, output: 1, usd: 0.5 },
      { day: D1 - DAY, key: 'eval:old', team: '', route: 'auto', model: 'big', requests: 1, input: 1, output: 1, usd: 50 },
    ]);
    const byKey = reports.spend('key');
    expect(byKey.map((row) => [row.group, row.requests, row.costUsd])).toEqual([
      ['key_a', 5, 3.25],
      ['key_b', 1, 1],
      [null, 2, 0.75],
    ]);
    expect(byKey[0]?.inputTokens).toBe(330);
    expect(reports.spend('team').map((row) => row.group)).toEqual(['search', 'ads', null]);
    expect(reports.spend('route').map((row) => row.group)).toEqual(['auto', null]);
    expect(reports.spend('model').map((row) => row.group)).toEqual(['big', 'cheap', null]);
    expect(reports.spend('day').map((row) => [row.group, row.costUsd])).toEqual([
      ['2026-05-01', 2.5],
      ['2026-04-30', 1.25],
      ['2026-05-02', 1.25],
    ]);
    expect(reports.spend('key', {}, { includeEval: true }).map((row) => row.group)).toEqual(['eval:bench', 'eval:old', 'key_a', 'key_b', null]);
    expect(reports.spend('key', {}, { keyId: 'key_a' })).toEqual([expect.objectContaining({ group: 'key_a', requests: 5 })]);
    // An evaluation key asked for by id: its pruned rows count too.
    expect(reports.spend('key', {}, { keyId: 'eval:old' })).toEqual([expect.objectContaining({ group: 'eval:old', requests: 1, costUsd: 50 })]);
    reports.close();
  });

  it('a range takes rollup days from the day since falls in, up to the day before until', () => {
    const { reports } = setUp([], [
      { day: D1, key: 'key_a', team: '', route: '', model: '', requests: 1, input: 1, output: 1, usd: 1 },
      { day: D2, key: 'key_a', team: '', route: '', model: '', requests: 1, input: 1, output: 1, usd: 2 },
    ]);
    expect(reports.spend('key', { since: D2 + 5_000 })[0]?.costUsd, 'since mid-day counts that whole day').toBe(2);
    expect(reports.spend('key', { since: D2 })[0]?.costUsd).toBe(2);
    expect(reports.spend('key', { since: D2 + DAY })).toEqual([]);
    expect(reports.spend('key', { until: D2 })[0]?.costUsd).toBe(1);
    expect(reports.spend('key', { until: D2 + 1 })[0]?.costUsd).toBe(3);
    reports.close();
  });
});

describe('savingsRow', () => {
  const sums = (fields: Partial<SavingsSums>): SavingsSums => ({
    route: 'auto',
    category: null,
    requests: 2,
    actualUsd: 0.001,
    cacheHits: 0,
    cacheAvoidedUsd: 0,
    inputTokens: 1_000_000,
    outputTokens: 0,
    cachedInputTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    audioInputTokens: 0,
    imageInputTokens: 0,
    reasoningTokens: 0,
    ...fields,
  });

  it('adds a per-request price once per request, and reports the saved share', () => {
    const row = savingsRow({ input: 1, output: 2, perRequest: 0.5 }, sums({}));
    expect(row.baselineUsd).toBeCloseTo(2, 12);
    expect(row.savedUsd).toBeCloseTo(1.999, 12);
    expect(row.savedShare).toBeCloseTo(0.9995, 12);
    expect(row).toMatchObject({ route: 'auto', category: null, baselineMode: 'tokens', requests: 2, actualUsd: 0.001, cacheHits: 0, cacheAvoidedUsd: 0 });
  });

  it('a free baseline saves nothing and has a share of zero, not a division by zero', () => {
    const row = savingsRow({ input: 0, output: 0 }, sums({ actualUsd: 0.25 }));
    expect(row.baselineUsd).toBe(0);
    expect(row.savedUsd).toBe(-0.25);
    expect(row.savedShare).toBe(0);
  });

  it('measured: answers from the cache get no baseline output; no cache count reads as zero hits', () => {
    const lengths = { model: 'big', categories: { math: { meanOutputTokens: 500_000, answers: 4 } }, runs: ['r'] };
    const row = savingsRow({ input: 0, output: 1 }, sums({ category: 'math', requests: 3, cacheHits: 1, outputTokens: 7, reasoningTokens: 9 }), lengths);
    expect(row.baselineMode).toBe('measured');
    expect(row.baselineUsd).toBeCloseTo(1, 12);
    expect(row.cacheHits).toBe(1);
    const unmeasured = savingsRow({ input: 0, output: 1 }, sums({ category: 'qa', requests: 3, cacheHits: null, outputTokens: 1_000_000 }), lengths);
    expect(unmeasured.baselineMode).toBe('tokens');
    expect(unmeasured.baselineUsd).toBeCloseTo(1, 12);
    expect(unmeasured.cacheHits).toBe(0);
    const noCategory = savingsRow({ input: 0, output: 1 }, sums({ category: null, outputTokens: 1_000_000 }), lengths);
    expect(noCategory.baselineMode).toBe('tokens');
    const nullHits = savingsRow({ input: 0, output: 1 }, sums({ category: 'math', requests: 2, cacheHits: null }), lengths);
    expect(nullHits.baselineUsd).toBeCloseTo(1, 12);
  });
});

describe('SpendReports.savings', () => {
  it('counts only answered requests (status 200), and evaluation calls only when asked for, within the range', () => {
    const { reports } = setUp([
      ...ROWS,
      { id: 'f1', at: D1 + 5_000, key: 'key_a', route: 'auto', input: 1_000_000, output: 0, usd: 9, status: 500 },
    ]);
    const rows = reports.savings({ input: 1, output: 0 });
    expect(rows.map((row) => [row.route, row.requests, row.actualUsd])).toEqual([
      [null, 2, 1.25],
      ['auto', 2, 2.5],
    ]);
    expect(rows[1]?.baselineUsd).toBeCloseTo(0.0003, 12);
    const withEval = reports.savings({ input: 1, output: 0 }, {}, { includeEval: true });
    expect(withEval.find((row) => row.route === 'auto')?.requests).toBe(3);
    expect(reports.savings({ input: 1, output: 0 }, { since: D2 }).map((row) => [row.route, row.requests])).toEqual([[null, 2]]);
    reports.close();
  });
});

describe('parseSince', () => {
  const now = Date.UTC(2026, 4, 10, 12);
  it('reads days, hours and minutes back from now, and ISO dates', () => {
    expect(parseSince('7d', now)).toBe(now - 7 * DAY);
    expect(parseSince('24h', now)).toBe(now - DAY);
    expect(parseSince('30m', now)).toBe(now - 30 * 60_000);
    expect(parseSince('2026-05-01', now)).toBe(D1);
    expect(parseSince('2026-05-01T06:00:00Z', now)).toBe(D1 + 6 * 3_600_000);
    expect(parseSince(undefined, now)).toBeUndefined();
  });

  it('says what it cannot read, and does not take a unit it does not know or a count inside text', () => {
    expect(() => parseSince('yesterday', now)).toThrow('not a time: "yesterday" (use 7d, 24h, 30m or an ISO date)');
    expect(() => parseSince('7w', now)).toThrow('not a time: "7w"');
    expect(() => parseSince('x7d', now)).toThrow('not a time');
    expect(() => parseSince('7dx', now)).toThrow('not a time');
  });
});
