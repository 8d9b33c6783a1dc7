/**
 * The request log's writer thread: SQLite transactions and WAL checkpoints (which fsync)
 * happen here, never on the gateway's event loop. After each batch it publishes the
 * batch's sequence number in shared memory, so the main thread can wait for it
 * synchronously (Atomics.wait) on shutdown or a fatal error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { batchWriter, openDatabase, type PendingRow } from './sqlite-schema.js';

export type WriterMessage = { type: 'batch'; seq: number; rows: PendingRow[] } | { type: 'close' };
export type WriterReply = { type: 'ready' } | { type: 'written'; seq: number } | { type: 'failed'; seq: number; message: string };

const { path, written } = workerData as { path: string; written: Int32Array };
const port = parentPort;
if (!port) throw new Error('sqlite-writer-worker must run as a worker thread');

const database = openDatabase(path);
const write = batchWriter(database);
/** Rows of batches that failed (disk full, locked too long): retried with the next batch. */
let retry: PendingRow[] = [];

port.on('message', (message: WriterMessage) => {
  if (message.type === 'close') {
    database.close();
    port.close();
    return;
  }
  const rows = retry.length > 0 ? retry.concat(message.rows) : message.rows;
  try {
    write(rows);
    retry = [];
    Atomics.store(written, 0, message.seq);
    Atomics.notify(written, 0);
    port.postMessage({ type: 'written', seq: message.seq } satisfies WriterReply);
  } catch (error) {
    retry = rows;
    Atomics.store(written, 1, message.seq);
    Atomics.notify(written, 0);
    port.postMessage({ type: 'failed', seq: message.seq, message: (error as Error).message } satisfies WriterReply);
  }
});
port.postMessage({ type: 'ready' } satisfies WriterReply);
