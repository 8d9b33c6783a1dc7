/** The cache's parts as interfaces: a store of answers, an embedder, and what an entry holds. */
import type { ChatResponse } from '../core/types.js';
import type { AttemptRecord } from '../store/types.js';

/** A sparse vector (the local embedder's): sorted feature ids and their weights, unit length. */
export interface SparseVector {
  indices: Uint32Array;
  values: Float32Array;
  /** The local embedder's: each content word's feature id and word-vector row (-1: none), for its alignment score. */
  words?: { features: Uint32Array; rows: Int32Array };
}

/** Dense (embedding models, ONNX) or sparse (the local embedder). */
export type Embedding = Float32Array | SparseVector;

export interface CacheEntry {
  /** The exact key (see key.ts). */
  key: string;
  /** The semantic scope the question belongs to. */
  semanticScope: string;
  /** Whose answer it is: key:<id>, team:<id>, anonymous, or * (a shared route). */
  tenant: string;
  /** The key that stored it (null without keys): DELETE /admin/cache?key= removes by it. */
  keyId: string | null;
  /** The model or route the client named. */
  target: string;
  /** The model that produced the answer. */
  model: string;
  response: ChatResponse;
  /** What producing the answer cost: the cost each hit avoids. */
  costUsd: number;
  createdAt: number;
  expiresAt: number;
  /** Semantic entries: the last user turn and its embedding. */
  question?: string;
  embedding?: Embedding;
  /** Estimated memory of the entry, for max_mb. */
  bytes: number;
}

export interface CacheFilter {
  keyId?: string;
  /** The model or route the client named. */
  target?: string;
  /** The model that produced the answer. */
  model?: string;
}

export interface CacheStats {
  backend: string;
  entries: number;
  bytes: number;
  maxEntries: number;
  maxBytes: number;
  /** Entries removed to stay within max_entries / max_mb since start. */
  evictions: number;
  /** Entries found expired since start. */
  expirations: number;
}

/**
 * Where answers live. Every method may be asynchronous (Redis); the memory and SQLite stores
 * answer from memory. `onRemove` tells the semantic index which entries are gone (expired,
 * evicted, deleted) so it never offers an answer the store no longer has.
 */
export interface CacheStore {
  readonly name: string;
  get(key: string, now: number): Promise<CacheEntry | undefined>;
  put(entry: CacheEntry): Promise<void>;
  remove(filter: CacheFilter): Promise<number>;
  stats(now: number): Promise<CacheStats>;
  /** Every live entry with an embedding (to build the semantic index on start). */
  semanticEntries(now: number): Promise<Pick<CacheEntry, 'key' | 'semanticScope' | 'question' | 'embedding'>[]>;
  onRemove(listener: (entry: Pick<CacheEntry, 'key' | 'semanticScope'>) => void): void;
  /** Stores shared by several processes: questions another process stored, for this one's semantic index. */
  onAdd?(listener: (entry: Pick<CacheEntry, 'key' | 'semanticScope' | 'question' | 'embedding'>) => void): void;
  close(): Promise<void>;
}

/** The request an embedding is for: a model embedder's calls become its attempts (their cost counts). */
export interface EmbedContext {
  requestId: string;
  attempts: AttemptRecord[];
  signal?: AbortSignal;
}

/** Turns texts into vectors; similarity is the cosine of two of its vectors. */
export interface Embedder {
  readonly name: string;
  /** The similarity from which a stored question answers a new one, when the config sets none. */
  readonly defaultThreshold: number;
  embed(texts: readonly string[], context?: EmbedContext): Promise<Embedding[]>;
  /**
   * Sparse embedders may score the index's best candidates their own way: from the idf-weighted
   * cosine and the two vectors (the local embedder adds a word alignment). `similarityBound`
   * is the most that score can be for a cosine, so candidates that cannot reach the threshold
   * are not scored. `floor`: a score below which the exact value does not matter (the threshold,
   * or the lowest of the best candidates so far): the embedder may stop early and return any
   * value below it.
   */
  similarity?(query: Embedding, entry: Embedding, cosine: number, idf: (feature: number) => number, floor?: number): number;
  similarityBound?(cosine: number): number;
  /** Sparse embedders: whether a feature finds candidates in the index (else it only counts in their score). */
  indexFeature?(feature: number): boolean;
  close?(): Promise<void>;
}

/** Rough bytes of an entry in memory: strings are UTF-16, vectors their buffers, plus object overhead. */
export function entryBytes(entry: Omit<CacheEntry, 'bytes'>): number {
  const embedding = entry.embedding;
  const vectorBytes = !embedding ? 0 : embedding instanceof Float32Array ? embedding.byteLength : embedding.indices.byteLength + embedding.values.byteLength + (embedding.words ? embedding.words.features.byteLength + embedding.words.rows.byteLength : 0);
  const text = entry.response.choices.reduce((sum, choice) => sum + (choice.text?.length ?? 0) + choice.toolCalls.reduce((size, call) => size + call.arguments.length + call.name.length + call.id.length, 0), 0);
  return 2 * (text + (entry.question?.length ?? 0) + entry.key.length + entry.semanticScope.length + entry.tenant.length + entry.target.length + entry.model.length) + vectorBytes + 400;
}
