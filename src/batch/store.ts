/**
 * Durable state of the Files and Batches APIs: file metadata, batches and every input line
 * with its state and answer, in one SQLite database (`batch.dir`/batches.db, WAL); file
 * contents are plain files beside it. Every change of a line is committed before the next
 * step, so a restart — kill -9 included — resumes exactly where the last commit left off.
 * Several processes (workers, replicas on one machine) share it; a lease decides which of
 * them works a batch.
 */
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

function randomId(): string {
  return randomBytes(12).toString('hex');
}

export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';
import type { BatchEndpoint } from './endpoints.js';

export type { BatchEndpoint } from './endpoints.js';
export type LineState = 'pending' | 'running' | 'done' | 'failed';

export interface StoredFile {
  id: string;
  /** The key that uploaded it (null when the gateway runs without keys). */
  owner: string | null;
  purpose: string;
  filename: string;
  bytes: number;
  createdAt: number;
}

export interface BatchError {
  code: string;
  message: string;
  param?: string | null;
  line?: number | null;
}

export interface Batch {
  id: string;
  owner: string | null;
  endpoint: BatchEndpoint;
  inputFileId: string;
  completionWindow: string;
  metadata: Record<string, string> | null;
  status: BatchStatus;
  createdAt: number;
  expiresAt: number;
  inProgressAt: number | null;
  finalizingAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  expiredAt: number | null;
  cancellingAt: number | null;
  cancelledAt: number | null;
  outputFileId: string | null;
  errorFileId: string | null;
  errors: BatchError[] | null;
  counts: { total: number; completed: number; failed: number };
}

export interface BatchLine {
  batchId: string;
  line: number;
  customId: string;
  body: string;
  state: LineState;
  tries: number;
  requestId: string | null;
  status: number | null;
  response: string | null;
  error: BatchError | null;
  /** The native job the line was submitted with, if it went to a provider's batch API. */
  nativeJob: string | null;
}

const SCHEMA = [
  `CREATE TABLE files (
     id TEXT PRIMARY KEY, owner TEXT, purpose TEXT NOT NULL, filename TEXT NOT NULL,
     bytes INTEGER NOT NULL, created_at INTEGER NOT NULL
   );
   CREATE TABLE batches (
     id TEXT PRIMARY KEY, owner TEXT, endpoint TEXT NOT NULL, input_file_id TEXT NOT NULL,
     completion_window TEXT NOT NULL, metadata TEXT, status TEXT NOT NULL, created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL, in_progress_at INTEGER, finalizing_at INTEGER, completed_at INTEGER,
     failed_at INTEGER, expired_at INTEGER, cancelling_at INTEGER, cancelled_at INTEGER,
     output_file_id TEXT, error_file_id TEXT, errors TEXT,
     total INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,
     lease_owner TEXT, lease_until INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX batches_owner ON batches (owner, created_at);
   CREATE TABLE batch_lines (
     batch_id TEXT NOT NULL, line INTEGER NOT NULL, custom_id TEXT NOT NULL, body TEXT NOT NULL,
     state TEXT NOT NULL, tries INTEGER NOT NULL DEFAULT 0, request_id TEXT, status INTEGER,
     response TEXT, error TEXT,
     PRIMARY KEY (batch_id, line)
   );
   CREATE INDEX batch_lines_state ON batch_lines (batch_id, state);`,
  // Native forwarding: lines submitted to a provider's own batch API, one job per batch and model.
  `CREATE TABLE native_jobs (
     id TEXT PRIMARY KEY, batch_id TEXT NOT NULL, model TEXT NOT NULL, provider_batch_id TEXT,
     state TEXT NOT NULL, created_at INTEGER NOT NULL, polled_at INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX native_jobs_batch ON native_jobs (batch_id, state);
   ALTER TABLE batch_lines ADD COLUMN native_job TEXT;`,
];

/** A group of a batch's lines submitted to a provider's batch API: `submitting` until the provider named its batch, then `submitted`, then `done`. */
export interface NativeJob {
  id: string;
  batchId: string;
  model: string;
  providerBatchId: string | null;
  state: 'submitting' | 'submitted' | 'done';
  createdAt: number;
  polledAt: number;
}

/** States a batch stays in only while someone works it. */
export const ACTIVE_STATUSES: readonly BatchStatus[] = ['validating', 'in_progress', 'finalizing', 'cancelling'];

interface BatchRow {
  id: string;
  owner: string | null;
  endpoint: string;
  input_file_id: string;
  completion_window: string;
  metadata: string | null;
  status: string;
  created_at: number;
  expires_at: number;
  in_progress_at: number | null;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  output_file_id: string | null;
  error_file_id: string | null;
  errors: string | null;
  total: number;
  completed: number;
  failed: number;
}

interface LineRow {
  batch_id: string;
  line: number;
  custom_id: string;
  body: string;
  state: string;
  tries: number;
  request_id: string | null;
  status: number | null;
  response: string | null;
  error: string | null;
  native_job: string | null;
}

function batchOf(row: BatchRow): Batch {
  return {
    id: row.id,
    owner: row.owner,
    endpoint: row.endpoint as BatchEndpoint,
    inputFileId: row.input_file_id,
    completionWindow: row.completion_window,
    metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, string>) : null,
    status: row.status as BatchStatus,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    inProgressAt: row.in_progress_at,
    finalizingAt: row.finalizing_at,
    completedAt: row.completed_at,
    failedAt: row.failed_at,
    expiredAt: row.expired_at,
    cancellingAt: row.cancelling_at,
    cancelledAt: row.cancelled_at,
    outputFileId: row.output_file_id,
    errorFileId: row.error_file_id,
    errors: row.errors ? (JSON.parse(row.errors) as BatchError[]) : null,
    counts: { total: row.total, completed: row.completed, failed: row.failed },
  };
}

function lineOf(row: LineRow): BatchLine {
  return {
    batchId: row.batch_id,
    line: row.line,
    customId: row.custom_id,
    body: row.body,
    state: row.state as LineState,
    tries: row.tries,
    requestId: row.request_id,
    status: row.status,
    response: row.response,
    error: row.error ? (JSON.parse(row.error) as BatchError) : null,
    nativeJob: row.native_job,
  };
}

/** When each status is entered, by its timestamp column. */
const STATUS_COLUMN: Partial<Record<BatchStatus, string>> = {
  in_progress: 'in_progress_at',
  finalizing: 'finalizing_at',
  completed: 'completed_at',
  failed: 'failed_at',
  expired: 'expired_at',
  cancelling: 'cancelling_at',
  cancelled: 'cancelled_at',
};

export class BatchStore {
  private readonly database: Database.Database;
  readonly filesDir: string;

  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.filesDir = join(dir, 'files');
    mkdirSync(this.filesDir, { recursive: true });
    this.database = new Database(join(dir, 'batches.db'));
    this.database.pragma('busy_timeout = 5000');
    this.database.pragma('journal_mode = WAL');
    // Every committed line survives a process kill; FULL would also survive a power cut.
    this.database.pragma('synchronous = NORMAL');
    const version = this.database.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA.length) throw new Error(`${join(dir, 'batches.db')} was written by a newer Switchyard (schema ${version} > ${SCHEMA.length})`);
    for (let next = version; next < SCHEMA.length; next++) {
      // Workers and replicas on one folder may open it at once: lock, then skip what another applied.
      this.database.transaction(() => {
        if ((this.database.pragma('user_version', { simple: true }) as number) > next) return;
        this.database.exec(SCHEMA[next] ?? '');
        this.database.pragma(`user_version = ${next + 1}`);
      }).immediate();
    }
  }

  // Files

  /** Writes the content beside the database first, then the row: a file row always has its content. */
  addFile(owner: string | null, purpose: string, filename: string, content: Buffer): StoredFile {
    return this.putFile(`file-${randomId()}`, owner, purpose, filename, content);
  }

  /** A file under a chosen id, replacing one of the same id (a batch's output written again after a restart). */
  putFile(id: string, owner: string | null, purpose: string, filename: string, content: Buffer): StoredFile {
    const file: StoredFile = { id, owner, purpose, filename, bytes: content.length, createdAt: this.now() };
    const path = this.filePath(file.id);
    writeFileSync(`${path}.tmp`, content);
    renameSync(`${path}.tmp`, path);
    this.database
      .prepare('INSERT OR REPLACE INTO files (id, owner, purpose, filename, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(file.id, owner, purpose, filename, file.bytes, file.createdAt);
    return file;
  }

  /** A file of this owner; another owner's file is as absent as a missing one. */
  file(id: string, owner: string | null): StoredFile | undefined {
    const row = this.database.prepare('SELECT * FROM files WHERE id = ? AND owner IS ?').get(id, owner) as
      | { id: string; owner: string | null; purpose: string; filename: string; bytes: number; created_at: number }
      | undefined;
    return row ? { id: row.id, owner: row.owner, purpose: row.purpose, filename: row.filename, bytes: row.bytes, createdAt: row.created_at } : undefined;
  }

  files(owner: string | null, options: { purpose?: string; limit: number; after?: string; order: 'asc' | 'desc' }): StoredFile[] {
    const rows = this.database
      .prepare(
        `SELECT * FROM files WHERE owner IS ? AND (? IS NULL OR purpose = ?)
           AND (? IS NULL OR (created_at, id) ${options.order === 'desc' ? '<' : '>'} (SELECT created_at, id FROM files WHERE id = ?))
         ORDER BY created_at ${options.order}, id ${options.order} LIMIT ?`,
      )
      .all(owner, options.purpose ?? null, options.purpose ?? null, options.after ?? null, options.after ?? null, options.limit) as {
      id: string;
      owner: string | null;
      purpose: string;
      filename: string;
      bytes: number;
      created_at: number;
    }[];
    return rows.map((row) => ({ id: row.id, owner: row.owner, purpose: row.purpose, filename: row.filename, bytes: row.bytes, createdAt: row.created_at }));
  }

  fileContent(id: string): Buffer {
    return readFileSync(this.filePath(id));
  }

  deleteFile(id: string): void {
    this.database.prepare('DELETE FROM files WHERE id = ?').run(id);
    rmSync(this.filePath(id), { force: true });
  }

  private filePath(id: string): string {
    return join(this.filesDir, id);
  }

  // Batches

  /**
   * A new batch, `validating` until the runner has read its input file — or, given its
   * `lines` already validated (an Anthropic Message Batch carries its requests in the
   * create call), `in_progress` with them, in the same transaction.
   */
  createBatch(input: {
    owner: string | null;
    endpoint: BatchEndpoint;
    inputFileId: string;
    completionWindow: string;
    windowMs: number;
    metadata: Record<string, string> | null;
    idPrefix?: string;
    lines?: readonly { line: number; customId: string; body: string }[];
  }): Batch {
    const id = `${input.idPrefix ?? 'batch_'}${randomId()}`;
    const createdAt = this.now();
    this.database.transaction(() => {
      this.database
        .prepare(
          `INSERT INTO batches (id, owner, endpoint, input_file_id, completion_window, metadata, status, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, 'validating', ?, ?)`,
        )
        .run(id, input.owner, input.endpoint, input.inputFileId, input.completionWindow, input.metadata ? JSON.stringify(input.metadata) : null, createdAt, createdAt + input.windowMs);
      if (input.lines) this.startBatch(id, input.lines);
    })();
    return this.batch(id) as Batch;
  }

  /** Removes a batch and its lines (its output files, if any, stay files of their own). */
  deleteBatch(id: string): void {
    this.database.transaction(() => {
      this.database.prepare('DELETE FROM batch_lines WHERE batch_id = ?').run(id);
      this.database.prepare('DELETE FROM batches WHERE id = ?').run(id);
    })();
  }

  /** How a batch's lines stand, the way Anthropic counts them: cancelled and expired lines apart from the ones that erred. */
  lineTally(batchId: string): { processing: number; succeeded: number; errored: number; canceled: number; expired: number } {
    const row = this.database
      .prepare(
        `SELECT COALESCE(SUM(state IN ('pending', 'running')), 0) AS processing,
                COALESCE(SUM(state = 'done'), 0) AS succeeded,
                COALESCE(SUM(state = 'failed' AND json_extract(error, '$.code') = 'batch_cancelled'), 0) AS canceled,
                COALESCE(SUM(state = 'failed' AND json_extract(error, '$.code') = 'batch_expired'), 0) AS expired,
                COALESCE(SUM(state = 'failed' AND COALESCE(json_extract(error, '$.code'), '') NOT IN ('batch_cancelled', 'batch_expired')), 0) AS errored
           FROM batch_lines WHERE batch_id = ?`,
      )
      .get(batchId) as { processing: number; succeeded: number; errored: number; canceled: number; expired: number };
    return row;
  }

  batch(id: string, owner?: string | null): Batch | undefined {
    const row = (
      owner === undefined
        ? this.database.prepare('SELECT * FROM batches WHERE id = ?').get(id)
        : this.database.prepare('SELECT * FROM batches WHERE id = ? AND owner IS ?').get(id, owner)
    ) as BatchRow | undefined;
    return row ? batchOf(row) : undefined;
  }

  /**
   * An owner's batches of one kind (OpenAI batches, or Anthropic Message Batches), newest
   * first: the `limit` older than `after`, or the `limit` newer than `before`.
   */
  batches(owner: string | null, options: { kind: 'openai' | 'anthropic'; limit: number; after?: string; before?: string }): Batch[] {
    const kind = options.kind === 'anthropic' ? "endpoint = '/v1/messages'" : "endpoint <> '/v1/messages'";
    if (options.before !== undefined) {
      const rows = this.database
        .prepare(
          `SELECT * FROM batches WHERE owner IS ? AND ${kind}
             AND (created_at, id) > (SELECT created_at, id FROM batches WHERE id = ?)
           ORDER BY created_at ASC, id ASC LIMIT ?`,
        )
        .all(owner, options.before, options.limit) as BatchRow[];
      return rows.map(batchOf).reverse();
    }
    const rows = this.database
      .prepare(
        `SELECT * FROM batches WHERE owner IS ? AND ${kind}
           AND (? IS NULL OR (created_at, id) < (SELECT created_at, id FROM batches WHERE id = ?))
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      )
      .all(owner, options.after ?? null, options.after ?? null, options.limit) as BatchRow[];
    return rows.map(batchOf);
  }

  /** Moves a batch to `status` (stamping the time) only from one of `from`; false when it was elsewhere. */
  transition(id: string, from: readonly BatchStatus[], status: BatchStatus, extra: { errors?: BatchError[]; outputFileId?: string | null; errorFileId?: string | null } = {}): boolean {
    const column = STATUS_COLUMN[status];
    const sets = ['status = ?'];
    const values: unknown[] = [status];
    if (column) {
      sets.push(`${column} = ?`);
      values.push(this.now());
    }
    if (extra.errors) {
      sets.push('errors = ?');
      values.push(JSON.stringify(extra.errors));
    }
    if (extra.outputFileId !== undefined) {
      sets.push('output_file_id = ?');
      values.push(extra.outputFileId);
    }
    if (extra.errorFileId !== undefined) {
      sets.push('error_file_id = ?');
      values.push(extra.errorFileId);
    }
    const result = this.database
      .prepare(`UPDATE batches SET ${sets.join(', ')} WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`)
      .run(...values, id, ...from);
    return result.changes === 1;
  }

  /** Validated lines, stored in one transaction with the move to in_progress. */
  startBatch(id: string, lines: readonly { line: number; customId: string; body: string }[]): boolean {
    // Nested in createBatch's transaction, better-sqlite3 makes this a savepoint.
    return this.database.transaction(() => {
      if (!this.transition(id, ['validating'], 'in_progress')) return false;
      const insert = this.database.prepare("INSERT INTO batch_lines (batch_id, line, custom_id, body, state) VALUES (?, ?, ?, ?, 'pending')");
      for (const line of lines) insert.run(id, line.line, line.customId, line.body);
      this.database.prepare('UPDATE batches SET total = ? WHERE id = ?').run(lines.length, id);
      return true;
    })();
  }

  /**
   * Takes (or renews) the lease on a batch for `holder` until `until`. A lease is free when
   * it has lapsed, or when `isDead` says its holder is gone (a process of this machine
   * that no longer runs).
   */
  lease(id: string, holder: string, until: number, isDead: (holder: string) => boolean): boolean {
    return this.database.transaction(() => {
      const row = this.database.prepare('SELECT lease_owner, lease_until FROM batches WHERE id = ?').get(id) as { lease_owner: string | null; lease_until: number } | undefined;
      if (!row) return false;
      const free = row.lease_owner === null || row.lease_owner === holder || row.lease_until < this.now() || isDead(row.lease_owner);
      if (!free) return false;
      this.database.prepare('UPDATE batches SET lease_owner = ?, lease_until = ? WHERE id = ?').run(holder, until, id);
      return true;
    })();
  }

  release(id: string, holder: string): void {
    this.database.prepare('UPDATE batches SET lease_owner = NULL, lease_until = 0 WHERE id = ? AND lease_owner = ?').run(id, holder);
  }

  /** Batches someone has to work on, oldest first. */
  activeBatches(): Batch[] {
    const rows = this.database
      .prepare(`SELECT * FROM batches WHERE status IN (${ACTIVE_STATUSES.map(() => '?').join(', ')}) ORDER BY created_at`)
      .all(...ACTIVE_STATUSES) as BatchRow[];
    return rows.map(batchOf);
  }

  // Lines

  lines(batchId: string, states?: readonly LineState[], limit = 1_000_000): BatchLine[] {
    const rows = (
      states
        ? this.database.prepare(`SELECT * FROM batch_lines WHERE batch_id = ? AND state IN (${states.map(() => '?').join(', ')}) ORDER BY line LIMIT ?`).all(batchId, ...states, limit)
        : this.database.prepare('SELECT * FROM batch_lines WHERE batch_id = ? ORDER BY line LIMIT ?').all(batchId, limit)
    ) as LineRow[];
    return rows.map(lineOf);
  }

  /** Marks a line as sent, with the request id its call carries: committed before the call. */
  lineRunning(batchId: string, line: number, requestId: string): void {
    this.database.prepare("UPDATE batch_lines SET state = 'running', tries = tries + 1, request_id = ? WHERE batch_id = ? AND line = ?").run(requestId, batchId, line);
  }

  /** A line back to pending (a try that may be retried); its try stays counted. */
  linePending(batchId: string, line: number): void {
    this.database.prepare("UPDATE batch_lines SET state = 'pending' WHERE batch_id = ? AND line = ?").run(batchId, line);
  }

  /** The line's final answer and the batch's counts, in one transaction. */
  lineFinished(batchId: string, line: number, outcome: { status: number; response: string | null; error: BatchError | null }): void {
    this.database.transaction(() => {
      const state: LineState = outcome.error ? 'failed' : 'done';
      const changed = this.database
        .prepare("UPDATE batch_lines SET state = ?, status = ?, response = ?, error = ? WHERE batch_id = ? AND line = ? AND state IN ('pending', 'running')")
        .run(state, outcome.status, outcome.response, outcome.error ? JSON.stringify(outcome.error) : null, batchId, line);
      if (changed.changes === 1) this.database.prepare(`UPDATE batches SET ${state === 'done' ? 'completed' : 'failed'} = ${state === 'done' ? 'completed' : 'failed'} + 1 WHERE id = ?`).run(batchId);
    })();
  }

  /** Every line not answered yet ends with this error (a budget that ran out, a cancel, an expiry). */
  failRemaining(batchId: string, error: BatchError, status: number): number {
    return this.database.transaction(() => {
      const result = this.database
        .prepare("UPDATE batch_lines SET state = 'failed', status = ?, error = ? WHERE batch_id = ? AND state IN ('pending', 'running')")
        .run(status, JSON.stringify(error), batchId);
      this.database.prepare('UPDATE batches SET failed = failed + ? WHERE id = ?').run(result.changes, batchId);
      return result.changes;
    })();
  }

  // Native jobs

  /** Lines handed to a new native job, marked running with their request ids, in one transaction with the job. */
  createNativeJob(batchId: string, model: string, lines: readonly { line: number; requestId: string }[]): NativeJob {
    const id = `native_${randomId()}`;
    this.database.transaction(() => {
      this.database.prepare("INSERT INTO native_jobs (id, batch_id, model, state, created_at) VALUES (?, ?, ?, 'submitting', ?)").run(id, batchId, model, this.now());
      const mark = this.database.prepare("UPDATE batch_lines SET state = 'running', tries = tries + 1, request_id = ?, native_job = ? WHERE batch_id = ? AND line = ?");
      for (const line of lines) mark.run(line.requestId, id, batchId, line.line);
    })();
    return this.nativeJob(id) as NativeJob;
  }

  nativeJob(id: string): NativeJob | undefined {
    const row = this.database.prepare('SELECT * FROM native_jobs WHERE id = ?').get(id) as
      | { id: string; batch_id: string; model: string; provider_batch_id: string | null; state: string; created_at: number; polled_at: number }
      | undefined;
    return row ? { id: row.id, batchId: row.batch_id, model: row.model, providerBatchId: row.provider_batch_id, state: row.state as NativeJob['state'], createdAt: row.created_at, polledAt: row.polled_at } : undefined;
  }

  nativeJobs(batchId: string, states: readonly NativeJob['state'][]): NativeJob[] {
    const ids = this.database.prepare(`SELECT id FROM native_jobs WHERE batch_id = ? AND state IN (${states.map(() => '?').join(', ')}) ORDER BY created_at`).all(batchId, ...states) as { id: string }[];
    return ids.map((row) => this.nativeJob(row.id) as NativeJob);
  }

  /** The provider accepted the job as its batch `providerBatchId`. */
  nativeJobSubmitted(id: string, providerBatchId: string): void {
    this.database.prepare("UPDATE native_jobs SET state = 'submitted', provider_batch_id = ?, polled_at = ? WHERE id = ?").run(providerBatchId, this.now(), id);
  }

  nativeJobPolled(id: string): void {
    this.database.prepare('UPDATE native_jobs SET polled_at = ? WHERE id = ?').run(this.now(), id);
  }

  nativeJobDone(id: string): void {
    this.database.prepare("UPDATE native_jobs SET state = 'done' WHERE id = ?").run(id);
  }

  linesOfJob(batchId: string, job: string): BatchLine[] {
    return (this.database.prepare('SELECT * FROM batch_lines WHERE batch_id = ? AND native_job = ? ORDER BY line').all(batchId, job) as LineRow[]).map(lineOf);
  }

  /** Lines not finished that the gateway itself sends (not waiting on a provider's batch). */
  unfinishedHere(batchId: string): number {
    return (this.database.prepare("SELECT COUNT(*) AS n FROM batch_lines WHERE batch_id = ? AND state IN ('pending', 'running') AND native_job IS NULL").get(batchId) as { n: number }).n;
  }

  /** Lines not finished: pending or running. */
  unfinished(batchId: string): number {
    return (this.database.prepare("SELECT COUNT(*) AS n FROM batch_lines WHERE batch_id = ? AND state IN ('pending', 'running')").get(batchId) as { n: number }).n;
  }

  close(): void {
    this.database.close();
  }
}
