/**
 * The SQLite side of the request journal (store/journal.ts): reads this process's journal
 * and any journal left behind by a process that is gone, writes the rows in batches —
 * each batch with its journal position, in one transaction — deletes what is written,
 * and reports how far it got. It runs on the writer thread (or, should that thread die,
 * on the main thread). A batch that fails (disk full, database locked too long) stays
 * here and is tried again first: the rows behind it wait in the journal, on disk.
 *
 * A PostgreSQL writer would be the same loop over the same JournalReader, with its
 * positions in a table of its own.
 */
import type Database from 'better-sqlite3';
import { JournalReader, journalOwnerAlive, listJournals, type JournalEntry } from './journal.js';
import { batchWriter, type JournalPosition, type PendingRow } from './sqlite-schema.js';
import { join } from 'node:path';

/** Rows per transaction. */
const BATCH_ROWS = 512;

export interface SinkOptions {
  /** The journal root (one directory per journal). */
  root: string;
  /** This process's journal id; undefined for a reader-only process (it replays abandoned journals only). */
  own: string | undefined;
  /** Rows up to `seq` of `journal` are in the database. */
  onWritten: (journal: string, seq: number) => void;
  /** A journal line that could not be used (a crash cut it short). */
  onCorrupt: (message: string) => void;
}

/** Every journal's position in the database. */
export function readPositions(database: Database.Database): Map<string, number> {
  const rows = database.prepare('SELECT journal, seq FROM journal_position').all() as { journal: string; seq: number }[];
  return new Map(rows.map((row) => [row.journal, row.seq]));
}

export class SqliteSink {
  private readonly write: (batch: readonly PendingRow[], position?: JournalPosition) => void;
  private readonly readers = new Map<string, JournalReader>();
  private readonly positions: Map<string, number>;
  /** A batch whose write failed: written first next time. */
  private retry: { reader: JournalReader; journal: string; entries: JournalEntry[] } | undefined;

  constructor(
    private readonly database: Database.Database,
    private readonly options: SinkOptions,
  ) {
    this.write = batchWriter(database);
    this.positions = readPositions(database);
    // This process's journal, from before its first row (its directory appears with that row).
    if (options.own !== undefined) this.readers.set(options.own, new JournalReader(join(options.root, options.own), 0, false, options.onCorrupt));
    this.discover();
  }

  /** Take on journals whose process is gone (at start, and now and then: a sibling process may die). */
  discover(): void {
    for (const id of listJournals(this.options.root)) {
      if (this.readers.has(id)) continue;
      const abandoned = id !== this.options.own;
      if (abandoned && journalOwnerAlive(id)) continue;
      this.readers.set(id, new JournalReader(join(this.options.root, id), this.positions.get(id) ?? 0, abandoned, this.options.onCorrupt));
    }
  }

  /** Write everything the journals hold now. Throws when a write fails; nothing is lost, the batch is tried again first. */
  drain(): void {
    if (this.retry) {
      const { reader, journal, entries } = this.retry;
      this.writeBatch(reader, journal, entries);
    }
    for (const [journal, reader] of this.readers) {
      for (;;) {
        const entries = reader.read(BATCH_ROWS);
        if (entries.length === 0) break;
        this.writeBatch(reader, journal, entries);
      }
      // Segments holding only rows the database already had (a replay after a crash) go too.
      reader.release(this.positions.get(journal) ?? 0);
      if (reader.exhausted) {
        reader.remove();
        this.readers.delete(journal);
      }
    }
  }

  private writeBatch(reader: JournalReader, journal: string, entries: JournalEntry[]): void {
    this.retry = { reader, journal, entries };
    const seq = (entries[entries.length - 1] as JournalEntry).seq;
    this.write(entries, { journal, seq });
    this.retry = undefined;
    this.positions.set(journal, seq);
    reader.release(seq);
    this.options.onWritten(journal, seq);
  }

  close(): void {
    for (const reader of this.readers.values()) reader.close();
  }
}
