/**
 * Bedrock error answers → gateway errors, by the error type AWS names in the
 * x-amzn-ErrorType header (or the body's __type): throttling and quota errors are 429s,
 * credential and permission errors a 502 that says to check the AWS credentials.
 */
import { GatewayError, scrubSecrets } from '../../core/errors.js';
import type { UpstreamResponse } from '../http-client.js';
import { httpErrorFromText, readErrorBody } from '../upstream-errors.js';

const AUTH_ERRORS = new Set([
  'UnrecognizedClientException', 'InvalidSignatureException', 'IncompleteSignature', 'MissingAuthenticationToken', 'InvalidClientTokenId',
  'ExpiredTokenException', 'SignatureDoesNotMatch', 'AccessDeniedException', 'NotAuthorized', 'RequestExpired',
]);
const RATE_ERRORS = new Set(['ThrottlingException', 'ServiceQuotaExceededException', 'ModelNotReadyException', 'TooManyRequestsException']);

function headerOf(response: Pick<UpstreamResponse, 'headers'>, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** "ThrottlingException:http://internal.amazon.com/coral/…" or "com.amazon…#ThrottlingException" → ThrottlingException. */
function shortType(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  return raw.split(':')[0]?.split('#').pop() || undefined;
}

export function errorTypeOf(response: Pick<UpstreamResponse, 'headers'>, body?: unknown): string | undefined {
  const fromBody = (body as { __type?: unknown } | null)?.__type;
  return shortType(headerOf(response, 'x-amzn-errortype')) ?? (typeof fromBody === 'string' ? shortType(fromBody) : undefined);
}

/** Temporary credentials that lapsed: worth one fresh set before giving up. */
export function credentialsExpired(response: UpstreamResponse): boolean {
  return (response.status === 403 || response.status === 400) && errorTypeOf(response) === 'ExpiredTokenException';
}

export async function bedrockHttpError(response: UpstreamResponse, provider: string, secrets: readonly string[]): Promise<GatewayError> {
  const text = await readErrorBody(response);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const type = errorTypeOf(response, body);
  const raw = (body as { message?: unknown; Message?: unknown } | undefined) ?? {};
  const message = typeof raw.message === 'string' ? raw.message : typeof raw.Message === 'string' ? raw.Message : undefined;
  const detail = scrubSecrets(message ?? (text.trim().slice(0, 200) || 'no error body'), secrets);
  const status = response.status;
  if (type && AUTH_ERRORS.has(type)) {
    return new GatewayError('upstream_auth_error', `provider ${provider} rejected the gateway's AWS credentials (HTTP ${status} ${type}: ${detail}); check the access key, secret, region and the IAM policy for bedrock:InvokeModel`, { upstreamStatus: status });
  }
  if (type && RATE_ERRORS.has(type)) {
    return new GatewayError('upstream_rate_limited', `provider ${provider} is throttling (${type}): ${detail}`, { upstreamStatus: status });
  }
  if (type === 'ModelTimeoutException') return new GatewayError('upstream_timeout', `provider ${provider} timed out (${type}): ${detail}`, { upstreamStatus: status });
  if (type === 'ModelErrorException') return new GatewayError('upstream_error', `provider ${provider}: the model failed (${type}): ${detail}`, { upstreamStatus: status });
  return httpErrorFromText(response, text, provider, secrets, { ...(message ? { message } : {}), credentials: 'its AWS credentials' });
}
