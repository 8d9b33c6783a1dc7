/**
 * Embeddings as bytes, for the stores that keep them outside this process's memory (SQLite,
 * Redis):
 *   dense   'D' + float32s;
 *   sparse  'S' + count (uint32) + indices (uint32 × count) + values (float32 × count);
 *   local   'W' + the sparse part as above + words (uint32) + word features (uint32 × words)
 *           + word-vector rows (int32 × words).
 */
import type { Embedding } from './types.js';

function bytesOf(array: ArrayBufferView): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value);
  return buffer;
}

export function packEmbedding(embedding: Embedding): Buffer {
  if (embedding instanceof Float32Array) return Buffer.concat([Buffer.from('D'), bytesOf(embedding)]);
  const sparse = [uint32(embedding.indices.length), bytesOf(embedding.indices), bytesOf(embedding.values)];
  if (!embedding.words) return Buffer.concat([Buffer.from('S'), ...sparse]);
  return Buffer.concat([Buffer.from('W'), ...sparse, uint32(embedding.words.features.length), bytesOf(embedding.words.features), bytesOf(embedding.words.rows)]);
}

export function unpackEmbedding(buffer: Buffer): Embedding {
  const copy = (start: number, end: number): ArrayBuffer => buffer.buffer.slice(buffer.byteOffset + start, buffer.byteOffset + end) as ArrayBuffer;
  const kind = String.fromCharCode(buffer[0] ?? 0);
  if (kind === 'D') return new Float32Array(copy(1, buffer.length));
  if (kind !== 'S' && kind !== 'W') throw new Error(`not a packed embedding (kind ${JSON.stringify(kind)})`);
  const count = buffer.readUInt32LE(1);
  const sparse = { indices: new Uint32Array(copy(5, 5 + count * 4)), values: new Float32Array(copy(5 + count * 4, 5 + count * 8)) };
  if (kind === 'S') return sparse;
  const at = 5 + count * 8;
  const words = buffer.readUInt32LE(at);
  return { ...sparse, words: { features: new Uint32Array(copy(at + 4, at + 4 + words * 4)), rows: new Int32Array(copy(at + 4 + words * 4, at + 4 + words * 8)) } };
}
