import { describe, expect, it } from 'vitest';
import { parseSse, type SseEvent } from '../../src/providers/sse.js';

async function parse(chunks: string[]): Promise<SseEvent[]> {
  const encoder = new TextEncoder();
  async function* source() {
    for (const chunk of chunks) yield encoder.encode(chunk);
  }
  const events: SseEvent[] = [];
  for await (const event of parseSse(source())) events.push(event);
  return events;
}

describe('parseSse', () => {
  it('parses data events split at arbitrary byte boundaries', async () => {
    const text = 'data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const events = await parse([text.slice(0, cut), text.slice(cut)]);
      expect(events.map((event) => event.data)).toEqual(['{"a":1}', '{"b":2}', '[DONE]']);
    }
  });

  it('handles CRLF and CR line ends, including a CRLF split across chunks', async () => {
    expect((await parse(['data: x\r\n\r\ndata: y\r\r'])).map((event) => event.data)).toEqual(['x', 'y']);
    expect((await parse(['data: x\r', '\n\r', '\ndata: z\n\n'])).map((event) => event.data)).toEqual(['x', 'z']);
  });

  it('joins multi-line data, reads event and id, ignores comments and unknown fields', async () => {
    const events = await parse([': keep-alive\n', 'event: message_delta\nid: 7\nretry: 10\ndata: line one\ndata: line two\n\n']);
    expect(events).toEqual([{ event: 'message_delta', id: '7', data: 'line one\nline two' }]);
  });

  it('decodes multi-byte UTF-8 characters split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: héllo 👋\n\n');
    async function* source() {
      for (const byte of bytes) yield new Uint8Array([byte]);
    }
    const events: SseEvent[] = [];
    for await (const event of parseSse(source())) events.push(event);
    expect(events[0]?.data).toBe('héllo 👋');
  });

  it('dispatches a final event that lacks its closing blank line only if a line ended', async () => {
    expect((await parse(['data: complete\n\ndata: partial'])).map((event) => event.data)).toEqual(['complete']);
  });
});
