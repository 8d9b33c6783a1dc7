import { existsSync } from 'node:fs';
import { loadConfig, type GatewayConfig } from '../config/load.js';
import { formatUsd } from '../governance/pricing.js';
import { SqliteRequestLog } from '../store/sqlite-request-log.js';
import { textTable } from '../eval/report/format.js';
import { PostgresReports } from '../store/postgres-reports.js';
import type { AttemptRecord, RequestRecord } from '../store/types.js';
import { UsageError } from './arguments.js';
import { openPostgres, reading } from './postgres.js';

export async function runLogs(values: Record<string, string | boolean | undefined>): Promise<number> {
  const last = values.last === undefined ? 20 : Number(values.last);
  if (!Number.isInteger(last) || last <= 0) throw new UsageError(`--last must be a positive integer, got "${String(values.last)}"`);
  const config = typeof values.db === 'string' ? undefined : loadConfig(typeof values.config === 'string' ? { path: values.config } : {});
  // With store.postgres (and no --db), every replica's requests, from PostgreSQL.
  const url = config?.store.postgresUrl;
  if (url !== undefined) {
    const pool = openPostgres(url);
    try {
      const reports = new PostgresReports(pool);
      const rows = (await reading(url, reports.recent(last))).reverse();
      const attempts = values.json ? await reading(url, reports.attemptsOf(rows.map((row) => row.id))) : new Map<string, AttemptRecord[]>();
      return print(rows, (id) => attempts.get(id) ?? [], values.json === true);
    } finally {
      await pool.end().catch(() => undefined);
    }
  }
  const path = typeof values.db === 'string' ? values.db : (config as GatewayConfig).store.sqlitePath;
  if (!existsSync(path)) {
    console.error(`switchyard logs: no request log at ${path} yet (start the gateway and send a request first)`);
    return 1;
  }
  const log = new SqliteRequestLog({ path, flushIntervalMs: 1000, inline: true });
  try {
    return print(log.recent({ last }).reverse(), (id) => log.attemptsOf(id), values.json === true);
  } finally {
    log.close();
  }
}

function print(rows: RequestRecord[], attemptsOf: (id: string) => AttemptRecord[], json: boolean): number {
  if (json) {
    for (const row of rows) console.log(JSON.stringify({ ...row, attempt_rows: attemptsOf(row.id) }));
    return 0;
  }
  if (rows.length === 0) {
    console.log('(no requests yet)');
    return 0;
  }
  const header = ['time (UTC)', 'id', 'status', 'model', 'provider', 'route', 'stream', 'ms', 'ttft', 'in', 'out', 'cost $', 'error'];
  const table = rows.map((row) => [
    new Date(row.createdAt).toISOString().replace('T', ' ').slice(0, 23),
    row.id,
    String(row.status),
    row.model ?? row.requestedModel,
    row.provider ?? '-',
    row.route ?? '-',
    row.stream ? 'yes' : 'no',
    row.latencyMs.toFixed(0),
    row.ttftMs === null ? '-' : row.ttftMs.toFixed(0),
    String(row.inputTokens),
    String(row.outputTokens),
    formatUsd(row.costUsd),
    row.errorCode ?? '',
  ]);
  console.log(textTable(header, table, [0, 1, 3, 4, 5, 6, 12]));
  return 0;
}
