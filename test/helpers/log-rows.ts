/** Request and attempt rows for tests of the request log, and counts read straight from its SQLite file. */
import Database from 'better-sqlite3';
import type { AttemptRecord, RequestRecord } from '../../src/store/types.js';

export function logRow(id: string, overrides: Partial<RequestRecord> = {}): { request: RequestRecord; attempts: AttemptRecord[] } {
  const request: RequestRecord = {
    id, createdAt: Date.now(), endpoint: 'chat', keyId: null, team: null, route: 'auto', requestedModel: 'auto', model: 'm', provider: 'p', stream: false,
    status: 200, errorCode: null, errorMessage: null, finishReason: 'stop', latencyMs: 1.5, ttftMs: 1, inputTokens: 10, outputTokens: 5,
    cachedInputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, audioInputTokens: 0, imageInputTokens: 0, reasoningTokens: 0, costUsd: 0.00001, simulated: true, attempts: 1, requestBody: '{"model":"auto"}', responseBody: '{}',
    details: { seams: [{ atChar: 3, atToken: 1, fromAttempt: 1, toAttempt: 2, fromModel: 'm', toModel: 'm', cause: 'cut', method: 'instruction' }] },
    ...overrides,
  };
  const attempt: AttemptRecord = {
    requestId: id, attempt: 1, model: 'm', provider: 'p', upstreamModel: 'm', startedAt: request.createdAt, status: 200, errorCode: null,
    errorMessage: null, latencyMs: 1, ttftMs: 1, inputTokens: request.inputTokens, outputTokens: request.outputTokens, cachedInputTokens: 0,
    cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, audioInputTokens: 0, imageInputTokens: 0, reasoningTokens: 0, costUsd: request.costUsd, usageSource: 'upstream',
  };
  return { request, attempts: [attempt] };
}

export function countRows(path: string): { requests: number; attempts: number } {
  const database = new Database(path, { readonly: true });
  const requests = (database.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n;
  const attempts = (database.prepare('SELECT COUNT(*) AS n FROM attempts').get() as { n: number }).n;
  database.close();
  return { requests, attempts };
}
