/**
 * The writer thread's side of store.postgres: migrates PostgreSQL (retrying until it can),
 * ships queued rows in batches (postgres-shipper.ts) whenever the local log has new ones,
 * prunes by retention, and reports its state — connected or failing, the last error, rows
 * waiting — for readiness, metrics and alerts. PostgreSQL being unreachable never stops
 * the local log: rows wait in the SQLite queue and are shipped once it is back.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { describePostgresError, migratePostgres, postgresPool } from './postgres-schema.js';
import { enableShipping, PostgresShipper, prunePostgres } from './postgres-shipper.js';
import { OneAtATime } from './one-at-a-time.js';

export interface PostgresState {
  /** connecting: not migrated yet; ok; failing: the last attempt failed (rows wait locally). */
  state: 'connecting' | 'ok' | 'failing';
  error: string | null;
  /** Rows in the local queue, not yet confirmed by PostgreSQL. */
  backlog: number;
  /** Rows shipped by this process. */
  shippedRows: number;
}

const MAX_RETRY_MS = 5000;
const PRUNE_ROWS = 1000;
const DAY_MS = 86_400_000;

export class PostgresLink {
  private readonly pool: pg.Pool;
  private readonly shipper: PostgresShipper;
  private migrated = false;
  private readonly runs = new OneAtATime(() => this.run(), () => this.closed);
  private delay = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private current: PostgresState = { state: 'connecting', error: null, backlog: 0, shippedRows: 0 };

  constructor(
    private readonly url: string,
    database: Database.Database,
    private readonly retentionDays: number | undefined,
    private readonly onState: (state: PostgresState) => void,
  ) {
    // Queueing starts now, whether or not PostgreSQL answers yet.
    const source = enableShipping(database);
    this.pool = postgresPool(url);
    this.shipper = new PostgresShipper(database, this.pool, source);
    this.current.backlog = this.shipper.backlog();
  }

  get state(): PostgresState {
    return this.current;
  }

  /** New rows are in SQLite: ship them (one run at a time; a request during a run queues one more). */
  kick(): void {
    this.runs.kick();
  }

  private async run(): Promise<void> {
    try {
      if (!this.migrated) {
        await migratePostgres(this.pool);
        this.migrated = true;
      }
      for (let shipped = await this.shipper.shipBatch(); shipped > 0 || this.shipper.backlog() > 0; shipped = await this.shipper.shipBatch()) {
        this.current.shippedRows += shipped;
        if (this.closed) break;
      }
      this.delay = 0;
      this.update({ state: 'ok', error: null });
    } catch (error) {
      this.update({ state: 'failing', error: describePostgresError(this.url, error) });
      this.delay = Math.min(Math.max(this.delay * 2, 250), MAX_RETRY_MS);
      if (!this.closed && !this.timer) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.kick();
        }, this.delay);
      }
    }
  }

  /** One retention step in PostgreSQL (rows deleted); 0 when not configured, not migrated or failing. */
  async prune(now: number): Promise<number> {
    if (this.retentionDays === undefined || !this.migrated || this.current.state !== 'ok') return 0;
    return prunePostgres(this.pool, now - this.retentionDays * DAY_MS, PRUNE_ROWS);
  }

  private update(change: Pick<PostgresState, 'state' | 'error'>): void {
    const backlog = this.shipper.backlog();
    const changed = change.state !== this.current.state || change.error !== this.current.error || backlog !== this.current.backlog;
    this.current = { ...this.current, ...change, backlog };
    if (changed) this.onState({ ...this.current });
  }

  /** Ship what is queued for up to `withinMs`, then disconnect; what is left ships on the next start. */
  async close(withinMs: number): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.current.state !== 'failing') {
      this.kick();
      const running = this.runs.current;
      if (running) await Promise.race([running, new Promise((resolve) => setTimeout(resolve, withinMs))]);
    }
    this.closed = true;
    await this.pool.end().catch(() => undefined);
  }
}
