/**
 * Reading the request log from PostgreSQL (store.postgres): recent requests and their
 * attempts for `switchyard logs`, spend by key, team, route, model or day and the savings
 * report for `switchyard spend` and the admin API — the same answers as the SQLite
 * queries in governance/spend.ts, over every replica's rows. Rows still queued on a
 * replica (while PostgreSQL was unreachable) appear once shipped.
 */
import type pg from 'pg';
import type { Price } from '../config/load.js';
import { savingsRow, TOKEN_COLUMN_NAMES, type BaselineLengths, type EvalTraffic, type SavingsRow, type SavingsSums, type SpendGrouping, type SpendReader, type SpendRow, type TimeRange } from '../governance/spend.js';
import type { AttemptRecord, RequestRecord } from './types.js';

const DAY_MS = 86_400_000;
const DAY_OF = (column: string): string => `to_char(to_timestamp(${column} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;

const GROUP_COLUMN: Record<SpendGrouping, string> = { key: 'key_id', team: 'team', route: 'route', model: 'model', day: DAY_OF('created_at') };
const ROLLUP_COLUMN: Record<SpendGrouping, string> = {
  key: "NULLIF(key_id, '')",
  team: "NULLIF(team, '')",
  route: "NULLIF(route, '')",
  model: "NULLIF(model, '')",
  day: DAY_OF('day'),
};
const TOKEN_SUMS = TOKEN_COLUMN_NAMES.map(([column, name]) => `SUM(${column})::float8 AS "${name}"`).join(', ');
const TOKEN_COLUMNS = TOKEN_COLUMN_NAMES.map(([column]) => column).join(', ');
const NOT_EVAL = "(key_id IS NULL OR key_id NOT LIKE 'eval:%')";

const REQUEST_COLUMNS = `id, created_at AS "createdAt", endpoint, key_id AS "keyId", team, route, requested_model AS "requestedModel", model, provider,
  stream, status, error_code AS "errorCode", error_message AS "errorMessage", finish_reason AS "finishReason", latency_ms AS "latencyMs",
  ttft_ms AS "ttftMs", ${TOKEN_COLUMN_NAMES.map(([column, name]) => `${column} AS "${name}"`).join(', ')}, cost_usd AS "costUsd",
  simulated, attempts, request_body AS "requestBody", response_body AS "responseBody", details`;
const ATTEMPT_COLUMNS = `request_id AS "requestId", attempt, model, provider, upstream_model AS "upstreamModel", started_at AS "startedAt", status,
  error_code AS "errorCode", error_message AS "errorMessage", latency_ms AS "latencyMs", ttft_ms AS "ttftMs",
  ${TOKEN_COLUMN_NAMES.map(([column, name]) => `${column} AS "${name}"`).join(', ')}, cost_usd AS "costUsd", usage_source AS "usageSource"`;

type StoredRequest = Omit<RequestRecord, 'stream' | 'simulated' | 'details'> & { stream: number; simulated: number; details: string | null };

/** Numbered placeholders for a list of parameters, from `$start`. */
class Parameters {
  readonly values: (string | number)[] = [];
  add(value: string | number): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export class PostgresReports implements SpendReader {
  constructor(private readonly pool: pg.Pool) {}

  /** The newest requests, newest first. */
  async recent(last: number): Promise<RequestRecord[]> {
    const result = await this.pool.query<StoredRequest>(`SELECT ${REQUEST_COLUMNS} FROM requests ORDER BY created_at DESC, id DESC LIMIT $1`, [last]);
    return result.rows.map((row) => ({ ...row, stream: row.stream === 1, simulated: row.simulated === 1, details: row.details ? (JSON.parse(row.details) as RequestRecord['details']) : null }));
  }

  /** The attempts of these requests, by request id, in attempt order. */
  async attemptsOf(requestIds: readonly string[]): Promise<Map<string, AttemptRecord[]>> {
    const byRequest = new Map<string, AttemptRecord[]>(requestIds.map((id) => [id, []]));
    if (requestIds.length === 0) return byRequest;
    const result = await this.pool.query<AttemptRecord>(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE request_id = ANY($1) ORDER BY request_id, attempt`, [requestIds]);
    for (const attempt of result.rows) byRequest.get(attempt.requestId)?.push(attempt);
    return byRequest;
  }

  /** Spend grouped by key, team, route, model or day; rows pruned by retention count by the day they fall on. */
  async spend(grouping: SpendGrouping, range: TimeRange = {}, filter: { keyId?: string } & EvalTraffic = {}): Promise<SpendRow[]> {
    const parameters = new Parameters();
    const withoutEval = filter.keyId === undefined && filter.includeEval !== true;
    const rows = ['TRUE'];
    const rolled = ['TRUE'];
    if (range.since !== undefined) {
      rows.push(`created_at >= ${parameters.add(range.since)}`);
      rolled.push(`day >= ${parameters.add(Math.floor(range.since / DAY_MS) * DAY_MS)}`);
    }
    if (range.until !== undefined) {
      const until = parameters.add(range.until);
      rows.push(`created_at < ${until}`);
      rolled.push(`day < ${until}`);
    }
    if (filter.keyId !== undefined) {
      const key = parameters.add(filter.keyId);
      rows.push(`key_id = ${key}`);
      rolled.push(`key_id = ${key}`);
    } else if (withoutEval) {
      rows.push(NOT_EVAL);
      rolled.push("key_id NOT LIKE 'eval:%'");
    }
    // Ordered as SQLite orders (bytewise, none first), so both backends list the same.
    const result = await this.pool.query<SpendRow>(
      `SELECT grp AS "group", SUM(requests)::float8 AS requests, ${TOKEN_SUMS}, SUM(cost_usd)::float8 AS "costUsd" FROM (
         SELECT ${GROUP_COLUMN[grouping]} AS grp, 1 AS requests, ${TOKEN_COLUMNS}, cost_usd FROM requests WHERE ${rows.join(' AND ')}
         UNION ALL
         SELECT ${ROLLUP_COLUMN[grouping]}, requests, ${TOKEN_COLUMNS}, cost_usd FROM spend_rollup WHERE ${rolled.join(' AND ')}
       ) AS spent GROUP BY grp ORDER BY "costUsd" DESC, grp COLLATE "C" NULLS FIRST`,
      parameters.values,
    );
    return result.rows;
  }

  /** Actual cost against the baseline (same tokens, or its measured answer lengths), per route and category (successful requests). */
  async savings(baseline: Price, range: TimeRange = {}, traffic: EvalTraffic = {}, lengths: BaselineLengths | null = null): Promise<SavingsRow[]> {
    const parameters = new Parameters();
    const clauses = ['status = 200'];
    if (traffic.includeEval !== true) clauses.push(NOT_EVAL);
    if (range.since !== undefined) clauses.push(`created_at >= ${parameters.add(range.since)}`);
    if (range.until !== undefined) clauses.push(`created_at < ${parameters.add(range.until)}`);
    const result = await this.pool.query<SavingsSums>(
      `SELECT * FROM (SELECT route, details::jsonb #>> '{decision,category,category}' AS category, COUNT(*)::float8 AS requests, SUM(cost_usd)::float8 AS "actualUsd", ${TOKEN_SUMS},
         COUNT(*) FILTER (WHERE details::jsonb #>> '{cache,status}' LIKE 'hit-%')::float8 AS "cacheHits",
         COALESCE(SUM((details::jsonb #>> '{cache,avoided_usd}')::float8), 0)::float8 AS "cacheAvoidedUsd"
       FROM requests WHERE ${clauses.join(' AND ')} GROUP BY 1, 2) AS saved
       ORDER BY route COLLATE "C" NULLS FIRST, category COLLATE "C" NULLS FIRST`,
      parameters.values,
    );
    return result.rows.map((row) => savingsRow(baseline, row, lengths));
  }
}
