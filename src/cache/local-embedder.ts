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
 * The similarity of a question and a stored question (the index's best candidates) is a pair
 * scorer's probability that they are paraphrases: a logistic regression (models/cache-pair-scorer.json,
 * trained by scripts/train-cache-scorer.mjs on the development half of a public paraphrase set)
 * over pairSignals — the idf cosine of those vectors; a word alignment's coverage both ways (each
 * content word matched with its closest word of the other side: 1 for the same concept, else
 * the cosine of their GloVe vectors above 0.3, rescaled; see word-vectors.ts), idf-weighted,
 * the lower and the higher; the same with exact matches only; the ratio of the two word counts;
 * the cosine of SIF-weighted sums of the word vectors; and the words left unmatched. A question
 * that adds or drops a detail the other lacks scores lower than a rewording of the same details
 * ("utilised" / "used", "conserve" / "save"). The cheap signals are computed first, and a
 * candidate that cannot reach the floor the index gives is not aligned.
 * Measured in docs/cache.md; a sentence-embedding model (`onnx:<folder>`) is the step up.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

/** Each side's idf-weighted coverage by the other, and what is left out. */
export interface Coverage {
  /** Coverage of the question's words by the entry's (a word's best match: 1 for the same feature, else its rescaled word-vector cosine). */
  query: number;
  entry: number;
  /** The same with exact matches only (the same feature). */
  exactQuery: number;
  exactEntry: number;
  /** Content words on the worse side with no match above one half. */
  unmatched: number;
  /** Content words on each side. */
  queryWords: number;
  entryWords: number;
}

/** The idf of each of a question's words. */
export function wordWeights(words: LocalVector['words'], idf: (feature: number) => number): Float64Array {
  const weights = new Float64Array(words.features.length);
  for (let at = 0; at < weights.length; at++) weights[at] = idf(words.features[at] as number);
  return weights;
}

/** The idf-weighted share of each side's words the other side holds exactly (the same feature): cheap, no word vectors. */
export function exactCoverage(
  query: LocalVector['words'],
  entry: LocalVector['words'],
  idf: (feature: number) => number,
  queryWeights = wordWeights(query, idf),
  entryWeights = wordWeights(entry, idf),
): { query: number; entry: number } {
  const rows = query.features.length;
  const columns = entry.features.length;
  if (rows === 0 || columns === 0) return { query: 0, entry: 0 };
  const matched = (features: Uint32Array, weights: Float64Array, others: Uint32Array): number => {
    let covered = 0;
    let total = 0;
    for (let at = 0; at < features.length; at++) {
      const feature = features[at] as number;
      const weight = weights[at] as number;
      total += weight;
      for (let other = 0; other < others.length; other++) {
        if (others[other] === feature) {
          covered += weight;
          break;
        }
      }
    }
    return total > 0 ? covered / total : 0;
  };
  return { query: matched(query.features, queryWeights, entry.features), entry: matched(entry.features, entryWeights, query.features) };
}

/** How the words of two questions cover each other (see Coverage). */
export function coverage(
  query: LocalVector['words'],
  entry: LocalVector['words'],
  vectors: WordVectors,
  idf: (feature: number) => number,
  queryWeights = wordWeights(query, idf),
  entryWeights = wordWeights(entry, idf),
): Coverage {
  const rows = query.features.length;
  const columns = entry.features.length;
  const result: Coverage = { query: 0, entry: 0, exactQuery: 0, exactEntry: 0, unmatched: 0, queryWords: rows, entryWords: columns };
  if (rows === 0 || columns === 0) return result;
  const bestOfColumn = new Float64Array(columns);
  const exactOfColumn = new Uint8Array(columns);
  let queryCovered = 0;
  let queryExact = 0;
  let queryWeight = 0;
  let queryUnmatched = 0;
  for (let row = 0; row < rows; row++) {
    const feature = query.features[row] as number;
    const vectorRow = query.rows[row] as number;
    let best = 0;
    let exact = 0;
    for (let column = 0; column < columns; column++) {
      let match = 0;
      if (entry.features[column] === feature) {
        match = 1;
        exact = 1;
        exactOfColumn[column] = 1;
      } else if (vectorRow >= 0 && (entry.rows[column] as number) >= 0) {
        const cosine = vectors.cosine(vectorRow, entry.rows[column] as number);
        if (cosine > RELATED) match = (cosine - RELATED) / (1 - RELATED);
      }
      if (match > best) best = match;
      if (match > (bestOfColumn[column] as number)) bestOfColumn[column] = match;
    }
    const weight = queryWeights[row] as number;
    queryCovered += weight * best;
    queryExact += weight * exact;
    queryWeight += weight;
    if (best < 0.5) queryUnmatched++;
  }
  let entryCovered = 0;
  let entryExact = 0;
  let entryWeight = 0;
  let entryUnmatched = 0;
  for (let column = 0; column < columns; column++) {
    const weight = entryWeights[column] as number;
    entryCovered += weight * (bestOfColumn[column] as number);
    entryExact += weight * (exactOfColumn[column] as number);
    entryWeight += weight;
    if ((bestOfColumn[column] as number) < 0.5) entryUnmatched++;
  }
  result.query = queryCovered / queryWeight;
  result.entry = entryCovered / entryWeight;
  result.exactQuery = queryExact / queryWeight;
  result.exactEntry = entryExact / entryWeight;
  result.unmatched = Math.max(queryUnmatched, entryUnmatched);
  return result;
}

/**
 * The alignment score of two questions' words: each side's idf-weighted coverage by the other
 * (a word's best match: 1 for the same feature, else its rescaled word-vector cosine), the lower one.
 */
export function alignment(query: LocalVector['words'], entry: LocalVector['words'], vectors: WordVectors, idf: (feature: number) => number): number {
  const covered = coverage(query, entry, vectors, idf);
  return Math.min(covered.query, covered.entry);
}

/** Smooth inverse frequency weight of a word-vector row (its frequency rank): rare words count for more. */
function sifWeight(row: number): number {
  // Zipf: p(rank) ≈ 0.1 / rank; a = 1e-3.
  const probability = 0.1 / (row + 10);
  return 1e-3 / (1e-3 + probability);
}

let scratch = new Float32Array(300);

/** Cosine of the SIF-weighted sums of the two questions' word vectors (0 when either has none). */
export function sifCosine(query: LocalVector['words'], entry: LocalVector['words'], vectors: WordVectors): number {
  const dimensions = vectors.dimensions;
  if (scratch.length < 3 * dimensions) scratch = new Float32Array(3 * dimensions);
  const left = scratch.subarray(0, dimensions).fill(0);
  const right = scratch.subarray(dimensions, 2 * dimensions).fill(0);
  const unit = scratch.subarray(2 * dimensions, 3 * dimensions);
  const sum = (words: LocalVector['words'], into: Float32Array): void => {
    for (const row of words.rows) {
      if (row < 0) continue;
      vectors.unitVector(row, unit);
      const weight = sifWeight(row);
      for (let index = 0; index < dimensions; index++) into[index] = (into[index] as number) + weight * (unit[index] as number);
    }
  };
  sum(query, left);
  sum(entry, right);
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < dimensions; index++) {
    dot += (left[index] as number) * (right[index] as number);
    leftNorm += (left[index] as number) ** 2;
    rightNorm += (right[index] as number) ** 2;
  }
  return leftNorm > 0 && rightNorm > 0 ? dot / Math.sqrt(leftNorm * rightNorm) : 0;
}

/** The signals a pair scorer combines, each within 0..1 (SIGNAL_NAMES names them in order). */
export const SIGNAL_NAMES = ['cosine', 'coverage-min', 'coverage-max', 'exact-min', 'exact-max', 'length-ratio', 'sif-cosine', 'unmatched'] as const;

export function pairSignals(
  query: LocalVector,
  entry: LocalVector,
  cosine: number,
  vectors: WordVectors,
  idf: (feature: number) => number,
  queryWeights = wordWeights(query.words, idf),
  entryWeights = wordWeights(entry.words, idf),
): number[] {
  const covered = coverage(query.words, entry.words, vectors, idf, queryWeights, entryWeights);
  const lengths = [covered.queryWords, covered.entryWords];
  return [
    cosine,
    Math.min(covered.query, covered.entry),
    Math.max(covered.query, covered.entry),
    Math.min(covered.exactQuery, covered.exactEntry),
    Math.max(covered.exactQuery, covered.exactEntry),
    Math.max(...lengths) > 0 ? Math.min(...lengths) / Math.max(...lengths) : 0,
    Math.max(0, sifCosine(query.words, entry.words, vectors)),
    Math.min(1, covered.unmatched / 6),
  ];
}

/**
 * The pair scorer: a logistic regression over pairSignals (similarity = sigmoid(bias + Σ weights[i] × signal i)),
 * with the threshold chosen with it. Trained by scripts/train-cache-scorer.mjs into
 * models/cache-pair-scorer.json.
 */
export interface PairScorer {
  bias: number;
  weights: readonly number[];
  threshold: number;
}

export const SHIPPED_PAIR_SCORER = fileURLToPath(new URL('../../models/cache-pair-scorer.json', import.meta.url));

/** Reads a scorer file; a clear error when it is not one or was trained on other signals. */
export function parsePairScorer(text: string, path: string): PairScorer {
  const model = JSON.parse(text) as Partial<{ format: string; signals: string[]; bias: number; weights: number[]; threshold: number }>;
  if (model.format !== 'switchyard-cache-pair-scorer') throw new Error(`${path}: not a cache pair scorer`);
  if (JSON.stringify(model.signals) !== JSON.stringify(SIGNAL_NAMES) || model.weights?.length !== SIGNAL_NAMES.length || typeof model.bias !== 'number' || typeof model.threshold !== 'number')
    throw new Error(`${path}: trained on other signals than ${SIGNAL_NAMES.join(', ')}`);
  return { bias: model.bias, weights: model.weights, threshold: model.threshold };
}

let shippedScorer: PairScorer | undefined;

/** The shipped scorer, read on the first call. */
export function shippedPairScorer(): PairScorer {
  shippedScorer ??= parsePairScorer(readFileSync(SHIPPED_PAIR_SCORER, 'utf8'), SHIPPED_PAIR_SCORER);
  return shippedScorer;
}

export class LocalEmbedder implements Embedder {
  readonly name = 'local';
  readonly defaultThreshold: number;
  private readonly vectors: WordVectors;
  /** Undefined: the fixed mix, half cosine and half alignment (what the scorer replaced; kept to measure against). */
  private readonly scorer: PairScorer | undefined;
  private lastQuery: LocalVector['words'] | undefined;
  private lastIdf: ((feature: number) => number) | undefined;
  private lastQueryWeights: Float64Array = new Float64Array(0);
  /** The most the word-vector signals (1, 2, 6, 7; each within 0..1) can add to the scorer's sum. */
  private readonly vectorSignalsLift: number;

  constructor(vectors: WordVectors = shippedWordVectors(), scorer: PairScorer | null = shippedPairScorer()) {
    this.vectors = vectors;
    this.scorer = scorer ?? undefined;
    this.defaultThreshold = scorer ? scorer.threshold : 0.7;
    this.vectorSignalsLift = scorer ? [1, 2, 6, 7].reduce((sum, index) => sum + Math.max(0, scorer.weights[index] as number), 0) : 0;
  }

  embed(texts: readonly string[]): Promise<LocalVector[]> {
    return Promise.resolve(texts.map((text) => localFeatures(text, this.vectors)));
  }

  /**
   * The pair scorer's probability (or, without one, half the cosine and half the word alignment)
   * when both sides carry their words. Below `floor` it may answer with a bound: the cheap
   * signals (cosine, length ratio, exact-word coverage) first, and the word-vector ones only when
   * their best could still lift the score to the floor.
   */
  similarity(query: Embedding, entry: Embedding, cosine: number, idf: (feature: number) => number, floor = -Infinity): number {
    if (!hasWords(query) || !hasWords(entry)) return cosine;
    const scorer = this.scorer;
    if (!scorer) return (1 - ALIGNMENT_SHARE) * cosine + ALIGNMENT_SHARE * alignment(query.words, entry.words, this.vectors, idf);
    const weights = scorer.weights;
    // The question's word weights once per lookup (the index passes the same question and idf for each candidate).
    if (this.lastQuery !== query.words || this.lastIdf !== idf) {
      this.lastQuery = query.words;
      this.lastIdf = idf;
      this.lastQueryWeights = wordWeights(query.words, idf);
    }
    const queryWeights = this.lastQueryWeights;
    const entryWeights = wordWeights(entry.words, idf);
    if (floor > 0) {
      const exact = exactCoverage(query.words, entry.words, idf, queryWeights, entryWeights);
      const shorter = Math.min(query.words.features.length, entry.words.features.length);
      const longer = Math.max(query.words.features.length, entry.words.features.length);
      let z = scorer.bias + (weights[0] as number) * cosine;
      z += (weights[3] as number) * Math.min(exact.query, exact.entry) + (weights[4] as number) * Math.max(exact.query, exact.entry);
      z += (weights[5] as number) * (longer > 0 ? shorter / longer : 0);
      z += this.vectorSignalsLift;
      const bound = 1 / (1 + Math.exp(-z));
      if (bound < floor) return bound;
    }
    const signals = pairSignals(query, entry, cosine, this.vectors, idf, queryWeights, entryWeights);
    let z = scorer.bias;
    for (let index = 0; index < signals.length; index++) z += (signals[index] as number) * (weights[index] as number);
    return 1 / (1 + Math.exp(-z));
  }

  indexFeature(feature: number): boolean {
    return findsCandidates(feature);
  }

  /** The most `similarity` can give for a cosine (every other signal at its best): candidates below the threshold even so are not scored. */
  similarityBound(cosine: number): number {
    const scorer = this.scorer;
    if (!scorer) return (1 - ALIGNMENT_SHARE) * cosine + ALIGNMENT_SHARE;
    let z = scorer.bias + (scorer.weights[0] as number) * cosine;
    for (let index = 1; index < scorer.weights.length; index++) z += Math.max(0, scorer.weights[index] as number);
    return 1 / (1 + Math.exp(-z));
  }
}
