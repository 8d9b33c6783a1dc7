/**
 * The dashboard's queries on a log of 20,000 varied rows: totals equal plain sums over the
 * rows, percentiles are observed values within one 2 % bin above the exact nearest rank,
 * guard verdicts and cache hits are counted from the details, breakdowns add up to the
 * totals, and evaluation traffic stays out.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BREAKDOWNS, DashboardQueries, percentileOf } from '../../src/dashboard/queries.js';
import { batchWriter, openDatabase } from '../../src/store/sqlite-schema.js';
import { fillLog } from '../helpers/dashboard-rows.js';
import { logRow } from '../helpers/log-rows.js';

const ROWS = 20_000;

function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
}

describe('dashboard queries', () => {
  let path: string;
  let queries: DashboardQueries;
  let raw: Database.Database;
  const now = Date.now();
  const window = { since: now - 7 * 86_400_000, until: now };

  beforeAll(() => {
    path = join(mkdtempSync(join(tmpdir(), 'dashboard-queries-')), 'log.db');
    fillLog(path, ROWS, now);
    // Evaluation traffic in range: left out of everything.
    const database = openDatabase(path);
    batchWriter(database)([logRow('eval-1', { createdAt: now - 5000, keyId: 'eval:nightly', costUsd: 5, latencyMs: 99_999 })]);
    database.close();
    queries = new DashboardQueries(path, () => undefined);
    raw = new Database(path, { readonly: true });
  });
  afterAll(() => {
    queries?.close();
    raw?.close();
  });

  it('totals are the sums of the rows; the index alone serves the overview', () => {
    const overview = queries.overview(window);
    const sums = raw
      .prepare("SELECT COUNT(*) AS requests, SUM(status <> 200) AS errors, TOTAL(cost_usd) AS cost, SUM(input_tokens) AS input, SUM(output_tokens) AS output FROM requests WHERE key_id NOT LIKE 'eval:%'")
      .get() as { requests: number; errors: number; cost: number; input: number; output: number };
    expect(overview.totals.requests).toBe(ROWS);
    expect(overview.totals.requests).toBe(sums.requests);
    expect(overview.totals.errors).toBe(sums.errors);
    expect(overview.totals.costUsd).toBeCloseTo(sums.cost, 9);
    expect(overview.totals.inputTokens).toBe(sums.input);
    expect(overview.totals.outputTokens).toBe(sums.output);
    expect(overview.series.requests.reduce((a, b) => a + b, 0)).toBe(ROWS);
    expect(overview.series.errors.reduce((a, b) => a + b, 0)).toBe(sums.errors);
    const plan = raw
      .prepare(`EXPLAIN QUERY PLAN SELECT created_at, status, latency_ms, ttft_ms, cost_usd, key_id, input_tokens, output_tokens, json_extract(details, '$.cache.status'), json_array_length(details, '$.guards') FROM requests INDEXED BY requests_overview WHERE created_at >= ? AND created_at < ?`)
      .all(0, 1) as { detail: string }[];
    expect(plan.map((step) => step.detail).join(' ')).toContain('COVERING INDEX requests_overview');
  });

  it('percentiles are observed values at most one bin (2 %) above the exact nearest rank', () => {
    const overview = queries.overview(window);
    const latencies = (raw.prepare("SELECT latency_ms FROM requests WHERE status = 200 AND key_id NOT LIKE 'eval:%' ORDER BY latency_ms").pluck().all() as number[]);
    const observed = new Set(latencies);
    for (const [q, reported] of [[0.5, overview.totals.latencyMs.p50], [0.95, overview.totals.latencyMs.p95], [0.99, overview.totals.latencyMs.p99]] as const) {
      const exact = exactQuantile(latencies, q);
      expect(reported, `p${q * 100}`).not.toBeNull();
      expect(observed.has(reported as number)).toBe(true);
      expect(reported as number).toBeGreaterThanOrEqual(exact);
      expect(((reported as number) + 1) / (exact + 1)).toBeLessThanOrEqual(Math.exp(1 / 50) + 1e-9);
    }
    const ttfts = (raw.prepare("SELECT ttft_ms FROM requests WHERE status = 200 AND key_id NOT LIKE 'eval:%' ORDER BY ttft_ms").pluck().all() as number[]);
    expect(overview.totals.ttftMs.p95 as number).toBeGreaterThanOrEqual(exactQuantile(ttfts, 0.95));
    expect(percentileOf([], 0.5)).toBeNull();
    expect(percentileOf([{ bin: 1, count: 3, max: 7 }, { bin: 4, count: 1, max: 70 }], 0.75)).toBe(7);
    expect(percentileOf([{ bin: 1, count: 3, max: 7 }, { bin: 4, count: 1, max: 70 }], 0.76)).toBe(70);
  });

  it('counts cache hits over lookups and guard verdicts by action from the details', () => {
    const overview = queries.overview(window);
    const cache = raw
      .prepare("SELECT SUM(json_extract(details, '$.cache.status') = 'hit-exact') AS hits, SUM(json_extract(details, '$.cache.status') IS NOT NULL) AS lookups FROM requests WHERE key_id NOT LIKE 'eval:%'")
      .get() as { hits: number; lookups: number };
    expect(overview.totals.cacheHits).toBe(cache.hits);
    expect(overview.totals.cacheLookups).toBe(cache.lookups);
    expect(overview.totals.cacheHitRate).toBeCloseTo(cache.hits / cache.lookups, 12);
    const guarded = (raw.prepare("SELECT COUNT(*) FROM requests WHERE details LIKE '%\"guards\"%'").pluck().get() as number);
    expect(guarded).toBeGreaterThan(0);
    expect(overview.totals.guards).toEqual({ requests: guarded, verdicts: guarded, byAction: { redact: guarded } });
  });

  it('every breakdown adds up to the totals', () => {
    const overview = queries.overview(window);
    for (const by of BREAKDOWNS) {
      const rows = queries.breakdown(by, window);
      expect(rows.reduce((sum, row) => sum + row.requests, 0), by).toBe(ROWS);
      expect(rows.reduce((sum, row) => sum + row.errors, 0), by).toBe(overview.totals.errors);
      expect(rows.reduce((sum, row) => sum + row.costUsd, 0), by).toBeCloseTo(overview.totals.costUsd, 9);
    }
    expect(queries.breakdown('category', window).map((row) => row.group).sort()).toEqual(['chat', 'coding', 'extraction', 'summarization']);
  });

  it('a narrower window and its buckets', () => {
    const hour = queries.overview({ since: now - 3_600_000, until: now });
    const inHour = raw.prepare("SELECT COUNT(*) FROM requests WHERE created_at >= ? AND key_id NOT LIKE 'eval:%'").pluck().get(now - 3_600_000) as number;
    expect(hour.totals.requests).toBe(inHour);
    expect(hour.bucketMs).toBe(60_000);
    expect(hour.series.time.length).toBeGreaterThanOrEqual(60);
  });
});
