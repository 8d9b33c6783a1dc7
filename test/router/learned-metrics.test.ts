/**
 * RouteLLM's metrics on tiny cases worked out by hand. Four prompts: the strong model is
 * right on 0, 1, 2; the weak one on 2, 3 — weak accuracy 0.5, strong 0.75. Sending prompt 0
 * or 1 to the strong model gains a right answer, prompt 3 loses one, prompt 2 changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { operatingPoint, thresholdForQuality, thresholdForStrongFraction } from '../../src/router/learned/calibration.js';
import { seededRandom } from '../../src/core/random.js';
import {
  accuracyAt,
  areaUnderCurve,
  cascadeCost,
  evaluateRouting,
  preCallCost,
  randomBaseline,
  routingCurve,
  weakCostRatio,
} from '../../src/router/learned/metrics.js';

const outcomes = { strong: [1, 1, 1, 0], weak: [0, 0, 1, 1] };

describe('routing curve and APGR', () => {
  it('a perfect router: accuracy 0.5 → 0.75 → 1 → 1 → 0.75, APGR 1.375', () => {
    const scores = [0.9, 0.8, 0.3, 0.1];
    const curve = routingCurve(scores, outcomes);
    expect(curve.map((point) => [point.strongFraction, point.accuracy])).toEqual([
      [0, 0.5],
      [0.25, 0.75],
      [0.5, 1],
      [0.75, 1],
      [1, 0.75],
    ]);
    // Trapezoids: 0.15625 + 0.21875 + 0.25 + 0.21875 = 0.84375; (0.84375 − 0.5) / 0.25.
    expect(areaUnderCurve(curve)).toBeCloseTo(0.84375, 12);
    const metrics = evaluateRouting(scores, outcomes);
    expect(metrics.apgr).toBeCloseTo(1.375, 12);
    expect(metrics.weak).toBe(0.5);
    expect(metrics.strong).toBe(0.75);
    // CPT50: 0.625 is halfway from 0.5 to 0.75 on the first segment; CPT80: 0.7 at 80 % of it.
    expect(metrics.cpt50).toBeCloseTo(0.125, 12);
    expect(metrics.cpt80).toBeCloseTo(0.2, 12);
    // 95 % of the strong model's 0.75 = 0.7125, at 85 % of the first segment.
    expect(metrics.strongFractionAt95).toBeCloseTo(0.2125, 12);
  });

  it('the reversed router: APGR −0.375 and CPT50 at 87.5 % strong calls', () => {
    const metrics = evaluateRouting([0.1, 0.2, 0.3, 0.9], outcomes);
    // Accuracy 0.5 → 0.25 → 0.25 → 0.5 → 0.75: area 0.40625.
    expect(metrics.apgr).toBeCloseTo(-0.375, 12);
    expect(metrics.cpt50).toBeCloseTo(0.875, 12);
    expect(metrics.cpt80).toBeCloseTo(0.95, 12);
  });

  it('tied scores form one step (the expected accuracy under random tie-breaking)', () => {
    const constant = evaluateRouting([0.5, 0.5, 0.5, 0.5], outcomes);
    expect(constant.apgr).toBeCloseTo(0.5, 12);
    expect(constant.cpt50).toBeCloseTo(0.5, 12);
    expect(constant.cpt80).toBeCloseTo(0.8, 12);
    const pairs = routingCurve([1, 1, 0, 0], outcomes);
    expect(pairs.map((point) => [point.strongFraction, point.accuracy])).toEqual([
      [0, 0.5],
      [0.5, 1],
      [1, 0.75],
    ]);
    expect(evaluateRouting([1, 1, 0, 0], outcomes).apgr).toBeCloseTo(1.25, 12);
    expect(accuracyAt(pairs, 0.25)).toBeCloseTo(0.75, 12);
  });

  it('random routers average APGR 0.5; the expected random baseline is exact', () => {
    const random = seededRandom(42);
    const strong: number[] = [];
    const weak: number[] = [];
    for (let index = 0; index < 2000; index++) {
      strong.push(random() < 0.8 ? 1 : 0);
      weak.push(random() < 0.6 ? 1 : 0);
    }
    let total = 0;
    for (let run = 0; run < 20; run++) total += evaluateRouting(Array.from({ length: strong.length }, () => random()), { strong, weak }).apgr;
    expect(total / 20).toBeGreaterThan(0.45);
    expect(total / 20).toBeLessThan(0.55);
    expect(randomBaseline(0.5, 0.75)).toEqual({ apgr: 0.5, cpt50: 0.5, cpt80: 0.8, strongFractionAt95: expect.closeTo(0.85, 12) as number });
    expect(evaluateRouting([0.9, 0.8, 0.3, 0.1], outcomes).random.strongFractionAt95).toBeCloseTo(0.85, 12);
  });

  it('equal models make APGR undefined (NaN), not a division by zero', () => {
    expect(evaluateRouting([1, 0], { strong: [1, 0], weak: [1, 0] }).apgr).toBeNaN();
  });
});

describe('costs and calibration', () => {
  it('a cascade always pays the weak call; pre-call routing pays one model', () => {
    expect(preCallCost(0.3, 0.03)).toBeCloseTo(0.3 + 0.7 * 0.03, 12);
    expect(cascadeCost(0.3, 0.03)).toBeCloseTo(0.33, 12);
    // GPT-4-1106 $10/$30 against Mixtral $0.6/$0.6 per M tokens, 200 tokens in, 150 out.
    expect(weakCostRatio({ strongInput: 10, strongOutput: 30, weakInput: 0.6, weakOutput: 0.6 }, { input: 200, strongOutput: 150, weakOutput: 150 })).toBeCloseTo(210 / 6500, 12);
  });

  it('thresholds for a strong-call share and for a quality', () => {
    const scores = [0.9, 0.8, 0.3, 0.1];
    expect(thresholdForStrongFraction(scores, 0.5)).toBe(0.8);
    expect(operatingPoint(scores, outcomes, 0.8)).toEqual({ threshold: 0.8, strongFraction: 0.5, accuracy: 1 });
    expect(operatingPoint(scores, outcomes, thresholdForStrongFraction(scores, 0)).strongFraction).toBe(0);
    // 95 % of 0.75 needs the first prompt only.
    expect(thresholdForQuality(scores, outcomes, 0.95)).toBe(0.9);
    expect(operatingPoint(scores, outcomes, 0.9)).toEqual({ threshold: 0.9, strongFraction: 0.25, accuracy: 0.75 });
  });
});
