/**
 * Semantic matching: an embedder, one vector index per scope, and the near-miss check. A
 * question is answered by a stored one of the same scope whose similarity clears the
 * threshold and that the near-miss check does not reject; the most similar such wins.
 */
import { nearMissReason } from './near-miss.js';
import type { CachePolicy } from './settings.js';
import type { CacheEntry, EmbedContext, Embedder, Embedding } from './types.js';
import { VectorIndex, type Candidate, type Rescorer } from './vector-index.js';

export interface SemanticFind {
  embedding: Embedding;
  /** Candidates that passed, best first. */
  candidates: Candidate[];
  /** The best candidate the near-miss check rejected, and why (for eval and the log). */
  rejected?: Candidate & { reason: string };
}

export class SemanticMatcher {
  private readonly scopes = new Map<string, VectorIndex>();

  private readonly rescorer: Rescorer | undefined;

  constructor(readonly embedder: Embedder) {
    const { similarity, similarityBound, indexFeature } = embedder;
    this.rescorer =
      similarity && similarityBound ? { similarity: similarity.bind(embedder), similarityBound: similarityBound.bind(embedder), ...(indexFeature ? { indexFeature: indexFeature.bind(embedder) } : {}) } : undefined;
  }

  async embed(question: string, context?: EmbedContext): Promise<Embedding> {
    const [embedding] = await this.embedder.embed([question], context);
    return embedding as Embedding;
  }

  async find(scope: string, question: string, policy: Pick<CachePolicy, 'threshold' | 'nearMiss'>, context?: EmbedContext): Promise<SemanticFind> {
    const embedding = await this.embed(question, context);
    return this.findEmbedded(scope, question, embedding, policy);
  }

  /** `exhaustive`: score every entry of the scope instead of searching the index (measures the index's recall). */
  findEmbedded(scope: string, question: string, embedding: Embedding, policy: Pick<CachePolicy, 'threshold' | 'nearMiss'>, options: { exhaustive?: boolean } = {}): SemanticFind {
    const index = this.scopes.get(scope);
    if (!index) return { embedding, candidates: [] };
    const threshold = policy.threshold ?? this.embedder.defaultThreshold;
    const found = options.exhaustive ? index.nearestExhaustive(embedding, threshold) : index.nearest(embedding, threshold);
    if (!policy.nearMiss) return { embedding, candidates: found };
    const candidates: Candidate[] = [];
    let rejected: SemanticFind['rejected'];
    for (const candidate of found) {
      const reason = nearMissReason(question, candidate.question);
      if (reason === undefined) candidates.push(candidate);
      else rejected ??= { ...candidate, reason };
    }
    return { embedding, candidates, ...(rejected ? { rejected } : {}) };
  }

  remember(entry: Pick<CacheEntry, 'key' | 'semanticScope' | 'question' | 'embedding'>): void {
    if (entry.question === undefined || !entry.embedding) return;
    let index = this.scopes.get(entry.semanticScope);
    if (!index) this.scopes.set(entry.semanticScope, (index = new VectorIndex(this.rescorer)));
    index.add(entry.key, entry.question, entry.embedding);
  }

  forget(entry: Pick<CacheEntry, 'key' | 'semanticScope'>): void {
    const index = this.scopes.get(entry.semanticScope);
    if (!index) return;
    index.remove(entry.key);
    if (index.size === 0) this.scopes.delete(entry.semanticScope);
  }

  size(): { scopes: number; entries: number } {
    let entries = 0;
    for (const index of this.scopes.values()) entries += index.size;
    return { scopes: this.scopes.size, entries };
  }
}
