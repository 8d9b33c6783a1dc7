/** What the request log's main thread and its writer thread (sqlite-writer-worker.ts) exchange. */
import type { PostgresState } from './postgres-link.js';
import type { RetentionPolicy } from './sqlite-retention.js';

export interface WriterData {
  path: string;
  root: string;
  journal: string;
  retention: RetentionPolicy;
  /** store.postgres.url: ship rows there (postgres-link.ts); undefined: SQLite only (shipping turned off). */
  postgresUrl?: string;
  /** [0] this journal's written sequence number, [1] 1 while writes fail. */
  shared: BigInt64Array;
}

export type WriterMessage = { type: 'wake' } | { type: 'close' };
export type WriterReply =
  | { type: 'written'; journal: string; seq: number }
  | { type: 'failed'; message: string }
  | { type: 'recovered' }
  | { type: 'warning'; message: string }
  | { type: 'postgres'; state: PostgresState };

/** Slots of the shared memory. */
export const WRITTEN_SLOT = 0;
export const FAILING_SLOT = 1;
