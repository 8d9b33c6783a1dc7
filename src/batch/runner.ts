/**
 * Works batches: validates the input file, sends every line through the gateway's own
 * HTTP endpoint (so guards, routing, budgets, rate limits, retries, fallbacks and the
 * request log apply to it exactly as to a client's call, under the batch owner's key),
 * and writes the output and error files.
 *
 * Exactly once, across restarts: a line is marked `running` with the request id of its
 * call before the call, and its answer is committed when it arrives. A line found
 * `running` after a restart is looked up in the request log by that id: a served answer
 * stored there (the log keeps response bodies by default) is taken as the line's answer
 * without calling the upstream again; a line the log never saw is sent again.
 *
 * Interactive traffic comes first: while client requests are in flight, the runner sends
 * at most `busyConcurrency` lines at a time.
 */
import { hostname } from 'node:os';
import { request as httpRequest } from 'undici';
import type { Logger } from '../core/logger.js';
import type { RequestLog } from '../store/types.js';
import type { Batch, BatchError, BatchLine, BatchStore } from './store.js';
import { MESSAGE_BATCH_ENDPOINT } from './endpoints.js';
import type { NativeForwarder } from './native.js';
import { validateBatchInput } from './validate.js';

export interface BatchSettings {
  dir: string;
  maxFileBytes: number;
  maxLines: number;
  concurrency: number;
  busyConcurrency: number;
  lineRetries: number;
  leaseMs: number;
  pollMs: number;
  /** How often a provider's batch (native forwarding) is polled. */
  nativePollMs: number;
}

export interface BatchRunnerOptions {
  store: BatchStore;
  log: RequestLog;
  settings: BatchSettings;
  /** The gateway's own URL (loopback). */
  baseUrl: string;
  /** The in-process secret that lets the runner call as the batch's owner. */
  secret: string;
  /** Client requests in flight in this process (the runner's own calls included). */
  inFlight: () => number;
  /** Milliseconds since the last client request (not a batch line) arrived. */
  sinceClientRequestMs: () => number;
  maxLineBytes: number;
  logger: Logger;
  /** Sends the lines of models with `batch: native` to their providers' batch APIs. */
  native?: NativeForwarder;
  now?: () => number;
}

/** The header that names, with the runner's secret, whose key a line's call runs under. */
export const BATCH_OWNER_HEADER = 'x-switchyard-batch-owner';

/** After a client request arrives, the gateway counts as busy for this long. */
const BUSY_WINDOW_MS = 1000;

const RETRYABLE = new Set([408, 409, 429, 500, 502, 503, 504]);

interface Outcome {
  status: number;
  body: string;
  /** The gateway's error code (the x-switchyard-error-code header), when it refused the line. */
  code?: string;
}

/** The header with which the gateway names its error code in any client format. */
const ERROR_CODE_HEADER = 'x-switchyard-error-code';

/** The request id a line's try is sent (and logged) with: `<batch id>-<line>-<try>`. */
export function lineRequestId(batchId: string, line: number, attempt: number): string {
  return `${batchId.replace(/_/g, '-')}-${line}-${attempt}`;
}

/** A refused line's error from the answer: OpenAI's {error:{code,message,param}} or Anthropic's {type:"error",error:{type,message}}. */
function errorOf(outcome: Outcome): BatchError {
  const { body, status } = outcome;
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown; type?: unknown; param?: unknown } };
    const error = parsed.error;
    if (error && typeof error.message === 'string') {
      const code = outcome.code ?? (typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : `http_${status}`);
      return { code, message: error.message, param: typeof error.param === 'string' ? error.param : null };
    }
  } catch {
    // not JSON: described by its status below
  }
  return { code: outcome.code ?? `http_${status}`, message: `The gateway answered ${status}.` };
}

export class BatchRunner {
  private readonly holder = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private working: Promise<void> | undefined;
  private stopped = false;
  private ownInFlight = 0;
  /** Batches that met their budget's edge: worked one line at a time from then on. */
  private readonly atBudgetEdge = new Set<string>();

  constructor(private readonly options: BatchRunnerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The state the runner works from (for tests and the CLI's direct reads). */
  get store(): BatchStore {
    return this.options.store;
  }

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      this.working ??= this.workOnce()
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'batch runner failed; retrying'))
        .finally(() => {
          this.working = undefined;
        });
      this.timer = setTimeout(tick, this.options.settings.pollMs);
      this.timer.unref();
    };
    tick();
  }

  /** Wake up now (a batch was created or cancelled) instead of at the next poll. */
  poke(): void {
    if (this.stopped || this.working) return;
    clearTimeout(this.timer);
    this.start();
  }

  /** Stops taking lines; lines in flight finish (or are resumed by the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.working;
  }

  /** One pass: every active batch this process can lease, oldest first, worked to the end. */
  async workOnce(): Promise<void> {
    for (const batch of this.options.store.activeBatches()) {
      if (this.stopped) return;
      if (!this.lease(batch.id)) continue;
      const renew = setInterval(() => this.lease(batch.id), Math.max(100, Math.floor(this.options.settings.leaseMs / 3)));
      renew.unref();
      try {
        await this.work(batch.id);
      } finally {
        clearInterval(renew);
        this.options.store.release(batch.id, this.holder);
      }
    }
  }

  private lease(id: string): boolean {
    return this.options.store.lease(id, this.holder, this.now() + this.options.settings.leaseMs, (holder) => this.holderIsGone(holder));
  }

  /** A holder on this machine whose process no longer exists (it was killed) holds nothing. */
  private holderIsGone(holder: string): boolean {
    const [host, pid] = holder.split(':');
    if (host !== hostname() || pid === undefined) return false;
    const number = Number(pid);
    if (number === process.pid) return holder !== this.holder;
    try {
      process.kill(number, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }

  private async work(id: string): Promise<void> {
    const { store } = this.options;
    for (;;) {
      const batch = store.batch(id);
      if (!batch || this.stopped) return;
      switch (batch.status) {
        case 'validating':
          this.validate(batch);
          continue;
        case 'in_progress':
          if (this.now() >= batch.expiresAt) {
            await this.options.native?.cancel(batch);
            store.failRemaining(id, { code: 'batch_expired', message: `The batch did not finish within its completion window (${batch.completionWindow}).` }, 0);
            this.finish(batch, 'expired');
            return;
          }
          await this.run(batch);
          if (this.stopped) return;
          if (store.unfinished(id) === 0) {
            store.transition(id, ['in_progress'], 'finalizing');
            continue;
          }
          // Only lines waiting on a provider's batch are left: polled at a later pass.
          if (store.unfinishedHere(id) === 0 && store.batch(id)?.status === 'in_progress') return;
          continue;
        case 'finalizing':
          this.finish(batch, 'completed');
          return;
        case 'cancelling':
          await this.options.native?.cancel(batch);
          store.failRemaining(id, { code: 'batch_cancelled', message: 'The batch was cancelled before this line was sent.' }, 0);
          this.finish(batch, 'cancelled');
          return;
        default:
          return;
      }
    }
  }

  private validate(batch: Batch): void {
    const { store, settings } = this.options;
    const file = store.file(batch.inputFileId, batch.owner);
    if (!file) {
      store.transition(batch.id, ['validating'], 'failed', { errors: [{ code: 'invalid_file', message: `The input file ${batch.inputFileId} no longer exists.`, param: 'input_file_id', line: null }] });
      return;
    }
    const result = validateBatchInput(store.fileContent(file.id).toString('utf8'), batch.endpoint, { maxLines: settings.maxLines, maxLineBytes: this.options.maxLineBytes });
    if (!result.ok) {
      store.transition(batch.id, ['validating'], 'failed', { errors: result.errors });
      return;
    }
    store.startBatch(batch.id, result.lines);
  }

  /** Sends every pending line (first settling the ones a previous run left running). */
  private async run(batch: Batch): Promise<void> {
    const { store } = this.options;
    await this.options.native?.advance(batch, lineRequestId);
    for (const line of store.lines(batch.id, ['running'])) if (!line.nativeJob) this.recover(batch, line);
    const pending = store.lines(batch.id, ['pending']);
    let next = 0;
    let stopLines = false;
    const worker = async (): Promise<void> => {
      while (!stopLines && !this.stopped && next < pending.length) {
        await this.waitForTurn();
        if (stopLines || this.stopped) return;
        const line = pending[next++];
        if (!line) return;
        const current = store.batch(batch.id);
        if (current?.status !== 'in_progress' || this.now() >= current.expiresAt) {
          stopLines = true;
          return;
        }
        const verdict = await this.send(batch, line);
        if (verdict !== 'ok') stopLines = true;
      }
    };
    const concurrency = this.atBudgetEdge.has(batch.id) ? 1 : Math.max(1, this.options.settings.concurrency);
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
  }

  /**
   * Interactive requests first: while any is in flight, or one arrived in the last second
   * (a client between two calls), only busyConcurrency lines run.
   */
  private async waitForTurn(): Promise<void> {
    const { concurrency, busyConcurrency } = this.options.settings;
    for (;;) {
      const busy = this.options.inFlight() - this.ownInFlight > 0 || this.options.sinceClientRequestMs() < BUSY_WINDOW_MS;
      const limit = busy ? busyConcurrency : concurrency;
      if (this.ownInFlight < limit || this.stopped) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** A line a previous run sent without recording the answer: the log says what happened to it. */
  private recover(batch: Batch, line: BatchLine): void {
    const { store, log } = this.options;
    const row = line.requestId ? log.find(line.requestId) : undefined;
    const served = row && row.status === 200 && row.responseBody !== null && !row.details?.truncated?.response_body && !(row.details?.guards ?? []).some((verdict) => verdict.spans.length > 0);
    if (served) {
      store.lineFinished(batch.id, line.line, { status: 200, response: row.responseBody, error: null });
      return;
    }
    if (row && row.status !== 200 && !RETRYABLE.has(row.status)) {
      store.lineFinished(batch.id, line.line, { status: row.status, response: null, error: { code: row.errorCode ?? `http_${row.status}`, message: row.errorMessage ?? `The gateway answered ${row.status}.` } });
      return;
    }
    // Never logged (or failed in a way worth another try): it is sent again.
    if (line.tries > this.options.settings.lineRetries) {
      store.lineFinished(batch.id, line.line, { status: row?.status ?? 0, response: null, error: { code: row?.errorCode ?? 'line_interrupted', message: row?.errorMessage ?? 'The gateway stopped while this line was being answered, on its last try.' } });
      return;
    }
    store.linePending(batch.id, line.line);
  }

  /**
   * One line, with its tries, and whatever it decides for the line. A budget refusal while
   * other lines of the batch held reservations may only mean "not now": the line goes back
   * to pending and the batch continues one line at a time; a refusal with nothing else in
   * flight means the budget is spent, and every remaining line fails with budget_exceeded.
   */
  private async send(batch: Batch, line: BatchLine): Promise<'ok' | 'budget_wait' | 'budget_exhausted'> {
    const { store } = this.options;
    let tries = line.tries;
    for (;;) {
      tries += 1;
      const requestId = lineRequestId(batch.id, line.line, tries);
      store.lineRunning(batch.id, line.line, requestId);
      const outcome = await this.call(batch, line, requestId);
      if (outcome.status === 200) {
        store.lineFinished(batch.id, line.line, { status: 200, response: outcome.body, error: null });
        return 'ok';
      }
      const error = outcome.status === 0 ? { code: 'connection_error', message: outcome.body } : errorOf(outcome);
      if (error.code === 'budget_exceeded') {
        if (!this.atBudgetEdge.has(batch.id) || this.ownInFlight > 0) {
          this.atBudgetEdge.add(batch.id);
          store.linePending(batch.id, line.line);
          return 'budget_wait';
        }
        store.lineFinished(batch.id, line.line, { status: outcome.status, response: outcome.body, error });
        store.failRemaining(batch.id, { code: 'budget_exceeded', message: `Not sent: ${error.message}` }, outcome.status);
        return 'budget_exhausted';
      }
      const retryable = outcome.status === 0 || RETRYABLE.has(outcome.status);
      if (!retryable || tries > this.options.settings.lineRetries || this.stopped) {
        store.lineFinished(batch.id, line.line, { status: outcome.status, response: outcome.status === 0 ? null : outcome.body, error });
        return 'ok';
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 250 * 2 ** (tries - 1))));
    }
  }

  private async call(batch: Batch, line: BatchLine, requestId: string): Promise<Outcome> {
    this.ownInFlight += 1;
    try {
      const response = await httpRequest(`${this.options.baseUrl}${batch.endpoint}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${this.options.secret}`,
          [BATCH_OWNER_HEADER]: batch.owner ?? '',
          'x-request-id': requestId,
        },
        body: line.body,
      });
      const code = response.headers[ERROR_CODE_HEADER];
      return { status: response.statusCode, body: await response.body.text(), ...(typeof code === 'string' ? { code } : {}) };
    } catch (error) {
      return { status: 0, body: `The batch runner could not reach the gateway: ${(error as Error).message}` };
    } finally {
      this.ownInFlight -= 1;
    }
  }

  /**
   * Writes the output and error files (named after the batch, so a rerun replaces them) and
   * ends the batch. An Anthropic Message Batch has no files: its results are rendered from
   * the lines when asked for.
   */
  private finish(batch: Batch, status: 'completed' | 'expired' | 'cancelled'): void {
    const { store } = this.options;
    const from = status === 'completed' ? (['finalizing'] as const) : status === 'cancelled' ? (['cancelling'] as const) : (['in_progress', 'finalizing'] as const);
    if (batch.endpoint === MESSAGE_BATCH_ENDPOINT) {
      store.transition(batch.id, from, status);
      return;
    }
    const output: string[] = [];
    const errors: string[] = [];
    for (const line of store.lines(batch.id)) {
      const id = `batch_req_${batch.id.slice('batch_'.length)}_${line.line}`;
      const requestId = line.requestId ?? null;
      if (line.state === 'done') {
        output.push(JSON.stringify({ id, custom_id: line.customId, response: { status_code: 200, request_id: requestId, body: JSON.parse(line.response ?? 'null') as unknown }, error: null }));
      } else {
        let body: unknown = null;
        try {
          body = line.response ? (JSON.parse(line.response) as unknown) : null;
        } catch {
          body = null;
        }
        const response = line.status && line.status > 0 && body !== null ? { status_code: line.status, request_id: requestId, body } : null;
        errors.push(JSON.stringify({ id, custom_id: line.customId, response, error: line.error ?? { code: 'unknown', message: 'The line was not answered.' } }));
      }
    }
    const outputFile = output.length > 0 ? store.putFile(`file-${batch.id.slice('batch_'.length)}-output`, batch.owner, 'batch_output', `${batch.id}_output.jsonl`, Buffer.from(`${output.join('\n')}\n`)) : undefined;
    const errorFile = errors.length > 0 ? store.putFile(`file-${batch.id.slice('batch_'.length)}-errors`, batch.owner, 'batch_output', `${batch.id}_error.jsonl`, Buffer.from(`${errors.join('\n')}\n`)) : undefined;
    store.transition(batch.id, from, status, { outputFileId: outputFile?.id ?? null, errorFileId: errorFile?.id ?? null });
  }
}
