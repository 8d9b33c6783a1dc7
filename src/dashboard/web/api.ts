/** Calls to the gateway's /ui/api/: the session's CSRF token on every change, 401 turned into "log in". */

let csrfToken: string | null = null;

export function setCsrf(token: string | null): void {
  csrfToken = token;
}

export class Unauthorized extends Error {
  constructor() {
    super('Log in with the admin key.');
  }
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

let onUnauthorized: () => void = () => undefined;

/** Called when a call comes back 401 (the session ended): the app shows the login form. */
export function whenUnauthorized(listener: () => void): void {
  onUnauthorized = listener;
}

export async function api<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') {
    if (csrfToken) headers['x-switchyard-csrf'] = csrfToken;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
  }
  const response = await fetch(`/ui/api/${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  if (response.status === 401 && path !== 'login') {
    onUnauthorized();
    throw new Unauthorized();
  }
  const body = (await response.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
  if (!response.ok) throw new ApiError(body?.error?.message ?? `${response.status} ${response.statusText}`, response.status);
  return body as T;
}

/** A query string from the set values only. */
export function query(values: Record<string, string | number | undefined | null>): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '') parameters.set(name, String(value));
  const text = parameters.toString();
  return text ? `?${text}` : '';
}
