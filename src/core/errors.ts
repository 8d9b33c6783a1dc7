/**
 * One error family for the whole gateway. Each code has one status and one OpenAI
 * error type, so an official SDK raises the class a client expects
 * (400 BadRequestError, 401 AuthenticationError, 404 NotFoundError, 429 RateLimitError…).
 * `render*` functions in src/api turn these into the client's wire format; nothing
 * else writes error bodies.
 */

export type ErrorCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'unknown_parameter'
  | 'missing_parameter'
  | 'invalid_api_key'
  | 'missing_api_key'
  | 'permission_denied'
  | 'model_not_found'
  | 'route_not_found'
  | 'not_found'
  | 'method_not_allowed'
  | 'upgrade_required'
  | 'unsupported_media_type'
  | 'body_too_large'
  | 'unsupported_capability'
  | 'context_length_exceeded'
  | 'content_filtered'
  | 'guardrail_violation'
  | 'no_eligible_model'
  | 'rate_limited'
  | 'budget_exceeded'
  | 'admin_disabled'
  | 'upstream_rate_limited'
  | 'upstream_error'
  | 'upstream_bad_response'
  | 'upstream_auth_error'
  | 'upstream_timeout'
  | 'upstream_connection_error'
  | 'shutting_down'
  | 'request_log_unavailable'
  | 'shared_state_unavailable'
  | 'governance_store_unavailable'
  | 'internal_error';

interface CodeInfo {
  status: number;
  type: string;
  retryable: boolean;
}

const CODES: Record<ErrorCode, CodeInfo> = {
  invalid_json: { status: 400, type: 'invalid_request_error', retryable: false },
  invalid_request: { status: 400, type: 'invalid_request_error', retryable: false },
  unknown_parameter: { status: 400, type: 'invalid_request_error', retryable: false },
  missing_parameter: { status: 400, type: 'invalid_request_error', retryable: false },
  invalid_api_key: { status: 401, type: 'authentication_error', retryable: false },
  missing_api_key: { status: 401, type: 'authentication_error', retryable: false },
  permission_denied: { status: 403, type: 'permission_error', retryable: false },
  model_not_found: { status: 404, type: 'not_found_error', retryable: false },
  route_not_found: { status: 404, type: 'not_found_error', retryable: false },
  not_found: { status: 404, type: 'not_found_error', retryable: false },
  method_not_allowed: { status: 405, type: 'invalid_request_error', retryable: false },
  /** A WebSocket upgrade where only HTTP is served: agents that try WebSockets first fall back at once. */
  upgrade_required: { status: 426, type: 'invalid_request_error', retryable: false },
  unsupported_media_type: { status: 415, type: 'invalid_request_error', retryable: false },
  body_too_large: { status: 413, type: 'invalid_request_error', retryable: false },
  unsupported_capability: { status: 422, type: 'invalid_request_error', retryable: false },
  context_length_exceeded: { status: 400, type: 'invalid_request_error', retryable: false },
  content_filtered: { status: 400, type: 'invalid_request_error', retryable: false },
  /** 400 for a request a guard blocked; a blocked answer overrides the status with 502. */
  guardrail_violation: { status: 400, type: 'guardrail_violation', retryable: false },
  no_eligible_model: { status: 422, type: 'invalid_request_error', retryable: false },
  rate_limited: { status: 429, type: 'rate_limit_error', retryable: true },
  budget_exceeded: { status: 429, type: 'insufficient_quota', retryable: false },
  admin_disabled: { status: 403, type: 'permission_error', retryable: false },
  upstream_rate_limited: { status: 429, type: 'rate_limit_error', retryable: true },
  upstream_error: { status: 502, type: 'upstream_error', retryable: true },
  upstream_bad_response: { status: 502, type: 'upstream_error', retryable: true },
  upstream_auth_error: { status: 502, type: 'upstream_error', retryable: false },
  upstream_timeout: { status: 504, type: 'timeout_error', retryable: true },
  upstream_connection_error: { status: 502, type: 'upstream_error', retryable: true },
  shutting_down: { status: 503, type: 'service_unavailable', retryable: true },
  request_log_unavailable: { status: 503, type: 'service_unavailable', retryable: true },
  shared_state_unavailable: { status: 503, type: 'service_unavailable', retryable: true },
  /** store.postgres: a change to keys, teams or budgets that PostgreSQL did not take (nothing changed). */
  governance_store_unavailable: { status: 503, type: 'service_unavailable', retryable: true },
  internal_error: { status: 500, type: 'api_error', retryable: false },
};

export interface GatewayErrorOptions {
  param?: string | null;
  cause?: unknown;
  /** Seconds the client should wait (sent as Retry-After). */
  retryAfterSeconds?: number;
  /** Status the upstream answered with, when this came from one. */
  upstreamStatus?: number;
  /** Override the default status of the code (rarely needed). */
  status?: number;
}

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: string;
  readonly retryable: boolean;
  readonly param: string | null;
  readonly retryAfterSeconds?: number;
  readonly upstreamStatus?: number;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const info = CODES[code];
    this.name = 'GatewayError';
    this.code = code;
    this.status = options.status ?? info.status;
    this.type = info.type;
    this.retryable = info.retryable;
    this.param = options.param ?? null;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
    if (options.upstreamStatus !== undefined) this.upstreamStatus = options.upstreamStatus;
  }
}

/** Anything thrown becomes a GatewayError; unknown failures are 500s with a generic message. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError('internal_error', 'The gateway hit an internal error; see its log for details.', { cause: error });
}

const SECRET_PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\bsk-ant-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\bgsk_[A-Za-z0-9]{16,}/g,
  /\b(?:Bearer|bearer)\s+[A-Za-z0-9._~+/=-]{8,}/g,
  /\b(?:api[_-]?key|x-api-key|key)=([A-Za-z0-9._-]{8,})/gi,
];

/** Remove anything shaped like a credential from text that may reach a client or a log. */
export function scrubSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 6) out = out.split(secret).join('[REDACTED]');
  }
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, '[REDACTED]');
  return out;
}
