/**
 * Router quality as RouteLLM measures it. A router gives every prompt a score ("strong model
 * needed"); routing the prompts whose score is at or above a threshold to the strong model
 * and sweeping the threshold traces accuracy against the fraction of strong calls.
 *
 * - The curve here has one point per distinct score (RouteLLM samples 10 quantiles), joined
 *   by straight lines: inside a group of tied scores that line is exactly the expected
 *   accuracy when the ties are broken at random.
 * - PGR(f) = (accuracy(f) − weak) / (strong − weak); APGR = the area under PGR over
 *   f ∈ [0, 1] (trapezoids), so the random router scores 0.5 and one that always picks the
 *   right model can score above 1 (the two models are wrong on different prompts).
 * - CPT(x) = the smallest strong fraction whose accuracy reaches weak + x·(strong − weak);
 *   strong_fraction_at_95 = the smallest whose accuracy reaches 0.95 × strong. Both read
 *   the first crossing of the piecewise-linear curve.
 * - Cascade routing (weak model first, escalate on doubt) uses the same curve: where it does
 *   not escalate the weak answer is kept; only the cost model differs (`cascadeCost`).
 */

export interface CurvePoint {
  /** Fraction of prompts sent to the strong model. */
  strongFraction: number;
  accuracy: number;
  /** Prompts scoring at or above this go to the strong model (+Infinity: none). */
  threshold: number;
}

export interface QualityPoints {
  apgr: number;
  cpt50: number;
  cpt80: number;
  strongFractionAt95: number;
}

export interface RoutingMetrics extends QualityPoints {
  n: number;
  /** Accuracy of the weak model alone and of the strong model alone. */
  weak: number;
  strong: number;
  /** The random router, in expectation (its expected curve is the straight line weak → strong). */
  random: QualityPoints;
}

export interface Outcomes {
  strong: ArrayLike<number>;
  weak: ArrayLike<number>;
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < values.length; index++) sum += values[index] as number;
  return values.length > 0 ? sum / values.length : Number.NaN;
}

/** Accuracy against strong-call fraction, from 0 (all weak) to 1 (all strong). */
export function routingCurve(scores: ArrayLike<number>, outcomes: Outcomes): CurvePoint[] {
  const count = scores.length;
  if (outcomes.strong.length !== count || outcomes.weak.length !== count) throw new Error('scores and outcomes differ in length');
  if (count === 0) return [];
  const order = Array.from({ length: count }, (_, index) => index).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  let correct = 0;
  for (let index = 0; index < count; index++) correct += outcomes.weak[index] as number;
  const curve: CurvePoint[] = [{ strongFraction: 0, accuracy: correct / count, threshold: Number.POSITIVE_INFINITY }];
  let position = 0;
  while (position < count) {
    const threshold = scores[order[position] as number] as number;
    // One point per group of tied scores: a threshold cannot split them.
    while (position < count && scores[order[position] as number] === threshold) {
      const index = order[position] as number;
      correct += (outcomes.strong[index] as number) - (outcomes.weak[index] as number);
      position++;
    }
    curve.push({ strongFraction: position / count, accuracy: correct / count, threshold });
  }
  return curve;
}

/** Trapezoid area under accuracy over strong fraction ∈ [0, 1]. */
export function areaUnderCurve(curve: readonly CurvePoint[]): number {
  let area = 0;
  for (let index = 1; index < curve.length; index++) {
    const previous = curve[index - 1] as CurvePoint;
    const point = curve[index] as CurvePoint;
    area += ((point.accuracy + previous.accuracy) / 2) * (point.strongFraction - previous.strongFraction);
  }
  return area;
}

/** (area − weak) / (strong − weak): NaN when the two models are equally accurate. */
export function averagePerformanceGapRecovered(curve: readonly CurvePoint[], weak: number, strong: number): number {
  return strong === weak ? Number.NaN : (areaUnderCurve(curve) - weak) / (strong - weak);
}

/** The smallest strong fraction at which the curve reaches `accuracy` (first crossing, interpolated); NaN if never. */
export function strongFractionReaching(curve: readonly CurvePoint[], accuracy: number): number {
  const target = accuracy - 1e-12;
  for (let index = 0; index < curve.length; index++) {
    const point = curve[index] as CurvePoint;
    if (point.accuracy < target) continue;
    if (index === 0) return point.strongFraction;
    const previous = curve[index - 1] as CurvePoint;
    const share = (accuracy - previous.accuracy) / (point.accuracy - previous.accuracy);
    return previous.strongFraction + Math.min(1, Math.max(0, share)) * (point.strongFraction - previous.strongFraction);
  }
  return Number.NaN;
}

/** Accuracy at strong fraction `fraction` on the piecewise-linear curve. */
export function accuracyAt(curve: readonly CurvePoint[], fraction: number): number {
  for (let index = 1; index < curve.length; index++) {
    const previous = curve[index - 1] as CurvePoint;
    const point = curve[index] as CurvePoint;
    if (point.strongFraction >= fraction) {
      const width = point.strongFraction - previous.strongFraction;
      return width === 0 ? point.accuracy : previous.accuracy + ((fraction - previous.strongFraction) / width) * (point.accuracy - previous.accuracy);
    }
  }
  return curve[curve.length - 1]?.accuracy ?? Number.NaN;
}

/** CPT(x): strong fraction needed for weak + x·(strong − weak). */
export function callPerformanceThreshold(curve: readonly CurvePoint[], weak: number, strong: number, share: number): number {
  return strongFractionReaching(curve, weak + share * (strong - weak));
}

/** The random router's expected quality points (its expected curve is linear, so APGR = 0.5 and CPT(x) = x). */
export function randomBaseline(weak: number, strong: number): QualityPoints {
  if (strong <= weak) {
    // Random routing cannot beat the weak model here; its curve starts at the best accuracy.
    return { apgr: strong === weak ? Number.NaN : 0.5, cpt50: 0, cpt80: 0, strongFractionAt95: weak >= 0.95 * strong ? 0 : Number.NaN };
  }
  const at95 = (0.95 * strong - weak) / (strong - weak);
  return { apgr: 0.5, cpt50: 0.5, cpt80: 0.8, strongFractionAt95: Math.min(1, Math.max(0, at95)) };
}

/** Every metric of one router on one data set. */
export function evaluateRouting(scores: ArrayLike<number>, outcomes: Outcomes): RoutingMetrics {
  const weak = mean(outcomes.weak);
  const strong = mean(outcomes.strong);
  const curve = routingCurve(scores, outcomes);
  return {
    n: scores.length,
    weak,
    strong,
    apgr: averagePerformanceGapRecovered(curve, weak, strong),
    cpt50: callPerformanceThreshold(curve, weak, strong, 0.5),
    cpt80: callPerformanceThreshold(curve, weak, strong, 0.8),
    strongFractionAt95: strongFractionReaching(curve, 0.95 * strong),
    random: randomBaseline(weak, strong),
  };
}

/**
 * Cost per request relative to always calling the strong model (strong = 1, weak = `weakCost`).
 * Pre-call routing pays for one model per request; a cascade always pays for the weak call.
 */
export function preCallCost(strongFraction: number, weakCost: number): number {
  return strongFraction + (1 - strongFraction) * weakCost;
}

export function cascadeCost(strongFraction: number, weakCost: number): number {
  return weakCost + strongFraction;
}

/**
 * The weak/strong price ratio for given per-million-token prices and average token counts,
 * e.g. GPT-4-1106 ($10 in / $30 out) against Mixtral-8x7B ($0.6 / $0.6).
 */
export function weakCostRatio(prices: { strongInput: number; strongOutput: number; weakInput: number; weakOutput: number }, tokens: { input: number; strongOutput: number; weakOutput: number }): number {
  const strong = prices.strongInput * tokens.input + prices.strongOutput * tokens.strongOutput;
  const weak = prices.weakInput * tokens.input + prices.weakOutput * tokens.weakOutput;
  return strong > 0 ? weak / strong : Number.NaN;
}
