/**
 * The request journal: the durable hand-over between the request path and the log's
 * writer. Each request's row and attempt rows are appended as one JSON line, with one
 * synchronous write(2), before the last byte of the response goes out; a process killed
 * at any moment afterwards has left the line in the file (the kernel's page cache
 * outlives the process). A writer — the SQLite writer thread today; a PostgreSQL writer
 * the same way — tails the journal, writes the rows in batches, records how far it got
 * (the journal's id and the last sequence number, in the same transaction as the rows),
 * and deletes segments it has fully written.
 *
 * Layout: `<root>/<journal id>/<first seq, 16 digits>.ndjson`. Every process writes its
 * own journal (id = pid, start time, random part), so several processes can share a
 * store; a journal whose process is gone is replayed by whoever opens the store next.
 * A line cut short by a crash was never acknowledged to a client: it is skipped.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AttemptRecord, RequestRecord } from './types.js';

export interface JournalEntry {
  seq: number;
  request: RequestRecord;
  attempts: AttemptRecord[];
}

const SEGMENT = /^(\d{16})\.ndjson$/;
/** A new segment after this many bytes; the writer deletes a segment once all of it is written. */
export const SEGMENT_BYTES = 8 * 1024 * 1024;

export function journalRoot(storePath: string): string {
  return `${storePath}.journal`;
}

/** The start time of a process (clock ticks since boot) where /proc tells it: pid + start time names one process. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** A fresh id for this process's journal. */
export function newJournalId(): string {
  return `${process.pid}-${processStartTime(process.pid) ?? '0'}-${randomBytes(4).toString('hex')}`;
}

/** Whether the process that owns a journal is still running (then it alone may consume it). */
export function journalOwnerAlive(id: string): boolean {
  const [pidText, startTime] = id.split('-');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const actual = processStartTime(pid);
  return actual === undefined || startTime === '0' || actual === startTime;
}

/** The journals under a root, by id. */
export function listJournals(root: string): string[] {
  try {
    return readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    // No journal yet (or none can be made: then nothing was journaled either).
    return [];
  }
}

function segmentsOf(directory: string): string[] {
  try {
    return readdirSync(directory)
      .filter((name) => SEGMENT.test(name))
      .sort();
  } catch {
    return [];
  }
}

function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(16, '0')}.ndjson`;
}

/** A row as journal text (without its sequence number). */
export function serializeRow(request: RequestRecord, attempts: readonly AttemptRecord[]): string {
  return `"request":${JSON.stringify(request)},"attempts":${JSON.stringify(attempts)}`;
}

/** Appends rows to this process's journal. Synchronous by design: it is the durability point. */
export class JournalAppender {
  private fd: number | undefined;
  private size = 0;
  private next = 1;

  constructor(
    readonly directory: string,
    private readonly segmentBytes = SEGMENT_BYTES,
  ) {}

  /** The last sequence number appended (0 before the first). */
  get lastSeq(): number {
    return this.next - 1;
  }

  /**
   * Append one row (its `serializeRow` text): its sequence number once the line is in the
   * file, or an exception (disk full, I/O error) with nothing of the line left behind.
   */
  append(row: string): number {
    const seq = this.next;
    const line = `{"seq":${seq},${row}}\n`;
    if (this.fd === undefined) {
      mkdirSync(this.directory, { recursive: true });
      this.fd = openSync(join(this.directory, segmentName(seq)), 'a');
      this.size = 0;
    }
    const fd = this.fd;
    let failure: unknown;
    let bytes = 0;
    try {
      // One write(2) of the string (no intermediate Buffer): a regular file takes all of it or fails.
      const written = writeSync(fd, line);
      bytes = Buffer.byteLength(line);
      if (written !== bytes) failure = new Error(`short write to the request journal (${written} of ${bytes} bytes)`);
    } catch (error) {
      failure = error;
    }
    if (failure !== undefined) {
      // Take back a partial line, so the next one starts on a line of its own.
      try {
        ftruncateSync(fd, this.size);
      } catch {
        this.closeSegment();
      }
      throw failure;
    }
    this.size += bytes;
    this.next = seq + 1;
    if (this.size >= this.segmentBytes) this.closeSegment();
    return seq;
  }

  /** Bytes in the journal's segment files (written or not). */
  bytes(): number {
    let total = 0;
    for (const name of segmentsOf(this.directory)) {
      try {
        total += statSync(join(this.directory, name)).size;
      } catch {
        // deleted by the writer meanwhile
      }
    }
    return total;
  }

  private closeSegment(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // nothing left to lose: every line in it was written whole or taken back
    }
    this.fd = undefined;
  }

  close(): void {
    this.closeSegment();
  }
}

const READ_CHUNK = 1024 * 1024;

/**
 * Reads a journal from the start (skipping what the store already has), segment by
 * segment, as the appender writes it. A segment is complete once a later one exists (the
 * appender only starts the next after its last write to this one) or, for the journal of
 * a process that is gone, at its end.
 */
export class JournalReader {
  private segment: { name: string; fd: number; offset: number; remainder: Buffer; lastSeq: number } | undefined;
  private readonly finished: { name: string; lastSeq: number }[] = [];
  private readonly parsed: JournalEntry[] = [];
  private lastRead: number;
  private readonly consumed = new Set<string>();
  private readonly chunk = Buffer.allocUnsafe(READ_CHUNK);

  constructor(
    readonly directory: string,
    /** Rows up to this sequence number are in the store already. */
    afterSeq: number,
    /** The owner is gone: the end of the last segment is the end of the journal. */
    private readonly abandoned: boolean,
    private readonly onCorrupt: (message: string) => void,
  ) {
    this.lastRead = afterSeq;
  }

  /** Up to `max` rows not read yet, in order. */
  read(max: number): JournalEntry[] {
    while (this.parsed.length < max && this.fill()) {
      // fill() parsed more lines
    }
    return this.parsed.splice(0, max);
  }

  /** Whether everything this journal will ever hold has been read (abandoned journals only). */
  get exhausted(): boolean {
    return this.abandoned && this.segment === undefined && this.parsed.length === 0 && this.nextSegment() === undefined;
  }

  /** Rows up to `seq` are in the store: delete the segments that hold nothing later. */
  release(seq: number): void {
    while (this.finished.length > 0 && (this.finished[0] as { lastSeq: number }).lastSeq <= seq) {
      const done = this.finished.shift() as { name: string };
      try {
        unlinkSync(join(this.directory, done.name));
      } catch {
        // already gone
      }
    }
  }

  /** Delete the whole journal (an abandoned one, fully written). */
  remove(): void {
    this.closeSegment();
    rmSync(this.directory, { recursive: true, force: true });
  }

  private nextSegment(): string | undefined {
    return segmentsOf(this.directory).find((name) => !this.consumed.has(name));
  }

  /** Parse more lines; false when there is nothing more to read for now. */
  private fill(): boolean {
    if (!this.segment) {
      const name = this.nextSegment();
      if (name === undefined) return false;
      this.consumed.add(name);
      let fd: number;
      try {
        fd = openSync(join(this.directory, name), 'r');
      } catch (error) {
        // Another process replaying the same abandoned journal deleted it: written already.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
        throw error;
      }
      this.segment = { name, fd, offset: 0, remainder: Buffer.alloc(0), lastSeq: this.lastRead };
    }
    const segment = this.segment;
    const chunk = this.chunk;
    let count = readSync(segment.fd, chunk, 0, chunk.length, segment.offset);
    if (count === 0) {
      // At the end: complete if a later segment exists — checked before reading once more,
      // since the appender starts the next segment only after its last write to this one.
      const complete = this.abandoned || this.nextSegment() !== undefined;
      count = readSync(segment.fd, chunk, 0, chunk.length, segment.offset);
      if (count === 0) {
        if (!complete) return false;
        if (segment.remainder.length > 0) this.onCorrupt(`journal ${segment.name}: skipped an incomplete last line (${segment.remainder.length} bytes), cut short by a crash`);
        this.finished.push({ name: segment.name, lastSeq: segment.lastSeq });
        this.closeSegment();
        return true;
      }
    }
    segment.offset += count;
    const data = segment.remainder.length > 0 ? Buffer.concat([segment.remainder, chunk.subarray(0, count)]) : chunk.subarray(0, count);
    let start = 0;
    for (let end = data.indexOf(10, start); end !== -1; end = data.indexOf(10, start)) {
      const line = data.toString('utf8', start, end);
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        // The newest line of a segment still being written may be caught mid-write: read it again later.
        if (end === data.length - 1 && !this.abandoned && this.nextSegment() === undefined) break;
        this.onCorrupt(`journal ${segment.name}: skipped a line that is not JSON (${line.length} characters)`);
        start = end + 1;
        continue;
      }
      start = end + 1;
      segment.lastSeq = entry.seq;
      if (entry.seq <= this.lastRead) continue;
      this.lastRead = entry.seq;
      this.parsed.push(entry);
    }
    segment.remainder = Buffer.from(data.subarray(start));
    return true;
  }

  private closeSegment(): void {
    if (!this.segment) return;
    closeSync(this.segment.fd);
    this.segment = undefined;
  }

  close(): void {
    this.closeSegment();
  }
}
