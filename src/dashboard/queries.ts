/**
 * What the dashboard reads from the request log: the overview of a time range (totals,
 * percentiles and time series from one pass over a covering index), breakdowns, the
 * filtered request list and one request with its attempts. Evaluation traffic (key id
 * `eval:…`) is left out, as in the spend reports, so the numbers agree with /admin/spend.
 */
import type Database from 'better-sqlite3';
import type { Price } from '../config/load.js';
import { openDatabase } from '../store/sqlite-schema.js';
import { emptyTokenCounts } from '../core/usage.js';
import { tokenCost } from '../governance/pricing.js';

const NOT_EVAL = "(key_id IS NULL OR key_id NOT LIKE 'eval:%')";
const OVERVIEW_WHERE = `created_at >= ? AND created_at < ? AND ${NOT_EVAL}`;
/** The expressions the requests_overview index holds (written exactly as there, so SQLite reads them from it). */
const CACHE_STATUS = "json_extract(details, '$.cache.status')";
const GUARD_VERDICTS = "json_array_length(details, '$.guards')";
/** The token columns the savings against a baseline price needs, under their TokenCounts names. */
const TOKEN_CLASSES = ['input_tokens', 'output_tokens', 'cached_input_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens', 'audio_input_tokens', 'image_input_tokens', 'reasoning_tokens'] as const;
const TOKEN_CLASS_NAMES = ['inputTokens', 'outputTokens', 'cachedInputTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens', 'audioInputTokens', 'imageInputTokens', 'reasoningTokens'] as const;

export interface TimeWindow {
  since: number;
  until: number;
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface OverviewTotals {
  requests: number;
  errors: number;
  errorRate: number;
  latencyMs: Percentiles;
  ttftMs: Percentiles;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  cacheHits: number;
  cacheLookups: number;
  cacheHitRate: number | null;
  /** Requests with a verdict of each action, and how many verdicts there were. */
  guards: { requests: number; verdicts: number; byAction: Record<string, number> };
}

export interface OverviewSeries {
  /** Bucket starts, epoch seconds (what uPlot takes). */
  time: number[];
  requests: number[];
  errors: number[];
  costUsd: number[];
  tokens: number[];
  latencyP50: (number | null)[];
  latencyP95: (number | null)[];
  ttftP95: (number | null)[];
  cacheHits: number[];
  guardVerdicts: number[];
}

export interface Overview {
  since: number;
  until: number;
  bucketMs: number;
  totals: OverviewTotals;
  series: OverviewSeries;
  savings: { baseline: string; actualUsd: number; baselineUsd: number; savedUsd: number; savedShare: number } | null;
  /** Milliseconds the queries took on the server, and the process's CPU time meanwhile (apart from other load on the machine). */
  queryMs: number;
  queryCpuMs: number;
}

export const BREAKDOWNS = ['model', 'route', 'provider', 'key', 'team', 'category'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

const BREAKDOWN_COLUMN: Record<Breakdown, string> = {
  model: 'model',
  route: 'route',
  provider: 'provider',
  key: 'key_id',
  team: 'team',
  category: "json_extract(details, '$.decision.category.category')",
};

export interface BreakdownRow {
  group: string | null;
  requests: number;
  errors: number;
  errorRate: number;
  latencyP50: number | null;
  latencyP95: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface RequestFilter {
  status?: 'ok' | 'error' | number;
  model?: string;
  route?: string;
  key?: string;
  since?: number;
  until?: number;
  text?: string;
  /** The last row of the previous page (created_at and rowid): rows older than it. */
  before?: { createdAt: number; rowid: number };
  limit: number;
}

export interface RequestSummary {
  id: string;
  createdAt: number;
  endpoint: string;
  keyId: string | null;
  team: string | null;
  route: string | null;
  requestedModel: string;
  model: string | null;
  provider: string | null;
  stream: boolean;
  status: number;
  errorCode: string | null;
  latencyMs: number;
  ttftMs: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  attempts: number;
  cursor: string;
}

/** Histogram bins per factor e: bin k holds values v with ln(v + 1) in [k/50, (k+1)/50), about 2 % wide. */
const BINS_PER_E = 50;

export interface Bin {
  bin: number;
  count: number;
  /** The largest value in the bin. */
  max: number;
}

/**
 * The nearest-rank quantile from bins in ascending order: the largest value of the bin that
 * holds the rank — an observed value, at most one bin width (2 %) above the exact one.
 */
export function percentileOf(bins: readonly Bin[], q: number): number | null {
  const total = bins.reduce((sum, bin) => sum + bin.count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const bin of bins) {
    seen += bin.count;
    if (seen >= rank) return bin.max;
  }
  return bins[bins.length - 1]?.max ?? null;
}

/** A bucket width that gives about 60–120 points over the window, on a round step. */
export function bucketFor(windowMs: number): number {
  const steps = [60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 3_600_000, 2 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 86_400_000, 7 * 86_400_000];
  return steps.find((step) => windowMs / step <= 120) ?? (steps[steps.length - 1] as number);
}

export class DashboardQueries {
  private readonly database: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    path: string,
    private readonly flushLog: () => void,
  ) {
    this.database = openDatabase(path);
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.database.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** The newest row's rowid: cheap, to tell whether anything changed since the last look. */
  latestRowid(): number {
    this.flushLog();
    return ((this.statement('SELECT MAX(rowid) AS id FROM requests').get() as { id: number | null }).id ?? 0) as number;
  }

  overview(window: TimeWindow, baseline?: { name: string; price: Price }): Overview {
    const started = performance.now();
    const cpu = process.cpuUsage();
    this.flushLog();
    const bucketMs = bucketFor(window.until - window.since);
    const first = Math.floor(window.since / bucketMs) * bucketMs;
    const buckets = Math.max(1, Math.ceil((window.until - first) / bucketMs));
    const zeros = (): number[] => new Array<number>(buckets).fill(0);
    const series: OverviewSeries = {
      time: Array.from({ length: buckets }, (_, bucket) => (first + bucket * bucketMs) / 1000),
      requests: zeros(),
      errors: zeros(),
      costUsd: zeros(),
      tokens: zeros(),
      latencyP50: new Array<number | null>(buckets).fill(null),
      latencyP95: new Array<number | null>(buckets).fill(null),
      ttftP95: new Array<number | null>(buckets).fill(null),
      cacheHits: zeros(),
      guardVerdicts: zeros(),
    };
    const totals: OverviewTotals = {
      requests: 0,
      errors: 0,
      errorRate: 0,
      latencyMs: { p50: null, p95: null, p99: null },
      ttftMs: { p50: null, p95: null, p99: null },
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      cacheHits: 0,
      cacheLookups: 0,
      cacheHitRate: null,
      guards: { requests: 0, verdicts: 0, byAction: {} },
    };
    const tokens = emptyTokenCounts();
    let succeeded = 0;
    let succeededCost = 0;
    // Summed in SQLite, per bucket, from the requests_overview index alone: moving 100,000 rows into JavaScript costs more than the whole query.
    const rows = this.statement(
      `SELECT (created_at - CAST(? AS INTEGER)) / CAST(? AS INTEGER) AS bucket, COUNT(*), SUM(status <> 200), SUM(cost_usd), SUM(input_tokens), SUM(output_tokens),
         SUM(${CACHE_STATUS} IN ('hit-exact', 'hit-semantic')), SUM(${CACHE_STATUS} IN ('hit-exact', 'hit-semantic', 'miss')),
         SUM(${GUARD_VERDICTS} > 0), TOTAL(${GUARD_VERDICTS}), SUM(status = 200), TOTAL(CASE WHEN status = 200 THEN cost_usd ELSE 0 END),
         ${TOKEN_CLASSES.map((column) => `SUM(CASE WHEN status = 200 THEN ${column} ELSE 0 END)`).join(', ')}
       FROM requests INDEXED BY requests_overview WHERE ${OVERVIEW_WHERE} GROUP BY 1`,
    )
      .raw(true)
      .all(first, bucketMs, window.since, window.until) as number[][];
    for (const [bucket, requests, errors, costUsd, input, output, hits, lookups, guarded, verdicts, ok, okCost, ...classes] of rows as [number, number, number, number, number, number, number, number, number, number, number, number, ...number[]][]) {
      series.requests[bucket] = requests;
      series.errors[bucket] = errors;
      series.costUsd[bucket] = costUsd;
      series.tokens[bucket] = input + output;
      series.cacheHits[bucket] = hits;
      series.guardVerdicts[bucket] = verdicts;
      totals.requests += requests;
      totals.errors += errors;
      totals.costUsd += costUsd;
      totals.inputTokens += input;
      totals.outputTokens += output;
      totals.cacheHits += hits;
      totals.cacheLookups += lookups;
      totals.guards.requests += guarded;
      totals.guards.verdicts += verdicts;
      succeeded += ok;
      succeededCost += okCost;
      TOKEN_CLASS_NAMES.forEach((name, index) => (tokens[name] += classes[index] ?? 0));
    }
    const latency = this.histograms('latency_ms', window, first, bucketMs);
    const ttft = this.histograms('ttft_ms', window, first, bucketMs);
    for (const [bucket, bins] of latency.buckets) {
      series.latencyP50[bucket] = percentileOf(bins, 0.5);
      series.latencyP95[bucket] = percentileOf(bins, 0.95);
    }
    for (const [bucket, bins] of ttft.buckets) series.ttftP95[bucket] = percentileOf(bins, 0.95);
    totals.latencyMs = { p50: percentileOf(latency.all, 0.5), p95: percentileOf(latency.all, 0.95), p99: percentileOf(latency.all, 0.99) };
    totals.ttftMs = { p50: percentileOf(ttft.all, 0.5), p95: percentileOf(ttft.all, 0.95), p99: percentileOf(ttft.all, 0.99) };
    totals.errorRate = totals.requests > 0 ? totals.errors / totals.requests : 0;
    totals.cacheHitRate = totals.cacheLookups > 0 ? totals.cacheHits / totals.cacheLookups : null;
    if (totals.guards.requests > 0) totals.guards.byAction = this.guardActions(window);
    // The savings report's sum, in one pass: every successful request's own tokens priced at the baseline (tokenCost is linear in the counts).
    let savings: Overview['savings'] = null;
    if (baseline) {
      const actualUsd = succeededCost;
      const baselineUsd = tokenCost(baseline.price, tokens) + (baseline.price.perRequest ?? 0) * succeeded;
      savings = { baseline: baseline.name, actualUsd, baselineUsd, savedUsd: baselineUsd - actualUsd, savedShare: baselineUsd > 0 ? (baselineUsd - actualUsd) / baselineUsd : 0 };
    }
    const used = process.cpuUsage(cpu);
    return { since: window.since, until: window.until, bucketMs, totals, series, savings, queryMs: performance.now() - started, queryCpuMs: (used.user + used.system) / 1000 };
  }

  /**
   * A column of successful requests as log-scale histograms (bins 2 % wide, each with its
   * count and largest value), per bucket and for the whole window: a few thousand rows
   * from SQLite instead of one per request.
   */
  private histograms(column: 'latency_ms' | 'ttft_ms', window: TimeWindow, first: number, bucketMs: number): { buckets: Map<number, Bin[]>; all: Bin[] } {
    const rows = this.statement(
      `SELECT (created_at - CAST(? AS INTEGER)) / CAST(? AS INTEGER) AS bucket, CAST(ln(${column} + 1) * ${BINS_PER_E} AS INTEGER) AS bin, COUNT(*), MAX(${column})
       FROM requests INDEXED BY requests_overview WHERE ${OVERVIEW_WHERE} AND status = 200 AND ${column} IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
    )
      .raw(true)
      .all(first, bucketMs, window.since, window.until) as [number, number, number, number][];
    const buckets = new Map<number, Bin[]>();
    const all = new Map<number, Bin>();
    for (const [bucket, bin, count, max] of rows) {
      let bins = buckets.get(bucket);
      if (!bins) buckets.set(bucket, (bins = []));
      bins.push({ bin, count, max });
      const merged = all.get(bin);
      if (merged) {
        merged.count += count;
        merged.max = Math.max(merged.max, max);
      } else all.set(bin, { bin, count, max });
    }
    return { buckets, all: [...all.values()].sort((a, b) => a.bin - b.bin) };
  }

  /** Verdicts by action (block, redact, route-private, flag): only rows with verdicts are read. */
  private guardActions(window: TimeWindow): Record<string, number> {
    const rows = this.statement(
      `SELECT json_extract(verdict.value, '$.action') AS action, COUNT(*) AS count
       FROM requests INDEXED BY requests_overview, json_each(requests.details, '$.guards') AS verdict
       WHERE created_at >= ? AND created_at < ? AND ${NOT_EVAL} AND json_array_length(details, '$.guards') > 0
       GROUP BY 1`,
    ).all(window.since, window.until) as { action: string; count: number }[];
    return Object.fromEntries(rows.map((row) => [row.action, row.count]));
  }

  /** Per group, summed in SQLite by latency histogram bin (percentiles within 2 %, as the overview's). */
  breakdown(by: Breakdown, window: TimeWindow): BreakdownRow[] {
    this.flushLog();
    const groups = new Map<string | null, { row: BreakdownRow; bins: Bin[] }>();
    const rows = this.statement(
      `SELECT ${BREAKDOWN_COLUMN[by]}, status = 200, CAST(ln(latency_ms + 1) * ${BINS_PER_E} AS INTEGER), COUNT(*), SUM(input_tokens), SUM(output_tokens), TOTAL(cost_usd), MAX(latency_ms)
       FROM requests WHERE ${OVERVIEW_WHERE} GROUP BY 1, 2, 3 ORDER BY 1, 3`,
    )
      .raw(true)
      .all(window.since, window.until) as [string | null, number, number, number, number, number, number, number][];
    for (const [group, ok, bin, requests, inputTokens, outputTokens, costUsd, max] of rows) {
      let entry = groups.get(group);
      if (!entry) {
        entry = { row: { group, requests: 0, errors: 0, errorRate: 0, latencyP50: null, latencyP95: null, inputTokens: 0, outputTokens: 0, costUsd: 0 }, bins: [] };
        groups.set(group, entry);
      }
      entry.row.requests += requests;
      entry.row.inputTokens += inputTokens;
      entry.row.outputTokens += outputTokens;
      entry.row.costUsd += costUsd;
      if (ok === 1) entry.bins.push({ bin, count: requests, max });
      else entry.row.errors += requests;
    }
    return [...groups.values()]
      .map(({ row, bins }) => ({ ...row, errorRate: row.errors / row.requests, latencyP50: percentileOf(bins, 0.5), latencyP95: percentileOf(bins, 0.95) }))
      .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests);
  }

  requests(filter: RequestFilter): { data: RequestSummary[]; next: string | null } {
    this.flushLog();
    const clauses: string[] = [];
    const parameters: (string | number)[] = [];
    const add = (clause: string, ...values: (string | number)[]): void => {
      clauses.push(clause);
      parameters.push(...values);
    };
    if (filter.status === 'ok') add('status = 200');
    else if (filter.status === 'error') add('status <> 200');
    else if (typeof filter.status === 'number') add('status = ?', filter.status);
    if (filter.model) add('(model = ? OR requested_model = ?)', filter.model, filter.model);
    if (filter.route) add('route = ?', filter.route);
    if (filter.key) add('key_id = ?', filter.key);
    if (filter.since !== undefined) add('created_at >= ?', filter.since);
    if (filter.until !== undefined) add('created_at < ?', filter.until);
    if (filter.text) {
      const pattern = `%${filter.text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
      add(
        "(id LIKE ? ESCAPE '\\' OR requested_model LIKE ? ESCAPE '\\' OR model LIKE ? ESCAPE '\\' OR error_code LIKE ? ESCAPE '\\' OR error_message LIKE ? ESCAPE '\\' OR request_body LIKE ? ESCAPE '\\' OR response_body LIKE ? ESCAPE '\\')",
        ...Array.from({ length: 7 }, () => pattern),
      );
    }
    if (filter.before) add('(created_at < ? OR (created_at = ? AND rowid < ?))', filter.before.createdAt, filter.before.createdAt, filter.before.rowid);
    const rows = this.database
      .prepare(
        `SELECT rowid, id, created_at AS createdAt, endpoint, key_id AS keyId, team, route, requested_model AS requestedModel, model, provider, stream, status,
           error_code AS errorCode, latency_ms AS latencyMs, ttft_ms AS ttftMs, input_tokens AS inputTokens, output_tokens AS outputTokens, cost_usd AS costUsd, attempts
         FROM requests ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      )
      .all(...parameters, filter.limit + 1) as (Omit<RequestSummary, 'stream' | 'cursor'> & { rowid: number; stream: number })[];
    const page = rows.slice(0, filter.limit).map(({ rowid, ...row }) => ({ ...row, stream: row.stream === 1, cursor: `${row.createdAt}.${rowid}` }));
    return { data: page, next: rows.length > filter.limit ? (page[page.length - 1]?.cursor ?? null) : null };
  }

  close(): void {
    this.database.close();
  }
}

/** "1733500000000.42" → the row a page ended on. */
export function parseCursor(text: string): { createdAt: number; rowid: number } | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(text);
  return match ? { createdAt: Number(match[1]), rowid: Number(match[2]) } : undefined;
}
