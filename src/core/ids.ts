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

/** Where `count` fresh random bytes start in the pool (refilled when too few are left). */
function takeRandom(count: number): number {
  if (offset + count > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const at = offset;
  offset += count;
  return at;
}

const HEX: string[] = Array.from({ length: 256 }, (_, value) => value.toString(16).padStart(2, '0'));

export function uuidv7(now = Date.now()): string {
  // 12-bit counter (rand_a) keeps ids monotonic within one millisecond (RFC 9562 §6.2, method 1).
  if (now > lastMs) {
    lastMs = now;
    counter = pool[takeRandom(1)]! & 0x3f;
  } else {
    counter++;
    if (counter > 0xfff) {
      lastMs++;
      counter = 0;
    }
  }
  const ms = lastMs;
  // Eight random bytes read in place from the pool, and the text built by concatenation:
  // no array, slices or joins per id (this runs once per request).
  const at = takeRandom(8);
  return (
    HEX[Math.floor(ms / 2 ** 40) & 0xff]! +
    HEX[Math.floor(ms / 2 ** 32) & 0xff]! +
    HEX[(ms >>> 24) & 0xff]! +
    HEX[(ms >>> 16) & 0xff]! +
    '-' +
    HEX[(ms >>> 8) & 0xff]! +
    HEX[ms & 0xff]! +
    '-' +
    HEX[0x70 | ((counter >>> 8) & 0x0f)]! +
    HEX[counter & 0xff]! +
    '-' +
    HEX[0x80 | (pool[at]! & 0x3f)]! +
    HEX[pool[at + 1]!]! +
    '-' +
    HEX[pool[at + 2]!]! +
    HEX[pool[at + 3]!]! +
    HEX[pool[at + 4]!]! +
    HEX[pool[at + 5]!]! +
    HEX[pool[at + 6]!]! +
    HEX[pool[at + 7]!]!
  );
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
