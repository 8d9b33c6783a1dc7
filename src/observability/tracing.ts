/**
 * Tracing as the request path sees it: a span per client request and a child span per
 * upstream call. The OpenTelemetry implementation (otel-tracing.ts) is loaded only when
 * `telemetry.otlp` is configured; with tracing off nothing here runs and no
 * OpenTelemetry module is imported.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AttemptRecord, RequestRecord } from '../store/types.js';
import type { GatewayConfig } from '../config/load.js';

export interface Tracing {
  /** Start the span of one client request, continuing the client's W3C `traceparent` when it sent one. */
  startRequest(operation: 'chat' | 'embeddings' | 'count_tokens', headers: IncomingHttpHeaders): RequestTrace;
  /** Export what is buffered and stop. */
  shutdown(): Promise<void>;
}

export interface RequestTrace {
  /** The trace id (32 hex digits). */
  readonly traceId: string;
  /** Start the child span of one upstream call; returns the `traceparent` header to send upstream. */
  startAttempt(attempt: AttemptRecord): string;
  /** End the request's span and its attempts' spans with what the log row says (once); `guarded`: a guard policy applied. */
  end(record: RequestRecord, attempts: readonly AttemptRecord[], guarded: boolean): void;
}

/** Load the OpenTelemetry SDK and build the tracer: only called when tracing is configured. */
export async function loadTracing(config: GatewayConfig, warn: (message: string) => void): Promise<Tracing | undefined> {
  if (!config.telemetry) return undefined;
  const { createOtelTracing } = await import('./otel-tracing.js');
  return createOtelTracing(config.telemetry, (name) => config.providers.get(name)?.type, warn);
}
