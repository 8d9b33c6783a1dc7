/**
 * Ships the request log from the local SQLite file to PostgreSQL (store.postgres).
 *
 * The request path does not change: rows are journaled, then written to SQLite in batches
 * (the no-loss path, kill -9 included). While shipping is on, a trigger on `requests`
 * queues every new row's id in `ship_queue` (same transaction as the row). The shipper,
 * on the writer thread, reads the queue in order, inserts the rows and their attempts into
 * PostgreSQL in one transaction per batch together with how far this file is shipped
 * (`ship_position`, keyed by the file's random source id), and only then deletes the
 * queue entries. A batch that PostgreSQL already has (a crash between its commit and the
 * delete) is recognised by the position and not inserted again: no row lost, none twice.
 * While PostgreSQL is unreachable the queue grows (retention keeps queued rows) and is
 * caught up when it returns.
 */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { checkOut } from './postgres-schema.js';
import { TOKEN_CLASS_COLUMNS } from './sqlite-schema.js';

/** Rows per PostgreSQL transaction. */
export const SHIP_BATCH_ROWS = 1000;
const DAY_MS = 86_400_000;

/**
 * Turn shipping on for this SQLite file: the trigger, and the rows already there queued
 * (so PostgreSQL gets the whole log). Idempotent. The file's source id.
 */
export function enableShipping(database: Database.Database): string {
  return database
    .transaction((): string => {
      let source = (database.prepare('SELECT id FROM ship_source').get() as { id: string } | undefined)?.id;
      if (source === undefined) {
        source = randomBytes(8).toString('hex');
        database.prepare('INSERT INTO ship_source (id) VALUES (?)').run(source);
      }
      const exists = database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'requests_ship'").get();
      if (!exists) {
        database.exec(`CREATE TRIGGER requests_ship AFTER INSERT ON requests BEGIN INSERT INTO ship_queue (request_id) VALUES (NEW.id); END;
          INSERT INTO ship_queue (request_id) SELECT id FROM requests ORDER BY created_at, rowid;`);
      }
      return source;
    })
    .immediate();
}

/** Turn shipping off (store.postgres removed): no more queueing, the queue emptied. */
export function disableShipping(database: Database.Database): boolean {
  return database
    .transaction((): boolean => {
      const exists = database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'requests_ship'").get();
      if (!exists) return false;
      database.exec('DROP TRIGGER requests_ship; DELETE FROM ship_queue;');
      return true;
    })
    .immediate();
}

/**
 * A batch goes as one array per column (`unnest`), not one parameter per value: a handful
 * of parameters however many rows, which PostgreSQL parses and plans far faster than
 * thousands of placeholders. The types are the tables' columns, in order.
 */
const TOKEN_TYPES = TOKEN_CLASS_COLUMNS.map(() => 'int8');
const REQUEST_TYPES = [
  'text', 'int8', 'text', 'text', 'text', 'text', 'text', 'text', 'int2', 'int4', 'text', 'text', 'text', 'float8', 'float8',
  'int8', 'int8', 'int8', 'float8', 'int2', 'int4', 'text', 'text', 'text', 'text', ...TOKEN_TYPES,
];
const ATTEMPT_TYPES = ['text', 'int4', 'text', 'text', 'text', 'int8', 'int4', 'text', 'text', 'float8', 'float8', 'int8', 'int8', 'int8', 'float8', 'text', ...TOKEN_TYPES];

function columnsInsert(table: string, types: readonly string[], key: string): string {
  return `INSERT INTO ${table} SELECT * FROM unnest(${types.map((type, index) => `$${index + 1}::${type}[]`).join(', ')}) ON CONFLICT (${key}) DO NOTHING`;
}

/** Rows (column values in table order) as one array per column. */
function columnsOf(rows: readonly Record<string, unknown>[], count: number): unknown[][] {
  const columns: unknown[][] = Array.from({ length: count }, () => new Array<unknown>(rows.length));
  rows.forEach((row, index) => {
    let column = 0;
    for (const value of Object.values(row)) (columns[column++] as unknown[])[index] = value;
  });
  return columns;
}

type Row = Record<string, unknown>;

export class PostgresShipper {
  private readonly nextBatch: Database.Statement;
  private readonly attemptsOf: Database.Statement;
  private readonly count: Database.Statement;
  private readonly confirm: Database.Statement;

  constructor(
    private readonly database: Database.Database,
    private readonly pool: pg.Pool,
    readonly source: string,
  ) {
    this.nextBatch = database.prepare(
      `SELECT q.seq AS ship_seq, r.* FROM ship_queue q LEFT JOIN requests r ON r.id = q.request_id ORDER BY q.seq LIMIT ${SHIP_BATCH_ROWS}`,
    );
    this.attemptsOf = database.prepare('SELECT * FROM attempts WHERE request_id IN (SELECT value FROM json_each(?)) ORDER BY request_id, attempt');
    this.count = database.prepare('SELECT COUNT(*) AS rows FROM ship_queue');
    this.confirm = database.prepare('DELETE FROM ship_queue WHERE seq <= ?');
  }

  /** Rows queued and not confirmed by PostgreSQL. */
  backlog(): number {
    return (this.count.get() as { rows: number }).rows;
  }

  /** Ship one batch: the rows shipped (0 when the queue is empty). Throws when PostgreSQL fails; the batch stays queued. */
  async shipBatch(): Promise<number> {
    const queued = this.nextBatch.all() as (Row & { ship_seq: number })[];
    if (queued.length === 0) return 0;
    const last = (queued[queued.length - 1] as { ship_seq: number }).ship_seq;
    const { client, done: release } = await checkOut(this.pool);
    let shipped = 0;
    try {
      await client.query('BEGIN');
      // The row lock orders shippers of one source (processes sharing this file).
      await client.query('INSERT INTO ship_position (source, seq, shipped_at) VALUES ($1, 0, $2) ON CONFLICT (source) DO NOTHING', [this.source, Date.now()]);
      const position = await client.query<{ seq: number }>('SELECT seq FROM ship_position WHERE source = $1 FOR UPDATE', [this.source]);
      const done = position.rows[0]?.seq ?? 0;
      // Queue entries whose row is gone (cannot happen while retention keeps queued rows) and duplicates are skipped.
      const seen = new Set<string>();
      const rows: Row[] = [];
      for (const entry of queued) {
        if (entry.ship_seq <= done || entry.id == null || seen.has(entry.id as string)) continue;
        seen.add(entry.id as string);
        const { ship_seq: _seq, ...row } = entry;
        rows.push(row);
      }
      if (rows.length > 0) {
        await client.query(columnsInsert('requests', REQUEST_TYPES, 'id'), columnsOf(rows, REQUEST_TYPES.length));
        const attempts = this.attemptsOf.all(JSON.stringify([...seen])) as Row[];
        if (attempts.length > 0) await client.query(columnsInsert('attempts', ATTEMPT_TYPES, 'request_id, attempt'), columnsOf(attempts, ATTEMPT_TYPES.length));
      }
      if (last > done) await client.query('UPDATE ship_position SET seq = $2, shipped_at = $3 WHERE source = $1', [this.source, last, Date.now()]);
      await client.query('COMMIT');
      shipped = rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      release(true);
      throw error;
    }
    release();
    this.confirm.run(last);
    return shipped;
  }
}

const TOKENS = ['input_tokens', 'output_tokens', 'cached_input_tokens', ...TOKEN_CLASS_COLUMNS];

/**
 * One retention step in PostgreSQL: up to `rows` requests older than the cutoff deleted
 * with their attempts, their spend added to spend_rollup per day, key, team, route and
 * model — one statement, so replicas pruning at once never count a row twice. The rows deleted.
 */
export async function prunePostgres(pool: pg.Pool, cutoff: number, rows: number): Promise<number> {
  const result = await pool.query<{ deleted: number }>(
    `WITH gone AS (
       DELETE FROM requests WHERE id IN (
         SELECT id FROM requests WHERE created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED
       ) RETURNING *
     ), gone_attempts AS (
       DELETE FROM attempts WHERE request_id IN (SELECT id FROM gone)
     ), rolled AS (
       INSERT INTO spend_rollup (day, key_id, team, route, model, requests, ${TOKENS.join(', ')}, cost_usd)
       SELECT (created_at / ${DAY_MS}) * ${DAY_MS}, COALESCE(key_id, ''), COALESCE(team, ''), COALESCE(route, ''), COALESCE(model, ''),
              COUNT(*), ${TOKENS.map((column) => `SUM(${column})`).join(', ')}, SUM(cost_usd)
       FROM gone GROUP BY 1, 2, 3, 4, 5
       ON CONFLICT (day, key_id, team, route, model) DO UPDATE SET
         requests = spend_rollup.requests + excluded.requests,
         ${TOKENS.map((column) => `${column} = spend_rollup.${column} + excluded.${column}`).join(', ')},
         cost_usd = spend_rollup.cost_usd + excluded.cost_usd
     )
     SELECT COUNT(*)::int AS deleted FROM gone`,
    [cutoff, rows],
  );
  return result.rows[0]?.deleted ?? 0;
}
