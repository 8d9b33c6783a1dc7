/**
 * One client request/response pair and the helpers every handler uses: bounded body
 * reading, JSON parsing with clear errors, header and error writing, SSE writes with
 * back-pressure, and an abort signal that fires when the client goes away.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { uuidv7 } from '../core/ids.js';
import { GatewayError } from '../core/errors.js';
import { renderOpenAIError } from '../api/openai/errors.js';
import type { RenderedError } from '../api/inbound-format.js';
import type { KeyPolicy } from '../router/signals.js';
import type { VirtualKey } from '../governance/keys.js';
import type { RequestRecord } from '../store/types.js';
import type { RequestTrace } from '../observability/tracing.js';

export interface Exchange {
  id: string;
  request: IncomingMessage;
  response: ServerResponse;
  /** Wall-clock start (ms since epoch) for the log. */
  createdAt: number;
  /** Monotonic start (performance.now) for latencies. */
  startedAt: number;
  /** Aborted when the client disconnects before the response is complete. */
  signal: AbortSignal;
  keyId: string | null;
  /** The authenticated key's routing policy, when keys are configured. */
  keyPolicy?: KeyPolicy;
  /** The authenticated virtual key's team. */
  team?: string;
  /** The authenticated virtual key, when the caller used one. */
  virtualKey?: VirtualKey;
  rawBody: string | null;
  /** The request's log row, once a handler that logs one took over (access log, traces). */
  record?: RequestRecord;
  /** The request's trace, when tracing is on. */
  trace?: RequestTrace;
  /** Its trace id (hex), for the access log. */
  traceId?: string;
}

/** Headers of every SSE response (the cost comes as a trailer once the stream is done). */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
  trailer: 'x-switchyard-cost-usd',
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function createExchange(request: IncomingMessage, response: ServerResponse): Exchange {
  const incomingId = request.headers['x-request-id'];
  const id = typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : uuidv7();
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  response.setHeader('x-request-id', id);
  return { id, request, response, createdAt: Date.now(), startedAt: performance.now(), signal: controller.signal, keyId: null, rawBody: null };
}

export function elapsedMs(exchange: Exchange): number {
  return Math.round((performance.now() - exchange.startedAt) * 1000) / 1000;
}

/** Read the whole body, refusing (413) beyond the limit by Content-Length or by counting chunks. */
export function readBody(exchange: Exchange, limit: number): Promise<string> {
  return collectBody(exchange, limit, (chunks) => (chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8')));
}

/** The whole body as bytes (uploads), with the same limit. */
export function readBodyBytes(exchange: Exchange, limit: number): Promise<Buffer> {
  return collectBody(exchange, limit, (chunks) => Buffer.concat(chunks));
}

function collectBody<T>(exchange: Exchange, limit: number, finish: (chunks: Buffer[]) => T): Promise<T> {
  const { request } = exchange;
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => {
      if (!failed) resolve(finish(chunks));
    });
    request.once('error', (error) => {
      if (!failed) reject(new GatewayError('invalid_request', `could not read the request body: ${error.message}`));
    });
  });
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError('body_too_large', `The request body is larger than the limit of ${limit} bytes (server.max_body_bytes).`);
}

export async function readJsonBody(exchange: Exchange, limit: number): Promise<unknown> {
  const text = await readBody(exchange, limit);
  exchange.rawBody = text;
  if (text.trim() === '') throw new GatewayError('invalid_json', 'The request body is empty; send a JSON object.');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new GatewayError('invalid_json', `We could not parse the JSON body of your request: ${(error as Error).message}`);
  }
}

export function sendJson(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.destroyed) return;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader('content-type', 'application/json');
  response.setHeader('content-length', Buffer.byteLength(body));
  response.statusCode = status;
  response.end(body);
}

/** Answer with an error in the client's API format (OpenAI's unless told otherwise). */
export function sendError(response: ServerResponse, error: GatewayError, render: (error: GatewayError) => RenderedError = renderOpenAIError): void {
  const rendered = render(error);
  // The gateway's own code, whatever the client's format makes of it (Anthropic's errors have only a type).
  if (!response.headersSent) response.setHeader('x-switchyard-error-code', error.code);
  // A body we did not read may still be arriving; close the connection rather than reading it.
  if (error.code === 'body_too_large') response.setHeader('connection', 'close');
  sendJson(response, rendered.status, rendered.body, rendered.headers);
}

/**
 * Writes a response's stream events in batches: events written in one turn of the event
 * loop (everything one upstream read produced) leave in one write, not one each. A chunked
 * HTTP write costs a syscall entry of four buffers (size, CRLF, data, CRLF) and its JS
 * bookkeeping, which profiles showed as the largest single cost of relaying a stream.
 * Nothing waits for a later read: the batch goes out when the turn's microtasks are done.
 */
export class StreamWriter {
  private pending = '';
  private scheduled = false;
  private readonly flushSoon = (): void => {
    this.scheduled = false;
    this.flush();
  };

  constructor(private readonly response: ServerResponse) {}

  /**
   * Queue `text`; resolves once the socket has room again when the response's buffer is
   * full (back-pressure), otherwise returns undefined at once.
   */
  write(text: string): Promise<void> | undefined {
    if (this.response.destroyed) return undefined;
    this.pending += text;
    if (this.pending.length + this.response.writableLength >= this.response.writableHighWaterMark) return this.flush();
    if (!this.scheduled) {
      this.scheduled = true;
      // process.nextTick runs after the current run of promise callbacks, so every part of one upstream read lands in this batch.
      process.nextTick(this.flushSoon);
    }
    return undefined;
  }

  /** Send what is queued now; a promise when the socket's buffer is full. */
  flush(): Promise<void> | undefined {
    if (this.pending === '') return undefined;
    const text = this.pending;
    this.pending = '';
    return writeChunk(this.response, text);
  }

  /** Send what is queued and end the response. */
  end(): void {
    this.flush();
    this.response.end();
  }
}

/** Write a chunk, waiting for the socket to drain (or close) when its buffer is full. */
export function writeChunk(response: ServerResponse, text: string): Promise<void> | undefined {
  if (response.destroyed) return undefined;
  if (response.write(text)) return undefined;
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.once('drain', done);
    response.once('close', done);
  });
}
