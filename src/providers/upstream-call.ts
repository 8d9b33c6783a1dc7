/**
 * The call path the cloud and native adapters share: add credentials (a header, a bearer
 * token, a request signature), send, and on an answer that says the credential expired
 * drop it, fetch a fresh one and send once more — so a token that lapses between two
 * requests never fails one. Error answers are mapped by the family's own mapper.
 */
import type { ProviderConfig } from '../config/load.js';
import { GatewayError } from '../core/errors.js';
import { translateError, type UpstreamClient, type UpstreamRequest, type UpstreamResponse } from './http-client.js';
import { readUpstreamJson } from './upstream-errors.js';
import type { ChatResponse, StreamPart } from '../core/types.js';
import type { CallContext } from './types.js';

export interface Authorizer {
  /** Adds credentials to the request; `credential` names what was used, for `forget`. */
  authorize(request: UpstreamRequest): Promise<{ request: UpstreamRequest; credential?: unknown }>;
  /** The upstream rejected `credential` as expired or revoked: drop it. True when a fresh one can be fetched. */
  forget?(credential: unknown): boolean;
}

/** A fixed header (an api-key), or nothing. */
export function staticAuthorizer(headers: Record<string, string>): Authorizer {
  return { authorize: (request) => Promise.resolve({ request: { ...request, headers: { ...request.headers, ...headers } } }) };
}

export interface CallerOptions {
  auth: Authorizer;
  /** Turns a non-2xx answer into a GatewayError (reads the body). */
  mapError(response: UpstreamResponse): Promise<GatewayError>;
  /** Whether a non-2xx answer says the credential expired (default: HTTP 401). */
  credentialExpired?(response: UpstreamResponse): boolean;
}

export class UpstreamCaller {
  constructor(
    readonly provider: ProviderConfig,
    private readonly client: UpstreamClient,
    private readonly options: CallerOptions,
  ) {}

  baseUrl(): string {
    if (!this.provider.baseUrl) throw new GatewayError('internal_error', `provider ${this.provider.name} has no base URL (simulator not started?)`);
    return this.provider.baseUrl;
  }

  /** POSTs `body` (JSON text) to `url`; resolves with a 2xx response or throws the mapped error. */
  async post(url: string, body: string, context: CallContext, accept = 'application/json'): Promise<UpstreamResponse> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept, ...this.provider.headers };
    if (this.provider.simulated && context.simulatorHeader) headers['x-switchyard-sim'] = context.simulatorHeader;
    if (context.traceparent) headers.traceparent = context.traceparent;
    const unsigned: UpstreamRequest = { url, method: 'POST', headers, body, timeouts: context.timeouts, signal: context.signal };
    let attempt = await this.send(unsigned);
    const expired = this.options.credentialExpired ?? ((response: UpstreamResponse) => response.status === 401);
    if (attempt.response.status >= 400 && expired(attempt.response) && this.options.auth.forget?.(attempt.credential)) {
      await attempt.response.body.dump().catch(() => undefined);
      attempt = await this.send(unsigned);
    }
    const response = attempt.response;
    if (response.status < 200 || response.status >= 300) throw await this.options.mapError(response);
    return response;
  }

  private async send(unsigned: UpstreamRequest): Promise<{ response: UpstreamResponse; credential?: unknown }> {
    const { request, credential } = await this.options.auth.authorize(unsigned);
    return { response: await this.client.send({ ...request, provider: this.provider.name }), credential };
  }

  /** Read failures (timeouts, resets, the caller leaving) as gateway errors. */
  failure(error: unknown, context: CallContext, response: UpstreamResponse): Error {
    return translateError(error, { url: this.provider.baseUrl ?? '', timeouts: context.timeouts, signal: context.signal, provider: this.provider.name }, response.signal);
  }

  json(response: UpstreamResponse, context: CallContext): Promise<unknown> {
    return readUpstreamJson(response, this.provider.name, (error) => this.failure(error, context, response));
  }
}

/** JSON text of a stream event, or a clean 502 saying it was not JSON. */
export function parseEventData(data: string, provider: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new GatewayError('upstream_bad_response', `provider ${provider} sent a stream event that is not JSON`);
  }
}

/** The answer to a prompt the provider's safety filter refused before generating: a content_filter finish. */
export function filteredResponse(model: string): ChatResponse {
  return { model, created: Math.floor(Date.now() / 1000), choices: [{ index: 0, text: '', toolCalls: [], finishReason: 'content_filter' }] };
}

export async function* filteredStream(model: string): AsyncGenerator<StreamPart> {
  yield { type: 'start', model, created: Math.floor(Date.now() / 1000) };
  yield { type: 'finish', index: 0, finishReason: 'content_filter' };
}

/** Whether a thrown error is the content_filtered refusal a family's error mapper produced. */
export function isFiltered(error: unknown): boolean {
  return error instanceof GatewayError && error.code === 'content_filtered';
}
