/**
 * Overlap with a reference text: ROUGE-L (longest common subsequence, F1) and sentence
 * BLEU (up to 4-grams, brevity penalty, add-one smoothing for 2- to 4-grams as in Lin &
 * Och 2004, so a short answer with no matching 4-gram does not score exactly 0).
 * Both work on lowercase word tokens (letters and digits).
 */

export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function longestCommonSubsequence(left: readonly string[], right: readonly string[]): number {
  if (left.length === 0 || right.length === 0) return 0;
  let previous = new Array<number>(right.length + 1).fill(0);
  let current = new Array<number>(right.length + 1).fill(0);
  for (const word of left) {
    for (let column = 1; column <= right.length; column++) {
      current[column] = word === right[column - 1] ? (previous[column - 1] as number) + 1 : Math.max(previous[column] as number, current[column - 1] as number);
    }
    [previous, current] = [current, previous];
  }
  return previous[right.length] as number;
}

/** ROUGE-L F1 between a candidate and a reference, 0..1. */
export function rougeL(candidate: string, reference: string): number {
  const candidateWords = wordTokens(candidate);
  const referenceWords = wordTokens(reference);
  const common = longestCommonSubsequence(candidateWords, referenceWords);
  if (common === 0) return 0;
  const precision = common / candidateWords.length;
  const recall = common / referenceWords.length;
  return (2 * precision * recall) / (precision + recall);
}

function ngramCounts(words: readonly string[], order: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let index = 0; index + order <= words.length; index++) {
    const gram = words.slice(index, index + order).join('\u0000');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/** Sentence BLEU of a candidate against one or more references, 0..1. */
export function bleu(candidate: string, references: readonly string[], maxOrder = 4): number {
  const candidateWords = wordTokens(candidate);
  const referenceWords = references.map(wordTokens);
  if (candidateWords.length === 0 || referenceWords.length === 0) return 0;
  let logPrecisionSum = 0;
  for (let order = 1; order <= maxOrder; order++) {
    const candidateCounts = ngramCounts(candidateWords, order);
    const maxReferenceCounts = new Map<string, number>();
    for (const words of referenceWords) {
      for (const [gram, count] of ngramCounts(words, order)) maxReferenceCounts.set(gram, Math.max(count, maxReferenceCounts.get(gram) ?? 0));
    }
    let clipped = 0;
    let total = 0;
    for (const [gram, count] of candidateCounts) {
      clipped += Math.min(count, maxReferenceCounts.get(gram) ?? 0);
      total += count;
    }
    const smoothing = order > 1 ? 1 : 0;
    if (clipped + smoothing === 0) return 0;
    logPrecisionSum += Math.log((clipped + smoothing) / (total + smoothing));
  }
  const closest = referenceWords
    .map((words) => words.length)
    .reduce((best, length) => {
      const distance = Math.abs(length - candidateWords.length);
      const bestDistance = Math.abs(best - candidateWords.length);
      return distance < bestDistance || (distance === bestDistance && length < best) ? length : best;
    });
  const brevityPenalty = candidateWords.length >= closest ? 1 : Math.exp(1 - closest / candidateWords.length);
  return brevityPenalty * Math.exp(logPrecisionSum / maxOrder);
}

/** Cosine similarity of two vectors (0 when either is all zeros). */
export function cosineSimilarity(left: readonly number[], right: readonly number[]): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const a = left[index] as number;
    const b = right[index] as number;
    dot += a * b;
    leftNorm += a * a;
    rightNorm += b * b;
  }
  return leftNorm === 0 || rightNorm === 0 ? 0 : dot / Math.sqrt(leftNorm * rightNorm);
}
