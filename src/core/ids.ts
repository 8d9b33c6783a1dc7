/**
 * Request ids are UUIDv7 (RFC 9562): a 48-bit millisecond timestamp, then a counter and
 * random bits. Time-ordered ids make the request log's primary-key inserts appends
 * instead of random B-tree writes, which measurably raised gateway throughput, and they
 * sort by time in any tool.
 */
import { createHash, randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let offset = pool.length;
let lastMs = 0;
let counter = 0;

function randomBytes(count: number): Buffer {
  if (offset + count > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + count);
  offset += count;
  return bytes;
}

const HEX: string[] = Array.from({ length: 256 }, (_, value) => value.toString(16).padStart(2, '0'));

export function uuidv7(now = Date.now()): string {
  // 12-bit counter (rand_a) keeps ids monotonic within one millisecond (RFC 9562 §6.2, method 1).
  if (now > lastMs) {
    lastMs = now;
    counter = randomBytes(1)[0]! & 0x3f;
  } else {
    counter++;
    if (counter > 0xfff) {
      lastMs++;
      counter = 0;
    }
  }
  const ms = lastMs;
  const random = randomBytes(8);
  const bytes = [
    Math.floor(ms / 2 ** 40) & 0xff,
    Math.floor(ms / 2 ** 32) & 0xff,
    (ms >>> 24) & 0xff,
    (ms >>> 16) & 0xff,
    (ms >>> 8) & 0xff,
    ms & 0xff,
    0x70 | ((counter >>> 8) & 0x0f),
    counter & 0xff,
    0x80 | (random[0]! & 0x3f),
    random[1]!,
    random[2]!,
    random[3]!,
    random[4]!,
    random[5]!,
    random[6]!,
    random[7]!,
  ];
  const hex = bytes.map((byte) => HEX[byte]!);
  return `${hex.slice(0, 4).join('')}-${hex.slice(4, 6).join('')}-${hex.slice(6, 8).join('')}-${hex.slice(8, 10).join('')}-${hex.slice(10).join('')}`;
}

/**
 * A tool-call id for an upstream that gives none (Gemini): derived from what identifies the
 * response (its id, else its content) and the call's position, so ids are unique across the
 * responses of a conversation — an Anthropic upstream refuses a history with duplicates —
 * and the same when a recorded response is replayed.
 */
export function derivedToolCallId(responseSeed: string, index: number): string {
  return `call_${createHash('sha256').update(`${responseSeed}\u0000${index}`).digest('hex').slice(0, 24)}`;
}
