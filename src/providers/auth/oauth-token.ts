/**
 * The OAuth 2.0 token request both clouds use (RFC 6749 §4.4 client credentials for
 * Microsoft Entra ID, RFC 7523 JWT bearer for Google service accounts): a form POST that
 * answers {access_token, expires_in} or {error, error_description}. Failures become a
 * 502 upstream_auth_error naming the provider and the token endpoint's reason, scrubbed.
 */
import { z } from 'zod';
import { GatewayError, scrubSecrets } from '../../core/errors.js';
import type { Timeouts } from '../../config/load.js';
import { readBounded } from '../upstream-errors.js';
import type { UpstreamClient } from '../http-client.js';
import type { Expiring } from './token-cache.js';

const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.union([z.number(), z.string()]).optional(), token_type: z.string().optional() });
const errorSchema = z.object({ error: z.string().optional(), error_description: z.string().optional() });

/** Token calls are shared by every request waiting on them, so no one caller's signal cancels them. */
const TOKEN_TIMEOUTS: Timeouts = { connectMs: 10_000, firstTokenMs: 30_000, idleMs: 30_000, totalMs: 30_000 };

export interface TokenRequest {
  client: UpstreamClient;
  url: string;
  form: Record<string, string>;
  provider: string;
  /** What is being asked for, for error messages ("a Microsoft Entra ID token"). */
  what: string;
  secrets: readonly string[];
  now?: () => number;
}

export async function requestToken(request: TokenRequest): Promise<Expiring<string>> {
  const issuedAt = (request.now ?? Date.now)();
  const fail = (reason: string, cause?: unknown): GatewayError =>
    new GatewayError('upstream_auth_error', `provider ${request.provider} could not get ${request.what}: ${scrubSecrets(reason, request.secrets)}`, cause === undefined ? {} : { cause });
  let response;
  try {
    response = await request.client.send({
      url: request.url,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(request.form).toString(),
      timeouts: TOKEN_TIMEOUTS,
    });
  } catch (error) {
    throw fail(error instanceof Error ? error.message : 'the token endpoint could not be reached', error);
  }
  const text = await readBounded(response.body, 64 * 1024).catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.status < 200 || response.status >= 300) {
    const error = errorSchema.safeParse(body);
    const reason = error.success && (error.data.error || error.data.error_description)
      ? [error.data.error, error.data.error_description].filter(Boolean).join(': ')
      : `HTTP ${response.status}`;
    throw fail(`the token endpoint answered HTTP ${response.status} (${reason.slice(0, 300)})`);
  }
  const token = tokenSchema.safeParse(body);
  if (!token.success) throw fail('the token endpoint answered without an access_token');
  const lifetime = Number(token.data.expires_in ?? 3600);
  return { value: token.data.access_token, issuedAt, expiresAt: issuedAt + (Number.isFinite(lifetime) && lifetime > 0 ? lifetime : 3600) * 1000 };
}
