/**
 * What a request leaves behind — its row, its attempts' rows, its budget and rate-limit
 * settlement, its metrics — committed exactly once: just before the last byte of its
 * response (so a client that received the whole answer can count on its row surviving a
 * crash: the log journals the row before commit returns), or, when no response completes
 * (the client left), when its handler ends.
 *
 * Nothing that fails while settling governance or counting metrics may keep the rows from
 * the log: each step is guarded, and the row is always recorded.
 */
import type { Permit } from '../governance/governance.js';
import type { GuardRun } from '../guards/pipeline.js';
import type { CachePlan } from '../cache/response-cache.js';
import type { AttemptRecord, RequestRecord } from '../store/types.js';
import { elapsedMs, type Exchange } from './exchange.js';
import { newRequestRecord, totalAttempts, type Services } from './services.js';

export class RequestRecorder {
  readonly record: RequestRecord;
  readonly attempts: AttemptRecord[] = [];
  /** Set once governance admitted the request (reservations to settle). */
  permit: Permit | undefined;
  /** Set when a guard policy applies (verdicts to keep, values to scrub from the stored bodies). */
  guards: GuardRun | undefined;
  /** Set when the cache applies to this request: what to store once the answer is complete. */
  cachePlan: CachePlan | undefined;
  private committed = false;

  constructor(
    private readonly exchange: Exchange,
    private readonly services: Services,
    endpoint: RequestRecord['endpoint'],
  ) {
    this.record = newRequestRecord(exchange, endpoint);
    exchange.record = this.record;
    if (services.tracing) {
      exchange.trace = services.tracing.startRequest(endpoint, exchange.request.headers);
      exchange.traceId = exchange.trace.traceId;
    }
  }

  get done(): boolean {
    return this.committed;
  }

  /** Settle and record (once). Call right before the response's last byte; the handler's `finally` calls it too. */
  commit(): void {
    if (this.committed) return;
    this.committed = true;
    const { record, attempts, services } = this;
    this.guarded('keeping guard verdicts', () => {
      if (this.guards) recordGuards(this.guards, record);
    });
    capBodies(record, services.config.store.maxLoggedBodyBytes);
    totalAttempts(record, attempts);
    record.latencyMs = elapsedMs(this.exchange);
    // Before the row is recorded: budgets count this request exactly once (see governance/budgets.ts).
    this.guarded('settling budgets and rate limits', () => services.governance.settle(this.permit, record));
    services.log.record(record, attempts);
    this.guarded('counting metrics', () => services.metrics.observe(record, attempts));
    if (this.exchange.trace) this.guarded('ending the trace', () => this.exchange.trace?.end(record, attempts, this.guards !== undefined));
  }

  private guarded(what: string, step: () => void): void {
    try {
      step();
    } catch (error) {
      this.services.logger.error({ err: error, requestId: this.record.id }, `${what} failed; the request is logged all the same`);
    }
  }
}

/**
 * Stored bodies are cut to `store.max_logged_body_bytes` (UTF-8), ending in a marker, with
 * each cut body's full size in details.truncated: a 12 MB prompt costs the log 64 KiB.
 */
export function capBodies(record: RequestRecord, maxBytes: number): void {
  for (const [field, name] of [
    ['requestBody', 'request_body'],
    ['responseBody', 'response_body'],
  ] as const) {
    const text = record[field];
    // A UTF-16 unit is at most 3 UTF-8 bytes: most bodies are known to fit without counting.
    if (text === null || text.length * 3 <= maxBytes) continue;
    const bytes = Buffer.byteLength(text);
    if (bytes <= maxBytes) continue;
    const kept = Buffer.from(text.slice(0, maxBytes)).subarray(0, maxBytes).toString('utf8').replace(/\uFFFD$/, '');
    record[field] = maxBytes > 0 ? `${kept}…[truncated: ${bytes} bytes in all]` : null;
    ((record.details ??= {}).truncated ??= {})[name] = bytes;
  }
}

/** Verdicts into the request row; the log keeps placeholders, never the values a guard found (restored answers included). */
function recordGuards(guards: GuardRun, record: RequestRecord): void {
  if (guards.verdicts.length > 0) (record.details ??= {}).guards = guards.verdicts;
  record.requestBody = guards.scrubForLog(record.requestBody);
  record.responseBody = guards.scrubForLog(record.responseBody);
}
