/**
 * One cached credential per provider (an OAuth access token, or temporary AWS keys):
 * fetched on first use, shared by concurrent callers (one fetch in flight), renewed a
 * margin before it expires, and dropped when the upstream rejects it so the next call
 * fetches a fresh one.
 */
export interface Expiring<T> {
  value: T;
  /** Epoch milliseconds; Infinity for credentials that never expire. */
  expiresAt: number;
  /** When it was issued (epoch ms): short-lived credentials are renewed halfway through. */
  issuedAt: number;
}

const MAX_MARGIN_MS = 5 * 60_000;

export class CredentialCache<T> {
  private current: Expiring<T> | undefined;
  private pending: Promise<Expiring<T>> | undefined;
  /** How many times a credential was fetched (tests and the refresh log read it). */
  fetches = 0;

  constructor(
    private readonly fetch: () => Promise<Expiring<T>>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A credential valid for a while yet: the cached one, or a fresh one. */
  async get(): Promise<T> {
    const current = this.current;
    if (current && this.now() < current.expiresAt - marginOf(current)) return current.value;
    this.pending ??= this.refresh();
    return (await this.pending).value;
  }

  /** Forget `value` if it is still the cached one (the upstream said it expired or was revoked). */
  invalidate(value: T): void {
    if (this.current?.value === value) this.current = undefined;
  }

  private async refresh(): Promise<Expiring<T>> {
    try {
      this.fetches += 1;
      const fresh = await this.fetch();
      this.current = fresh;
      return fresh;
    } finally {
      this.pending = undefined;
    }
  }
}

/** Renew five minutes early, or halfway through a short-lived credential's life. */
function marginOf(credential: Expiring<unknown>): number {
  if (!Number.isFinite(credential.expiresAt)) return 0;
  return Math.min(MAX_MARGIN_MS, Math.max(0, (credential.expiresAt - credential.issuedAt) / 2));
}
