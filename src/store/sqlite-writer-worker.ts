/**
 * The request log's writer thread: tails the request journals into SQLite (SqliteSink)
 * and prunes by retention (Retention), so neither inserts, deletes nor WAL checkpoints
 * (which fsync) touch the gateway's event loop. It publishes how far this process's
 * journal is written, and whether writing is failing, in shared memory, so the main
 * thread can wait for it synchronously (Atomics.wait) on shutdown; it reports the same by
 * message for the spend summary, readiness, metrics and alerts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PostgresLink } from './postgres-link.js';
import { disableShipping } from './postgres-shipper.js';
import { openDatabase } from './sqlite-schema.js';
import { Retention } from './sqlite-retention.js';
import { SqliteSink } from './sqlite-sink.js';
import { FAILING_SLOT, WRITTEN_SLOT, type WriterData, type WriterMessage, type WriterReply } from './writer-protocol.js';

const MAX_RETRY_MS = 2000;
/** How often retention runs (and abandoned journals are looked for). */
const HOUSEKEEPING_MS = 10_000;

const data = workerData as WriterData;
const port = parentPort;
if (!port) throw new Error('sqlite-writer-worker must run as a worker thread');

const database = openDatabase(data.path);
const sink = new SqliteSink(database, {
  root: data.root,
  own: data.journal,
  onWritten: (journal, seq) => {
    if (journal === data.journal) {
      Atomics.store(data.shared, WRITTEN_SLOT, BigInt(seq));
      Atomics.notify(data.shared, WRITTEN_SLOT);
    }
    port.postMessage({ type: 'written', journal, seq } satisfies WriterReply);
  },
  onCorrupt: (message) => port.postMessage({ type: 'warning', message } satisfies WriterReply),
});
const retention = new Retention(database, data.retention);
/** How long closing waits for queued rows to reach PostgreSQL (the rest ships on the next start). */
const CLOSE_SHIP_MS = 2000;
let postgres: PostgresLink | undefined;
if (data.postgresUrl !== undefined) {
  postgres = new PostgresLink(data.postgresUrl, database, data.retention.retentionDays, (state) => port.postMessage({ type: 'postgres', state } satisfies WriterReply));
} else if (disableShipping(database)) {
  port.postMessage({ type: 'warning', message: 'store.postgres is not configured any more: rows are no longer shipped to PostgreSQL (the queue of unshipped rows was cleared)' } satisfies WriterReply);
}

let failing = false;
let delay = 0;
let retry: NodeJS.Timeout | undefined;
let closed = false;

/** Write what the journals hold; when that fails, try again with backoff until it works. */
function drain(): void {
  try {
    sink.drain();
    postgres?.kick();
    delay = 0;
    if (failing) {
      failing = false;
      Atomics.store(data.shared, FAILING_SLOT, 0n);
      port?.postMessage({ type: 'recovered' } satisfies WriterReply);
    }
  } catch (error) {
    if (!failing) {
      failing = true;
      Atomics.store(data.shared, FAILING_SLOT, 1n);
      port?.postMessage({ type: 'failed', message: (error as Error).message } satisfies WriterReply);
    }
    // Wake a flush() waiting for rows that cannot be written now.
    Atomics.notify(data.shared, WRITTEN_SLOT);
    delay = Math.min(Math.max(delay * 2, 100), MAX_RETRY_MS);
    if (!retry && !closed) {
      retry = setTimeout(() => {
        retry = undefined;
        drain();
      }, delay);
    }
  }
}

/** Retention in PostgreSQL, in steps, until nothing is older than store.retention_days. */
async function prunePostgres(): Promise<void> {
  try {
    while (!closed && postgres && (await postgres.prune(Date.now())) > 0) {
      // next step
    }
  } catch (error) {
    port?.postMessage({ type: 'warning', message: `pruning the request log in PostgreSQL failed (will retry): ${(error as Error).message}` } satisfies WriterReply);
  }
}

/** Retention in small steps, each its own transaction, with the journal drained between them. */
function housekeeping(): void {
  if (closed) return;
  try {
    sink.discover();
    drain();
  } catch (error) {
    port?.postMessage({ type: 'warning', message: `looking for abandoned journals failed: ${(error as Error).message}` } satisfies WriterReply);
  }
  const step = (): void => {
    if (closed) return;
    let deleted = 0;
    try {
      deleted = retention.active && !failing ? retention.pruneStep(Date.now()) : 0;
    } catch (error) {
      port?.postMessage({ type: 'warning', message: `pruning the request log failed (will retry): ${(error as Error).message}` } satisfies WriterReply);
    }
    if (deleted > 0) setImmediate(step);
    else void prunePostgres().finally(() => setTimeout(housekeeping, HOUSEKEEPING_MS).unref());
  };
  step();
}

port.on('message', (message: WriterMessage) => {
  if (message.type === 'wake') {
    drain();
    return;
  }
  closed = true;
  clearTimeout(retry);
  drain();
  void (postgres?.close(CLOSE_SHIP_MS) ?? Promise.resolve()).finally(() => {
    sink.close();
    database.close();
    port.close();
  });
});

drain();
housekeeping();
