/** The one place a GatewayError becomes an OpenAI-format error body. */
import type { GatewayError } from '../../core/errors.js';
import type { RenderedError } from '../inbound-format.js';

export function renderOpenAIError(error: GatewayError): RenderedError {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfterSeconds)));
  const body = JSON.stringify({ error: { message: error.message, type: error.type, param: error.param, code: error.code } });
  return { status: error.status, headers, body };
}

/** The error object written into an SSE stream that fails after it started. */
export function renderOpenAIStreamError(error: GatewayError): string {
  return JSON.stringify({ error: { message: error.message, type: error.type, param: error.param, code: error.code } });
}
