/**
 * Where the gateway's own log lines go (pino writes here): a file descriptor, stdout by
 * default, written asynchronously one write at a time, so a slow reader never blocks the
 * event loop. It never stands in the way of the gateway: lines beyond a bounded buffer
 * are dropped and counted; once the reader is gone (EPIPE) or the descriptor fails,
 * lines are dropped quietly; and nothing is written at exit — shutdown calls flush() with
 * a deadline instead. (pino's default destination retries a broken pipe forever at exit,
 * which kept a stopped gateway running.)
 */
import { write } from 'node:fs';

const MAX_BUFFERED = 1024 * 1024;
const RETRY_MS = 50;

export class LogDestination {
  private buffered: string[] = [];
  private bufferedBytes = 0;
  private writing = false;
  private closed = false;
  private dropped = 0;
  private readonly idle = new Set<() => void>();

  constructor(private readonly fd = 1) {}

  /** pino's stream interface. */
  write(line: string): boolean {
    if (this.closed) return true;
    if (this.bufferedBytes + line.length > MAX_BUFFERED) {
      this.dropped++;
      return true;
    }
    if (this.dropped > 0) {
      const note = `{"level":40,"time":${Date.now()},"msg":"${this.dropped} log line(s) dropped: the log reader did not keep up"}\n`;
      this.dropped = 0;
      this.buffered.push(note);
      this.bufferedBytes += note.length;
    }
    this.buffered.push(line);
    this.bufferedBytes += line.length;
    if (!this.writing) this.next();
    return true;
  }

  private next(): void {
    if (this.closed || this.buffered.length === 0) {
      this.writing = false;
      for (const resolve of this.idle) resolve();
      this.idle.clear();
      return;
    }
    this.writing = true;
    const chunk = Buffer.from(this.buffered.join(''));
    this.buffered = [];
    this.bufferedBytes = 0;
    this.writeChunk(chunk);
  }

  private writeChunk(chunk: Buffer): void {
    write(this.fd, chunk, 0, chunk.length, null, (error, written) => {
      if (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          setTimeout(() => this.writeChunk(chunk), RETRY_MS).unref();
          return;
        }
        // The reader is gone (EPIPE) or the descriptor is broken: logging stops, the gateway does not.
        this.closed = true;
        this.buffered = [];
        this.next();
        return;
      }
      if (written < chunk.length) {
        this.writeChunk(chunk.subarray(written));
        return;
      }
      this.next();
    });
  }

  /** Resolves once everything buffered is written (or dropped), or after `timeoutMs`, whichever is first. */
  flush(timeoutMs: number): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      const idle = this.idle;
      function done(): void {
        clearTimeout(timer);
        idle.delete(done);
        resolve();
      }
      this.idle.add(done);
    });
  }
}
