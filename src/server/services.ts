/** The explicit dependencies every handler gets; built once in createGateway. */
import type { GatewayConfig } from '../config/load.js';
import type { Logger } from '../core/logger.js';
import type { ModelResolver } from '../router/resolve.js';
import type { Executor } from '../router/executor.js';
import type { RequestLog, RequestRecord } from '../store/types.js';
import type { Exchange } from './exchange.js';

export interface Services {
  config: GatewayConfig;
  log: RequestLog;
  resolver: ModelResolver;
  executor: Executor;
  logger: Logger;
}

export function newRequestRecord(exchange: Exchange, endpoint: RequestRecord['endpoint']): RequestRecord {
  return {
    id: exchange.id,
    createdAt: exchange.createdAt,
    endpoint,
    keyId: exchange.keyId,
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
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    costUsd: 0,
    simulated: false,
    attempts: 0,
    requestBody: null,
    responseBody: null,
  };
}

/** Sum the attempts into the request row: every upstream call's tokens and cost count. */
export function totalAttempts(record: RequestRecord, attempts: { inputTokens: number; outputTokens: number; cachedInputTokens: number; costUsd: number }[]): void {
  record.attempts = attempts.length;
  record.inputTokens = 0;
  record.outputTokens = 0;
  record.cachedInputTokens = 0;
  record.costUsd = 0;
  for (const attempt of attempts) {
    record.inputTokens += attempt.inputTokens;
    record.outputTokens += attempt.outputTokens;
    record.cachedInputTokens += attempt.cachedInputTokens;
    record.costUsd += attempt.costUsd;
  }
}

export function simulatorHeaderOf(exchange: Exchange): string | undefined {
  const value = exchange.request.headers['x-switchyard-sim'];
  return typeof value === 'string' ? value : undefined;
}
