/**
 * The built-in embedder: offline, no model file to download, tens of microseconds per question.
 * A question becomes a sparse vector of hashed features:
 *   - content words, stemmed and mapped onto a concept when they are one of a group of common
 *     synonyms ("allows", "enables", "lets" → allow), weight 1; "n't", "no", "never" → not;
 *   - two neighbouring words written as one ("Hugging Face" / "HuggingFace"), 0.5;
 *   - pairs of neighbouring content words (word order, "load the dataset" vs "dataset loader"), 0.25;
 *   - character 3- and 4-grams of each content word (spelling variants, compounds), 0.3 per
 *     word spread over its grams;
 *   - numbers as themselves ("v2.10.0" → v + 2.10.0), weight 1.
 * Stop words carry no weight. The index scales every feature by its inverse document frequency
 * within the scope (vector-index.ts).
 *
 * The similarity of two questions is half the cosine of those vectors and half a word
 * alignment: each content word of one question is matched with its closest word of the other
 * (1 for the same concept, else the cosine of their GloVe vectors above 0.3, rescaled; see
 * word-vectors.ts), weighted by its inverse document frequency; the alignment is the lower of
 * the two directions' coverage, so a question that adds or drops a detail the other lacks
 * scores lower than a rewording of the same details ("utilised" / "used", "conserve" / "save").
 * Measured in docs/cache.md; a sentence-embedding model (`onnx:<folder>`) is the step up.
 */
import type { Embedder, Embedding, SparseVector } from './types.js';
import { shippedWordVectors, type WordVectors } from './word-vectors.js';
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

/** FNV-1a over the UTF-16 units of a string, its kind in the bits above (1 words, 2 word pairs, 3 character grams, 4 numbers). */
function hash(kind: number, text: string): number {
  let value = (0x811c9dc5 ^ kind) >>> 0;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return (kind * (FEATURE_MASK + 1) + (value & FEATURE_MASK)) >>> 0;
}

/** Words and numbers find the candidates; word pairs and character grams only add to their score. */
export function findsCandidates(feature: number): boolean {
  const kind = Math.floor(feature / (FEATURE_MASK + 1));
  return kind === 1 || kind === 4;
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
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}_]+(?:[.'’][\p{L}\p{N}_]+)*/gu) ?? [];
}

/** Words that negate: one concept, "not" (the near-miss check reads negation on its own). */
const NEGATIONS = new Set(['no', 'not', 'never', 'none', 'nothing', 'nobody', 'neither', 'nor', 'cannot']);

interface Term {
  word: string;
  /** A dotted or underscored token kept whole ("metadata.csv", "load_dataset") besides its parts. */
  whole?: boolean;
}

/** A short prefix glued to a number ("v2", "py3") comes apart from it. */
function splitLetterDigits(word: string): Term[] {
  const match = /^(\p{L}{1,3})(\d[\d.]*)$/u.exec(word);
  return match ? [{ word: match[1] as string }, { word: match[2] as string }] : [{ word }];
}

/** The words of a text: contractions and negations normalised, compound tokens also split. */
export function terms(text: string): Term[] {
  const out: Term[] = [];
  for (const token of tokens(text)) {
    const word = token.replace(/['’]s$/, '');
    const contraction = /^(\p{L}+)n['’]t$/u.exec(word);
    if (contraction) {
      const verb = contraction[1] as string;
      out.push({ word: verb === 'wo' ? 'will' : verb === 'ca' ? 'can' : verb === 'sha' ? 'shall' : verb }, { word: 'not' });
      continue;
    }
    if (NEGATIONS.has(word)) {
      out.push({ word: 'not' });
      continue;
    }
    if (/[._]/.test(word) && !/^\p{L}{0,3}\d+(?:\.\d+)*$/u.test(word)) {
      out.push({ word, whole: true });
      for (const part of word.split(/[._]+/)) if (part) out.push(...splitLetterDigits(part));
      continue;
    }
    out.push(...splitLetterDigits(word));
  }
  return out;
}

/** A local embedding: the sparse features, and the content words for the alignment score. */
export interface LocalVector extends SparseVector {
  words: { features: Uint32Array; rows: Int32Array };
}

/** The features of a text, summed by id: unnormalised weights (the index weighs and normalises them). */
export function localFeatures(text: string, vectors: WordVectors | undefined = undefined): LocalVector {
  const weights = new Map<number, number>();
  const add = (feature: number, weight: number): void => {
    weights.set(feature, (weights.get(feature) ?? 0) + weight);
  };
  const wordFeatures: number[] = [];
  const wordRows: number[] = [];
  let previous: string | undefined;
  let previousWord: string | undefined;
  for (const term of terms(text)) {
    const word = term.word;
    if (/\d/.test(word)) {
      const feature = hash(4, word);
      add(feature, 1);
      if (!term.whole) {
        wordFeatures.push(feature);
        wordRows.push(-1);
      }
      previous = previousWord = undefined;
      continue;
    }
    const stopWord = STOP_WORDS.has(word);
    if (previousWord !== undefined && !term.whole) add(hash(1, stem(previousWord + word)), 0.5);
    previousWord = term.whole ? undefined : word;
    if (stopWord) continue;
    const stemmed = stem(word);
    const concept = CONCEPT.get(stemmed) ?? stemmed;
    const feature = hash(1, concept);
    add(feature, 1);
    if (!term.whole) {
      wordFeatures.push(feature);
      wordRows.push(vectors ? vectors.row(word) : -1);
    }
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
  return { indices, values, words: { features: Uint32Array.from(wordFeatures), rows: Int32Array.from(wordRows) } };
}

/** Word vectors below this cosine are unrelated words; above it the match is rescaled to 0..1. */
const RELATED = 0.3;
/** The share of the alignment in the similarity (the rest is the cosine). */
const ALIGNMENT_SHARE = 0.5;

function hasWords(vector: Embedding): vector is LocalVector {
  return !(vector instanceof Float32Array) && (vector as Partial<LocalVector>).words !== undefined;
}

/**
 * The alignment score of two questions' words: each side's idf-weighted coverage by the other
 * (a word's best match: 1 for the same feature, else its rescaled word-vector cosine), the lower one.
 */
export function alignment(query: LocalVector['words'], entry: LocalVector['words'], vectors: WordVectors, idf: (feature: number) => number): number {
  const rows = query.features.length;
  const columns = entry.features.length;
  if (rows === 0 || columns === 0) return 0;
  const bestOfColumn = new Float64Array(columns);
  let queryCovered = 0;
  let queryWeight = 0;
  for (let row = 0; row < rows; row++) {
    const feature = query.features[row] as number;
    const vectorRow = query.rows[row] as number;
    let best = 0;
    for (let column = 0; column < columns; column++) {
      let match = 0;
      if (entry.features[column] === feature) match = 1;
      else if (vectorRow >= 0 && (entry.rows[column] as number) >= 0) {
        const cosine = vectors.cosine(vectorRow, entry.rows[column] as number);
        if (cosine > RELATED) match = (cosine - RELATED) / (1 - RELATED);
      }
      if (match > best) best = match;
      if (match > (bestOfColumn[column] as number)) bestOfColumn[column] = match;
    }
    const weight = idf(feature);
    queryCovered += weight * best;
    queryWeight += weight;
  }
  let entryCovered = 0;
  let entryWeight = 0;
  for (let column = 0; column < columns; column++) {
    const weight = idf(entry.features[column] as number);
    entryCovered += weight * (bestOfColumn[column] as number);
    entryWeight += weight;
  }
  return Math.min(queryCovered / queryWeight, entryCovered / entryWeight);
}

export class LocalEmbedder implements Embedder {
  readonly name = 'local';
  readonly defaultThreshold = 0.7;
  private readonly vectors: WordVectors;

  constructor(vectors: WordVectors = shippedWordVectors()) {
    this.vectors = vectors;
  }

  embed(texts: readonly string[]): Promise<LocalVector[]> {
    return Promise.resolve(texts.map((text) => localFeatures(text, this.vectors)));
  }

  /** Half the cosine, half the word alignment (when both sides carry their words). */
  similarity(query: Embedding, entry: Embedding, cosine: number, idf: (feature: number) => number): number {
    if (!hasWords(query) || !hasWords(entry)) return cosine;
    return (1 - ALIGNMENT_SHARE) * cosine + ALIGNMENT_SHARE * alignment(query.words, entry.words, this.vectors, idf);
  }

  indexFeature(feature: number): boolean {
    return findsCandidates(feature);
  }

  /** The most `similarity` can give for a cosine: candidates below the threshold even so are not aligned. */
  similarityBound(cosine: number): number {
    return (1 - ALIGNMENT_SHARE) * cosine + ALIGNMENT_SHARE;
  }
}
