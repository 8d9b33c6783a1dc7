/**
 * The vectors of one semantic scope and the nearest-question search over them.
 *
 * Sparse vectors (the local embedder's) sit in an inverted index: a lookup touches only the
 * entries that share a feature with the question, through postings of features that are not
 * everywhere (a feature in more than an eighth of the scope, or 2,048 entries, adds work but no
 * separation) and that the embedder says find candidates (the local embedder: words and
 * numbers), then scores the best few exactly — and through the embedder's own score when it
 * has one (the local embedder's word alignment), in cosine order while it can still matter. Weights are scaled by the scope's own inverse document frequency,
 * so words every cached question has ("dataset" in a datasets FAQ) count for little and the
 * words that tell questions apart count for much; with few entries it is close to 1 for all.
 * Dense vectors (embedding models, ONNX) are compared one by one: a linear scan.
 */
import type { Embedding, SparseVector } from './types.js';

export interface Candidate {
  key: string;
  question: string;
  similarity: number;
}

const RESCORED = 16;
/** How many candidates nearest() gives at most (the near-miss check goes down this list). */
const KEPT = 4;

function isSparse(vector: Embedding): vector is SparseVector {
  return !(vector instanceof Float32Array);
}

/** How an embedder scores the best candidates (see Embedder.similarity); the cosine when it has no say. */
export interface Rescorer {
  similarity(query: Embedding, entry: Embedding, cosine: number, idf: (feature: number) => number): number;
  similarityBound(cosine: number): number;
  /** Whether a feature's postings are searched for candidates (default: every feature's). */
  indexFeature?(feature: number): boolean;
}

export class VectorIndex {
  constructor(private readonly rescorer?: Rescorer) {}

  private readonly keys: (string | undefined)[] = [];
  private readonly questions: string[] = [];
  private readonly vectors: (Embedding | undefined)[] = [];
  private readonly slotOf = new Map<string, number>();
  /** Sparse only: feature → slots holding it and their weights; document frequency per feature. */
  private readonly postings = new Map<number, { slots: number[]; weights: number[] }>();
  private readonly frequency = new Map<number, number>();
  private dead = 0;
  private scores = new Float64Array(0);

  get size(): number {
    return this.slotOf.size;
  }

  add(key: string, question: string, vector: Embedding): void {
    this.remove(key);
    const slot = this.keys.length;
    this.keys.push(key);
    this.questions.push(question);
    this.vectors.push(vector);
    this.slotOf.set(key, slot);
    if (!isSparse(vector)) return;
    for (let index = 0; index < vector.indices.length; index++) {
      const feature = vector.indices[index] as number;
      let posting = this.postings.get(feature);
      if (!posting) this.postings.set(feature, (posting = { slots: [], weights: [] }));
      posting.slots.push(slot);
      posting.weights.push(vector.values[index] as number);
      this.frequency.set(feature, (this.frequency.get(feature) ?? 0) + 1);
    }
  }

  remove(key: string): void {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return;
    this.slotOf.delete(key);
    const vector = this.vectors[slot];
    if (vector && isSparse(vector)) {
      for (const feature of vector.indices) {
        const left = (this.frequency.get(feature) ?? 1) - 1;
        if (left > 0) this.frequency.set(feature, left);
        else this.frequency.delete(feature);
      }
    }
    this.keys[slot] = undefined;
    this.vectors[slot] = undefined;
    this.questions[slot] = '';
    if (++this.dead > 64 && this.dead > this.keys.length / 2) this.compact();
  }

  /** Entries at or above `threshold`, most similar first (at most `limit`). */
  nearest(query: Embedding, threshold: number, limit = KEPT): Candidate[] {
    if (this.slotOf.size === 0) return [];
    const scored = isSparse(query) ? this.nearestSparse(query, threshold) : this.nearestDense(query);
    return scored
      .filter((candidate) => candidate.similarity >= threshold)
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, limit);
  }

  private idf(feature: number): number {
    const count = this.frequency.get(feature) ?? 0;
    return Math.log((this.slotOf.size + 1) / (count + 1)) + 1;
  }

  /** Cosine of two sparse vectors, each weight scaled by the scope's idf. */
  private sparseCosine(query: SparseVector, queryWeights: Float64Array, queryNorm: number, entry: SparseVector): number {
    let dot = 0;
    let norm = 0;
    let at = 0;
    for (let index = 0; index < entry.indices.length; index++) {
      const feature = entry.indices[index] as number;
      const weight = (entry.values[index] as number) * this.idf(feature);
      norm += weight * weight;
      while (at < query.indices.length && (query.indices[at] as number) < feature) at++;
      if (at < query.indices.length && query.indices[at] === feature) dot += weight * (queryWeights[at] as number);
    }
    return norm > 0 && queryNorm > 0 ? dot / Math.sqrt(norm * queryNorm) : 0;
  }

  private nearestSparse(query: SparseVector, threshold: number): Candidate[] {
    const weights = new Float64Array(query.indices.length);
    let queryNorm = 0;
    for (let index = 0; index < query.indices.length; index++) {
      const weight = (query.values[index] as number) * this.idf(query.indices[index] as number);
      weights[index] = weight;
      queryNorm += weight * weight;
    }
    if (this.scores.length < this.keys.length) this.scores = new Float64Array(Math.max(this.keys.length, this.scores.length * 2, 64));
    const scores = this.scores;
    const touched: number[] = [];
    // Features in more than an eighth of the scope (at most 2,048 entries) only add work: they
    // still count in the exact score of the candidates the rarer features find.
    const common = Math.max(256, Math.min(2048, this.slotOf.size / 8));
    for (let index = 0; index < query.indices.length; index++) {
      const feature = query.indices[index] as number;
      const posting = this.postings.get(feature);
      if (!posting || posting.slots.length > common || (this.rescorer?.indexFeature && !this.rescorer.indexFeature(feature))) continue;
      const weight = (weights[index] as number) * this.idf(feature);
      const { slots, weights: entryWeights } = posting;
      for (let at = 0; at < slots.length; at++) {
        const slot = slots[at] as number;
        if (scores[slot] === 0) touched.push(slot);
        scores[slot] = (scores[slot] as number) + weight * (entryWeights[at] as number);
      }
    }
    // The best few by the cheap partial score, then exactly.
    const best: number[] = [];
    for (const slot of touched) {
      if (this.keys[slot] !== undefined) {
        if (best.length < RESCORED) best.push(slot);
        else {
          let lowest = 0;
          for (let at = 1; at < best.length; at++) if ((scores[best[at] as number] as number) < (scores[best[lowest] as number] as number)) lowest = at;
          if ((scores[slot] as number) > (scores[best[lowest] as number] as number)) best[lowest] = slot;
        }
      }
    }
    const idf = (feature: number): number => this.idf(feature);
    const exact = best.map((slot) => ({ slot, cosine: this.sparseCosine(query, weights, queryNorm, this.vectors[slot] as SparseVector) })).sort((a, b) => b.cosine - a.cosine);
    const candidates: Candidate[] = [];
    for (const { slot, cosine } of exact) {
      if (this.rescorer) {
        // In cosine order: once even the best score this cosine allows cannot beat the threshold
        // or the fourth best so far, no later candidate can either.
        const fourth = candidates.length >= KEPT ? (candidates.map((candidate) => candidate.similarity).sort((a, b) => b - a)[KEPT - 1] as number) : -Infinity;
        if (this.rescorer.similarityBound(cosine) < Math.max(threshold, fourth)) break;
      }
      const similarity = this.rescorer ? this.rescorer.similarity(query, this.vectors[slot] as SparseVector, cosine, idf) : cosine;
      candidates.push({ key: this.keys[slot] as string, question: this.questions[slot] as string, similarity });
    }
    for (const slot of touched) scores[slot] = 0;
    return candidates;
  }

  private nearestDense(query: Float32Array): Candidate[] {
    const best: Candidate[] = [];
    let lowest = -Infinity;
    for (let slot = 0; slot < this.keys.length; slot++) {
      const vector = this.vectors[slot];
      if (!vector || isSparse(vector) || vector.length !== query.length) continue;
      let dot = 0;
      for (let index = 0; index < query.length; index++) dot += (query[index] as number) * (vector[index] as number);
      if (best.length >= RESCORED && dot <= lowest) continue;
      best.push({ key: this.keys[slot] as string, question: this.questions[slot] as string, similarity: dot });
      if (best.length > RESCORED) {
        best.sort((a, b) => b.similarity - a.similarity);
        best.length = RESCORED;
        lowest = (best[best.length - 1] as Candidate).similarity;
      }
    }
    return best;
  }

  /** Rebuild without the removed slots. */
  private compact(): void {
    const live = [...this.slotOf.keys()].map((key) => {
      const slot = this.slotOf.get(key) as number;
      return { key, question: this.questions[slot] as string, vector: this.vectors[slot] as Embedding };
    });
    this.keys.length = 0;
    this.questions.length = 0;
    this.vectors.length = 0;
    this.slotOf.clear();
    this.postings.clear();
    this.frequency.clear();
    this.dead = 0;
    for (const entry of live) this.add(entry.key, entry.question, entry.vector);
  }
}

/** Unit length (dense vectors from models that do not normalise). */
export function normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let index = 0; index < vector.length; index++) vector[index] = (vector[index] as number) / norm;
  return vector;
}
