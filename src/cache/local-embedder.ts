/**
 * The built-in embedder: offline, no model file, a few microseconds per question. A question
 * becomes a sparse vector of hashed features:
 *   - content words, stemmed and mapped onto a concept when they are one of a group of common
 *     synonyms ("allows", "enables", "lets" → allow), weight 1;
 *   - pairs of neighbouring content words (word order, "load the dataset" vs "dataset loader"), 0.25;
 *   - character 3- and 4-grams of each content word (spelling variants, compounds, "Huggingface"
 *     vs "Hugging Face"), 0.3 per word spread over its grams;
 *   - numbers as themselves, weight 1.
 * Stop words carry no weight. The index scales every feature by its inverse document frequency
 * within the scope (vector-index.ts), which is what a trained model's vocabulary statistics would
 * otherwise give. Paired with the near-miss check it reaches the bar on held-out paraphrase pairs
 * (docs/cache.md); a sentence-embedding model (`onnx:<folder>`) is the step up.
 */
import type { Embedder, SparseVector } from './types.js';
import { STOP_WORDS, SYNONYM_GROUPS } from './lexicon.js';

const FEATURE_BITS = 22;
const FEATURE_MASK = (1 << FEATURE_BITS) - 1;

/** Stemmed word → its concept's stem. */
export const CONCEPT = new Map<string, string>();
for (const group of SYNONYM_GROUPS) {
  const [head] = group;
  // A word in two groups keeps its first concept.
  for (const word of group) if (!CONCEPT.has(stem(word))) CONCEPT.set(stem(word), stem(head as string));
}

/** FNV-1a over the UTF-16 units of a string, with a kind prefix. */
function hash(kind: number, text: string): number {
  let value = (0x811c9dc5 ^ kind) >>> 0;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value & FEATURE_MASK;
}

/** A light English stemmer: enough to bring "loading", "loaded" and "loads" together. */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let result = word;
  const rules: [RegExp, string][] = [
    [/ies$/, 'y'],
    [/(ss)es$/, '$1'],
    [/([^s])s$/, '$1'],
  ];
  for (const [pattern, replacement] of rules) {
    if (pattern.test(result)) {
      result = result.replace(pattern, replacement);
      break;
    }
  }
  const suffixes: [RegExp, string][] = [
    [/ational$/, 'ate'],
    [/ization$/, 'ize'],
    [/isation$/, 'ize'],
    [/fulness$/, 'ful'],
    [/ousness$/, 'ous'],
    [/iveness$/, 'ive'],
    [/ation$/, 'ate'],
    [/ment$/, ''],
    [/ingly$/, ''],
    [/edly$/, ''],
    [/ing$/, ''],
    [/ed$/, ''],
    [/ly$/, ''],
    [/er$/, ''],
    [/ity$/, ''],
    [/ive$/, ''],
    [/al$/, ''],
  ];
  for (const [pattern, replacement] of suffixes) {
    if (pattern.test(result) && result.length - result.match(pattern)![0].length + replacement.length >= 3) {
      result = result.replace(pattern, replacement);
      break;
    }
  }
  // "load" / "loade" (from "loaded" vs "loader"), doubled consonants ("running" → "runn" → "run").
  result = result.replace(/e$/, '');
  if (/([bdfgklmnprt])\1$/.test(result)) result = result.slice(0, -1);
  return result;
}

export function tokens(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}_]+(?:[.'][\p{L}\p{N}_]+)*/gu) ?? [];
}

/** The features of a text, summed by id: unnormalised weights (the index weighs and normalises them). */
export function localFeatures(text: string): SparseVector {
  const weights = new Map<number, number>();
  const add = (feature: number, weight: number): void => {
    weights.set(feature, (weights.get(feature) ?? 0) + weight);
  };
  let previous: string | undefined;
  for (const raw of tokens(text)) {
    const word = raw.replace(/'s$/, '');
    if (/\d/.test(word)) {
      add(hash(4, word), 1);
      previous = undefined;
      continue;
    }
    if (STOP_WORDS.has(word)) continue;
    const stemmed = stem(word);
    const concept = CONCEPT.get(stemmed) ?? stemmed;
    add(hash(1, concept), 1);
    if (previous !== undefined) add(hash(2, `${previous} ${concept}`), 0.25);
    previous = concept;
    const padded = `<${stemmed}>`;
    const grams: string[] = [];
    for (const size of [3, 4]) for (let at = 0; at + size <= padded.length; at++) grams.push(padded.slice(at, at + size));
    const share = 0.3 / Math.sqrt(grams.length || 1);
    for (const gram of grams) add(hash(3, gram), share);
  }
  const indices = Uint32Array.from([...weights.keys()].sort((a, b) => a - b));
  const values = Float32Array.from(indices, (index) => weights.get(index) as number);
  return { indices, values };
}

export class LocalEmbedder implements Embedder {
  readonly name = 'local';
  readonly defaultThreshold = 0.75;

  embed(texts: readonly string[]): Promise<SparseVector[]> {
    return Promise.resolve(texts.map(localFeatures));
  }
}
