/**
 * The providers' own batch APIs, for the gateway's native batch forwarding:
 * - OpenAI: POST /v1/files (multipart, purpose batch), GET /v1/files/{id}/content,
 *   POST /v1/batches, GET /v1/batches/{id}, POST /v1/batches/{id}/cancel;
 * - Anthropic: POST /v1/messages/batches, GET /v1/messages/batches/{id},
 *   GET /v1/messages/batches/{id}/results, POST /v1/messages/batches/{id}/cancel.
 * A batch is worked in the background by calling this simulator's own endpoints for each
 * line (so answers, latency and failures are the simulator's usual ones), a few at a time.
 * State lives in memory, per simulator.
 */
import { randomBytes } from 'node:crypto';
import { readBody, sendJson } from '../http-io.js';
import type { SimExchange, SimulatorContext, SimulatorProtocol } from './protocol.js';

interface SimLine {
  customId: string;
  url: string;
  body: string;
  /** Set when answered: the HTTP status and body. */
  status?: number;
  response?: string;
}

interface SimBatch {
  id: string;
  api: 'openai' | 'anthropic';
  endpoint: string;
  inputFileId: string | null;
  lines: SimLine[];
  status: 'in_progress' | 'cancelling' | 'ended';
  cancelled: boolean;
  createdAt: number;
  endedAt: number | null;
  outputFileId: string | null;
  errorFileId: string | null;
}

/** What the simulator's batch APIs hold, and counts for tests. */
export interface SimBatchState {
  files: Map<string, { id: string; filename: string; content: string }>;
  batches: Map<string, SimBatch>;
  /** Batches created, per API. */
  created: { openai: number; anthropic: number };
  /** Lines answered, per custom id (more than 1 would be a line answered twice). */
  answered: Map<string, number>;
}

const states = new WeakMap<SimulatorContext, SimBatchState>();

export function batchStateOf(context: SimulatorContext): SimBatchState {
  let state = states.get(context);
  if (!state) {
    state = { files: new Map(), batches: new Map(), created: { openai: 0, anthropic: 0 }, answered: new Map() };
    states.set(context, state);
  }
  return state;
}

const LINE_CONCURRENCY = 4;
const id = (prefix: string): string => `${prefix}${randomBytes(10).toString('hex')}`;
const seconds = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms / 1000));

function path(url: URL): string {
  return url.pathname.replace(/\/+$/, '');
}

export const batchesProtocol: SimulatorProtocol = {
  name: 'batches',
  handles: (url) => {
    const p = path(url);
    return p === '/v1/files' || p.startsWith('/v1/files/') || p === '/v1/batches' || p.startsWith('/v1/batches/') || p === '/v1/messages/batches' || p.startsWith('/v1/messages/batches/');
  },
  async handle(exchange) {
    const anthropic = path(exchange.url).startsWith('/v1/messages/');
    const fail = (status: number, message: string): void =>
      sendJson(exchange.response, status, anthropic ? { type: 'error', error: { type: status === 404 ? 'not_found_error' : 'invalid_request_error', message } } : { error: { message, type: 'invalid_request_error', param: null, code: null } });
    const key = exchange.request.headers['x-api-key'] ?? exchange.request.headers.authorization;
    if (!key) return fail(401, 'An API key is required.');
    try {
      await route(exchange, batchStateOf(exchange.context), fail);
    } catch (error) {
      fail(400, (error as Error).message);
    }
  },
};

async function route(exchange: SimExchange, state: SimBatchState, fail: (status: number, message: string) => void): Promise<void> {
  const method = exchange.request.method ?? 'GET';
  const parts = path(exchange.url).split('/').filter(Boolean);
  // ['v1', 'files' | 'batches' | 'messages', …]
  if (parts[1] === 'files') {
    if (method === 'POST' && parts.length === 2) return uploadFile(exchange, state);
    const file = state.files.get(parts[2] ?? '');
    if (!file) return fail(404, `No such File object: ${parts[2] ?? ''}`);
    if (method === 'GET' && parts[3] === 'content') {
      exchange.response.writeHead(200, { 'content-type': 'application/octet-stream' });
      exchange.response.end(file.content);
      return;
    }
    return sendJson(exchange.response, 200, { id: file.id, object: 'file', bytes: Buffer.byteLength(file.content), filename: file.filename, purpose: 'batch' });
  }
  const anthropic = parts[1] === 'messages';
  const rest = anthropic ? parts.slice(3) : parts.slice(2);
  if (rest.length === 0) {
    if (method !== 'POST') return fail(405, `Use POST on ${path(exchange.url)}.`);
    const body = JSON.parse(await readBody(exchange.request)) as Record<string, unknown>;
    const batch = anthropic ? anthropicBatch(body) : openaiBatch(body, state);
    state.batches.set(batch.id, batch);
    state.created[batch.api] += 1;
    void work(exchange, state, batch);
    return sendJson(exchange.response, 200, render(exchange, batch));
  }
  const batch = state.batches.get(rest[0] ?? '');
  if (!batch || (batch.api === 'anthropic') !== anthropic) return fail(404, `No such batch: ${rest[0] ?? ''}`);
  if (rest[1] === 'cancel' && method === 'POST') {
    if (batch.status === 'in_progress') {
      batch.cancelled = true;
      batch.status = 'cancelling';
    }
    return sendJson(exchange.response, 200, render(exchange, batch));
  }
  if (rest[1] === 'results' && anthropic) {
    if (batch.status !== 'ended') return fail(400, 'The batch is still processing.');
    exchange.response.writeHead(200, { 'content-type': 'application/binary' });
    exchange.response.end(batch.lines.map((line) => JSON.stringify(anthropicResult(line))).join('\n') + '\n');
    return;
  }
  if (rest.length === 1 && method === 'GET') return sendJson(exchange.response, 200, render(exchange, batch));
  fail(404, `Unknown endpoint ${method} ${path(exchange.url)}`);
}

async function uploadFile(exchange: SimExchange, state: SimBatchState): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of exchange.request) chunks.push(chunk as Buffer);
  const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': exchange.request.headers['content-type'] ?? '' } }).formData();
  const file = form.get('file');
  if (form.get('purpose') !== 'batch' || file === null || typeof file === 'string') throw new Error("Upload a 'file' with purpose 'batch'.");
  const stored = { id: id('file-'), filename: file.name, content: await file.text() };
  state.files.set(stored.id, stored);
  sendJson(exchange.response, 200, { id: stored.id, object: 'file', bytes: Buffer.byteLength(stored.content), filename: stored.filename, purpose: 'batch', status: 'processed' });
}

function openaiBatch(body: Record<string, unknown>, state: SimBatchState): SimBatch {
  const file = state.files.get(String(body.input_file_id));
  if (!file) throw new Error(`No such File object: ${String(body.input_file_id)}`);
  const lines = file.content
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((text) => {
      const line = JSON.parse(text) as { custom_id: string; url: string; body: unknown };
      return { customId: line.custom_id, url: line.url, body: JSON.stringify(line.body) };
    });
  return { id: id('batch_'), api: 'openai', endpoint: String(body.endpoint), inputFileId: file.id, lines, status: 'in_progress', cancelled: false, createdAt: Date.now(), endedAt: null, outputFileId: null, errorFileId: null };
}

function anthropicBatch(body: Record<string, unknown>): SimBatch {
  const requests = body.requests as { custom_id: string; params: unknown }[] | undefined;
  if (!Array.isArray(requests) || requests.length === 0) throw new Error('requests: Field required');
  const lines = requests.map((request) => ({ customId: request.custom_id, url: '/v1/messages', body: JSON.stringify(request.params) }));
  return { id: id('msgbatch_'), api: 'anthropic', endpoint: '/v1/messages', inputFileId: null, lines, status: 'in_progress', cancelled: false, createdAt: Date.now(), endedAt: null, outputFileId: null, errorFileId: null };
}

/** Answers every line by calling this simulator's own endpoint, with the caller's credentials. */
async function work(exchange: SimExchange, state: SimBatchState, batch: SimBatch): Promise<void> {
  const socket = exchange.request.socket;
  const base = `http://${socket.localFamily === 'IPv6' ? `[${socket.localAddress}]` : socket.localAddress}:${socket.localPort}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const name of ['authorization', 'x-api-key', 'anthropic-version']) {
    const value = exchange.request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batch.lines.length && !batch.cancelled) {
      const line = batch.lines[next++] as SimLine;
      try {
        const response = await fetch(`${base}${line.url}`, { method: 'POST', headers, body: line.body });
        line.response = await response.text();
        line.status = response.status;
        state.answered.set(line.customId, (state.answered.get(line.customId) ?? 0) + 1);
      } catch (error) {
        line.status = 500;
        line.response = JSON.stringify({ error: { message: (error as Error).message } });
      }
    }
  };
  await Promise.all(Array.from({ length: LINE_CONCURRENCY }, () => worker()));
  if (batch.api === 'openai') {
    const output = batch.lines.filter((line) => line.status === 200);
    const errors = batch.lines.filter((line) => line.status !== 200);
    const lineOf = (line: SimLine): string =>
      JSON.stringify({
        id: id('batch_req_'),
        custom_id: line.customId,
        response: line.status === undefined ? null : { status_code: line.status, request_id: id('req_'), body: JSON.parse(line.response ?? 'null') as unknown },
        error: line.status === undefined ? { code: 'batch_cancelled', message: 'The batch was cancelled.' } : null,
      });
    if (output.length > 0) {
      const file = { id: id('file-'), filename: `${batch.id}_output.jsonl`, content: output.map(lineOf).join('\n') + '\n' };
      state.files.set(file.id, file);
      batch.outputFileId = file.id;
    }
    if (errors.length > 0) {
      const file = { id: id('file-'), filename: `${batch.id}_error.jsonl`, content: errors.map(lineOf).join('\n') + '\n' };
      state.files.set(file.id, file);
      batch.errorFileId = file.id;
    }
  }
  batch.status = 'ended';
  batch.endedAt = Date.now();
}

function anthropicResult(line: SimLine): Record<string, unknown> {
  if (line.status === undefined) return { custom_id: line.customId, result: { type: 'canceled' } };
  const body = JSON.parse(line.response ?? 'null') as unknown;
  if (line.status === 200) return { custom_id: line.customId, result: { type: 'succeeded', message: body } };
  return { custom_id: line.customId, result: { type: 'errored', error: body } };
}

function render(exchange: SimExchange, batch: SimBatch): Record<string, unknown> {
  const answered = batch.lines.filter((line) => line.status !== undefined);
  const succeeded = answered.filter((line) => line.status === 200).length;
  if (batch.api === 'anthropic') {
    const ended = batch.status === 'ended';
    return {
      id: batch.id,
      type: 'message_batch',
      processing_status: batch.status === 'cancelling' ? 'canceling' : batch.status,
      request_counts: {
        processing: ended ? 0 : batch.lines.length - answered.length,
        succeeded,
        errored: answered.length - succeeded,
        canceled: ended ? batch.lines.length - answered.length : 0,
        expired: 0,
      },
      created_at: new Date(batch.createdAt).toISOString(),
      ended_at: batch.endedAt === null ? null : new Date(batch.endedAt).toISOString(),
      expires_at: new Date(batch.createdAt + 86_400_000).toISOString(),
      archived_at: null,
      cancel_initiated_at: null,
      results_url: ended ? `http://${exchange.request.headers.host ?? 'localhost'}/v1/messages/batches/${batch.id}/results` : null,
    };
  }
  const status = batch.status === 'ended' ? (batch.cancelled ? 'cancelled' : 'completed') : batch.status;
  return {
    id: batch.id,
    object: 'batch',
    endpoint: batch.endpoint,
    input_file_id: batch.inputFileId,
    completion_window: '24h',
    status,
    output_file_id: batch.outputFileId,
    error_file_id: batch.errorFileId,
    created_at: seconds(batch.createdAt),
    completed_at: batch.status === 'ended' ? seconds(batch.endedAt) : null,
    request_counts: { total: batch.lines.length, completed: succeeded, failed: answered.length - succeeded },
  };
}
