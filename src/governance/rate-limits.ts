/**
 * Rate limits per key, team and model: requests per minute, tokens per minute and
 * concurrent requests, over exact sliding windows (a log of admissions in the last 60 s),
 * so N requests in a window pass and request N+1 is refused, with no fixed-window burst at
 * the boundary. Tokens are admitted at the request's estimate and corrected to the real
 * count when it settles. Answers carry OpenAI-style x-ratelimit-* headers; refusals a
 * Retry-After of when the window frees enough room.
 */
const WINDOW_MS = 60_000;

export interface LimitScope {
  /** e.g. `key:key_abc`, `team:search`, `model:gpt-5.4`. */
  id: string;
  rpm?: number | null;
  tpm?: number | null;
  maxConcurrent?: number | null;
}

interface Window {
  requests: number[];
  tokens: { at: number; tokens: number }[];
  concurrent: number;
}

export interface Admission {
  scopes: { window: Window; tokenEntry: { at: number; tokens: number } | undefined; concurrent: boolean }[];
  headers: Record<string, string>;
}

export interface RateDenial {
  denied: true;
  scope: string;
  limit: 'requests' | 'tokens' | 'concurrent';
  message: string;
  retryAfterSeconds: number;
  headers: Record<string, string>;
}

function secondsText(ms: number): string {
  return `${Math.max(0, Math.ceil(ms / 1000))}s`;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly now: () => number = Date.now) {}

  private window(id: string, now: number): Window {
    let window = this.windows.get(id);
    if (!window) {
      window = { requests: [], tokens: [], concurrent: 0 };
      this.windows.set(id, window);
    }
    const since = now - WINDOW_MS;
    while (window.requests.length > 0 && (window.requests[0] as number) <= since) window.requests.shift();
    while (window.tokens.length > 0 && (window.tokens[0] as { at: number }).at <= since) window.tokens.shift();
    return window;
  }

  /** Admit a request under every scope's limits, or say which limit refuses it. */
  admit(scopes: readonly LimitScope[], estimatedTokens: number): Admission | RateDenial {
    const now = this.now();
    const headers: Record<string, string> = {};
    const checked: { scope: LimitScope; window: Window }[] = [];
    let tightestRequests = Number.POSITIVE_INFINITY;
    let tightestTokens = Number.POSITIVE_INFINITY;
    for (const scope of scopes) {
      if (!scope.rpm && !scope.tpm && !scope.maxConcurrent) continue;
      const window = this.window(scope.id, now);
      if (scope.rpm) {
        const remaining = scope.rpm - window.requests.length;
        const resetMs = window.requests.length > 0 ? (window.requests[0] as number) + WINDOW_MS - now : 0;
        if (remaining <= 0) {
          return this.deny(scope.id, 'requests', `${scope.rpm} requests per minute`, resetMs, { 'x-ratelimit-limit-requests': String(scope.rpm), 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': secondsText(resetMs) });
        }
        if (remaining - 1 < tightestRequests) {
          tightestRequests = remaining - 1;
          Object.assign(headers, { 'x-ratelimit-limit-requests': String(scope.rpm), 'x-ratelimit-remaining-requests': String(remaining - 1), 'x-ratelimit-reset-requests': secondsText(resetMs || WINDOW_MS) });
        }
      }
      if (scope.tpm) {
        const used = window.tokens.reduce((sum, entry) => sum + entry.tokens, 0);
        if (used + estimatedTokens > scope.tpm) {
          if (estimatedTokens > scope.tpm) {
            return this.deny(scope.id, 'tokens', `${scope.tpm} tokens per minute (this request alone needs up to ${estimatedTokens})`, WINDOW_MS, { 'x-ratelimit-limit-tokens': String(scope.tpm), 'x-ratelimit-remaining-tokens': String(Math.max(0, scope.tpm - used)) });
          }
          // When enough of the window's tokens will have expired.
          let freed = 0;
          let resetMs = WINDOW_MS;
          for (const entry of window.tokens) {
            freed += entry.tokens;
            if (used - freed + estimatedTokens <= scope.tpm) {
              resetMs = entry.at + WINDOW_MS - now;
              break;
            }
          }
          return this.deny(scope.id, 'tokens', `${scope.tpm} tokens per minute`, resetMs, { 'x-ratelimit-limit-tokens': String(scope.tpm), 'x-ratelimit-remaining-tokens': String(Math.max(0, scope.tpm - used)), 'x-ratelimit-reset-tokens': secondsText(resetMs) });
        }
        const remaining = scope.tpm - used - estimatedTokens;
        if (remaining < tightestTokens) {
          tightestTokens = remaining;
          const resetMs = window.tokens.length > 0 ? (window.tokens[0] as { at: number }).at + WINDOW_MS - now : WINDOW_MS;
          Object.assign(headers, { 'x-ratelimit-limit-tokens': String(scope.tpm), 'x-ratelimit-remaining-tokens': String(remaining), 'x-ratelimit-reset-tokens': secondsText(resetMs) });
        }
      }
      if (scope.maxConcurrent && window.concurrent >= scope.maxConcurrent) {
        return this.deny(scope.id, 'concurrent', `${scope.maxConcurrent} concurrent requests`, 1000, {});
      }
      checked.push({ scope, window });
    }
    const admission: Admission = { scopes: [], headers };
    for (const { scope, window } of checked) {
      if (scope.rpm) window.requests.push(now);
      const tokenEntry = scope.tpm ? { at: now, tokens: estimatedTokens } : undefined;
      if (tokenEntry) window.tokens.push(tokenEntry);
      const concurrent = Boolean(scope.maxConcurrent);
      if (concurrent) window.concurrent++;
      admission.scopes.push({ window, tokenEntry, concurrent });
    }
    return admission;
  }

  /** The request ended: free its concurrency slot and count its real tokens. */
  release(admission: Admission, actualTokens: number): void {
    for (const scope of admission.scopes) {
      if (scope.concurrent && scope.window.concurrent > 0) scope.window.concurrent--;
      if (scope.tokenEntry) scope.tokenEntry.tokens = actualTokens;
    }
  }

  private deny(scope: string, limit: RateDenial['limit'], what: string, resetMs: number, headers: Record<string, string>): RateDenial {
    return rateDenial(scope, limit, what, resetMs, headers);
  }
}

export function rateDenial(scope: string, limit: RateDenial['limit'], what: string, resetMs: number, headers: Record<string, string>): RateDenial {
  const retryAfterSeconds = Math.max(1, Math.ceil(resetMs / 1000));
  return { denied: true, scope, limit, retryAfterSeconds, headers, message: `Rate limit reached for ${scope}: ${what}. Retry after ${retryAfterSeconds} s.` };
}

/** What a scope's window held before a request (shared state answers with these). */
export interface WindowStats {
  requests?: number;
  oldestRequestAt?: number;
  tokens?: number;
  oldestTokensAt?: number;
}

/** The x-ratelimit-* headers of an admitted request, from the tightest scope, as RateLimiter sets them. */
export function admittedHeaders(scopes: readonly LimitScope[], stats: ReadonlyMap<string, WindowStats>, estimatedTokens: number, now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  let tightestRequests = Number.POSITIVE_INFINITY;
  let tightestTokens = Number.POSITIVE_INFINITY;
  for (const scope of scopes) {
    const window = stats.get(scope.id);
    if (!window) continue;
    if (scope.rpm) {
      const remaining = scope.rpm - (window.requests ?? 0) - 1;
      const resetMs = window.oldestRequestAt !== undefined ? window.oldestRequestAt + WINDOW_MS - now : WINDOW_MS;
      if (remaining < tightestRequests) {
        tightestRequests = remaining;
        Object.assign(headers, { 'x-ratelimit-limit-requests': String(scope.rpm), 'x-ratelimit-remaining-requests': String(remaining), 'x-ratelimit-reset-requests': secondsText(resetMs) });
      }
    }
    if (scope.tpm) {
      const remaining = scope.tpm - (window.tokens ?? 0) - estimatedTokens;
      const resetMs = window.oldestTokensAt !== undefined ? window.oldestTokensAt + WINDOW_MS - now : WINDOW_MS;
      if (remaining < tightestTokens) {
        tightestTokens = remaining;
        Object.assign(headers, { 'x-ratelimit-limit-tokens': String(scope.tpm), 'x-ratelimit-remaining-tokens': String(remaining), 'x-ratelimit-reset-tokens': secondsText(resetMs) });
      }
    }
  }
  return headers;
}

/** The refusal of a request that a shared window turned down, worded as RateLimiter words it. */
export function limitedDenial(scope: LimitScope, limit: RateDenial['limit'], window: WindowStats, estimatedTokens: number, now: number): RateDenial {
  if (limit === 'requests') {
    const resetMs = window.oldestRequestAt !== undefined ? window.oldestRequestAt + WINDOW_MS - now : WINDOW_MS;
    return rateDenial(scope.id, 'requests', `${scope.rpm} requests per minute`, resetMs, { 'x-ratelimit-limit-requests': String(scope.rpm), 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': secondsText(resetMs) });
  }
  if (limit === 'tokens') {
    const used = window.tokens ?? 0;
    const tpm = scope.tpm ?? 0;
    const alone = estimatedTokens > tpm;
    const resetMs = alone ? WINDOW_MS : window.oldestTokensAt !== undefined ? window.oldestTokensAt + WINDOW_MS - now : WINDOW_MS;
    return rateDenial(scope.id, 'tokens', alone ? `${tpm} tokens per minute (this request alone needs up to ${estimatedTokens})` : `${tpm} tokens per minute`, resetMs, {
      'x-ratelimit-limit-tokens': String(tpm),
      'x-ratelimit-remaining-tokens': String(Math.max(0, tpm - used)),
      ...(alone ? {} : { 'x-ratelimit-reset-tokens': secondsText(resetMs) }),
    });
  }
  return rateDenial(scope.id, 'concurrent', `${scope.maxConcurrent} concurrent requests`, 1000, {});
}
