/**
 * The one Server-Sent Events parser every streaming adapter uses (WHATWG event-stream
 * rules: `data:` lines joined with "\n", `event:` and `id:` fields, comments and
 * unknown fields ignored, CR / LF / CRLF line ends, a blank line dispatches).
 */
export interface SseEvent {
  event: string | undefined;
  data: string;
  id: string | undefined;
}

/**
 * Incremental SSE decoding: bytes in (split anywhere, even inside a UTF-8 character),
 * complete events out. Synchronous, so a reader takes every event of one network read in
 * one go rather than one promise per event.
 */
export class SseDecoder {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  private data: string[] = [];
  private event: string | undefined;
  private id: string | undefined;
  private skipLeadingLf = false;

  /** The events completed by this chunk, in order. */
  push(chunk: Uint8Array | string): SseEvent[] {
    const buffer = this.buffer + (typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }));
    const events: SseEvent[] = [];
    let start = 0;
    if (this.skipLeadingLf && buffer.length > 0) {
      this.skipLeadingLf = false;
      if (buffer.charCodeAt(0) === 10) start = 1;
    }
    if (buffer.indexOf('\r', start) === -1) {
      // LF line ends only (what servers send): find each line with indexOf.
      for (let end = buffer.indexOf('\n', start); end !== -1; end = buffer.indexOf('\n', start)) {
        this.takeLine(buffer.slice(start, end), events);
        start = end + 1;
      }
    } else {
      for (let index = start; index < buffer.length; index++) {
        const character = buffer.charCodeAt(index);
        if (character !== 10 && character !== 13) continue;
        this.takeLine(buffer.slice(start, index), events);
        if (character === 13) {
          if (index + 1 < buffer.length) {
            if (buffer.charCodeAt(index + 1) === 10) index++;
          } else {
            this.skipLeadingLf = true;
          }
        }
        start = index + 1;
      }
    }
    this.buffer = start === 0 ? buffer : buffer.slice(start);
    return events;
  }

  /**
   * The input ended. An event without its closing blank line is incomplete (the stream
   * ended mid-event) and is never dispatched: this returns no events, and exists so a
   * reader says where the input ends.
   */
  end(): SseEvent[] {
    const rest = this.buffer + this.decoder.decode();
    this.buffer = '';
    const events: SseEvent[] = [];
    if (rest.length > 0) this.takeLine(rest, events);
    return events;
  }

  private takeLine(line: string, events: SseEvent[]): void {
    if (line === '') {
      if (this.data.length === 0) {
        this.event = undefined;
        return;
      }
      events.push({ event: this.event, data: this.data.length === 1 ? (this.data[0] as string) : this.data.join('\n'), id: this.id });
      this.data = [];
      this.event = undefined;
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' starts a comment
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
  }
}

export async function* parseSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new SseDecoder();
  for await (const chunk of body) yield* decoder.push(chunk);
  yield* decoder.end();
}
