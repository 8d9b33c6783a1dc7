/** The request log's SQLite schema, migrations and batch insert, shared by the writer thread and readers. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AttemptRecord, RequestRecord } from './types.js';

export const SCHEMA_VERSION = 9;

/** The token-class columns after cached_input_tokens, in the order they were added (at the end of both tables). */
export const TOKEN_CLASS_COLUMNS = ['cache_write_5m_tokens', 'cache_write_1h_tokens', 'audio_input_tokens', 'image_input_tokens', 'reasoning_tokens'] as const;

const MIGRATIONS: string[] = [
  `CREATE TABLE requests (
     id TEXT PRIMARY KEY,
     created_at INTEGER NOT NULL,
     endpoint TEXT NOT NULL,
     key_id TEXT,
     route TEXT,
     requested_model TEXT NOT NULL,
     model TEXT,
     provider TEXT,
     stream INTEGER NOT NULL,
     status INTEGER NOT NULL,
     error_code TEXT,
     error_message TEXT,
     finish_reason TEXT,
     latency_ms REAL NOT NULL,
     ttft_ms REAL,
     input_tokens INTEGER NOT NULL,
     output_tokens INTEGER NOT NULL,
     cached_input_tokens INTEGER NOT NULL,
     cost_usd REAL NOT NULL,
     simulated INTEGER NOT NULL,
     attempts INTEGER NOT NULL,
     request_body TEXT,
     response_body TEXT
   );
   CREATE INDEX requests_created_at ON requests (created_at);
   CREATE TABLE attempts (
     request_id TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     model TEXT NOT NULL,
     provider TEXT NOT NULL,
     upstream_model TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     status INTEGER NOT NULL,
     error_code TEXT,
     error_message TEXT,
     latency_ms REAL NOT NULL,
     ttft_ms REAL,
     input_tokens INTEGER NOT NULL,
     output_tokens INTEGER NOT NULL,
     cached_input_tokens INTEGER NOT NULL,
     cost_usd REAL NOT NULL,
     usage_source TEXT NOT NULL,
     PRIMARY KEY (request_id, attempt)
   );`,
  `ALTER TABLE requests ADD COLUMN details TEXT;`,
  `CREATE TABLE feedback (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     request_id TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     key_id TEXT,
     model TEXT,
     category TEXT,
     score REAL NOT NULL,
     comment TEXT
   );
   CREATE INDEX feedback_request ON feedback (request_id);`,
  `ALTER TABLE requests ADD COLUMN team TEXT;
   CREATE INDEX requests_key_time ON requests (key_id, created_at);
   CREATE TABLE teams (
     id TEXT PRIMARY KEY,
     created_at INTEGER NOT NULL,
     metadata TEXT
   );
   CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     team TEXT,
     owner TEXT,
     hash TEXT NOT NULL UNIQUE,
     prefix TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER,
     disabled INTEGER NOT NULL DEFAULT 0,
     revoked_at INTEGER,
     allowed_models TEXT,
     allowed_routes TEXT,
     rpm INTEGER,
     tpm INTEGER,
     max_concurrent INTEGER,
     metadata TEXT
   );
   CREATE TABLE budgets (
     id TEXT PRIMARY KEY,
     scope TEXT NOT NULL,
     scope_id TEXT,
     period TEXT NOT NULL,
     limit_usd REAL,
     limit_tokens INTEGER,
     enforcement TEXT NOT NULL,
     alert_at TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE alerts_fired (
     alert TEXT NOT NULL,
     period_start INTEGER NOT NULL,
     fired_at INTEGER NOT NULL,
     PRIMARY KEY (alert, period_start)
   );`,
  // Token classes billed at their own prices (parts of input_tokens / output_tokens); rows from before are all zero.
  ['requests', 'attempts']
    .map((table) => TOKEN_CLASS_COLUMNS.map((column) => `ALTER TABLE ${table} ADD COLUMN ${column} INTEGER NOT NULL DEFAULT 0;`).join('\n'))
    .join('\n'),
  // How far each request journal is written (in the same transaction as its rows), and the
  // spend of rows pruned by retention, per day, so budgets and spend reports keep counting it.
  `CREATE TABLE journal_position (
     journal TEXT PRIMARY KEY,
     seq INTEGER NOT NULL
   );
   CREATE TABLE spend_rollup (
     day INTEGER NOT NULL,
     key_id TEXT NOT NULL,
     team TEXT NOT NULL,
     route TEXT NOT NULL,
     model TEXT NOT NULL,
     requests INTEGER NOT NULL,
     input_tokens INTEGER NOT NULL,
     output_tokens INTEGER NOT NULL,
     cached_input_tokens INTEGER NOT NULL,
${TOKEN_CLASS_COLUMNS.map((column) => `     ${column} INTEGER NOT NULL,`).join('\n')}
     cost_usd REAL NOT NULL,
     PRIMARY KEY (day, key_id, team, route, model)
   );`,
  // Stored Responses API answers (store: true): the response object, its input items, and the
  // whole conversation up to it (canonical messages), so previous_response_id is one lookup.
  `CREATE TABLE responses (
     id TEXT PRIMARY KEY,
     request_id TEXT NOT NULL,
     key_id TEXT,
     created_at INTEGER NOT NULL,
     response TEXT NOT NULL,
     input_items TEXT NOT NULL,
     conversation TEXT NOT NULL
   );
   CREATE INDEX responses_key ON responses (key_id);`,
  // The dashboard's overview of a time range reads every column it needs from this index
  // (cache status, guard verdict count and the token classes for savings included), never
  // the rows with their bodies and details.
  `CREATE INDEX requests_overview ON requests (
     created_at, status, latency_ms, ttft_ms, cost_usd, key_id, input_tokens, output_tokens,
     json_extract(details, '$.cache.status'), json_array_length(details, '$.guards'),
     cached_input_tokens, cache_write_5m_tokens, cache_write_1h_tokens, audio_input_tokens, image_input_tokens, reasoning_tokens
   );`,
  // Rows waiting to be shipped to PostgreSQL (store.postgres), in the order they were
  // written: filled by a trigger that exists only while shipping is on, emptied as
  // PostgreSQL confirms; ship_source names this file to PostgreSQL (store/postgres-shipper.ts).
  `CREATE TABLE ship_queue (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     request_id TEXT NOT NULL
   );
   CREATE INDEX ship_queue_request ON ship_queue (request_id);
   CREATE TABLE ship_source (
     id TEXT NOT NULL
   );`,
];

export interface PendingRow {
  request: RequestRecord;
  attempts: AttemptRecord[];
}

const BUSY_WAIT_MS = 5000;
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Run `action`, again after a short pause while SQLite reports the file busy (up to 5 s). */
function whileBusy<T>(action: () => T): T {
  const deadline = Date.now() + BUSY_WAIT_MS;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      return action();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, wait);
    }
  }
}

export function openDatabase(path: string, options: { readonly?: boolean } = {}): Database.Database {
  if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path, options.readonly ? { readonly: true, fileMustExist: true } : {});
  database.pragma('busy_timeout = 5000');
  if (options.readonly) return database;
  // Switching a new file to WAL, and WAL recovery, can report busy without waiting on
  // busy_timeout while another connection opens the same file: wait and try again.
  whileBusy(() => database.pragma('journal_mode = WAL'));
  database.pragma('synchronous = NORMAL');
  // Each step re-reads the version inside a write transaction (BEGIN IMMEDIATE): another
  // thread or process opening the same new file may have applied it meanwhile, and two
  // openers must never both run one migration ("table requests already exists").
  const step = database.transaction((): number => {
    const version = database.pragma('user_version', { simple: true }) as number;
    if (version >= SCHEMA_VERSION) return version;
    database.exec(MIGRATIONS[version] ?? '');
    database.pragma(`user_version = ${version + 1}`);
    return version + 1;
  });
  let version = whileBusy(() => database.pragma('user_version', { simple: true }) as number);
  while (version < SCHEMA_VERSION) version = whileBusy(() => step.immediate());
  if (version > SCHEMA_VERSION) {
    database.close();
    throw new Error(`the request log ${path} was written by a newer Switchyard (schema ${version} > ${SCHEMA_VERSION})`);
  }
  return database;
}

/** Where a batch ends in its journal: recorded with the batch, in the same transaction. */
export interface JournalPosition {
  journal: string;
  seq: number;
}

/** A function that writes one batch (and how far into its journal it reaches) in one transaction. */
export function batchWriter(database: Database.Database): (batch: readonly PendingRow[], position?: JournalPosition) => void {
  const savePosition = database.prepare('INSERT INTO journal_position (journal, seq) VALUES (?, ?) ON CONFLICT (journal) DO UPDATE SET seq = excluded.seq');
  const insertRequest = database.prepare(`INSERT OR REPLACE INTO requests VALUES (${Array.from({ length: 30 }, () => '?').join(', ')})`);
  const insertAttempt = database.prepare(`INSERT OR REPLACE INTO attempts VALUES (${Array.from({ length: 21 }, () => '?').join(', ')})`);
  return database.transaction((batch: readonly PendingRow[], position?: JournalPosition) => {
    if (position) savePosition.run(position.journal, position.seq);
    // Positional parameters in column order: measurably cheaper than named ones.
    for (const { request: r, attempts } of batch) {
      insertRequest.run(
        r.id, r.createdAt, r.endpoint, r.keyId, r.route, r.requestedModel, r.model, r.provider, r.stream ? 1 : 0,
        r.status, r.errorCode, r.errorMessage, r.finishReason, r.latencyMs, r.ttftMs, r.inputTokens, r.outputTokens, r.cachedInputTokens,
        r.costUsd, r.simulated ? 1 : 0, r.attempts, r.requestBody, r.responseBody, r.details ? JSON.stringify(r.details) : null, r.team,
        r.cacheWrite5mTokens, r.cacheWrite1hTokens, r.audioInputTokens, r.imageInputTokens, r.reasoningTokens,
      );
      for (const a of attempts) {
        insertAttempt.run(
          a.requestId, a.attempt, a.model, a.provider, a.upstreamModel, a.startedAt, a.status, a.errorCode,
          a.errorMessage, a.latencyMs, a.ttftMs, a.inputTokens, a.outputTokens, a.cachedInputTokens, a.costUsd, a.usageSource,
          a.cacheWrite5mTokens, a.cacheWrite1hTokens, a.audioInputTokens, a.imageInputTokens, a.reasoningTokens,
        );
      }
    }
  });
}
