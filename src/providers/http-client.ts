/**
 * The one upstream HTTP client: undici agents with keep-alive pools, owning every
 * timeout (connect, time to response headers / first token, idle between body chunks,
 * total deadline) and every abort (client gone, gateway shutting down). Failures come
 * out as GatewayErrors that say which limit was hit.
 */
import { Agent, errors as undiciErrors, request } from 'undici';
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
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

/** Thrown when the caller's own signal aborted the call (client disconnected). */
export class CallerAbortedError extends Error {
  constructor() {
    super('the caller aborted the upstream call');
    this.name = 'CallerAbortedError';
  }
}

export class UpstreamClient {
  private readonly agents = new Map<number, Agent>();

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

  async send(upstream: UpstreamRequest): Promise<UpstreamResponse> {
    const deadline = AbortSignal.timeout(upstream.timeouts.totalMs);
    const signal = upstream.signal ? AbortSignal.any([upstream.signal, deadline]) : deadline;
    try {
      const response = await request(upstream.url, {
        method: upstream.method,
        headers: upstream.headers,
        body: upstream.body ?? null,
        signal,
        dispatcher: this.agentFor(upstream.timeouts.connectMs),
        headersTimeout: upstream.timeouts.firstTokenMs,
        bodyTimeout: upstream.timeouts.idleMs,
      });
      return { status: response.statusCode, headers: response.headers, body: response.body };
    } catch (error) {
      throw translateError(error, upstream, signal);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((agent) => agent.close()));
    this.agents.clear();
  }
}

/** Map undici / socket failures to gateway errors; also used while reading bodies. */
export function translateError(error: unknown, upstream: Pick<UpstreamRequest, 'url' | 'timeouts' | 'signal'>, signal?: AbortSignal): Error {
  if (error instanceof GatewayError || error instanceof CallerAbortedError) return error;
  if (upstream.signal?.aborted) return new CallerAbortedError();
  const host = safeHost(upstream.url);
  const timeouts = upstream.timeouts;
  if (signal?.aborted || (error instanceof Error && error.name === 'TimeoutError')) {
    return new GatewayError('upstream_timeout', `upstream ${host} did not finish within total_ms=${timeouts.totalMs}`, { cause: error });
  }
  if (error instanceof undiciErrors.HeadersTimeoutError) {
    return new GatewayError('upstream_timeout', `upstream ${host} sent no response within first_token_ms=${timeouts.firstTokenMs}`, { cause: error });
  }
  if (error instanceof undiciErrors.BodyTimeoutError) {
    return new GatewayError('upstream_timeout', `upstream ${host} went silent for idle_ms=${timeouts.idleMs}`, { cause: error });
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new GatewayError('upstream_timeout', `could not connect to upstream ${host} within connect_ms=${timeouts.connectMs}`, { cause: error });
  }
  const code = (error as { code?: string } | undefined)?.code;
  const detail = code ?? (error instanceof Error ? error.message : 'unknown error');
  return new GatewayError('upstream_connection_error', `connection to upstream ${host} failed (${detail})`, { cause: error });
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'upstream';
  }
}
