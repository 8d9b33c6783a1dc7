/**
 * Retention for the SQLite request log: rows older than `store.retention_days`, and the
 * oldest rows while the database is over `store.max_size_mb`, are deleted in small steps
 * on the writer thread (never on the request path, and between journal batches, so
 * writes keep flowing). Before a row goes, its spend is added to `spend_rollup` (per UTC
 * day, key, team, route and model) in the same transaction: budgets and spend reports
 * keep counting what was pruned. Rows still queued for PostgreSQL (store.postgres) are kept
 * until it has them. Freed pages are reused; the file does not shrink.
 */
import type Database from 'better-sqlite3';
import { TOKEN_CLASS_COLUMNS } from './sqlite-schema.js';

/** The token columns requests and spend_rollup share. */
const TOKENS = ['input_tokens', 'output_tokens', 'cached_input_tokens', ...TOKEN_CLASS_COLUMNS];

export interface RetentionPolicy {
  retentionDays: number | undefined;
  maxSizeBytes: number | undefined;
}

const DAY_MS = 86_400_000;
/** Rows per pruning step (one short transaction each). */
export const PRUNE_STEP_ROWS = 1000;
/** Over the size cap, prune down to this share of it, so pruning does not run on every write. */
const SIZE_TARGET = 0.9;

export class Retention {
  private readonly select: Database.Statement;
  private readonly rollup: Database.Statement;
  private readonly deleteAttempts: Database.Statement;
  private readonly deleteRequests: Database.Statement;
  private readonly step: (cutoff: number, rows: number) => number;
  /** Over the size cap: prune (regardless of age) until under the target. */
  private shrinking = false;
  /** Bytes a pruned row freed, as last measured: sizes the next step under the size cap. */
  private bytesPerRow = 0;

  constructor(
    private readonly database: Database.Database,
    private readonly policy: RetentionPolicy,
  ) {
    database.exec('CREATE TEMP TABLE IF NOT EXISTS prune_batch (rid INTEGER PRIMARY KEY, id TEXT NOT NULL)');
    this.select = database.prepare('INSERT INTO prune_batch (rid, id) SELECT rowid, id FROM requests WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM ship_queue WHERE request_id = requests.id) ORDER BY created_at, rowid LIMIT ?');
    this.rollup = database.prepare(
      `INSERT INTO spend_rollup (day, key_id, team, route, model, requests, ${TOKENS.join(', ')}, cost_usd)
       SELECT (created_at / ${DAY_MS}) * ${DAY_MS}, COALESCE(key_id, ''), COALESCE(team, ''), COALESCE(route, ''), COALESCE(model, ''),
              COUNT(*), ${TOKENS.map((column) => `SUM(${column})`).join(', ')}, SUM(cost_usd)
       FROM requests WHERE rowid IN (SELECT rid FROM prune_batch) GROUP BY 1, 2, 3, 4, 5
       ON CONFLICT (day, key_id, team, route, model) DO UPDATE SET
         requests = requests + excluded.requests, ${TOKENS.map((column) => `${column} = ${column} + excluded.${column}`).join(', ')},
         cost_usd = cost_usd + excluded.cost_usd`,
    );
    this.deleteAttempts = database.prepare('DELETE FROM attempts WHERE request_id IN (SELECT id FROM prune_batch)');
    this.deleteRequests = database.prepare('DELETE FROM requests WHERE rowid IN (SELECT rid FROM prune_batch)');
    this.step = database.transaction((cutoff: number, rows: number) => {
      database.exec('DELETE FROM prune_batch');
      const selected = this.select.run(cutoff, rows).changes;
      if (selected === 0) return 0;
      this.rollup.run();
      this.deleteAttempts.run();
      this.deleteRequests.run();
      return selected;
    });
  }

  get active(): boolean {
    return this.policy.retentionDays !== undefined || this.policy.maxSizeBytes !== undefined;
  }

  /** Bytes the database's pages hold (free pages excluded). */
  usedBytes(): number {
    const pages = this.database.pragma('page_count', { simple: true }) as number;
    const free = this.database.pragma('freelist_count', { simple: true }) as number;
    const size = this.database.pragma('page_size', { simple: true }) as number;
    return (pages - free) * size;
  }

  /** One pruning step: the rows it deleted (0 when there is nothing to prune). */
  pruneStep(now: number): number {
    const { retentionDays, maxSizeBytes } = this.policy;
    // Retention first: rows past it go whatever the size.
    if (retentionDays !== undefined) {
      const deleted = this.step(now - retentionDays * DAY_MS, PRUNE_STEP_ROWS);
      if (deleted > 0) return deleted;
    }
    if (maxSizeBytes === undefined) return 0;
    const used = this.usedBytes();
    if (used > maxSizeBytes) this.shrinking = true;
    else if (used <= maxSizeBytes * SIZE_TARGET) this.shrinking = false;
    if (!this.shrinking) return 0;
    // The oldest rows, as many as should free the excess (rows differ in size: measured as we go).
    const excess = used - maxSizeBytes * SIZE_TARGET;
    const rows = this.bytesPerRow > 0 ? Math.min(PRUNE_STEP_ROWS, Math.max(1, Math.ceil(excess / this.bytesPerRow))) : 50;
    const deleted = this.step(Number.MAX_SAFE_INTEGER, rows);
    const freed = used - this.usedBytes();
    if (deleted > 0 && freed > 0) this.bytesPerRow = freed / deleted;
    if (deleted === 0) this.shrinking = false;
    return deleted;
  }
}
