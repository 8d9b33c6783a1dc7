/**
 * The embedded request log: SQLite in WAL mode, written by a worker thread.
 *
 * record() only queues; every flush interval (or sooner when the batch is large) the queue
 * goes to the writer thread, so neither inserts nor WAL checkpoints touch the request path.
 * flush() is synchronous: it hands over the queue and blocks (Atomics.wait) until the
 * writer confirms, which is what shutdown and the fatal-error path need. Should the writer
 * thread die, the log falls back to writing on the calling thread, so no row is lost.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { batchWriter, openDatabase, type PendingRow } from './sqlite-schema.js';
import type { WriterMessage, WriterReply } from './sqlite-writer-worker.js';
import type { AttemptRecord, FeedbackEntry, FeedbackSummary, RequestLog, RequestLogQuery, RequestRecord } from './types.js';

/** The token-class columns under their record names. */
const TOKEN_CLASS_SELECT =
  'cache_write_5m_tokens AS cacheWrite5mTokens, cache_write_1h_tokens AS cacheWrite1hTokens, audio_input_tokens AS audioInputTokens, image_input_tokens AS imageInputTokens, reasoning_tokens AS reasoningTokens';

type StoredRequest = Omit<RequestRecord, 'stream' | 'simulated' | 'details'> & { stream: number; simulated: number; details: string | null };

function fromStored(row: StoredRequest): RequestRecord {
  return { ...row, stream: row.stream === 1, simulated: row.simulated === 1, details: row.details ? (JSON.parse(row.details) as RequestRecord['details']) : null };
}

export interface SqliteRequestLogOptions {
  path: string;
  flushIntervalMs: number;
  /** Hand over at once when this many requests are queued. */
  maxBatch?: number;
  /** Write on the calling thread instead of a worker (CLI readers, tests of the fallback). */
  inline?: boolean;
  /** Told when the writer thread fails; the log keeps working. */
  onWriterError?: (message: string) => void;
}

const FLUSH_WAIT_MS = 10_000;

/** The compiled worker; when running from TypeScript sources (tests), the build's copy. */
function workerUrl(): URL {
  const url = new URL('./sqlite-writer-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(url))) return url;
  const built = new URL(url.href.replace('/src/store/', '/dist/store/'));
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error('the request log writer (dist/store/sqlite-writer-worker.js) is missing: run `npm run build`');
}

export class SqliteRequestLog implements RequestLog {
  private queue: PendingRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly maxBatch: number;
  private closed = false;
  private worker: Worker | undefined;
  private readonly shared = new Int32Array(new SharedArrayBuffer(8));
  private sent = 0;
  private inlineWrite: ((batch: PendingRow[]) => void) | undefined;
  private writeDatabase: Database.Database | undefined;
  private readDatabase: Database.Database | undefined;
  private feedbackDatabase: Database.Database | undefined;

  constructor(private readonly options: SqliteRequestLogOptions) {
    this.maxBatch = options.maxBatch ?? 256;
    if (options.inline) {
      this.useInlineWriter();
      return;
    }
    // Open once here so schema errors surface to the caller, not inside the thread.
    openDatabase(options.path).close();
    const worker = new Worker(workerUrl(), { workerData: { path: options.path, written: this.shared } });
    worker.unref();
    worker.on('message', (reply: WriterReply) => {
      if (reply.type === 'failed') options.onWriterError?.(`request log write failed (will retry): ${reply.message}`);
    });
    worker.on('error', (error) => this.writerLost(error.message));
    worker.on('exit', (code) => {
      if (!this.closed) this.writerLost(`writer thread exited with code ${code}`);
    });
    this.worker = worker;
  }

  private useInlineWriter(): void {
    this.writeDatabase ??= openDatabase(this.options.path);
    this.inlineWrite ??= batchWriter(this.writeDatabase);
  }

  /** The writer thread is gone: write its unconfirmed batches and everything after on this thread. */
  private writerLost(reason: string): void {
    if (!this.worker) return;
    this.worker = undefined;
    this.options.onWriterError?.(`request log writer thread failed (${reason}); writing on the main thread from now on`);
    this.useInlineWriter();
    const unconfirmed = this.inFlight.splice(0).flatMap((batch) => batch.rows);
    if (unconfirmed.length > 0) this.inlineWrite?.(unconfirmed);
  }

  /** Batches handed to the writer and not yet confirmed, kept so a lost writer loses nothing. */
  private inFlight: { seq: number; rows: PendingRow[] }[] = [];

  record(request: RequestRecord, attempts: AttemptRecord[]): void {
    if (this.closed) throw new Error('request log is closed');
    this.queue.push({ request, attempts });
    if (this.queue.length >= this.maxBatch) this.handOver();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.handOver(), this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  private handOver(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queue.length === 0) return;
    const rows = this.queue;
    this.queue = [];
    if (!this.worker) {
      try {
        this.inlineWrite?.(rows);
      } catch (error) {
        this.queue = rows.concat(this.queue);
        throw error;
      }
      return;
    }
    const written = Atomics.load(this.shared, 0);
    this.inFlight = this.inFlight.filter((batch) => batch.seq > written);
    const seq = ++this.sent;
    this.inFlight.push({ seq, rows });
    this.worker.postMessage({ type: 'batch', seq, rows } satisfies WriterMessage);
  }

  /** Write everything queued and wait until it is on disk (synchronous). */
  flush(): void {
    this.handOver();
    if (!this.worker) return;
    const target = this.sent;
    const deadline = Date.now() + FLUSH_WAIT_MS;
    for (;;) {
      const written = Atomics.load(this.shared, 0);
      if (written >= target || Atomics.load(this.shared, 1) >= target) break;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`request log writer did not confirm batch ${target} within ${FLUSH_WAIT_MS} ms`);
      Atomics.wait(this.shared, 0, written, left);
    }
    this.inFlight = this.inFlight.filter((batch) => batch.seq > Atomics.load(this.shared, 0));
  }

  pending(): number {
    return this.queue.length;
  }

  private reader(): Database.Database {
    this.readDatabase ??= this.writeDatabase ?? openDatabase(this.options.path);
    return this.readDatabase;
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
    return row ? fromStored(row) : undefined;
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

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) worker.postMessage({ type: 'close' } satisfies WriterMessage);
    if (this.readDatabase !== this.writeDatabase) this.readDatabase?.close();
    this.feedbackDatabase?.close();
    this.writeDatabase?.close();
  }
}
