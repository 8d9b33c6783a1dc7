/**
 * The embedded request log: SQLite in WAL mode, fed through the request journal.
 *
 * record() appends the row to this process's journal (one synchronous write, the
 * durability point: the request handler calls it before the response's last byte) and
 * returns. A writer thread tails the journal into SQLite in batches and prunes by
 * retention, so neither inserts, deletes nor checkpoints touch the request path. Should
 * the writer thread die, the main thread takes over the writing. See docs/request-log.md.
 *
 * When rows cannot be written (disk full, I/O errors): the writer keeps retrying while the
 * rows wait in the journal on disk; if the journal itself cannot be written, rows wait in
 * memory up to `maxBufferedBytes`, are appended as soon as it can, and beyond that bound
 * are dropped — counted and reported, never silently. `health()` says which, for
 * readiness, metrics and alerts; `spend()` counts the rows not written yet, so budgets see
 * every cost.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { JournalAppender, JournalReader, journalOwnerAlive, journalRoot, listJournals, newJournalId, serializeRow } from './journal.js';
import { openDatabase } from './sqlite-schema.js';
import { readPositions, SqliteSink } from './sqlite-sink.js';
import type { RetentionPolicy } from './sqlite-retention.js';
import { UnwrittenSpend, type Spend, type SpendQuery } from './unwritten-spend.js';
import { FAILING_SLOT, WRITTEN_SLOT, type WriterData, type WriterMessage, type WriterReply } from './writer-protocol.js';
import type { AttemptRecord, FeedbackEntry, FeedbackSummary, PostgresState, RequestLog, RequestLogHealth, RequestLogQuery, RequestRecord } from './types.js';

/** The token-class columns under their record names. */
const TOKEN_CLASS_SELECT =
  'cache_write_5m_tokens AS cacheWrite5mTokens, cache_write_1h_tokens AS cacheWrite1hTokens, audio_input_tokens AS audioInputTokens, image_input_tokens AS imageInputTokens, reasoning_tokens AS reasoningTokens';

type StoredRequest = Omit<RequestRecord, 'stream' | 'simulated' | 'details'> & { stream: number; simulated: number; details: string | null };

function fromStored(row: StoredRequest): RequestRecord {
  return { ...row, stream: row.stream === 1, simulated: row.simulated === 1, details: row.details ? (JSON.parse(row.details) as RequestRecord['details']) : null };
}

export interface SqliteRequestLogOptions {
  path: string;
  /** How long rows may wait before the writer is woken (they are durable in the journal meanwhile). */
  flushIntervalMs: number;
  /** Write on the calling thread instead of a worker (CLI readers, tests of the fallback). */
  inline?: boolean;
  /** Told when writing fails or recovers, and when rows are dropped; the log keeps working. */
  onWriterError?: (message: string) => void;
  /** Memory for rows the journal cannot take, and for the spend of rows not yet written (default 64 MiB). */
  maxBufferedBytes?: number;
  retention?: Partial<RetentionPolicy>;
  /** Where journals live (default `<path>.journal`). */
  journalRoot?: string;
  /** store.postgres.url: the writer thread ships every row there too (see postgres-shipper.ts). */
  postgresUrl?: string;
}

const FLUSH_WAIT_MS = 10_000;
const DEFAULT_BUFFER_BYTES = 64 * 1024 * 1024;
/** While the journal cannot be written, try again at most this often. */
const JOURNAL_RETRY_MS = 250;
/** Writing on this thread failed: try again after this long. */
const SINK_RETRY_MS = 1000;

/** The compiled worker; when running from TypeScript sources (tests), the build's copy. */
function workerUrl(): URL {
  const url = new URL('./sqlite-writer-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(url))) return url;
  const built = new URL(url.href.replace('/src/store/', '/dist/store/'));
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error('the request log writer (dist/store/sqlite-writer-worker.js) is missing: run `npm run build`');
}

/** A row the journal could not take: its text, and what the spend summary needs. */
interface HeldRow {
  text: string;
  request: Pick<RequestRecord, 'createdAt' | 'keyId' | 'team' | 'costUsd' | 'inputTokens' | 'outputTokens'>;
}

export class SqliteRequestLog implements RequestLog {
  private closed = false;
  private worker: Worker | undefined;
  /** The writer on this thread: inline mode, or after the writer thread died. */
  private sink: SqliteSink | undefined;
  private sinkDatabase: Database.Database | undefined;
  private readonly shared = new BigInt64Array(new SharedArrayBuffer(16));
  private readonly journalId = newJournalId();
  private readonly root: string;
  private readonly appender: JournalAppender;
  private readonly unwritten = new UnwrittenSpend();
  private readonly held: HeldRow[] = [];
  private heldBytes = 0;
  private readonly maxBufferedBytes: number;
  private journalError: string | undefined;
  private journalRetryAt = 0;
  private writerError: string | undefined;
  private dropped = 0;
  /** Bytes the last recorded row took: what the next one will need, about. */
  private lastRowBytes = 0;
  private wakeTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private sinkRetry: NodeJS.Timeout | undefined;
  private readonly listeners: ((health: RequestLogHealth) => void)[] = [];
  private readDatabase: Database.Database | undefined;
  private feedbackDatabase: Database.Database | undefined;
  private postgres: PostgresState | undefined;

  constructor(private readonly options: SqliteRequestLogOptions) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_BUFFER_BYTES;
    this.root = options.journalRoot ?? journalRoot(options.path);
    this.appender = new JournalAppender(join(this.root, this.journalId));
    // Open once here so schema errors surface to the caller, not inside the thread.
    const database = openDatabase(options.path);
    try {
      this.countAbandoned(database);
    } finally {
      database.close();
    }
    if (options.inline) {
      this.useSink();
      return;
    }
    const data: WriterData = {
      path: options.path,
      root: this.root,
      journal: this.journalId,
      retention: { retentionDays: options.retention?.retentionDays, maxSizeBytes: options.retention?.maxSizeBytes },
      shared: this.shared,
      ...(options.postgresUrl !== undefined ? { postgresUrl: options.postgresUrl } : {}),
    };
    if (options.postgresUrl !== undefined) this.postgres = { state: 'connecting', error: null, backlog: 0, shippedRows: 0 };
    const worker = new Worker(workerUrl(), { workerData: data });
    worker.unref();
    worker.on('message', (reply: WriterReply) => this.onReply(reply));
    worker.on('error', (error) => this.writerLost(error.message));
    worker.on('exit', (code) => {
      if (!this.closed) this.writerLost(`writer thread exited with code ${code}`);
    });
    this.worker = worker;
  }

  /** Rows left in journals of processes that are gone count as spend until the writer replays them. */
  private countAbandoned(database: Database.Database): void {
    const positions = readPositions(database);
    for (const id of listJournals(this.root)) {
      if (journalOwnerAlive(id)) continue;
      const reader = new JournalReader(join(this.root, id), positions.get(id) ?? 0, true, () => undefined);
      try {
        for (let entries = reader.read(4096); entries.length > 0; entries = reader.read(4096)) {
          for (const entry of entries) this.unwritten.add(id, entry.seq, entry.request);
        }
      } finally {
        reader.close();
      }
    }
  }

  private onReply(reply: WriterReply): void {
    if (reply.type === 'written') {
      this.unwritten.written(reply.journal, reply.seq);
      return;
    }
    if (reply.type === 'warning') {
      this.options.onWriterError?.(reply.message);
      return;
    }
    if (reply.type === 'postgres') {
      const before = this.postgres?.state;
      this.postgres = reply.state;
      if (reply.state.state === 'failing' && before !== 'failing') {
        this.options.onWriterError?.(`request log: PostgreSQL cannot be written (rows wait in the local log and are shipped when it is back): ${reply.state.error}`);
      } else if (reply.state.state === 'ok' && before === 'failing') {
        this.options.onWriterError?.('request log: PostgreSQL is back; queued rows are shipped');
      }
      if (reply.state.state !== before) this.changed();
      return;
    }
    this.writerError = reply.type === 'failed' ? reply.message : undefined;
    this.options.onWriterError?.(reply.type === 'failed' ? `request log write failed (rows wait in the journal; retrying): ${reply.message}` : 'request log writes recovered; the journal is being caught up');
    this.changed();
  }

  /** Write on this thread: inline mode, or the writer thread is gone. */
  private useSink(): void {
    if (this.sink) return;
    this.sinkDatabase = openDatabase(this.options.path);
    this.sink = new SqliteSink(this.sinkDatabase, {
      root: this.root,
      own: this.journalId,
      onWritten: (journal, seq) => {
        this.unwritten.written(journal, seq);
        if (journal === this.journalId) Atomics.store(this.shared, WRITTEN_SLOT, BigInt(seq));
      },
      onCorrupt: (message) => this.options.onWriterError?.(message),
    });
    this.drainHere();
  }

  /** Drain on this thread; false (and the error reported) when a write fails. */
  private drainHere(): boolean {
    try {
      this.sink?.drain();
      if (this.writerError !== undefined) {
        this.writerError = undefined;
        this.changed();
      }
      return true;
    } catch (error) {
      if (this.writerError === undefined) {
        this.writerError = (error as Error).message;
        this.options.onWriterError?.(`request log write failed (rows wait in the journal; retrying): ${this.writerError}`);
        this.changed();
      }
      if (!this.closed && !this.sinkRetry) {
        this.sinkRetry = setTimeout(() => {
          this.sinkRetry = undefined;
          this.wake();
        }, SINK_RETRY_MS);
        this.sinkRetry.unref();
      }
      return false;
    }
  }

  /** The writer thread is gone: this thread writes from now on (the journal holds every row it had not written). */
  private writerLost(reason: string): void {
    if (!this.worker) return;
    this.worker = undefined;
    this.options.onWriterError?.(`request log writer thread failed (${reason}); writing on the main thread from now on`);
    if (this.postgres) {
      this.postgres = { ...this.postgres, state: 'failing', error: 'the writer thread is gone: rows are queued locally and shipped to PostgreSQL on the next start' };
    }
    this.useSink();
  }

  record(request: RequestRecord, attempts: AttemptRecord[]): void {
    if (this.closed) throw new Error('request log is closed');
    const text = serializeRow(request, attempts);
    this.lastRowBytes = text.length + UnwrittenSpend.BYTES_PER_ROW;
    if (this.held.length > 0 && !this.appendHeld(false)) {
      this.hold({ text, request });
      return;
    }
    try {
      const seq = this.appender.append(text);
      this.unwritten.add(this.journalId, seq, request);
    } catch (error) {
      this.journalFailed(error as Error);
      this.hold({ text, request });
      return;
    }
    this.wakeWriter();
  }

  private wakeWriter(): void {
    if (this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wake();
    }, this.options.flushIntervalMs);
    this.wakeTimer.unref();
  }

  private wake(): void {
    if (this.worker) this.worker.postMessage({ type: 'wake' } satisfies WriterMessage);
    else this.drainHere();
  }

  private journalFailed(error: Error): void {
    this.journalRetryAt = Date.now() + JOURNAL_RETRY_MS;
    if (this.journalError !== undefined) return;
    this.journalError = error.message;
    this.options.onWriterError?.(`request journal append failed (rows wait in memory, up to ${Math.round(this.maxBufferedBytes / 1048576)} MiB; retrying): ${error.message}`);
    this.changed();
  }

  private hold(row: HeldRow): void {
    const bytes = row.text.length + UnwrittenSpend.BYTES_PER_ROW;
    if (this.overLimit(bytes)) {
      this.dropped++;
      if (this.dropped === 1 || this.dropped % 1000 === 0) this.options.onWriterError?.(`request log: ${this.dropped} row(s) dropped: the journal cannot be written and the memory bound is reached`);
      this.changed();
      return;
    }
    this.held.push(row);
    this.heldBytes += bytes;
    if (this.held.length === 1) this.changed();
    if (!this.retryTimer) {
      this.retryTimer = setInterval(() => this.appendHeld(false), JOURNAL_RETRY_MS * 4);
      this.retryTimer.unref();
    }
  }

  /** Move rows held in memory into the journal, in order; true when none is left. */
  private appendHeld(force: boolean): boolean {
    if (!force && Date.now() < this.journalRetryAt) return false;
    while (this.held.length > 0) {
      const row = this.held[0] as HeldRow;
      try {
        const seq = this.appender.append(row.text);
        this.unwritten.add(this.journalId, seq, row.request);
      } catch (error) {
        this.journalFailed(error as Error);
        return false;
      }
      this.held.shift();
      this.heldBytes -= row.text.length + UnwrittenSpend.BYTES_PER_ROW;
    }
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    this.heldBytes = 0;
    if (this.journalError !== undefined) {
      this.journalError = undefined;
      this.options.onWriterError?.('request journal writable again; rows held in memory are journaled');
      this.changed();
    }
    this.wakeWriter();
    return true;
  }

  /** Whether adding `extra` bytes would pass the memory bound. */
  private overLimit(extra = 0): boolean {
    return this.bufferedBytes() + extra > this.maxBufferedBytes;
  }

  private bufferedBytes(): number {
    // What the writer has written by now (its messages may still be on their way).
    this.unwritten.written(this.journalId, Number(Atomics.load(this.shared, WRITTEN_SLOT)));
    return this.heldBytes + this.unwritten.rows * UnwrittenSpend.BYTES_PER_ROW;
  }

  /** Rows can no longer be kept: writing fails and the next row would pass the memory bound. */
  saturated(): boolean {
    return (this.journalError !== undefined || this.databaseFailing()) && this.overLimit(this.lastRowBytes);
  }

  /** The database cannot be written: reported by the writer's message, or already flagged in shared memory. */
  private databaseFailing(): boolean {
    return this.writerError !== undefined || (this.worker !== undefined && Atomics.load(this.shared, FAILING_SLOT) === 1n);
  }

  health(): RequestLogHealth {
    const databaseFailing = this.databaseFailing();
    return {
      writing: this.journalError !== undefined ? 'journal_failing' : databaseFailing ? 'database_failing' : 'ok',
      error: this.journalError ?? this.writerError ?? (databaseFailing ? 'the database cannot be written' : null),
      bufferedBytes: this.bufferedBytes(),
      unwrittenRows: this.unwritten.rows + this.held.length,
      heldRows: this.held.length,
      maxBufferedBytes: this.maxBufferedBytes,
      droppedRows: this.dropped,
      saturated: this.saturated(),
      ...(this.postgres ? { postgres: { ...this.postgres } } : {}),
    };
  }

  watch(listener: (health: RequestLogHealth) => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    if (this.listeners.length === 0) return;
    const health = this.health();
    for (const listener of this.listeners) listener(health);
  }

  /**
   * Write everything recorded so far and wait until it is in the database (synchronous,
   * up to 10 s): true when it is; false when writing fails now (the rows stay in the
   * journal, or in memory, and are written when it recovers).
   */
  flush(): boolean {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    if (this.held.length > 0 && !this.appendHeld(true)) return false;
    const target = BigInt(this.appender.lastSeq);
    if (!this.worker) return this.drainHere();
    if (Atomics.load(this.shared, WRITTEN_SLOT) >= target) return true;
    this.worker.postMessage({ type: 'wake' } satisfies WriterMessage);
    const deadline = Date.now() + FLUSH_WAIT_MS;
    for (;;) {
      const written = Atomics.load(this.shared, WRITTEN_SLOT);
      if (written >= target) return true;
      if (Atomics.load(this.shared, FAILING_SLOT) === 1n) return false;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.shared, WRITTEN_SLOT, written, Math.min(left, 100));
    }
  }

  pending(): number {
    return this.unwritten.rows + this.held.length;
  }

  private reader(): Database.Database {
    this.readDatabase ??= openDatabase(this.options.path);
    return this.readDatabase;
  }

  private spendStatements: { run: (query: SpendQuery) => { usd: number; tokens: number; positions: Map<string, number> } } | undefined;

  /** Spend since a time for a key, a team or everyone: the database (pruned rows included) plus rows not written yet. */
  spend(query: SpendQuery): Spend {
    this.spendStatements ??= this.prepareSpend();
    const stored = this.spendStatements.run(query);
    const pending = this.unwritten.spend(query, stored.positions);
    let usd = stored.usd + pending.usd;
    let tokens = stored.tokens + pending.tokens;
    for (const row of this.held) {
      if (row.request.createdAt < query.since || !this.unwritten.matches(this.unwritten.caller(row.request.keyId, row.request.team), query)) continue;
      usd += row.request.costUsd;
      tokens += row.request.inputTokens + row.request.outputTokens;
    }
    return { usd, tokens };
  }

  private prepareSpend(): { run: (query: SpendQuery) => { usd: number; tokens: number; positions: Map<string, number> } } {
    const database = this.reader();
    const statements = new Map<string, { rows: Database.Statement; rolled: Database.Statement }>();
    for (const scope of ['global', 'key', 'team'] as const) {
      const where = scope === 'global' ? '' : scope === 'key' ? 'AND key_id = ?' : 'AND team = ?';
      statements.set(scope, {
        rows: database.prepare(`SELECT COALESCE(SUM(cost_usd), 0) AS usd, COALESCE(SUM(input_tokens + output_tokens), 0) AS tokens FROM requests WHERE created_at >= ? ${where}`),
        rolled: database.prepare(`SELECT COALESCE(SUM(cost_usd), 0) AS usd, COALESCE(SUM(input_tokens + output_tokens), 0) AS tokens FROM spend_rollup WHERE day >= ? ${where}`),
      });
    }
    // One read transaction: the sums and the positions they reach come from the same snapshot.
    const run = database.transaction((query: SpendQuery) => {
      const scope = query.keyId !== undefined ? 'key' : query.team !== undefined ? 'team' : 'global';
      const parameters: (string | number)[] = [query.since, ...(scope === 'key' ? [query.keyId as string] : scope === 'team' ? [query.team as string] : [])];
      const { rows, rolled } = statements.get(scope) as { rows: Database.Statement; rolled: Database.Statement };
      const fromRows = rows.get(...parameters) as Spend;
      const fromRollup = rolled.get(...parameters) as Spend;
      return { usd: fromRows.usd + fromRollup.usd, tokens: fromRows.tokens + fromRollup.tokens, positions: readPositions(database) };
    });
    return { run: (query) => run.deferred(query) };
  }

  private static readonly REQUEST_COLUMNS = `id, created_at AS createdAt, endpoint, key_id AS keyId, route, requested_model AS requestedModel, model, provider, stream,
           status, error_code AS errorCode, error_message AS errorMessage, finish_reason AS finishReason, latency_ms AS latencyMs,
           ttft_ms AS ttftMs, input_tokens AS inputTokens, output_tokens AS outputTokens, cached_input_tokens AS cachedInputTokens,
           cost_usd AS costUsd, simulated, attempts, request_body AS requestBody, response_body AS responseBody, details, team, ${TOKEN_CLASS_SELECT}`;

  recent(query: RequestLogQuery): RequestRecord[] {
    const rows = this.reader()
      .prepare(`SELECT ${SqliteRequestLog.REQUEST_COLUMNS} FROM requests ORDER BY created_at DESC, rowid DESC LIMIT ?`)
      .all(query.last ?? 20) as StoredRequest[];
    return rows.map(fromStored);
  }

  find(requestId: string): RequestRecord | undefined {
    this.flush();
    const row = this.reader().prepare(`SELECT ${SqliteRequestLog.REQUEST_COLUMNS} FROM requests WHERE id = ?`).get(requestId) as StoredRequest | undefined;
    return row ? fromStored(row) : this.findAbandoned(requestId);
  }

  /**
   * A row that a process now gone (killed) journaled and the writer has not taken in yet —
   * it looks for such journals only every few seconds. Read from the journals themselves,
   * so a process taking over a dead sibling's work (a batch) sees every answer it got.
   */
  private findAbandoned(requestId: string): RequestRecord | undefined {
    const positions = readPositions(this.reader());
    for (const id of listJournals(this.root)) {
      if (id === this.journalId || journalOwnerAlive(id)) continue;
      const reader = new JournalReader(join(this.root, id), positions.get(id) ?? 0, true, () => undefined);
      try {
        for (let entries = reader.read(4096); entries.length > 0; entries = reader.read(4096)) {
          const entry = entries.find((candidate) => candidate.request.id === requestId);
          if (entry) return entry.request;
        }
      } finally {
        reader.close();
      }
    }
    return undefined;
  }

  addFeedback(entry: FeedbackEntry): void {
    // Rare and small: written at once on this thread (WAL lets it interleave with the writer thread's batches).
    this.feedbackDatabase ??= openDatabase(this.options.path);
    this.feedbackDatabase
      .prepare('INSERT INTO feedback (request_id, created_at, key_id, model, category, score, comment) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(entry.requestId, entry.createdAt, entry.keyId, entry.model, entry.category, entry.score, entry.comment);
  }

  feedbackSummary(): FeedbackSummary[] {
    return this.reader()
      .prepare('SELECT model, category, COUNT(*) AS count, SUM(score) AS scoreSum FROM feedback WHERE model IS NOT NULL GROUP BY model, category')
      .all() as FeedbackSummary[];
  }

  attemptsOf(requestId: string): AttemptRecord[] {
    return this.reader()
      .prepare(
        `SELECT request_id AS requestId, attempt, model, provider, upstream_model AS upstreamModel, started_at AS startedAt, status,
           error_code AS errorCode, error_message AS errorMessage, latency_ms AS latencyMs, ttft_ms AS ttftMs, input_tokens AS inputTokens,
           output_tokens AS outputTokens, cached_input_tokens AS cachedInputTokens, cost_usd AS costUsd, usage_source AS usageSource, ${TOKEN_CLASS_SELECT}
         FROM attempts WHERE request_id = ? ORDER BY attempt`,
      )
      .all(requestId) as AttemptRecord[];
  }

  /**
   * Flush and stop. Everything written: this process's journal goes. Otherwise it stays,
   * and the next process to open the store writes it; rows the journal never took are
   * reported lost.
   */
  close(): void {
    if (this.closed) return;
    const written = this.flush();
    this.closed = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    if (this.retryTimer) clearInterval(this.retryTimer);
    if (this.sinkRetry) clearTimeout(this.sinkRetry);
    if (this.held.length > 0) this.options.onWriterError?.(`request log: ${this.held.length} row(s) lost at shutdown: the journal could not be written`);
    const worker = this.worker;
    this.worker = undefined;
    if (worker) worker.postMessage({ type: 'close' } satisfies WriterMessage);
    this.appender.close();
    if (written && this.held.length === 0) rmSync(this.appender.directory, { recursive: true, force: true });
    this.sink?.close();
    this.sinkDatabase?.close();
    this.readDatabase?.close();
    this.feedbackDatabase?.close();
  }
}
