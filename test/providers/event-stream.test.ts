/** The AWS event-stream framing: frames split across chunks, several per chunk, CRC checks, truncation. */
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { describe, expect, it } from 'vitest';
import { readEventStream } from '../../src/providers/bedrock/event-stream.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function frame(type: string, payload: unknown, messageType = 'event'): Uint8Array {
  const typeHeader = messageType === 'exception' ? ':exception-type' : ':event-type';
  return codec.encode({
    headers: { [typeHeader]: { type: 'string', value: type }, ':content-type': { type: 'string', value: 'application/json' }, ':message-type': { type: 'string', value: messageType } },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

async function read(bytes: Uint8Array, size: number): Promise<{ type: string; messageType: string; payload: unknown }[]> {
  const out = [];
  for await (const event of readEventStream(chunks(bytes, size), 'test')) out.push({ type: event.type, messageType: event.messageType, payload: JSON.parse(new TextDecoder().decode(event.payload)) });
  return out;
}

const stream = Buffer.concat([frame('messageStart', { role: 'assistant' }), frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }), frame('messageStop', { stopReason: 'end_turn' })]);

describe('event-stream decoding', () => {
  it.each([1, 3, 7, 64, stream.length])('reads the same events whatever the chunk size (%i bytes)', async (size) => {
    expect(await read(stream, size)).toEqual([
      { type: 'messageStart', messageType: 'event', payload: { role: 'assistant' } },
      { type: 'contentBlockDelta', messageType: 'event', payload: { contentBlockIndex: 0, delta: { text: 'Hi' } } },
      { type: 'messageStop', messageType: 'event', payload: { stopReason: 'end_turn' } },
    ]);
  });

  it('names exceptions by :exception-type', async () => {
    expect(await read(frame('throttlingException', { message: 'slow down' }, 'exception'), 10)).toEqual([{ type: 'throttlingException', messageType: 'exception', payload: { message: 'slow down' } }]);
  });

  it('a corrupted frame fails its CRC check', async () => {
    const bad = Buffer.from(stream);
    bad[30] = (bad[30] ?? 0) ^ 0xff;
    await expect(read(bad, 16)).rejects.toMatchObject({ code: 'upstream_bad_response' });
  });

  it('a stream that ends inside a frame throws', async () => {
    await expect(read(stream.subarray(0, stream.length - 5), 16)).rejects.toMatchObject({ code: 'upstream_connection_error' });
  });

  it('an absurd frame length is refused, not buffered', async () => {
    const huge = Buffer.alloc(16);
    huge.writeUInt32BE(0x7fffffff, 0);
    await expect(read(huge, 16)).rejects.toMatchObject({ code: 'upstream_bad_response' });
  });
});
