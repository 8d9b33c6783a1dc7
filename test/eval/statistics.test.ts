/** Wilson intervals, percentiles and Fisher's exact test against values computed by hand (and R). */
import { describe, expect, it } from 'vitest';
import { fisherExactTwoSided, percentile, summariseLatencies, wilsonInterval } from '../../src/eval/statistics.js';

describe('Wilson score interval (95 %)', () => {
  it('8 of 10: centre (0.8 + 1.92/10) / 1.384 = 0.7167, half-width 0.2266 → [0.4902, 0.9433]', () => {
    const interval = wilsonInterval(8, 10);
    expect(interval.low).toBeCloseTo(0.4902, 4);
    expect(interval.high).toBeCloseTo(0.9433, 4);
  });

  it('0 of 10 is [0, z²/(n + z²)] = [0, 0.2775]; 10 of 10 mirrors it', () => {
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(10, 10).low).toBeCloseTo(0.7225, 4);
    expect(wilsonInterval(10, 10).high).toBe(1);
  });

  it('50 of 100 is [0.4038, 0.5962]; no trials is [0, 1]', () => {
    expect(wilsonInterval(50, 100).low).toBeCloseTo(0.4038, 4);
    expect(wilsonInterval(50, 100).high).toBeCloseTo(0.5962, 4);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });
});

describe('Fisher exact test, two-sided', () => {
  it("the lady tasting tea, [[3, 1], [1, 3]]: (1 + 16 + 16 + 1) / 70 = 0.4857", () => {
    expect(fisherExactTwoSided(3, 1, 1, 3)).toBeCloseTo(34 / 70, 6);
  });

  it('[[1, 9], [11, 3]] (the textbook example): p = 0.002759', () => {
    expect(fisherExactTwoSided(1, 9, 11, 3)).toBeCloseTo(0.002759, 5);
  });

  it('[[10, 0], [0, 10]]: 2 / C(20, 10) = 1.0825e-5', () => {
    expect(fisherExactTwoSided(10, 0, 0, 10)).toBeCloseTo(2 / 184756, 9);
  });

  it('identical proportions give p = 1, and an empty table too', () => {
    expect(fisherExactTwoSided(5, 5, 5, 5)).toBeCloseTo(1, 9);
    expect(fisherExactTwoSided(0, 0, 0, 0)).toBe(1);
  });
});

describe('percentiles', () => {
  it('interpolate between closest ranks', () => {
    const values = [10, 20, 30, 40, 50];
    expect(percentile(values, 0.5)).toBe(30);
    expect(percentile(values, 0.95)).toBeCloseTo(48);
    expect(percentile(values, 0.25)).toBe(20);
    expect(percentile([], 0.5)).toBeUndefined();
  });

  it('summarise unsorted latencies', () => {
    const summary = summariseLatencies([50, 10, 40, 20, 30]);
    expect(summary).toMatchObject({ count: 5, mean: 30, min: 10, p50: 30, max: 50 });
    expect(summariseLatencies([])).toBeUndefined();
  });
});
