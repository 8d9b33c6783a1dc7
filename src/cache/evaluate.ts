/**
 * Hit quality of a semantic setup on paraphrase pairs ({origin, similar}): the pairs are
 * deduplicated by origin and shuffled (seeded), the origins of one half are cached in one scope, and every paraphrase is
 * asked. A paraphrase of a cached origin that gets that origin is a true hit; a paraphrase of
 * an origin that was not cached that gets anything is a false hit (it would have been served
 * the answer to another question), and so is a paraphrase that gets the wrong cached origin.
 * Swept over thresholds from one pass: each question's best candidate that passes the
 * near-miss check is found once.
 */
import { SemanticMatcher } from './semantic.js';
import type { Embedder } from './types.js';
import { seededShuffle } from './shuffle.js';

export interface Pair {
  origin: string;
  similar: string;
}

export interface SweepPoint {
  threshold: number;
  /** Paraphrases of cached origins answered with their own origin. */
  trueHitRate: number;
  /** Paraphrases of origins that were not cached, answered all the same. */
  falseHitRate: number;
  /** Paraphrases of cached origins answered with another origin. */
  wrongHitRate: number;
  trueHits: number;
  falseHits: number;
  wrongHits: number;
}

export interface EvaluationReport {
  embedder: string;
  nearMiss: boolean;
  pairs: number;
  /** Pairs left out because their origin repeats an earlier pair's. */
  duplicateOrigins: number;
  cached: number;
  unrelatedQueries: number;
  /** The threshold the setup would serve with. */
  configuredThreshold: number;
  configured: SweepPoint;
  sweep: SweepPoint[];
  /** Best true-hit rate with a false-hit rate at most 1 %. */
  bestAtOnePercent: SweepPoint | undefined;
  /** Near-miss rejections among the best candidates (what the check removed), by reason. */
  nearMissRejections: Record<string, number>;
}

/**
 * One pair per distinct origin (a repeated origin in the uncached half would count a correct hit
 * as a false one), shuffled with `seed`: the first half's origins are cached, the second half's
 * paraphrases are the unrelated questions.
 */
export function splitPairs(pairs: readonly Pair[], seed: number): { distinct: number; cached: Pair[]; unrelated: Pair[] } {
  const seen = new Set<string>();
  const distinct = pairs.filter((pair) => {
    const origin = pair.origin.trim().toLowerCase().replace(/\s+/g, ' ');
    if (seen.has(origin)) return false;
    seen.add(origin);
    return true;
  });
  const shuffled = seededShuffle(distinct, seed);
  const half = Math.floor(shuffled.length / 2);
  return { distinct: distinct.length, cached: shuffled.slice(0, half), unrelated: shuffled.slice(half) };
}

/** Best true-hit rate with false and wrong hits at most 1 %. */
export function bestAtOnePercent(sweep: readonly SweepPoint[]): SweepPoint | undefined {
  return sweep.filter((each) => each.falseHitRate <= 0.01 && each.wrongHitRate <= 0.01).sort((a, b) => b.trueHitRate - a.trueHitRate || a.threshold - b.threshold)[0];
}

/** One point of a threshold sweep: the hit counts at a threshold as rates of the cached and unrelated questions. */
export function sweepPoint(
  threshold: number,
  counts: { cached: number; unrelated: number; trueHits: number; falseHits: number; wrongHits: number },
): SweepPoint {
  const { cached, unrelated, trueHits, falseHits, wrongHits } = counts;
  return {
    threshold,
    trueHitRate: cached ? trueHits / cached : 0,
    falseHitRate: unrelated ? falseHits / unrelated : 0,
    wrongHitRate: cached ? wrongHits / cached : 0,
    trueHits,
    falseHits,
    wrongHits,
  };
}

export const DEFAULT_SWEEP = Array.from({ length: 21 }, (_, index) => Math.round((0.5 + index * 0.025) * 1000) / 1000);

export async function evaluatePairs(
  pairs: readonly Pair[],
  embedder: Embedder,
  options: { nearMiss: boolean; threshold?: number; thresholds?: readonly number[]; seed?: number },
): Promise<EvaluationReport> {
  const { distinct, cached, unrelated } = splitPairs(pairs, options.seed ?? 1);
  const matcher = new SemanticMatcher(embedder);
  const scope = 'eval';
  const originVectors = await embedder.embed(cached.map((pair) => pair.origin));
  cached.forEach((pair, index) => matcher.remember({ key: String(index), semanticScope: scope, question: pair.origin, embedding: originVectors[index] }));
  const rejections: Record<string, number> = {};
  /** Each question's best passing candidate: its similarity and whether it is the right one. */
  const best = async (questions: readonly Pair[], own: (index: number) => string | undefined): Promise<{ similarity: number; correct: boolean }[]> => {
    const vectors = await embedder.embed(questions.map((pair) => pair.similar));
    return questions.map((pair, index) => {
      const found = matcher.findEmbedded(scope, pair.similar, vectors[index]!, { threshold: -1, nearMiss: options.nearMiss });
      if (found.rejected) rejections[found.rejected.reason.replace(/ ".*"/, '')] = (rejections[found.rejected.reason.replace(/ ".*"/, '')] ?? 0) + 1;
      const top = found.candidates[0];
      return top ? { similarity: top.similarity, correct: top.key === own(index) } : { similarity: -Infinity, correct: false };
    });
  };
  const positives = await best(cached, (index) => String(index));
  const negatives = await best(unrelated, () => undefined);
  const point = (threshold: number): SweepPoint => {
    const trueHits = positives.filter((each) => each.similarity >= threshold && each.correct).length;
    const wrongHits = positives.filter((each) => each.similarity >= threshold && !each.correct).length;
    const falseHits = negatives.filter((each) => each.similarity >= threshold).length;
    return sweepPoint(threshold, { cached: cached.length, unrelated: unrelated.length, trueHits, falseHits, wrongHits });
  };
  const thresholds = options.thresholds ?? DEFAULT_SWEEP;
  const sweep = thresholds.map(point);
  const configuredThreshold = options.threshold ?? embedder.defaultThreshold;
  return {
    embedder: embedder.name,
    nearMiss: options.nearMiss,
    pairs: pairs.length,
    duplicateOrigins: pairs.length - distinct,
    cached: cached.length,
    unrelatedQueries: unrelated.length,
    configuredThreshold,
    configured: point(configuredThreshold),
    sweep,
    bestAtOnePercent: bestAtOnePercent(sweep),
    nearMissRejections: rejections,
  };
}
