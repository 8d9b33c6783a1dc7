/**
 * The vectors of one semantic scope and the nearest-question search over them.
 *
 * Sparse vectors (the local embedder's) sit in an inverted index: feature → the slots holding it
 * and their weights, in growable typed arrays (no object per posting, little for the garbage
 * collector). A lookup
 *   1. weighs the question's features by the scope's inverse document frequency (words every
 *      cached question has count for little, the words that tell questions apart for much);
 *   2. walks the postings of the features that find candidates (the embedder says which: the
 *      local embedder's words and numbers), rarest first, adding each entry's partial dot
 *      product into a reused score array; features in more than an eighth of the scope (at most
 *      2,048 entries) are not walked — they still count in the exact score — and the walk stops
 *      after `POSTING_BUDGET` postings, so a question made of common words costs a bounded amount;
 *   3. keeps the `RESCORED` best entries by that partial score divided by the entry's norm (a
 *      min-heap over the touched entries), computes their exact cosine, and rescores them with
 *      the embedder's own score (the local embedder's word alignment) in cosine order while a
 *      candidate can still reach the threshold.
 * `nearestExhaustive` scores every entry of the scope exactly: the reference the index's recall
 * is measured against (bench/cache.mjs, the tests), never the serving path.
 * Dense vectors (embedding models, ONNX) are compared one by one: a linear scan.
 */
import type { Embedding, SparseVector } from './types.js';

export interface Candidate {
  key: string;
  question: string;
  similarity: number;
}

/** Entries scored exactly per lookup (the best by partial score). */
const RESCORED = 16;
/** How many candidates nearest() gives at most (the near-miss check goes down this list). */
const KEPT = 4;
/** Postings walked per lookup at most (rarest features first). */
const POSTING_BUDGET = 8192;

function isSparse(vector: Embedding): vector is SparseVector {
  return !(vector instanceof Float32Array);
}

/** A question's weights scaled by the scope's idf, those idfs, and the norm. */
interface QueryWeights {
  weights: Float64Array;
  idfs: Float64Array;
  norm: number;
}

/** How an embedder scores the best candidates (see Embedder.similarity); the cosine when it has no say. */
export interface Rescorer {
  similarity(query: Embedding, entry: Embedding, cosine: number, idf: (feature: number) => number, floor?: number): number;
  similarityBound(cosine: number): number;
  /** Whether a feature's postings are searched for candidates (default: every feature's). */
  indexFeature?(feature: number): boolean;
}

/** The slots holding one feature, with that feature's (unscaled) weight in each; dead slots stay until compaction. */
class Posting {
  slots = new Int32Array(2);
  weights = new Float32Array(2);
  length = 0;
  /** Live slots: the feature's document frequency. */
  live = 0;
  /** Its idf, and the scope size and frequency it was computed for. */
  idf = 1;
  idfSize = -1;
  idfLive = -1;

  push(slot: number, weight: number): void {
    if (this.length === this.slots.length) {
      const slots = new Int32Array(this.length * 2);
      slots.set(this.slots);
      this.slots = slots;
      const weights = new Float32Array(this.length * 2);
      weights.set(this.weights);
      this.weights = weights;
    }
    this.slots[this.length] = slot;
    this.weights[this.length] = weight;
    this.length++;
    this.live++;
  }
}

export class VectorIndex {
  constructor(private readonly rescorer?: Rescorer) {}

  private readonly keys: (string | undefined)[] = [];
  private readonly questions: string[] = [];
  private readonly vectors: (Embedding | undefined)[] = [];
  private readonly slotOf = new Map<string, number>();
  private readonly postings = new Map<number, Posting>();
  /** Sparse only: each slot's norm under the idf of when it was last refreshed (ranks the partial scores). */
  private norms = new Float32Array(64);
  /** The scope size each norm was computed at. */
  private normSizes = new Int32Array(64);
  /** The next slot whose norm is refreshed (two per add). */
  private refreshAt = 0;
  private dead = 0;
  private scores = new Float64Array(64);
  private touched = new Int32Array(64);

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
      if (!posting) this.postings.set(feature, (posting = new Posting()));
      posting.push(slot, vector.values[index] as number);
    }
    if (this.norms.length < this.keys.length) {
      const norms = new Float32Array(this.norms.length * 2);
      norms.set(this.norms);
      this.norms = norms;
      const sizes = new Int32Array(this.norms.length);
      sizes.set(this.normSizes);
      this.normSizes = sizes;
    }
    this.norms[slot] = this.norm(vector);
    this.normSizes[slot] = this.slotOf.size;
    // Two older norms refreshed per add: each is recomputed at least once while the scope grows by half.
    for (let refresh = 0; refresh < 2; refresh++) {
      if (this.refreshAt >= slot) this.refreshAt = 0;
      const refreshed = this.vectors[this.refreshAt];
      if (refreshed && isSparse(refreshed)) {
        this.norms[this.refreshAt] = this.norm(refreshed);
        this.normSizes[this.refreshAt] = this.slotOf.size;
      }
      this.refreshAt++;
    }
  }

  remove(key: string): void {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return;
    this.slotOf.delete(key);
    const vector = this.vectors[slot];
    if (vector && isSparse(vector)) {
      for (const feature of vector.indices) {
        const posting = this.postings.get(feature);
        if (posting && --posting.live === 0) this.postings.delete(feature);
      }
    }
    this.keys[slot] = undefined;
    this.vectors[slot] = undefined;
    this.questions[slot] = '';
    if (++this.dead > 64 && this.dead > this.keys.length / 2) this.compact();
  }

  /** Entries at or above `threshold`, most similar first (at most `limit`), through the index. */
  nearest(query: Embedding, threshold: number, limit = KEPT): Candidate[] {
    if (this.slotOf.size === 0) return [];
    return this.best(isSparse(query) ? this.nearestSparse(query, threshold) : this.nearestDense(query), threshold, limit);
  }

  /** The same answer by scoring every entry exactly (the reference for the index's recall; linear in the scope). */
  nearestExhaustive(query: Embedding, threshold: number, limit = KEPT): Candidate[] {
    if (this.slotOf.size === 0) return [];
    if (!isSparse(query)) return this.nearest(query, threshold, limit);
    const slots: number[] = [];
    for (const slot of this.slotOf.values()) slots.push(slot);
    return this.best(this.rescore(query, this.queryWeights(query), slots, threshold, Infinity), threshold, limit);
  }

  private best(scored: Candidate[], threshold: number, limit: number): Candidate[] {
    return scored
      .filter((candidate) => candidate.similarity >= threshold)
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, limit);
  }

  private idf(feature: number): number {
    const posting = this.postings.get(feature);
    if (!posting) return Math.log(this.slotOf.size + 1) + 1;
    // Cached while neither the scope size nor the feature's frequency changed.
    if (posting.idfSize !== this.slotOf.size || posting.idfLive !== posting.live) {
      posting.idf = Math.log((this.slotOf.size + 1) / (posting.live + 1)) + 1;
      posting.idfSize = this.slotOf.size;
      posting.idfLive = posting.live;
    }
    return posting.idf;
  }

  /** A vector's norm with its weights scaled by the scope's idf. */
  private norm(vector: SparseVector): number {
    let norm = 0;
    for (let index = 0; index < vector.indices.length; index++) {
      const weight = (vector.values[index] as number) * this.idf(vector.indices[index] as number);
      norm += weight * weight;
    }
    return Math.sqrt(norm);
  }

  private queryWeights(query: SparseVector): QueryWeights {
    const weights = new Float64Array(query.indices.length);
    const idfs = new Float64Array(query.indices.length);
    let norm = 0;
    for (let index = 0; index < query.indices.length; index++) {
      const idf = this.idf(query.indices[index] as number);
      const weight = (query.values[index] as number) * idf;
      idfs[index] = idf;
      weights[index] = weight;
      norm += weight * weight;
    }
    return { weights, idfs, norm: Math.sqrt(norm) };
  }

  /**
   * Cosine of the question and an entry, each weight scaled by the scope's idf: the dot product
   * over their shared features (the question's weights carry the idf already), over the entry's
   * norm, recomputed when the scope has grown or shrunk by more than a tenth since it was.
   */
  private sparseCosine(query: SparseVector, { weights: queryWeights, idfs: queryIdfs, norm: queryNorm }: QueryWeights, slot: number): number {
    const entry = this.vectors[slot] as SparseVector;
    const size = this.slotOf.size;
    const normSize = this.normSizes[slot] as number;
    if (normSize * 1.1 < size || normSize > size * 1.1) {
      this.norms[slot] = this.norm(entry);
      this.normSizes[slot] = size;
    }
    let dot = 0;
    let at = 0;
    const queryLength = query.indices.length;
    for (let index = 0; index < entry.indices.length && at < queryLength; index++) {
      const feature = entry.indices[index] as number;
      while (at < queryLength && (query.indices[at] as number) < feature) at++;
      // An entry weight scaled by the same idf as the question's weight of that feature.
      if (at < queryLength && query.indices[at] === feature) dot += (entry.values[index] as number) * (queryIdfs[at] as number) * (queryWeights[at] as number);
    }
    const norm = this.norms[slot] as number;
    return norm > 0 && queryNorm > 0 ? dot / (norm * queryNorm) : 0;
  }

  /** Exact cosines of `slots`, then the embedder's own score in cosine order while it can still matter. */
  private rescore(query: SparseVector, weights: QueryWeights, slots: ArrayLike<number>, threshold: number, keep: number): Candidate[] {
    const exact: { slot: number; cosine: number }[] = [];
    for (let at = 0; at < slots.length; at++) {
      const slot = slots[at] as number;
      exact.push({ slot, cosine: this.sparseCosine(query, weights, slot) });
    }
    exact.sort((a, b) => b.cosine - a.cosine);
    const idf = (feature: number): number => this.idf(feature);
    const candidates: Candidate[] = [];
    // The KEPT best similarities so far, lowest first: once even the best score a cosine allows
    // cannot beat the threshold or the KEPT-th best, no later (lower-cosine) candidate can either.
    const top: number[] = [];
    for (const { slot, cosine } of exact) {
      if (candidates.length >= keep) break;
      const floor = Math.max(threshold, top.length >= KEPT ? (top[0] as number) : -Infinity);
      if (this.rescorer) {
        if (this.rescorer.similarityBound(cosine) < floor) break;
      } else if (cosine < threshold) break;
      // Below the floor the rescorer may answer with a bound instead of the score: such a candidate is neither over the threshold nor among the KEPT best.
      const similarity = this.rescorer ? this.rescorer.similarity(query, this.vectors[slot] as SparseVector, cosine, idf, floor) : cosine;
      candidates.push({ key: this.keys[slot] as string, question: this.questions[slot] as string, similarity });
      top.push(similarity);
      top.sort((a, b) => a - b);
      if (top.length > KEPT) top.shift();
    }
    return candidates;
  }

  private nearestSparse(query: SparseVector, threshold: number): Candidate[] {
    const queryWeights = this.queryWeights(query);
    const { weights, idfs } = queryWeights;
    if (this.scores.length < this.keys.length) {
      this.scores = new Float64Array(Math.max(this.keys.length, this.scores.length * 2));
      this.touched = new Int32Array(this.scores.length);
    }
    const scores = this.scores;
    const touched = this.touched;
    let touchedCount = 0;
    // The features that find candidates, rarest first.
    const common = Math.max(256, Math.min(2048, this.slotOf.size / 8));
    const walked: { posting: Posting; weight: number }[] = [];
    for (let index = 0; index < query.indices.length; index++) {
      const feature = query.indices[index] as number;
      const posting = this.postings.get(feature);
      if (!posting || posting.length > common || (this.rescorer?.indexFeature && !this.rescorer.indexFeature(feature))) continue;
      walked.push({ posting, weight: (weights[index] as number) * (idfs[index] as number) });
    }
    walked.sort((a, b) => a.posting.length - b.posting.length);
    let budget = POSTING_BUDGET;
    for (const { posting, weight } of walked) {
      if (posting.length > budget) break;
      budget -= posting.length;
      const { slots, weights: entryWeights, length } = posting;
      for (let at = 0; at < length; at++) {
        const slot = slots[at] as number;
        if (scores[slot] === 0) touched[touchedCount++] = slot;
        scores[slot] = (scores[slot] as number) + weight * (entryWeights[at] as number);
      }
    }
    // The RESCORED best by partial score over the entry's norm: a min-heap.
    const heap = new Int32Array(RESCORED);
    const heapScores = new Float64Array(RESCORED);
    let size = 0;
    const norms = this.norms;
    for (let at = 0; at < touchedCount; at++) {
      const slot = touched[at] as number;
      const score = (scores[slot] as number) / ((norms[slot] as number) || 1);
      scores[slot] = 0;
      if (this.keys[slot] === undefined) continue;
      if (size < RESCORED) {
        // Sift up.
        let child = size++;
        while (child > 0) {
          const parent = (child - 1) >> 1;
          if ((heapScores[parent] as number) <= score) break;
          heap[child] = heap[parent] as number;
          heapScores[child] = heapScores[parent] as number;
          child = parent;
        }
        heap[child] = slot;
        heapScores[child] = score;
      } else if (score > (heapScores[0] as number)) {
        // Replace the lowest and sift down.
        let parent = 0;
        for (;;) {
          let child = 2 * parent + 1;
          if (child >= size) break;
          if (child + 1 < size && (heapScores[child + 1] as number) < (heapScores[child] as number)) child++;
          if ((heapScores[child] as number) >= score) break;
          heap[parent] = heap[child] as number;
          heapScores[parent] = heapScores[child] as number;
          parent = child;
        }
        heap[parent] = slot;
        heapScores[parent] = score;
      }
    }
    return this.rescore(query, queryWeights, heap.subarray(0, size), threshold, Infinity);
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
    this.dead = 0;
    this.refreshAt = 0;
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
