/**
 * The one upstream HTTP client: undici agents with keep-alive pools, owning every
 * timeout (connect, time to response headers / first token, idle between body chunks,
 * total deadline) and every abort (client gone, gateway shutting down). Failures come
 * out as GatewayErrors that say which limit was hit.
 */
import { EventEmitter } from 'node:events';
import { Agent, errors as undiciErrors } from 'undici';
import type { Dispatcher } from 'undici';
import type { Timeouts } from '../config/load.js';
import { GatewayError } from '../core/errors.js';

export interface UpstreamRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  timeouts: Timeouts;
  /** Aborted when the client goes away; the upstream call is cancelled with it. */
  signal?: AbortSignal;
  /** The provider's name: client-visible errors name it, never the upstream's address. */
  provider?: string;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  /** Aborted by the caller or by the total deadline; its reason says which. */
  signal: CallAbort;
}

/** What an upstream call's abort tells: whether it fired, and why. */
export interface CallAbort {
  readonly aborted: boolean;
  readonly reason: unknown;
}

/**
 * The abort of one upstream call (the caller's abort or the total deadline), handed to
 * undici as its signal. undici takes an EventEmitter with `aborted` and `reason` as well
 * as an AbortSignal; this one costs a plain object where an AbortController builds an
 * EventTarget (seen in profiles of the request path, one per call).
 */
class CallAborter extends EventEmitter implements CallAbort {
  aborted = false;
  reason: unknown = undefined;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

/**
 * Thrown when the caller's own signal aborted the call: the client disconnected
 * (`client_closed`), or the gateway cancelled the call itself, e.g. the slower side of a
 * hedged pair (`hedge_lost`). Abort a signal with one of these as its reason to say which.
 */
export class CallerAbortedError extends Error {
  constructor(
    readonly code: 'client_closed' | 'hedge_lost' = 'client_closed',
    message = code === 'client_closed' ? 'the client disconnected before the answer was complete' : 'cancelled: the hedged call on the other deployment answered first',
  ) {
    super(message);
    this.name = 'CallerAbortedError';
  }
}

/** The CallerAbortedError an aborted caller signal stands for. */
export function abortReason(signal: AbortSignal): CallerAbortedError {
  return signal.reason instanceof CallerAbortedError ? signal.reason : new CallerAbortedError();
}

/** Parsed upstream URLs kept at most (a deployment's URLs repeat; a few carry the model name). */
const PARSED_URLS = 256;

export class UpstreamClient {
  private readonly agents = new Map<number, Agent>();
  /**
   * Origin and path of each upstream URL, parsed once: undici's `request(url)` builds a
   * WHATWG URL and copies the options on every call (seen in profiles of the request path);
   * the agent's own `request({ origin, path })` takes them as they are, the same path after.
   */
  private readonly parsed = new Map<string, { origin: string; path: string }>();

  private target(url: string): { origin: string; path: string } {
    let found = this.parsed.get(url);
    if (!found) {
      const parsed = new URL(url);
      // What undici's parseURL refuses, with its error.
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new undiciErrors.InvalidArgumentError('Invalid URL protocol: the URL must start with `http:` or `https:`.');
      found = { origin: parsed.origin, path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname };
      if (this.parsed.size >= PARSED_URLS) this.parsed.clear();
      this.parsed.set(url, found);
    }
    return found;
  }

  private agentFor(connectTimeoutMs: number): Agent {
    let agent = this.agents.get(connectTimeoutMs);
    if (!agent) {
      agent = new Agent({
        connect: { timeout: connectTimeoutMs },
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        connections: null,
        pipelining: 1,
      });
      this.agents.set(connectTimeoutMs, agent);
    }
    return agent;
  }

  /**
   * One CallAborter per call carries both the caller's abort and the total deadline
   * (cheaper than AbortSignal.any + AbortSignal.timeout, which showed up in profiles, and
   * than an AbortController).
   * The deadline keeps running while the caller reads the body and is cleared when the
   * body closes.
   */
  async send(upstream: UpstreamRequest): Promise<UpstreamResponse> {
    const controller = new CallAborter();
    const caller = upstream.signal;
    const onCallerAbort = (): void => controller.abort(caller ? abortReason(caller) : new CallerAbortedError());
    if (caller) {
      if (caller.aborted) throw abortReason(caller);
      caller.addEventListener('abort', onCallerAbort, { once: true });
    }
    const deadline = setTimeout(() => controller.abort(new DeadlineError(upstream.timeouts.totalMs)), upstream.timeouts.totalMs);
    const release = (): void => {
      clearTimeout(deadline);
      caller?.removeEventListener('abort', onCallerAbort);
    };
    try {
      const { origin, path } = this.target(upstream.url);
      const response = await this.agentFor(upstream.timeouts.connectMs).request({
        origin,
        path,
        method: upstream.method,
        headers: upstream.headers,
        body: upstream.body ?? null,
        signal: controller,
        headersTimeout: upstream.timeouts.firstTokenMs,
        bodyTimeout: upstream.timeouts.idleMs,
      });
      response.body.once('close', release);
      return { status: response.statusCode, headers: response.headers, body: response.body, signal: controller };
    } catch (error) {
      release();
      throw translateError(error, upstream, controller);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((agent) => agent.close()));
    this.agents.clear();
  }
}

/**
 * A streamed body's chunks, for a reader that stops at the stream's own end marker
 * ([DONE], message_stop) before the HTTP body has ended. Stopping there does not destroy
 * the body (destroying it threw away the keep-alive connection and built an AbortError
 * with a stack trace on every stream); `finishBody` reads the rest.
 */
export function bodyChunks(body: UpstreamResponse['body']): AsyncIterable<Buffer> {
  return body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
}

/**
 * Reads what is left of a body after its stream's end marker, in the background, so the
 * connection goes back to the pool. Bounded by the call's idle and total timeouts; errors
 * no longer matter (the answer is complete).
 */
export function finishBody(body: UpstreamResponse['body']): void {
  body.dump({ limit: Number.MAX_SAFE_INTEGER }).catch(() => undefined);
}

/**
 * Drops a streamed body read through `bodyChunks` that stopped before its end marker (an
 * error, or the caller went away). Once the reader has let go, nothing listens for the
 * body's errors, and undici's destroy emits one: it is swallowed here, never left to
 * crash the process.
 */
export function discardBody(body: UpstreamResponse['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** The total deadline of an upstream call ran out. */
export class DeadlineError extends Error {
  constructor(readonly totalMs: number) {
    super(`the upstream call did not finish within total_ms=${totalMs}`);
    this.name = 'DeadlineError';
  }
}

/**
 * Map undici / socket failures to gateway errors; also used while reading bodies.
 * `signal` is the call's own signal (UpstreamResponse.signal): its reason tells a caller
 * abort from the deadline.
 */
export function translateError(error: unknown, upstream: Pick<UpstreamRequest, 'url' | 'timeouts' | 'signal' | 'provider'>, signal?: CallAbort): Error {
  if (error instanceof GatewayError || error instanceof CallerAbortedError) return error;
  if (upstream.signal?.aborted) return abortReason(upstream.signal);
  if (signal?.reason instanceof CallerAbortedError) return signal.reason;
  const host = upstream.provider !== undefined ? `provider ${upstream.provider}` : `upstream ${safeHost(upstream.url)}`;
  const timeouts = upstream.timeouts;
  if (signal?.reason instanceof DeadlineError || error instanceof DeadlineError) {
    return new GatewayError('upstream_timeout', `${host} did not finish within total_ms=${timeouts.totalMs}`, { cause: error });
  }
  if (error instanceof undiciErrors.HeadersTimeoutError) {
    return new GatewayError('upstream_timeout', `${host} sent no response within first_token_ms=${timeouts.firstTokenMs}`, { cause: error });
  }
  if (error instanceof undiciErrors.BodyTimeoutError) {
    return new GatewayError('upstream_timeout', `${host} went silent for idle_ms=${timeouts.idleMs}`, { cause: error });
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new GatewayError('upstream_timeout', `could not connect to ${host} within connect_ms=${timeouts.connectMs}`, { cause: error });
  }
  const code = (error as { code?: string } | undefined)?.code;
  const detail = code ?? (error instanceof Error ? error.message : 'unknown error');
  return new GatewayError('upstream_connection_error', `connection to ${host} failed (${detail})`, { cause: error });
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'upstream';
  }
}
