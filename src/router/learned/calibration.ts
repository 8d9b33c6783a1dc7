/**
 * Choosing a router's threshold (route to the strong model when score ≥ threshold) on a
 * data set: for a wanted share of strong calls, or for a wanted quality — the fewest strong
 * calls whose accuracy reaches `quality` × the strong model's accuracy.
 */
import { routingCurve, type Outcomes } from './metrics.js';

export interface OperatingPoint {
  threshold: number;
  /** Share of the data's prompts at or above the threshold, and the accuracy routing them gives. */
  strongFraction: number;
  accuracy: number;
}

/** A threshold above every score: nothing goes to the strong model. */
function aboveAll(scores: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < scores.length; index++) max = Math.max(max, scores[index] as number);
  return max + Math.max(1e-9, Math.abs(max) * 1e-9);
}

/** Routing on `threshold`: the strong share and the accuracy on this data. */
export function operatingPoint(scores: ArrayLike<number>, outcomes: Outcomes, threshold: number): OperatingPoint {
  let strongCalls = 0;
  let correct = 0;
  for (let index = 0; index < scores.length; index++) {
    const strong = (scores[index] as number) >= threshold;
    if (strong) strongCalls++;
    correct += (strong ? outcomes.strong[index] : outcomes.weak[index]) as number;
  }
  return { threshold, strongFraction: scores.length > 0 ? strongCalls / scores.length : 0, accuracy: scores.length > 0 ? correct / scores.length : Number.NaN };
}

/** The threshold that sends (about — ties go together) `fraction` of these prompts to the strong model. */
export function thresholdForStrongFraction(scores: ArrayLike<number>, fraction: number): number {
  const sorted = Float64Array.from(scores).sort().reverse();
  const calls = Math.round(fraction * sorted.length);
  return calls <= 0 ? aboveAll(scores) : (sorted[Math.min(calls, sorted.length) - 1] as number);
}

/** The highest threshold whose accuracy reaches `quality` × the strong model's accuracy on this data. */
export function thresholdForQuality(scores: ArrayLike<number>, outcomes: Outcomes, quality: number): number {
  const curve = routingCurve(scores, outcomes);
  let strongCorrect = 0;
  for (let index = 0; index < outcomes.strong.length; index++) strongCorrect += outcomes.strong[index] as number;
  const target = (quality * strongCorrect) / Math.max(1, outcomes.strong.length) - 1e-12;
  const point = curve.find((entry) => entry.accuracy >= target) ?? curve[curve.length - 1];
  if (!point || !Number.isFinite(point.threshold)) return aboveAll(scores);
  return point.threshold;
}
