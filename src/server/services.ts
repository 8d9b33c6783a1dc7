/** The explicit dependencies every handler gets; built once in createGateway. */
import type { InboundChatFormat } from '../api/inbound-format.js';
import type { GatewayConfig } from '../config/load.js';
import type { CircuitBreakers } from '../resilience/circuit-breaker.js';
import { toGatewayError } from '../core/errors.js';
import { addTokenCounts, emptyTokenCounts } from '../core/usage.js';
import { CallerAbortedError } from '../providers/http-client.js';
import { CLIENT_CLOSED_STATUS } from '../router/executor.js';
import type { Logger } from '../core/logger.js';
import type { ModelResolver } from '../router/resolve.js';
import type { Router } from '../router/router.js';
import type { QualityEstimates } from '../router/quality-estimates.js';
import type { SpendReader } from '../governance/spend.js';
import type { Governance } from '../governance/governance.js';
import type { Executor } from '../router/executor.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { GuardSet } from '../guards/pipeline.js';
import type { Tracing } from '../observability/tracing.js';
import type { ResponseCache } from '../cache/response-cache.js';
import type { AttemptRecord, RequestLog, RequestRecord } from '../store/types.js';
import type { ResponseStore } from '../store/response-store.js';
import type { RequestRecorder } from './request-recorder.js';
import { readJsonBody, sendError, type Exchange } from './exchange.js';

export interface Services {
  config: GatewayConfig;
  /** Undefined when circuit breakers are disabled in the config. */
  breakers: CircuitBreakers | undefined;
  log: RequestLog;
  resolver: ModelResolver;
  executor: Executor;
  logger: Logger;
  metrics: GatewayMetrics;
  router: Router;
  qualityEstimates: QualityEstimates;
  governance: Governance;
  /** Spend and savings reports: from PostgreSQL with store.postgres (every replica's rows), else the local SQLite. */
  reports: SpendReader;
  /** Undefined when the config has no guards: the request path then never looks at guards. */
  guards: GuardSet | undefined;
  /** Undefined unless telemetry.otlp is configured: then each request gets a span. */
  tracing: Tracing | undefined;
  /** Stored Responses API answers (store: true), scoped by key. */
  responses: ResponseStore;
  /** Undefined when every cache mode is off: the request path then never looks at the cache. */
  cache: ResponseCache | undefined;
}

export function newRequestRecord(exchange: Exchange, endpoint: RequestRecord['endpoint']): RequestRecord {
  return {
    id: exchange.id,
    createdAt: exchange.createdAt,
    endpoint,
    keyId: exchange.keyId,
    team: exchange.team ?? null,
    route: null,
    requestedModel: '',
    model: null,
    provider: null,
    stream: false,
    status: 0,
    errorCode: null,
    errorMessage: null,
    finishReason: null,
    latencyMs: 0,
    ttftMs: null,
    ...emptyTokenCounts(),
    costUsd: 0,
    simulated: false,
    attempts: 0,
    requestBody: null,
    responseBody: null,
    details: null,
  };
}

/** Sum the attempts into the request row: every upstream call's tokens (by class) and cost count. */
export function totalAttempts(record: RequestRecord, attempts: readonly AttemptRecord[]): void {
  record.attempts = attempts.length;
  const totals = emptyTokenCounts();
  record.costUsd = 0;
  for (const attempt of attempts) {
    addTokenCounts(totals, attempt);
    record.costUsd += attempt.costUsd;
  }
  Object.assign(record, totals);
}

export function simulatorHeaderOf(exchange: Exchange): string | undefined {
  const value = exchange.request.headers['x-switchyard-sim'];
  return typeof value === 'string' ? value : undefined;
}

/** Read the JSON body of an API request, keeping it (and the model the client named) for the log. */
export async function readApiBody(exchange: Exchange, services: Services, record: RequestRecord): Promise<unknown> {
  const body = await readJsonBody(exchange, services.config.server.maxBodyBytes);
  if (services.config.store.logContent) record.requestBody = exchange.rawBody;
  const requestedModel = (body as { model?: unknown } | null)?.model;
  if (typeof requestedModel === 'string') record.requestedModel = requestedModel;
  return body;
}

/** Record why a request failed and, unless the client is already gone, commit its row and answer with the error. */
export function failRequest(exchange: Exchange, recorder: RequestRecorder, error: unknown, format?: InboundChatFormat): void {
  const record = recorder.record;
  if (error instanceof CallerAbortedError || (exchange.signal.aborted && !exchange.response.headersSent)) {
    record.status = CLIENT_CLOSED_STATUS;
    record.errorCode = 'client_closed';
    record.errorMessage = 'the client disconnected before the answer was complete';
    return;
  }
  const failure = toGatewayError(error);
  record.status = failure.status;
  record.errorCode = failure.code;
  record.errorMessage = failure.message;
  recorder.commit();
  sendError(exchange.response, failure, format?.renderError);
}
