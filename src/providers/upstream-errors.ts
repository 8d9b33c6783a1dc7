/** Upstream HTTP error answers → gateway errors. Bodies are read bounded and scrubbed. */
import { GatewayError, scrubSecrets } from '../core/errors.js';
import type { UpstreamResponse } from './http-client.js';

const MAX_ERROR_BODY = 64 * 1024;
const MAX_RESPONSE_BODY = 64 * 1024 * 1024;

export async function readBounded(body: UpstreamResponse['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > limit) {
      chunks.push(buffer.subarray(0, Math.max(0, buffer.length - (size - limit))));
      body.destroy();
      break;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function headerValue(headers: UpstreamResponse['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Seconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
export function retryAfterSeconds(headers: UpstreamResponse['headers'], now = Date.now()): number | undefined {
  const milliseconds = Number(headerValue(headers, 'retry-after-ms'));
  if (Number.isFinite(milliseconds) && milliseconds >= 0 && headerValue(headers, 'retry-after-ms') !== undefined) return milliseconds / 1000;
  const value = headerValue(headers, 'retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, (date - now) / 1000) : undefined;
}

function upstreamMessage(text: string): { message: string | undefined; param: string | undefined } {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown; param?: unknown } | string; message?: unknown };
    const error = parsed.error;
    if (typeof error === 'string') return { message: error, param: undefined };
    const message = typeof error?.message === 'string' ? error.message : typeof parsed.message === 'string' ? parsed.message : undefined;
    return { message, param: typeof error?.param === 'string' ? error.param : undefined };
  } catch {
    return { message: undefined, param: undefined };
  }
}

/** How providers say a prompt does not fit (OpenAI's code, Anthropic's and Gemini's wording, vLLM's). */
const CONTEXT_LENGTH = /context_length_exceeded|input is too long for requested model|maximum context length|context window|prompt is too long|too many (input )?tokens|input token count .* exceeds|exceeds the (maximum|model's) (context|input)/i;

/**
 * @param retryAfterFromBody reads a retry delay a family puts in its error body
 *   (Gemini's google.rpc.RetryInfo) when no Retry-After header came.
 */
export async function upstreamHttpError(
  response: UpstreamResponse,
  provider: string,
  secrets: string[],
  retryAfterFromBody?: (body: unknown) => number | undefined,
): Promise<GatewayError> {
  const text = await readErrorBody(response);
  return httpErrorFromText(response, text, provider, secrets, { ...(retryAfterFromBody ? { retryAfterFromBody } : {}) });
}

/** An error answer's body text, bounded (empty when it cannot be read). */
export function readErrorBody(response: UpstreamResponse): Promise<string> {
  return readBounded(response.body, MAX_ERROR_BODY).catch(() => '');
}

export interface HttpErrorOptions {
  retryAfterFromBody?: (body: unknown) => number | undefined;
  /** What to check when the upstream refuses the credentials (default "its api_key"). */
  credentials?: string;
  /** The family's own message, when its error body is not of the common shapes. */
  message?: string;
}

/** The status table every family shares, for an error body already read. */
export function httpErrorFromText(
  response: Pick<UpstreamResponse, 'status' | 'headers'>,
  text: string,
  provider: string,
  secrets: readonly string[],
  options: HttpErrorOptions = {},
): GatewayError {
  const parsed = upstreamMessage(text);
  const message = options.message ?? parsed.message;
  const param = parsed.param;
  const detail = scrubSecrets(message ?? (text.trim().slice(0, 200) || 'no error body'), secrets);
  const status = response.status;
  const fields = { upstreamStatus: status, ...(param ? { param } : {}) };
  if ((status === 400 || status === 413) && CONTEXT_LENGTH.test(`${text} ${detail}`)) {
    return new GatewayError('context_length_exceeded', `provider ${provider} says the prompt is too long for the model: ${detail}`, fields);
  }
  if (status === 400) return new GatewayError('invalid_request', `provider ${provider} rejected the request: ${detail}`, fields);
  if (status === 401 || status === 403) {
    return new GatewayError('upstream_auth_error', `provider ${provider} rejected the gateway's credentials (HTTP ${status}); check ${options.credentials ?? 'its api_key'}`, { upstreamStatus: status });
  }
  if (status === 404) return new GatewayError('model_not_found', `provider ${provider} does not know this model: ${detail}`, fields);
  if (status === 408) return new GatewayError('upstream_timeout', `provider ${provider} timed out (HTTP 408): ${detail}`, fields);
  if (status === 413) return new GatewayError('invalid_request', `provider ${provider} says the request is too large: ${detail}`, fields);
  if (status === 422) return new GatewayError('unsupported_capability', `provider ${provider} could not process the request: ${detail}`, fields);
  if (status === 429) {
    const retryAfter = retryAfterSeconds(response.headers) ?? (options.retryAfterFromBody ? parseQuietly(text, options.retryAfterFromBody) : undefined);
    return new GatewayError('upstream_rate_limited', `provider ${provider} is rate limiting (HTTP 429): ${detail}`, {
      ...fields,
      ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
    });
  }
  return new GatewayError('upstream_error', `provider ${provider} failed (HTTP ${status}): ${detail}`, fields);
}

function parseQuietly(text: string, read: (body: unknown) => number | undefined): number | undefined {
  try {
    return read(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * Read a 2xx JSON answer: bounded, sized bodies read in one go, read failures translated
 * by the caller (timeouts, resets), and a body that is not JSON a clean 502 quoting its start.
 */
export async function readUpstreamJson(response: UpstreamResponse, provider: string, translate: (error: unknown) => Error): Promise<unknown> {
  let text: string;
  try {
    const length = Number(response.headers['content-length']);
    text = length >= 0 && length <= MAX_RESPONSE_BODY ? await response.body.text() : await readBounded(response.body, MAX_RESPONSE_BODY);
  } catch (error) {
    throw translate(error);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError('upstream_bad_response', `provider ${provider} answered with a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}`);
  }
}
