/** Errors in Anthropic's shape, for /v1/messages: {"type":"error","error":{"type","message"}}. */
import type { GatewayError } from '../../core/errors.js';
import type { RenderedError } from '../inbound-format.js';

/** Anthropic's error type for an HTTP status. */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
    case 405:
    case 415:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return 'api_error';
  }
}

function body(error: GatewayError): string {
  return JSON.stringify({ type: 'error', error: { type: anthropicErrorType(error.status), message: error.message } });
}

export function renderAnthropicError(error: GatewayError): RenderedError {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfterSeconds)));
  return { status: error.status, headers, body: body(error) };
}

/** The `error` event that ends a broken stream (no message_stop follows). */
export function renderAnthropicStreamError(error: GatewayError): string {
  return `event: error\ndata: ${body(error)}\n\n`;
}
