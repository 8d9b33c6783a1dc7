/**
 * The word vectors the built-in embedder aligns words with: the 30,000 most frequent English
 * words of GloVe (Wikipedia + Gigaword, 100 dimensions, public domain), int8 with one scale
 * per word, derived by scripts/word-vectors.mjs into models/word-vectors.bin (3.4 MB). A
 * word's row is its frequency rank. Read once, on the first use; everything after is arithmetic
 * on typed arrays.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SHIPPED_WORD_VECTORS = fileURLToPath(new URL('../../models/word-vectors.bin', import.meta.url));

export class WordVectors {
  private readonly rows = new Map<string, number>();
  /** 1 / |vector| of each row, in the int8 units (the scale cancels in a cosine). */
  private readonly inverseNorms: Float32Array;

  constructor(
    words: readonly string[],
    private readonly values: Int8Array,
    readonly dimensions: number,
  ) {
    words.forEach((word, row) => this.rows.set(word, row));
    this.inverseNorms = new Float32Array(words.length);
    for (let row = 0; row < words.length; row++) {
      let sum = 0;
      for (let index = row * dimensions; index < (row + 1) * dimensions; index++) sum += (values[index] as number) * (values[index] as number);
      this.inverseNorms[row] = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    }
  }

  get size(): number {
    return this.rows.size;
  }

  /** Calls `visit` with every word and its row (its frequency rank), in rank order. */
  forEachWord(visit: (word: string, row: number) => void): void {
    for (const [word, row] of this.rows) visit(word, row);
  }

  /** Writes the row's vector scaled to unit length into `out` from `offset` (zeros for an all-zero row). */
  unitVector(row: number, out: Float32Array, offset = 0): void {
    const values = this.values;
    const dimensions = this.dimensions;
    const inverse = this.inverseNorms[row] as number;
    for (let index = 0; index < dimensions; index++) out[offset + index] = (values[row * dimensions + index] as number) * inverse;
  }

  /** The word's row (its frequency rank), or -1. */
  row(word: string): number {
    return this.rows.get(word) ?? -1;
  }

  /** Cosine of two rows. */
  cosine(left: number, right: number): number {
    const values = this.values;
    const dimensions = this.dimensions;
    let dot = 0;
    for (let at = left * dimensions, other = right * dimensions, end = at + dimensions; at < end; at++, other++) dot += (values[at] as number) * (values[other] as number);
    return dot * (this.inverseNorms[left] as number) * (this.inverseNorms[right] as number);
  }
}

/** Parses the file format scripts/word-vectors.mjs writes; a clear error when it is not one. */
export function parseWordVectors(buffer: Buffer, path: string): WordVectors {
  if (buffer.length < 15 || buffer.toString('latin1', 0, 4) !== 'SYWV' || buffer.readUInt8(4) !== 1) throw new Error(`${path}: not a word-vector file (expected "SYWV" version 1)`);
  const count = buffer.readUInt32LE(5);
  const dimensions = buffer.readUInt16LE(9);
  const textBytes = buffer.readUInt32LE(11);
  const valuesAt = 15 + textBytes + 4 * count;
  if (buffer.length !== valuesAt + count * dimensions) throw new Error(`${path}: truncated (${buffer.length} bytes, expected ${valuesAt + count * dimensions})`);
  const words = buffer.toString('utf8', 15, 15 + textBytes).split('\n');
  if (words.length !== count) throw new Error(`${path}: ${words.length} words for ${count} vectors`);
  const values = new Int8Array(count * dimensions);
  values.set(new Int8Array(buffer.buffer, buffer.byteOffset + valuesAt, count * dimensions));
  return new WordVectors(words, values, dimensions);
}

let shipped: WordVectors | undefined;

/** The shipped vectors, read on the first call. */
export function shippedWordVectors(): WordVectors {
  shipped ??= parseWordVectors(readFileSync(SHIPPED_WORD_VECTORS), SHIPPED_WORD_VECTORS);
  return shipped;
}
