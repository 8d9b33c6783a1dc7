/**
 * The embedded request log: SQLite in WAL mode. Rows are queued in memory and written in
 * one transaction per batch (every flush interval, or sooner when the batch is large), so
 * a request never waits on disk. flush() runs on shutdown and on fatal errors, so no
 * acknowledged row is lost.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AttemptRecord, RequestLog, RequestLogQuery, RequestRecord } from './types.js';

const SCHEMA_VERSION = 1;

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
];

interface Pending {
  request: RequestRecord;
  attempts: AttemptRecord[];
}

export interface SqliteRequestLogOptions {
  path: string;
  flushIntervalMs: number;
  /** Write at once when this many requests are queued. */
  maxBatch?: number;
}

export class SqliteRequestLog implements RequestLog {
  private readonly database: Database.Database;
  private readonly insertRequest: Database.Statement;
  private readonly insertAttempt: Database.Statement;
  private readonly writeBatch: (batch: Pending[]) => void;
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly maxBatch: number;
  private closed = false;

  constructor(private readonly options: SqliteRequestLogOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.database = new Database(options.path);
    this.database.pragma('journal_mode = WAL');
    this.database.pragma('synchronous = NORMAL');
    this.database.pragma('busy_timeout = 5000');
    this.migrate();
    this.maxBatch = options.maxBatch ?? 512;
    this.insertRequest = this.database.prepare(
      `INSERT OR REPLACE INTO requests VALUES (@id, @createdAt, @endpoint, @keyId, @route, @requestedModel, @model, @provider, @stream,
        @status, @errorCode, @errorMessage, @finishReason, @latencyMs, @ttftMs, @inputTokens, @outputTokens, @cachedInputTokens,
        @costUsd, @simulated, @attempts, @requestBody, @responseBody)`,
    );
    this.insertAttempt = this.database.prepare(
      `INSERT OR REPLACE INTO attempts VALUES (@requestId, @attempt, @model, @provider, @upstreamModel, @startedAt, @status, @errorCode,
        @errorMessage, @latencyMs, @ttftMs, @inputTokens, @outputTokens, @cachedInputTokens, @costUsd, @usageSource)`,
    );
    this.writeBatch = this.database.transaction((batch: Pending[]) => {
      for (const pending of batch) {
        this.insertRequest.run({ ...pending.request, stream: pending.request.stream ? 1 : 0, simulated: pending.request.simulated ? 1 : 0 });
        for (const attempt of pending.attempts) this.insertAttempt.run(attempt);
      }
    });
  }

  private migrate(): void {
    const version = this.database.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`the request log ${this.options.path} was written by a newer Switchyard (schema ${version} > ${SCHEMA_VERSION})`);
    }
    for (let next = version; next < SCHEMA_VERSION; next++) {
      this.database.transaction(() => {
        this.database.exec(MIGRATIONS[next] ?? '');
        this.database.pragma(`user_version = ${next + 1}`);
      })();
    }
  }

  record(request: RequestRecord, attempts: AttemptRecord[]): void {
    if (this.closed) throw new Error('request log is closed');
    this.queue.push({ request, attempts });
    if (this.queue.length >= this.maxBatch) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      this.writeBatch(batch);
    } catch (error) {
      // Keep the rows: put them back at the front and let the next flush retry.
      this.queue = batch.concat(this.queue);
      throw error;
    }
  }

  pending(): number {
    return this.queue.length;
  }

  recent(query: RequestLogQuery): RequestRecord[] {
    const rows = this.database
      .prepare(
        `SELECT id, created_at AS createdAt, endpoint, key_id AS keyId, route, requested_model AS requestedModel, model, provider, stream,
           status, error_code AS errorCode, error_message AS errorMessage, finish_reason AS finishReason, latency_ms AS latencyMs,
           ttft_ms AS ttftMs, input_tokens AS inputTokens, output_tokens AS outputTokens, cached_input_tokens AS cachedInputTokens,
           cost_usd AS costUsd, simulated, attempts, request_body AS requestBody, response_body AS responseBody
         FROM requests ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      )
      .all(query.last ?? 20) as (Omit<RequestRecord, 'stream' | 'simulated'> & { stream: number; simulated: number })[];
    return rows.map((row) => ({ ...row, stream: row.stream === 1, simulated: row.simulated === 1 }));
  }

  attemptsOf(requestId: string): AttemptRecord[] {
    return this.database
      .prepare(
        `SELECT request_id AS requestId, attempt, model, provider, upstream_model AS upstreamModel, started_at AS startedAt, status,
           error_code AS errorCode, error_message AS errorMessage, latency_ms AS latencyMs, ttft_ms AS ttftMs, input_tokens AS inputTokens,
           output_tokens AS outputTokens, cached_input_tokens AS cachedInputTokens, cost_usd AS costUsd, usage_source AS usageSource
         FROM attempts WHERE request_id = ? ORDER BY attempt`,
      )
      .all(requestId) as AttemptRecord[];
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.database.close();
  }
}
