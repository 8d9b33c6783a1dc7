/**
 * Spend reports from the request log: cost and tokens summed by key, team, route, model
 * or day over a time range, usage of one key, and the savings report — what the same
 * requests would have cost on a baseline model, by route and task category (the same tokens,
 * or the baseline's own measured answer lengths from evaluation runs).
 * Evaluation calls (key id `eval:…`) are left out of both unless asked for.
 */
import type Database from 'better-sqlite3';
import type { Price } from '../config/load.js';
import type { TokenCounts } from '../core/types.js';
import { openDatabase } from '../store/sqlite-schema.js';
import { tokenCost } from './pricing.js';

export type SpendGrouping = 'key' | 'team' | 'route' | 'model' | 'day';

const GROUP_COLUMN: Record<SpendGrouping, string> = {
  key: 'key_id',
  team: 'team',
  route: 'route',
  model: 'model',
  day: "strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')",
};

/** The same groups in spend_rollup (rows pruned by retention; '' stands for none there). */
const ROLLUP_COLUMN: Record<SpendGrouping, string> = {
  key: "NULLIF(key_id, '')",
  team: "NULLIF(team, '')",
  route: "NULLIF(route, '')",
  model: "NULLIF(model, '')",
  day: "strftime('%Y-%m-%d', day / 1000, 'unixepoch')",
};

const DAY_MS = 86_400_000;

/** Tokens by class (TokenCounts: totals and their parts), cost and requests of one group. */
export interface SpendRow extends TokenCounts {
  group: string | null;
  requests: number;
  costUsd: number;
}

/** Every token column with its TokenCounts name (requests and spend_rollup have them all). */
export const TOKEN_COLUMN_NAMES = [
  ['input_tokens', 'inputTokens'],
  ['output_tokens', 'outputTokens'],
  ['cached_input_tokens', 'cachedInputTokens'],
  ['cache_write_5m_tokens', 'cacheWrite5mTokens'],
  ['cache_write_1h_tokens', 'cacheWrite1hTokens'],
  ['audio_input_tokens', 'audioInputTokens'],
  ['image_input_tokens', 'imageInputTokens'],
  ['reasoning_tokens', 'reasoningTokens'],
] as const;

/** SUM() of every token column under its TokenCounts name. */
const TOKEN_SUMS = TOKEN_COLUMN_NAMES.map(([column, name]) => `SUM(${column}) AS ${name}`).join(', ');
const TOKEN_COLUMNS = TOKEN_COLUMN_NAMES.map(([column]) => column).join(', ');

/**
 * How the baseline's cost of a request is reckoned. `tokens`: the request's own tokens at the
 * baseline's prices (as if the baseline had answered at the same length). `measured`: its own
 * input tokens, and as many output tokens as the baseline itself wrote per answer in the
 * request's category in stored evaluation runs (a model that writes twice as much costs twice
 * as much); a row whose category the evaluations did not measure falls back to `tokens`.
 */
export type BaselineMode = 'tokens' | 'measured';

/** The baseline model's measured answer length per category, from stored evaluation results. */
export interface BaselineLengths {
  model: string;
  /** Mean completion tokens per answered call, and the calls behind it, per category. */
  categories: Record<string, { meanOutputTokens: number; answers: number }>;
  /** Names of the runs the answers come from. */
  runs: string[];
}

export interface SavingsRow {
  route: string | null;
  category: string | null;
  /** How this row's baseline was priced (`measured` falls back to `tokens` where its category was not measured). */
  baselineMode: BaselineMode;
  requests: number;
  actualUsd: number;
  baselineUsd: number;
  savedUsd: number;
  /** Share of the baseline cost saved (0..1). */
  savedShare: number;
  /** Of the requests, those answered from the response cache (cost 0, no tokens). */
  cacheHits: number;
  /** What the cached answers cost when they were produced: spend the cache avoided, over savedUsd. */
  cacheAvoidedUsd: number;
}

export interface TimeRange {
  since?: number;
  until?: number;
}

/** Evaluation calls (key id `eval:<run or schedule>`) are measurements, not traffic: left out unless asked for. */
export interface EvalTraffic {
  includeEval?: boolean;
}

const NOT_EVAL = "(key_id IS NULL OR key_id NOT LIKE 'eval:%')";

export class SpendReports implements SpendReader {
  private readonly database: Database.Database;

  constructor(
    path: string,
    private readonly flushLog: () => void,
  ) {
    this.database = openDatabase(path);
  }

  private range(range: TimeRange, extra = ''): { where: string; parameters: (string | number)[] } {
    const clauses = ['1 = 1'];
    const parameters: (string | number)[] = [];
    if (range.since !== undefined) {
      clauses.push('created_at >= ?');
      parameters.push(range.since);
    }
    if (range.until !== undefined) {
      clauses.push('created_at < ?');
      parameters.push(range.until);
    }
    if (extra) clauses.push(extra);
    return { where: clauses.join(' AND '), parameters };
  }

  /** Spend grouped by key, team, route, model or day; rows pruned by retention count by the day they fall on. */
  spend(grouping: SpendGrouping, range: TimeRange = {}, filter: { keyId?: string } & EvalTraffic = {}): SpendRow[] {
    this.flushLog();
    // Asking for one key's spend includes it whatever it is.
    const withoutEval = filter.keyId === undefined && filter.includeEval !== true;
    const { where, parameters } = this.range(range, filter.keyId !== undefined ? 'key_id = ?' : withoutEval ? NOT_EVAL : '');
    if (filter.keyId !== undefined) parameters.push(filter.keyId);
    const rolled = this.rollupRange(range, filter.keyId, withoutEval);
    return this.database
      .prepare(
        `SELECT grp AS "group", SUM(requests) AS requests, ${TOKEN_SUMS}, SUM(cost_usd) AS costUsd FROM (
           SELECT ${GROUP_COLUMN[grouping]} AS grp, 1 AS requests, ${TOKEN_COLUMNS}, cost_usd FROM requests WHERE ${where}
           UNION ALL
           SELECT ${ROLLUP_COLUMN[grouping]}, requests, ${TOKEN_COLUMNS}, cost_usd FROM spend_rollup WHERE ${rolled.where}
         ) GROUP BY 1 ORDER BY costUsd DESC, 1`,
      )
      .all(...parameters, ...rolled.parameters) as SpendRow[];
  }

  private rollupRange(range: TimeRange, keyId: string | undefined, withoutEval = false): { where: string; parameters: (string | number)[] } {
    const clauses = ['1 = 1'];
    if (withoutEval) clauses.push("key_id NOT LIKE 'eval:%'");
    const parameters: (string | number)[] = [];
    if (range.since !== undefined) {
      clauses.push('day >= ?');
      parameters.push(Math.floor(range.since / DAY_MS) * DAY_MS);
    }
    if (range.until !== undefined) {
      clauses.push('day < ?');
      parameters.push(range.until);
    }
    if (keyId !== undefined) {
      clauses.push('key_id = ?');
      parameters.push(keyId);
    }
    return { where: clauses.join(' AND '), parameters };
  }

  /**
   * Actual cost against the same tokens, class by class, priced at `baseline`, per route and
   * category (the category the route classified the request as; requests to a model name have none).
   */
  /**
   * The model's answer lengths per category from every stored evaluation run that measured it
   * as a model (answered calls only); null when there are none (or no evaluation tables).
   */
  baselineLengths(model: string): BaselineLengths | null {
    const table = this.database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'eval_results'").get();
    if (!table) return null;
    const rows = this.database
      .prepare(
        `SELECT category, AVG(output_tokens) AS meanOutputTokens, COUNT(*) AS answers FROM eval_results
         WHERE target = ? AND target_kind = 'model' AND status < 400 AND error IS NULL GROUP BY category ORDER BY category`,
      )
      .all(model) as Array<{ category: string; meanOutputTokens: number; answers: number }>;
    if (rows.length === 0) return null;
    const runs = this.database
      .prepare(`SELECT DISTINCT r.name AS name FROM eval_results e JOIN eval_runs r ON r.id = e.run_id WHERE e.target = ? AND e.target_kind = 'model' ORDER BY r.name`)
      .all(model) as Array<{ name: string }>;
    return { model, categories: Object.fromEntries(rows.map((row) => [row.category, { meanOutputTokens: row.meanOutputTokens, answers: row.answers }])), runs: runs.map((run) => run.name) };
  }

  /**
   * Actual cost against the baseline's, per route and category (the category the route
   * classified the request as; requests to a model name have none). With `lengths`, the
   * baseline writes its own measured answer length (mode `measured`), else the same tokens.
   */
  savings(baseline: Price, range: TimeRange = {}, traffic: EvalTraffic = {}, lengths: BaselineLengths | null = null): SavingsRow[] {
    this.flushLog();
    const { where, parameters } = this.range(range, traffic.includeEval === true ? 'status = 200' : `status = 200 AND ${NOT_EVAL}`);
    const rows = this.database
      .prepare(
        `SELECT route, json_extract(details, '$.decision.category.category') AS category, COUNT(*) AS requests,
           SUM(cost_usd) AS actualUsd, ${TOKEN_SUMS},
           SUM(json_extract(details, '$.cache.status') LIKE 'hit-%') AS cacheHits, COALESCE(SUM(json_extract(details, '$.cache.avoided_usd')), 0) AS cacheAvoidedUsd
         FROM requests WHERE ${where} GROUP BY 1, 2 ORDER BY 1, 2`,
      )
      .all(...parameters) as SavingsSums[];
    return rows.map((row) => savingsRow(baseline, row, lengths));
  }

  close(): void {
    this.database.close();
  }
}

/** What the savings query gives per route and category. */
export type SavingsSums = TokenCounts & { route: string | null; category: string | null; requests: number; actualUsd: number; cacheHits: number | null; cacheAvoidedUsd: number };

/**
 * One savings row: the request's tokens priced at the baseline, or with `lengths` (mode
 * `measured`) its input tokens and the baseline's own measured answer length per category.
 */
export function savingsRow(baseline: Price, row: SavingsSums, lengths: BaselineLengths | null = null): SavingsRow {
  const measured = row.category !== null ? lengths?.categories[row.category] : undefined;
  // Answers from the response cache have no tokens: the baseline would not have been asked either.
  const answered = row.requests - (row.cacheHits ?? 0);
  const tokens = measured ? { ...row, outputTokens: answered * measured.meanOutputTokens, reasoningTokens: 0 } : row;
  const baselineUsd = tokenCost(baseline, tokens) + (baseline.perRequest ?? 0) * row.requests;
  const savedUsd = baselineUsd - row.actualUsd;
  return {
    route: row.route,
    category: row.category,
    baselineMode: measured ? 'measured' : 'tokens',
    requests: row.requests,
    actualUsd: row.actualUsd,
    baselineUsd,
    savedUsd,
    savedShare: baselineUsd > 0 ? savedUsd / baselineUsd : 0,
    cacheHits: row.cacheHits ?? 0,
    cacheAvoidedUsd: row.cacheAvoidedUsd,
  };
}

/**
 * Spend and savings reports, wherever the log is read from: SQLite (SpendReports,
 * synchronous) or PostgreSQL (store/postgres-reports.ts).
 */
export interface SpendReader {
  spend(grouping: SpendGrouping, range?: TimeRange, filter?: { keyId?: string } & EvalTraffic): SpendRow[] | Promise<SpendRow[]>;
  savings(baseline: Price, range?: TimeRange, traffic?: EvalTraffic, lengths?: BaselineLengths | null): SavingsRow[] | Promise<SavingsRow[]>;
}

/** `7d`, `24h`, `30m`, or an ISO date → epoch ms; undefined stays undefined. */
export function parseSince(text: string | undefined, now = Date.now()): number | undefined {
  if (text === undefined) return undefined;
  const relative = /^(\d+)([dhm])$/.exec(text);
  if (relative) return now - Number(relative[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[relative[2] as 'd' | 'h' | 'm'];
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) throw new Error(`not a time: "${text}" (use 7d, 24h, 30m or an ISO date)`);
  return parsed;
}
