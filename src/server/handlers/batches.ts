/**
 * OpenAI's Files and Batches APIs: /v1/files (multipart upload, list, retrieve, content,
 * delete) and /v1/batches (create, retrieve, list, cancel). Files and batches belong to
 * the key that created them; another key gets a 404, as for an id that never existed.
 * The batch runner (src/batch/runner.ts) does the work; these handlers only record intent.
 */
import { z } from 'zod';
import { formatPath } from '../../config/load.js';
import { GatewayError } from '../../core/errors.js';
import type { Batch, BatchStore, StoredFile } from '../../batch/store.js';
import { BATCH_ENDPOINTS, MESSAGE_BATCH_ENDPOINT, type OpenAIBatchEndpoint } from '../../batch/endpoints.js';
import type { BatchSettings } from '../../batch/runner.js';
import { readBodyBytes, readJsonBody, sendJson, type Exchange } from '../exchange.js';

export interface BatchService {
  store: BatchStore;
  settings: BatchSettings;
  /** Tells the runner there is work now (set once the server listens). */
  poke: () => void;
}

const WINDOWS: Record<string, number> = { '24h': 24 * 3600 * 1000 };
const seconds = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms / 1000));

function fileObject(file: StoredFile): Record<string, unknown> {
  return { id: file.id, object: 'file', bytes: file.bytes, created_at: seconds(file.createdAt), filename: file.filename, purpose: file.purpose, status: 'processed', expires_at: null, status_details: null };
}

export function batchObject(batch: Batch): Record<string, unknown> {
  return {
    id: batch.id,
    object: 'batch',
    endpoint: batch.endpoint,
    errors: batch.errors ? { object: 'list', data: batch.errors } : null,
    input_file_id: batch.inputFileId,
    completion_window: batch.completionWindow,
    status: batch.status,
    output_file_id: batch.outputFileId,
    error_file_id: batch.errorFileId,
    created_at: seconds(batch.createdAt),
    in_progress_at: seconds(batch.inProgressAt),
    expires_at: seconds(batch.expiresAt),
    finalizing_at: seconds(batch.finalizingAt),
    completed_at: seconds(batch.completedAt),
    failed_at: seconds(batch.failedAt),
    expired_at: seconds(batch.expiredAt),
    cancelling_at: seconds(batch.cancellingAt),
    cancelled_at: seconds(batch.cancelledAt),
    request_counts: batch.counts,
    metadata: batch.metadata,
  };
}

function listOf(data: Record<string, unknown>[], hasMore: boolean): string {
  return JSON.stringify({ object: 'list', data, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, has_more: hasMore });
}

function listParams(exchange: Exchange): { limit: number; after: string | undefined; query: URLSearchParams } {
  const query = new URL(exchange.request.url ?? '/', 'http://gateway').searchParams;
  const rawLimit = query.get('limit');
  const limit = rawLimit === null ? 20 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new GatewayError('invalid_request', `limit must be an integer from 1 to 10000, not '${rawLimit}'.`, { param: 'limit' });
  return { limit, after: query.get('after') ?? undefined, query };
}

function owner(exchange: Exchange): string | null {
  return exchange.keyId;
}

/** POST /v1/files: multipart/form-data with `purpose` and `file`. */
async function uploadFile(exchange: Exchange, service: BatchService): Promise<void> {
  const type = exchange.request.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    throw new GatewayError('unsupported_media_type', `Upload files as multipart/form-data with the fields purpose and file, not '${type || 'no content-type'}'.`);
  }
  const limit = service.settings.maxFileBytes;
  let bytes: Buffer;
  try {
    // The form's own parts (boundaries, the purpose field) come on top of the file.
    bytes = await readBodyBytes(exchange, limit + 64 * 1024);
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'body_too_large') {
      throw new GatewayError('body_too_large', `The file is larger than the limit of ${limit} bytes (batch.max_file_mb).`, { param: 'file' });
    }
    throw error;
  }
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': type } }).formData();
  } catch (error) {
    throw new GatewayError('invalid_request', `The multipart body could not be read: ${(error as Error).message}.`);
  }
  const purpose = form.get('purpose');
  if (typeof purpose !== 'string') throw new GatewayError('missing_parameter', "The form needs a 'purpose' field ('batch').", { param: 'purpose' });
  if (purpose !== 'batch') throw new GatewayError('invalid_request', `purpose '${purpose}' is not supported here; this gateway stores files for batches ('batch').`, { param: 'purpose' });
  const file = form.get('file');
  if (file === null || typeof file === 'string') throw new GatewayError('missing_parameter', "The form needs a 'file' part holding the JSONL file.", { param: 'file' });
  const content = Buffer.from(await file.arrayBuffer());
  if (content.length > limit) throw new GatewayError('body_too_large', `The file is larger than the limit of ${limit} bytes (batch.max_file_mb).`, { param: 'file' });
  if (content.length === 0) throw new GatewayError('invalid_request', 'The file is empty.', { param: 'file' });
  const stored = service.store.addFile(owner(exchange), purpose, file.name || 'upload.jsonl', content);
  sendJson(exchange.response, 200, JSON.stringify(fileObject(stored)));
}

const createBatchSchema = z.strictObject({
  input_file_id: z.string().min(1),
  endpoint: z.string().min(1),
  completion_window: z.string().min(1),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullable().optional(),
  output_expires_after: z.unknown().optional(),
});

async function createBatch(exchange: Exchange, service: BatchService, maxBodyBytes: number): Promise<void> {
  const parsed = createBatchSchema.safeParse(await readJsonBody(exchange, maxBodyBytes));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue ? formatPath(issue.path) : '';
    throw new GatewayError('invalid_request', `${param ? `${param}: ` : ''}${issue?.message.replace(/^Invalid input: /, '') ?? 'invalid batch'}`, { param: param || null });
  }
  const body = parsed.data;
  if (!(BATCH_ENDPOINTS as readonly string[]).includes(body.endpoint)) {
    throw new GatewayError('invalid_request', `endpoint '${body.endpoint}' is not supported for batches; use ${BATCH_ENDPOINTS.join(', ')}.`, { param: 'endpoint' });
  }
  const windowMs = WINDOWS[body.completion_window];
  if (windowMs === undefined) throw new GatewayError('invalid_request', `completion_window must be '24h', not '${body.completion_window}'.`, { param: 'completion_window' });
  if (body.metadata && Object.keys(body.metadata).length > 16) throw new GatewayError('invalid_request', 'metadata holds at most 16 pairs.', { param: 'metadata' });
  const file = service.store.file(body.input_file_id, owner(exchange));
  if (!file) throw new GatewayError('not_found', `No file with id '${body.input_file_id}' was uploaded with this key.`, { param: 'input_file_id' });
  if (file.purpose !== 'batch') throw new GatewayError('invalid_request', `File '${file.id}' has purpose '${file.purpose}'; a batch reads a file uploaded with purpose 'batch'.`, { param: 'input_file_id' });
  const batch = service.store.createBatch({
    owner: owner(exchange),
    endpoint: body.endpoint as OpenAIBatchEndpoint,
    inputFileId: file.id,
    completionWindow: body.completion_window,
    windowMs,
    metadata: body.metadata ?? null,
  });
  service.poke();
  sendJson(exchange.response, 200, JSON.stringify(batchObject(batch)));
}

function ownedBatch(service: BatchService, exchange: Exchange, id: string): Batch {
  const batch = service.store.batch(id, owner(exchange));
  // Anthropic Message Batches live in the same store but are not OpenAI batches.
  if (!batch || batch.endpoint === MESSAGE_BATCH_ENDPOINT) throw new GatewayError('not_found', `No batch with id '${id}' was created with this key.`, { param: 'batch_id' });
  return batch;
}

function ownedFile(service: BatchService, exchange: Exchange, id: string): StoredFile {
  const file = service.store.file(id, owner(exchange));
  if (!file) throw new GatewayError('not_found', `No file with id '${id}' was uploaded with this key.`, { param: 'file_id' });
  return file;
}

function expect(method: string, path: string, allowed: string): void {
  if (method !== allowed) throw new GatewayError('method_not_allowed', `${method} is not allowed on ${path}; use ${allowed}.`);
}

/** Dispatches /files… and /batches… (paths without the /v1 prefix). */
export async function handleBatchApi(exchange: Exchange, service: BatchService, method: string, apiPath: string, maxBodyBytes: number): Promise<void> {
  const parts = apiPath.split('/').filter(Boolean).map((part) => decodeURIComponent(part));
  const [collection, id, action] = parts;
  const path = `/v1${apiPath}`;
  if (parts.length > 3 || (action !== undefined && !((collection === 'files' && action === 'content') || (collection === 'batches' && action === 'cancel')))) {
    throw new GatewayError('not_found', `Unknown endpoint ${method} ${path}.`);
  }
  if (collection === 'files') {
    if (id === undefined) {
      if (method === 'POST') return uploadFile(exchange, service);
      expect(method, path, 'GET');
      const { limit, after, query } = listParams(exchange);
      const order = query.get('order') ?? 'desc';
      if (order !== 'asc' && order !== 'desc') throw new GatewayError('invalid_request', `order must be 'asc' or 'desc', not '${order}'.`, { param: 'order' });
      const files = service.store.files(owner(exchange), { purpose: query.get('purpose') ?? undefined, limit: limit + 1, after, order });
      return sendJson(exchange.response, 200, listOf(files.slice(0, limit).map(fileObject), files.length > limit));
    }
    if (action === 'content') {
      expect(method, path, 'GET');
      const file = ownedFile(service, exchange, id);
      const content = service.store.fileContent(file.id);
      exchange.response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': content.length, 'content-disposition': `attachment; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"` });
      exchange.response.end(content);
      return;
    }
    if (method === 'DELETE') {
      const file = ownedFile(service, exchange, id);
      service.store.deleteFile(file.id);
      return sendJson(exchange.response, 200, JSON.stringify({ id: file.id, object: 'file', deleted: true }));
    }
    expect(method, path, 'GET');
    return sendJson(exchange.response, 200, JSON.stringify(fileObject(ownedFile(service, exchange, id))));
  }
  // batches
  if (id === undefined) {
    if (method === 'POST') return createBatch(exchange, service, maxBodyBytes);
    expect(method, path, 'GET');
    const { limit, after } = listParams(exchange);
    const batches = service.store.batches(owner(exchange), { kind: 'openai', limit: limit + 1, after });
    return sendJson(exchange.response, 200, listOf(batches.slice(0, limit).map(batchObject), batches.length > limit));
  }
  if (action === 'cancel') {
    expect(method, path, 'POST');
    const batch = ownedBatch(service, exchange, id);
    if (!service.store.transition(batch.id, ['validating', 'in_progress'], 'cancelling')) {
      if (batch.status !== 'cancelling') throw new GatewayError('invalid_request', `Batch '${batch.id}' is ${batch.status}; only a validating or in-progress batch can be cancelled.`, { param: 'batch_id', status: 409 });
    }
    service.poke();
    return sendJson(exchange.response, 200, JSON.stringify(batchObject(ownedBatch(service, exchange, id))));
  }
  expect(method, path, 'GET');
  return sendJson(exchange.response, 200, JSON.stringify(batchObject(ownedBatch(service, exchange, id))));
}
