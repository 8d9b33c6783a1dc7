/**
 * Dashboard sessions. With server.admin_key set, the login form takes the admin key and
 * the gateway answers with a session cookie (HttpOnly, SameSite=Strict, Path=/ui): an
 * expiry and a random id, signed with a key derived from the admin key — so every worker
 * and replica with the same admin key accepts it, and changing the admin key ends every
 * session. Logout clears the cookie and remembers the id as ended in this process until it
 * would have expired.
 *
 * Anything that changes state also needs the session's CSRF token (derived from the same
 * signature, handed to the page by GET /ui/api/session) in x-switchyard-csrf, and an
 * Origin, when the browser sends one, naming this host.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'switchyard_session';
export const CSRF_HEADER = 'x-switchyard-csrf';
const SESSION_MS = 12 * 3_600_000;

export interface Session {
  id: string;
  expiresAt: number;
  csrf: string;
}

export class DashboardSessions {
  private readonly signingKey: Buffer;
  private readonly ended = new Map<string, number>();

  constructor(adminKey: string) {
    this.signingKey = createHmac('sha256', 'switchyard dashboard session').update(adminKey).digest();
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.signingKey).update(payload).digest('base64url');
  }

  /** A new session: the cookie value and its CSRF token. */
  create(now = Date.now()): { cookie: string; session: Session } {
    const id = randomBytes(18).toString('base64url');
    const expiresAt = now + SESSION_MS;
    const payload = `${id}.${expiresAt}`;
    const value = `${payload}.${this.sign(payload)}`;
    return { cookie: value, session: { id, expiresAt, csrf: this.sign(`csrf:${value}`) } };
  }

  /** The session a cookie value stands for, or undefined when it is forged, expired or ended. */
  verify(value: string | undefined, now = Date.now()): Session | undefined {
    if (!value) return undefined;
    const parts = value.split('.');
    if (parts.length !== 3) return undefined;
    const [id, expires, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${id}.${expires}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const expiresAt = Number(expires);
    if (!Number.isFinite(expiresAt) || expiresAt <= now || this.ended.has(id)) return undefined;
    return { id, expiresAt, csrf: this.sign(`csrf:${value}`) };
  }

  end(session: Session, now = Date.now()): void {
    for (const [id, expiresAt] of this.ended) if (expiresAt <= now) this.ended.delete(id);
    this.ended.set(session.id, session.expiresAt);
  }
}

export function sessionCookie(value: string, expiresAt: number, now = Date.now()): string {
  return `${SESSION_COOKIE}=${value}; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor((expiresAt - now) / 1000))}`;
}

export const CLEARED_COOKIE = `${SESSION_COOKIE}=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0`;

/** One cookie's value from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index !== -1 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

/** Constant-time comparison of two short strings. */
export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
