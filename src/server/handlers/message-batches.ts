/**
 * Anthropic's Message Batches API for Anthropic clients: POST /v1/messages/batches,
 * GET /v1/messages/batches (list), GET /v1/messages/batches/{id}, GET …/{id}/results
 * (JSONL), POST …/{id}/cancel, DELETE …/{id} — in Anthropic's wire format, on the same
 * store and runner as OpenAI batches: each request is a line the runner sends to
 * /v1/messages under the creating key (guards, routing, budgets, retries, the log), and
 * a batch survives restarts the same way. A batch belongs to the key that created it;
 * another key gets a 404, as for an id that never existed. Errors are rendered in
 * Anthropic's format by the gateway (the path is under /v1/messages/).
 */
import { anthropicErrorType } from '../../api/anthropic/errors.js';
import { MESSAGE_BATCH_ENDPOINT } from '../../batch/endpoints.js';
import type { Batch, BatchLine } from '../../batch/store.js';
import { validateMessageBatchRequests } from '../../batch/validate.js';
import { GatewayError } from '../../core/errors.js';
import { readJsonBody, sendJson, type Exchange } from '../exchange.js';
import type { BatchService } from './batches.js';

const DAY_MS = 24 * 3600 * 1000;
const ENDED: readonly string[] = ['completed', 'failed', 'expired', 'cancelled'];

const rfc3339 = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function processingStatus(batch: Batch): 'in_progress' | 'canceling' | 'ended' {
  if (ENDED.includes(batch.status)) return 'ended';
  return batch.status === 'cancelling' ? 'canceling' : 'in_progress';
}

/** Where the results of a batch are read, as the client reached this gateway. */
function resultsUrl(exchange: Exchange, id: string): string {
  const headers = exchange.request.headers;
  const forwardedProto = typeof headers['x-forwarded-proto'] === 'string' ? headers['x-forwarded-proto'].split(',')[0]?.trim() : undefined;
  const proto = forwardedProto || ('encrypted' in exchange.request.socket && exchange.request.socket.encrypted ? 'https' : 'http');
  const host = (typeof headers['x-forwarded-host'] === 'string' ? headers['x-forwarded-host'].split(',')[0]?.trim() : undefined) || headers.host || 'localhost';
  return `${proto}://${host}/v1/messages/batches/${encodeURIComponent(id)}/results`;
}

function messageBatchObject(exchange: Exchange, service: BatchService, batch: Batch): Record<string, unknown> {
  const status = processingStatus(batch);
  return {
    id: batch.id,
    type: 'message_batch',
    processing_status: status,
    request_counts: service.store.lineTally(batch.id),
    ended_at: rfc3339(batch.completedAt ?? batch.cancelledAt ?? batch.expiredAt ?? batch.failedAt),
    created_at: rfc3339(batch.createdAt),
    expires_at: rfc3339(batch.expiresAt),
    archived_at: null,
    cancel_initiated_at: rfc3339(batch.cancellingAt),
    results_url: status === 'ended' ? resultsUrl(exchange, batch.id) : null,
  };
}

/** One line of the results file: succeeded with the message, errored with an Anthropic error body, canceled or expired. */
function resultLine(line: BatchLine): string {
  if (line.state === 'done') return JSON.stringify({ custom_id: line.customId, result: { type: 'succeeded', message: JSON.parse(line.response ?? 'null') as unknown } });
  const code = line.error?.code;
  if (code === 'batch_cancelled') return JSON.stringify({ custom_id: line.customId, result: { type: 'canceled' } });
  if (code === 'batch_expired') return JSON.stringify({ custom_id: line.customId, result: { type: 'expired' } });
  let error: unknown;
  try {
    const parsed = line.response ? (JSON.parse(line.response) as { type?: unknown; error?: unknown }) : undefined;
    if (parsed?.type === 'error' && typeof parsed.error === 'object') error = parsed.error;
  } catch {
    // not the gateway's Anthropic error body: described from the line's error below
  }
  const status = line.status && line.status > 0 ? line.status : 500;
  error ??= { type: anthropicErrorType(status), message: line.error?.message ?? 'The request was not answered.' };
  return JSON.stringify({ custom_id: line.customId, result: { type: 'errored', error: { type: 'error', error, request_id: line.requestId } } });
}

function owner(exchange: Exchange): string | null {
  return exchange.keyId;
}

function ownedMessageBatch(service: BatchService, exchange: Exchange, id: string): Batch {
  const batch = service.store.batch(id, owner(exchange));
  if (!batch || batch.endpoint !== MESSAGE_BATCH_ENDPOINT) throw new GatewayError('not_found', `No message batch with id '${id}' was created with this key.`);
  return batch;
}

async function createMessageBatch(exchange: Exchange, service: BatchService, maxLineBytes: number): Promise<void> {
  // The requests come in the body, so a batch's body may be as large as a batch input file.
  const body = await readJsonBody(exchange, service.settings.maxFileBytes);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('invalid_request', 'The body must be a JSON object {"requests": [...]}.');
  const checked = validateMessageBatchRequests((body as { requests?: unknown }).requests, { maxLines: service.settings.maxLines, maxLineBytes });
  if (!checked.ok) throw new GatewayError('invalid_request', checked.message, { param: checked.param });
  const batch = service.store.createBatch({
    owner: owner(exchange),
    endpoint: MESSAGE_BATCH_ENDPOINT,
    inputFileId: '',
    completionWindow: '24h',
    windowMs: DAY_MS,
    metadata: null,
    idPrefix: 'msgbatch_',
    lines: checked.lines,
  });
  service.poke();
  sendJson(exchange.response, 200, JSON.stringify(messageBatchObject(exchange, service, batch)));
}

function listMessageBatches(exchange: Exchange, service: BatchService, query: URLSearchParams): void {
  const rawLimit = query.get('limit');
  const limit = rawLimit === null ? 20 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new GatewayError('invalid_request', `limit: must be an integer from 1 to 1000, not '${rawLimit}'.`, { param: 'limit' });
  const after = query.get('after_id') ?? undefined;
  const before = query.get('before_id') ?? undefined;
  if (after !== undefined && before !== undefined) throw new GatewayError('invalid_request', 'Send after_id or before_id, not both.', { param: 'before_id' });
  const batches = service.store.batches(owner(exchange), { kind: 'anthropic', limit: limit + 1, ...(after !== undefined ? { after } : {}), ...(before !== undefined ? { before } : {}) });
  // Going back (before_id), the extra row is the oldest one; going on, the newest is first.
  const page = before !== undefined ? batches.slice(-limit) : batches.slice(0, limit);
  const data = page.map((batch) => messageBatchObject(exchange, service, batch));
  sendJson(exchange.response, 200, JSON.stringify({ data, has_more: batches.length > limit, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null }));
}

function sendResults(exchange: Exchange, service: BatchService, batch: Batch): void {
  if (processingStatus(batch) !== 'ended') {
    throw new GatewayError('invalid_request', `Message batch '${batch.id}' is still ${processingStatus(batch)}; its results can be read once processing_status is 'ended'.`);
  }
  const lines = service.store.lines(batch.id);
  const text = lines.length > 0 ? `${lines.map(resultLine).join('\n')}\n` : '';
  exchange.response.writeHead(200, { 'content-type': 'application/binary', 'content-length': Buffer.byteLength(text) });
  exchange.response.end(text);
}

/** Dispatches /messages/batches… (the path without the /v1 prefix); a request's params may be up to maxLineBytes. */
export async function handleMessageBatches(exchange: Exchange, service: BatchService, method: string, apiPath: string, query: URLSearchParams, maxLineBytes: number): Promise<void> {
  const parts = apiPath.split('/').filter(Boolean).slice(2).map((part) => decodeURIComponent(part));
  const [id, action, ...more] = parts;
  const path = `/v1${apiPath}`;
  const allow = (allowed: string): void => {
    if (method !== allowed) throw new GatewayError('method_not_allowed', `${method} is not allowed on ${path}; use ${allowed}.`);
  };
  if (more.length > 0 || (action !== undefined && action !== 'results' && action !== 'cancel')) throw new GatewayError('not_found', `Unknown endpoint ${method} ${path}.`);
  if (id === undefined) {
    if (method === 'POST') return createMessageBatch(exchange, service, maxLineBytes);
    allow('GET');
    return listMessageBatches(exchange, service, query);
  }
  const batch = ownedMessageBatch(service, exchange, id);
  if (action === 'results') {
    allow('GET');
    return sendResults(exchange, service, batch);
  }
  if (action === 'cancel') {
    allow('POST');
    if (!service.store.transition(batch.id, ['validating', 'in_progress'], 'cancelling') && batch.status !== 'cancelling') {
      throw new GatewayError('invalid_request', `Message batch '${batch.id}' has already ended; only a batch in progress can be canceled.`);
    }
    service.poke();
    return sendJson(exchange.response, 200, JSON.stringify(messageBatchObject(exchange, service, ownedMessageBatch(service, exchange, id))));
  }
  if (method === 'DELETE') {
    if (processingStatus(batch) !== 'ended') {
      throw new GatewayError('invalid_request', `Message batch '${batch.id}' is still ${processingStatus(batch)}; cancel it and wait until it has ended before deleting it.`);
    }
    service.store.deleteBatch(batch.id);
    return sendJson(exchange.response, 200, JSON.stringify({ id: batch.id, type: 'message_batch_deleted' }));
  }
  allow('GET');
  return sendJson(exchange.response, 200, JSON.stringify(messageBatchObject(exchange, service, batch)));
}
