/**
 * Dense semantic features for the task classifier: the mean of the shipped GloVe word vectors
 * (models/word-vectors.bin, the semantic cache's, loaded once by cache/word-vectors.ts) over
 * the words of the prompt that the feature scan reads, and a second mean over its first
 * FIRST_WORDS words, where a request usually says what it wants. Each word's vector is scaled
 * to unit length and weighted by how rare the word is (a / (a + p(word)), p from its
 * frequency rank, Zipf), so "the" and "of" weigh little and "poem", "translate", "integral"
 * weigh fully.
 *
 * A word the sparse features never saw in training still lands near words of the same sense
 * ("compose" near "write", "limerick" near "poem"), which is what lets the model generalise
 * beyond the phrasings it was trained on.
 *
 * The scan never builds a string: WordTable maps the feature scan's own 32-bit word hash
 * (FNV-1a over the lower-cased letters) to a vector row. At serving time the model's dense
 * weights are folded into a word's contribution to each class score the first time the word is
 * seen, so a decision adds ten numbers per word instead of a hundred-wide vector.
 */
import { shippedWordVectors, type WordVectors } from '../../cache/word-vectors.js';

/** Words at the start of the prompt that get their own mean. */
export const FIRST_WORDS = 12;
/** Blocks of the dense vector: all words read, the first FIRST_WORDS words. */
export const DENSE_BLOCKS = 2;
/** The rarity weight's constant (smooth inverse frequency). */
const RARITY = 1e-3;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The feature scan's hash of a lower-case ASCII word (see features.ts). */
export function wordHash(word: string): number {
  let hash = FNV_OFFSET;
  for (let index = 0; index < word.length; index++) hash = Math.imul(hash ^ (word.charCodeAt(index) | 32), FNV_PRIME);
  return hash;
}

function slotOf(hash: number, mask: number): number {
  let value = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
  value ^= value >>> 16;
  return value & mask;
}

/** Word hash → vector row, open addressing; built once per set of vectors. */
export class WordTable {
  private readonly keys: Int32Array;
  private readonly values: Int32Array;
  private readonly mask: number;
  /** Rarity weight of each row. */
  readonly weights: Float32Array;

  constructor(readonly vectors: WordVectors) {
    let size = 1;
    while (size < vectors.size * 2) size <<= 1;
    this.mask = size - 1;
    this.keys = new Int32Array(size);
    this.values = new Int32Array(size).fill(-1);
    this.weights = new Float32Array(vectors.size);
    let harmonic = 0;
    for (let rank = 1; rank <= vectors.size; rank++) harmonic += 1 / rank;
    vectors.forEachWord((word, row) => {
      const probability = 1 / (row + 1) / harmonic;
      this.weights[row] = RARITY / (RARITY + probability);
      // Only plain ASCII words: the scan splits at hyphens and apostrophes.
      if (!/^[a-z]+$/.test(word)) return;
      const hash = wordHash(word);
      let slot = slotOf(hash, this.mask);
      while ((this.values[slot] as number) >= 0) {
        if (this.keys[slot] === hash) return; // the same hash twice: the more frequent word keeps it
        slot = (slot + 1) & this.mask;
      }
      this.keys[slot] = hash;
      this.values[slot] = row;
    });
  }

  /** The row of the word with this scan hash, or -1. */
  lookup(hash: number): number {
    const mask = this.mask;
    let slot = slotOf(hash, mask);
    for (;;) {
      const row = this.values[slot] as number;
      if (row < 0 || this.keys[slot] === hash) return row;
      slot = (slot + 1) & mask;
    }
  }

  get dimensions(): number {
    return this.vectors.dimensions;
  }

  /** Width of the dense feature vector. */
  get width(): number {
    return DENSE_BLOCKS * this.vectors.dimensions;
  }

  /**
   * The dense feature vector of a scan's rows (rows[0..count), the first `first` of them among
   * the prompt's first FIRST_WORDS words), for training: each block the rarity-weighted mean of
   * unit vectors.
   */
  denseVector(rows: Int32Array, count: number, first: number, out: Float32Array = new Float32Array(this.width)): Float32Array {
    const dimensions = this.dimensions;
    const unit = new Float32Array(dimensions);
    out.fill(0);
    for (let index = 0; index < count; index++) {
      const row = rows[index] as number;
      const weight = this.weights[row] as number;
      this.vectors.unitVector(row, unit);
      for (let d = 0; d < dimensions; d++) out[d] = (out[d] as number) + weight * (unit[d] as number);
      if (index < first) for (let d = 0; d < dimensions; d++) out[dimensions + d] = (out[dimensions + d] as number) + weight * (unit[d] as number);
    }
    if (count > 0) for (let d = 0; d < dimensions; d++) out[d] = (out[d] as number) / count;
    if (first > 0) for (let d = 0; d < dimensions; d++) out[dimensions + d] = (out[dimensions + d] as number) / first;
    return out;
  }

  /**
   * Folds dense weights (row-major [feature][class], `classes` wide) into one word's class
   * scores, per block: out[offset + block * classes + c] = rarity(row) · unit(row) · W[block][·][c].
   * `unit` is scratch space of `dimensions` floats.
   */
  projectRow(row: number, weights: Float32Array, classes: number, out: Float32Array, offset: number, unit: Float32Array): void {
    const dimensions = this.dimensions;
    this.vectors.unitVector(row, unit);
    const weight = this.weights[row] as number;
    for (let block = 0; block < DENSE_BLOCKS; block++) {
      const base = block * dimensions;
      for (let c = 0; c < classes; c++) {
        let sum = 0;
        for (let d = 0; d < dimensions; d++) sum += (unit[d] as number) * (weights[(base + d) * classes + c] as number);
        out[offset + block * classes + c] = sum * weight;
      }
    }
  }
}

let shipped: WordTable | undefined;

/** The table of the shipped word vectors, built on the first call. */
export function shippedWordTable(): WordTable {
  shipped ??= new WordTable(shippedWordVectors());
  return shipped;
}
