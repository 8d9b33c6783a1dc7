/**
 * The AWS binary event-stream framing (application/vnd.amazon.eventstream) ConverseStream
 * answers with: each message is a 4-byte total length, a 4-byte headers length, a prelude
 * CRC32, headers, payload and a message CRC32. Frames are cut from the byte stream here
 * (a frame may span chunks, a chunk may hold several); @smithy's codec checks both CRCs and
 * parses the typed headers. A stream that ends inside a frame throws.
 */
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import type { Message } from '@smithy/core/event-streams';
import { GatewayError } from '../../core/errors.js';

/** Larger frames are refused rather than buffered (a text delta is a few hundred bytes). */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;
const MIN_FRAME_BYTES = 16;

export interface StreamEvent {
  /** :message-type — event, exception or error. */
  messageType: string;
  /** :event-type for events, :exception-type for exceptions, :error-code for errors. */
  type: string;
  payload: Uint8Array;
  headers: Message['headers'];
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function headerString(message: Message, name: string): string | undefined {
  const header = message.headers[name];
  return header && header.type === 'string' ? header.value : undefined;
}

export async function* readEventStream(body: AsyncIterable<Uint8Array>, provider: string): AsyncGenerator<StreamEvent> {
  let buffer = Buffer.alloc(0);
  for await (const chunk of body) {
    buffer = buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([buffer, chunk]);
    while (buffer.length >= 4) {
      const length = buffer.readUInt32BE(0);
      if (length < MIN_FRAME_BYTES || length > MAX_FRAME_BYTES) {
        throw new GatewayError('upstream_bad_response', `provider ${provider} sent an event-stream frame of ${length} bytes`);
      }
      if (buffer.length < length) break;
      const frame = buffer.subarray(0, length);
      buffer = buffer.subarray(length);
      let message: Message;
      try {
        message = codec.decode(frame);
      } catch (error) {
        throw new GatewayError('upstream_bad_response', `provider ${provider} sent a corrupt event-stream frame (${error instanceof Error ? error.message : 'bad frame'})`);
      }
      const messageType = headerString(message, ':message-type') ?? 'event';
      const type = headerString(message, messageType === 'exception' ? ':exception-type' : messageType === 'error' ? ':error-code' : ':event-type') ?? '';
      yield { messageType, type, payload: message.body, headers: message.headers };
    }
  }
  if (buffer.length > 0) throw new GatewayError('upstream_connection_error', `provider ${provider} ended the event stream inside a frame`);
}
