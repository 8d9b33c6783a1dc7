/**
 * Hashing for the learned routers' sparse features: FNV-1a over lower-cased character codes,
 * one salt per feature family, folded into a power-of-two bucket space; and a reusable
 * collector that deduplicates bucket indices without sorting (a generation stamp per
 * bucket), so a decision allocates only its small result array.
 */
/** As int32 (`| 0`): hashes stay small-integer values V8 keeps unboxed. */
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/** Feature families (hash salts). */
export const SALT = { word: 1, pair: 2, prefix: 3, subject: 4, flag: 5, shape: 6 } as const;

/** Mixes a family salt into a hash (also used to hash small integers such as number shapes). */
export function mix(hash: number, salt: number): number {
  let value = Math.imul(hash ^ Math.imul(salt, 0x9e3779b1), 0x85ebca6b);
  value ^= value >>> 13;
  value = Math.imul(value, 0xc2b2ae35);
  return value ^ (value >>> 16);
}

/** FNV-1a of a string's lower-cased (ASCII) characters. */
export function hashWord(text: string): number {
  let hash = FNV_OFFSET;
  for (let index = 0; index < text.length; index++) {
    let code = text.charCodeAt(index);
    if (code >= 65 && code <= 90) code += 32;
    hash = Math.imul(hash ^ code, FNV_PRIME);
  }
  return hash;
}

export function hashString(text: string, salt: number): number {
  return mix(hashWord(text), salt);
}

/** Bucket indices of one text, each at most once, in first-seen order. */
export class SparseCollector {
  private readonly stamps: Uint32Array;
  private generation = 0;
  private indices = new Int32Array(1024);
  private count = 0;
  private readonly mask: number;

  constructor(buckets: number) {
    this.stamps = new Uint32Array(buckets);
    this.mask = buckets - 1;
  }

  start(): void {
    this.count = 0;
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.stamps.fill(0);
      this.generation = 1;
    }
  }

  add(hash: number): void {
    const bucket = hash & this.mask;
    if (this.stamps[bucket] === this.generation) return;
    this.stamps[bucket] = this.generation;
    if (this.count === this.indices.length) {
      const grown = new Int32Array(this.indices.length * 2);
      grown.set(this.indices);
      this.indices = grown;
    }
    this.indices[this.count++] = bucket;
  }

  finish(): Int32Array {
    return this.indices.slice(0, this.count);
  }
}
