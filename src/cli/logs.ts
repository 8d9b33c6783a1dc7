import { existsSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import { formatUsd } from '../governance/pricing.js';
import { SqliteRequestLog } from '../store/sqlite-request-log.js';
import { textTable } from '../eval/report/format.js';
import { UsageError } from './arguments.js';

export function runLogs(values: Record<string, string | boolean | undefined>): number {
  const last = values.last === undefined ? 20 : Number(values.last);
  if (!Number.isInteger(last) || last <= 0) throw new UsageError(`--last must be a positive integer, got "${String(values.last)}"`);
  const path = typeof values.db === 'string' ? values.db : loadConfig(typeof values.config === 'string' ? { path: values.config } : {}).store.sqlitePath;
  if (!existsSync(path)) {
    console.error(`switchyard logs: no request log at ${path} yet (start the gateway and send a request first)`);
    return 1;
  }
  const log = new SqliteRequestLog({ path, flushIntervalMs: 1000, inline: true });
  try {
    const rows = log.recent({ last }).reverse();
    if (values.json) {
      for (const row of rows) console.log(JSON.stringify({ ...row, attempt_rows: log.attemptsOf(row.id) }));
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
  } finally {
    log.close();
  }
}
