/**
 * Deterministic embeddings where similar texts get similar vectors: lowercase word
 * unigrams and character trigrams feature-hashed (signed) into `dimensions` buckets,
 * then L2-normalised.
 */
import { fnv1a } from '../random.js';

const WORD_WEIGHT = 1;
const TRIGRAM_WEIGHT = 0.5;
const SIGN_BASIS = 0x9747b28c;

export function embedText(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    add(vector, `w:${word}`, WORD_WEIGHT);
    const padded = ` ${word} `;
    for (let index = 0; index + 3 <= padded.length; index++) add(vector, `t:${padded.slice(index, index + 3)}`, TRIGRAM_WEIGHT);
  }
  if (words.length === 0) add(vector, `raw:${text}`, WORD_WEIGHT);
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm === 0 ? vector : vector.map((value) => value / norm);
}

function add(vector: number[], feature: string, weight: number): void {
  const bucket = fnv1a(feature) % vector.length;
  const sign = (fnv1a(feature, SIGN_BASIS) & 1) === 0 ? 1 : -1;
  vector[bucket] = (vector[bucket] ?? 0) + sign * weight;
}

/** OpenAI's base64 encoding: little-endian float32. */
export function toBase64Float32(vector: readonly number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => buffer.writeFloatLE(value, index * 4));
  return buffer.toString('base64');
}
