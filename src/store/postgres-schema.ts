/**
 * The request log's PostgreSQL schema: versioned migrations, applied in order, each in its
 * own transaction under an advisory lock, so replicas starting together apply each one
 * once. `schema_migrations` records what is applied; running them again changes nothing.
 * Tables go to the connection's search_path (a URL may set it: `?options=-c search_path=…`).
 *
 * The columns are SQLite's (store/sqlite-schema.ts), in the same order and meaning: a row
 * shipped here reads back exactly as it reads from SQLite.
 */
import pg from 'pg';
import { TOKEN_CLASS_COLUMNS } from './sqlite-schema.js';

export interface PostgresMigration {
  version: number;
  description: string;
  sql: string;
}

const TOKEN_CLASSES = TOKEN_CLASS_COLUMNS.map((column) => `${column} BIGINT NOT NULL DEFAULT 0`).join(',\n     ');

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'requests and attempts',
    sql: `CREATE TABLE requests (
     id TEXT PRIMARY KEY,
     created_at BIGINT NOT NULL,
     endpoint TEXT NOT NULL,
     key_id TEXT,
     route TEXT,
     requested_model TEXT NOT NULL,
     model TEXT,
     provider TEXT,
     stream SMALLINT NOT NULL,
     status INTEGER NOT NULL,
     error_code TEXT,
     error_message TEXT,
     finish_reason TEXT,
     latency_ms DOUBLE PRECISION NOT NULL,
     ttft_ms DOUBLE PRECISION,
     input_tokens BIGINT NOT NULL,
     output_tokens BIGINT NOT NULL,
     cached_input_tokens BIGINT NOT NULL,
     cost_usd DOUBLE PRECISION NOT NULL,
     simulated SMALLINT NOT NULL,
     attempts INTEGER NOT NULL,
     request_body TEXT,
     response_body TEXT,
     details TEXT,
     team TEXT,
     ${TOKEN_CLASSES}
   );
   CREATE INDEX requests_created_at ON requests (created_at);
   CREATE INDEX requests_key_time ON requests (key_id, created_at);
   CREATE INDEX requests_team_time ON requests (team, created_at);
   CREATE TABLE attempts (
     request_id TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     model TEXT NOT NULL,
     provider TEXT NOT NULL,
     upstream_model TEXT NOT NULL,
     started_at BIGINT NOT NULL,
     status INTEGER NOT NULL,
     error_code TEXT,
     error_message TEXT,
     latency_ms DOUBLE PRECISION NOT NULL,
     ttft_ms DOUBLE PRECISION,
     input_tokens BIGINT NOT NULL,
     output_tokens BIGINT NOT NULL,
     cached_input_tokens BIGINT NOT NULL,
     cost_usd DOUBLE PRECISION NOT NULL,
     usage_source TEXT NOT NULL,
     ${TOKEN_CLASSES},
     PRIMARY KEY (request_id, attempt)
   );`,
  },
  {
    version: 2,
    description: 'spend of pruned rows per day, and how far each local log is shipped',
    sql: `CREATE TABLE spend_rollup (
     day BIGINT NOT NULL,
     key_id TEXT NOT NULL,
     team TEXT NOT NULL,
     route TEXT NOT NULL,
     model TEXT NOT NULL,
     requests BIGINT NOT NULL,
     input_tokens BIGINT NOT NULL,
     output_tokens BIGINT NOT NULL,
     cached_input_tokens BIGINT NOT NULL,
     ${TOKEN_CLASS_COLUMNS.map((column) => `${column} BIGINT NOT NULL`).join(',\n     ')},
     cost_usd DOUBLE PRECISION NOT NULL,
     PRIMARY KEY (day, key_id, team, route, model)
   );
   CREATE TABLE ship_position (
     source TEXT PRIMARY KEY,
     seq BIGINT NOT NULL,
     shipped_at BIGINT NOT NULL
   );`,
  },
  {
    version: 3,
    description: 'keys, teams, budgets and fired alerts (the system of record with store.postgres)',
    // Every write takes the next governance_version under one advisory lock (store/postgres-governance.ts),
    // so versions become visible in order and a replica catches up with "version > the last it saw".
    // A removed budget stays as a tombstone (deleted_at) so replicas that were away learn of it.
    sql: `CREATE SEQUENCE governance_version;
   CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     team TEXT,
     owner TEXT,
     hash TEXT NOT NULL UNIQUE,
     prefix TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     expires_at BIGINT,
     disabled SMALLINT NOT NULL DEFAULT 0,
     revoked_at BIGINT,
     allowed_models TEXT,
     allowed_routes TEXT,
     rpm INTEGER,
     tpm INTEGER,
     max_concurrent INTEGER,
     metadata TEXT,
     version BIGINT NOT NULL
   );
   CREATE INDEX api_keys_version ON api_keys (version);
   CREATE TABLE teams (
     id TEXT PRIMARY KEY,
     created_at BIGINT NOT NULL,
     metadata TEXT,
     version BIGINT NOT NULL
   );
   CREATE INDEX teams_version ON teams (version);
   CREATE TABLE budgets (
     id TEXT PRIMARY KEY,
     scope TEXT NOT NULL,
     scope_id TEXT,
     period TEXT NOT NULL,
     limit_usd DOUBLE PRECISION,
     limit_tokens BIGINT,
     enforcement TEXT NOT NULL,
     alert_at TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     deleted_at BIGINT,
     version BIGINT NOT NULL
   );
   CREATE INDEX budgets_version ON budgets (version);
   CREATE TABLE alerts_fired (
     alert TEXT NOT NULL,
     period_start BIGINT NOT NULL,
     fired_at BIGINT NOT NULL,
     PRIMARY KEY (alert, period_start)
   );
   CREATE TABLE claims (
     name TEXT PRIMARY KEY,
     expires_at BIGINT NOT NULL
   );`,
  },
  {
    version: 4,
    description: 'evaluation runs and their results',
    sql: `CREATE TABLE eval_runs (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL,
     status TEXT NOT NULL,
     dataset_source TEXT NOT NULL,
     dataset_hash TEXT NOT NULL,
     cases TEXT NOT NULL,
     targets TEXT NOT NULL,
     runs INTEGER NOT NULL,
     options TEXT NOT NULL,
     version BIGINT NOT NULL
   );
   CREATE INDEX eval_runs_version ON eval_runs (version);
   CREATE TABLE eval_results (
     run_id TEXT NOT NULL,
     case_id TEXT NOT NULL,
     target TEXT NOT NULL,
     run_index INTEGER NOT NULL,
     target_kind TEXT NOT NULL,
     category TEXT NOT NULL,
     served_model TEXT,
     status INTEGER NOT NULL,
     error TEXT,
     latency_ms DOUBLE PRECISION NOT NULL,
     input_tokens BIGINT NOT NULL,
     output_tokens BIGINT NOT NULL,
     cost_usd DOUBLE PRECISION NOT NULL,
     answer TEXT NOT NULL,
     finish_reason TEXT,
     refusal SMALLINT NOT NULL,
     score_status TEXT NOT NULL,
     correct SMALLINT NOT NULL,
     raw_score DOUBLE PRECISION,
     score_detail TEXT NOT NULL,
     scoring_cost_usd DOUBLE PRECISION NOT NULL,
     scoring_calls INTEGER NOT NULL,
     scoring_cache_hits INTEGER NOT NULL,
     created_at BIGINT NOT NULL,
     version BIGINT NOT NULL,
     PRIMARY KEY (run_id, case_id, target, run_index)
   );
   CREATE INDEX eval_results_version ON eval_results (version);`,
  },
];

export const POSTGRES_SCHEMA_VERSION = (POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1] as PostgresMigration).version;

/** 64-bit integers (BIGINT, SUM results) read as numbers: times in ms, tokens and counts stay far below 2^53. */
const TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** A pool for `url`, or a clear error naming what is wrong with the URL (never echoing it: it may hold a password). */
export function postgresPool(url: string, options: { max?: number; connectTimeoutMs?: number } = {}): pg.Pool {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('store.postgres.url is not a URL (expected postgres://user:password@host:port/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`store.postgres.url must start with postgres:// or postgresql://, not ${parsed.protocol}//`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    types: TYPES,
    application_name: 'switchyard',
  });
  // An idle client whose connection dies emits here; the next query reports the failure.
  pool.on('error', () => undefined);
  return pool;
}

/** A connection error with where it went (host:port/database), never the password. */
export function describePostgresError(url: string, error: unknown): string {
  let where = 'PostgreSQL';
  try {
    const parsed = new URL(url);
    where = `PostgreSQL at ${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    // not a URL: postgresPool said so already
  }
  const cause = error as { message?: string; code?: string };
  const message = cause.message || cause.code || String(error);
  return `${where}: ${message}`;
}

/**
 * A client of the pool that never crashes the process: pg emits a dead socket's error on
 * a checked-out client even while a query is running (the query fails with it too), and
 * an 'error' event nobody listens to is an uncaught exception. Release it with `done`.
 */
export async function checkOut(pool: pg.Pool): Promise<{ client: pg.PoolClient; done: (destroy?: boolean) => void }> {
  const client = await pool.connect();
  const ignore = (): void => undefined;
  client.on('error', ignore);
  return {
    client,
    done: (destroy) => {
      client.off('error', ignore);
      client.release(destroy);
    },
  };
}

const LOCK = "hashtext('switchyard.migrations')";

/** The applied versions, in order (none before the first migration). */
export async function appliedMigrations(pool: pg.Pool): Promise<number[]> {
  const exists = await pool.query<{ table: string | null }>("SELECT to_regclass('schema_migrations')::text AS table");
  if (exists.rows[0]?.table == null) return [];
  const result = await pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  return result.rows.map((row) => row.version);
}

/**
 * Apply the migrations not applied yet, up to `target` (default: all); the versions
 * applied now. Refuses a database written by a newer Switchyard.
 */
export async function migratePostgres(pool: pg.Pool, target = POSTGRES_SCHEMA_VERSION): Promise<number[]> {
  const applied: number[] = [];
  const { client, done } = await checkOut(pool);
  try {
    for (const migration of POSTGRES_MIGRATIONS) {
      if (migration.version > target) break;
      await client.query('BEGIN');
      try {
        await client.query(`SELECT pg_advisory_xact_lock(${LOCK})`);
        await client.query(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
        );
        // Read under the lock: another replica may have applied it a moment ago.
        const newest = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
        const current = newest.rows[0]?.version ?? 0;
        if (current > POSTGRES_SCHEMA_VERSION) {
          throw new Error(`the PostgreSQL request log was written by a newer Switchyard (schema ${current} > ${POSTGRES_SCHEMA_VERSION})`);
        }
        if (current >= migration.version) {
          await client.query('COMMIT');
          continue;
        }
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [migration.version, migration.description]);
        await client.query('COMMIT');
        applied.push(migration.version);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
  } finally {
    done();
  }
  return applied;
}
