/** Comparing two runs: accuracy changes with Fisher p-values, regressions flagged. */
import { describe, expect, it } from 'vitest';
import { compareReports, detectableDrop, renderComparison } from '../../src/eval/compare.js';
import { fisherExactTwoSided } from '../../src/eval/statistics.js';
import { syntheticReport, syntheticRows } from './helpers.js';

describe('compareReports', () => {
  const before = syntheticReport('run-a', {
    alpha: [...syntheticRows('alpha', 'math', 9, 10, 0.001, 100), ...syntheticRows('alpha', 'code', 3, 4, 0.001, 100)],
    beta: syntheticRows('beta', 'math', 40, 50, 0.002, 200),
  });
  const after = syntheticReport('run-b', {
    alpha: [...syntheticRows('alpha', 'math', 1, 10, 0.001, 150), ...syntheticRows('alpha', 'code', 1, 4, 0.002, 100)],
    gamma: syntheticRows('gamma', 'math', 10, 10, 0.001, 100),
  });
  const comparison = compareReports(before, after);

  it('tests each target and category and flags significant drops', () => {
    const math = comparison.rows.find((row) => row.target === 'alpha' && row.category === 'math');
    // [[9, 1], [1, 9]]: p = 2 * (C(10,9)C(10,1) + C(10,10)C(10,0)) / C(20,10) = 2 * 101 / 184756.
    expect(math?.pValue).toBeCloseTo((2 * 101) / 184756, 9);
    expect(math?.accuracyChange).toBeCloseTo(-0.8);
    expect(math?.regression).toBe(true);
    const code = comparison.rows.find((row) => row.target === 'alpha' && row.category === 'code');
    expect(code?.significant).toBe(false);
    expect(comparison.regressions.map((row) => `${row.target}/${row.category}`)).toEqual(['alpha/all', 'alpha/math']);
    expect(comparison.unmatched).toEqual(['beta (only in run-a)', 'gamma (only in run-b)']);
  });

  it('reports latency and cost changes and names its method', () => {
    const math = comparison.rows.find((row) => row.target === 'alpha' && row.category === 'math');
    expect(math?.before.latencyP50Ms).toBe(100);
    expect(math?.after.latencyP50Ms).toBe(150);
    const text = renderComparison(comparison);
    expect(text).toContain('Fisher exact test');
    expect(text).toContain('REGRESSION');
    expect(text).toMatch(/2 significant regression\(s\): alpha\/all -\d+\.\d pt, alpha\/math -80\.0 pt/);
  });

  it('finds nothing significant between a run and itself', () => {
    const same = compareReports(before, before);
    expect(same.regressions).toEqual([]);
    expect(same.rows.every((row) => row.pValue !== null && row.pValue > 0.99)).toBe(true);
  });

  it('compares any two targets: a route against a model, in one run or two', () => {
    const withRoute = syntheticReport('run-c', {
      auto: syntheticRows('auto', 'math', 18, 20, 0.0002, 100),
      strong: syntheticRows('strong', 'math', 19, 20, 0.002, 300),
    });
    const cross = compareReports(withRoute, withRoute, 0.05, { targetA: 'auto', targetB: 'strong' });
    expect(cross.rows.map((row) => `${row.target}/${row.category}`)).toEqual(['auto → strong/all', 'auto → strong/math']);
    expect(cross.labelA).toBe('run-c:auto');
    expect(cross.rows[0]?.before.correct).toBe(18);
    expect(cross.rows[0]?.after.correct).toBe(19);
    // One side named: the same target on the other side.
    expect(compareReports(before, after, 0.05, { targetA: 'alpha' }).rows[0]?.target).toBe('alpha');
  });

  it('words the verdict from power: the smallest drop these samples could have detected', () => {
    const small = compareReports(
      syntheticReport('a', { m: syntheticRows('m', 'math', 20, 24, 0.001, 100) }),
      syntheticReport('b', { m: syntheticRows('m', 'math', 17, 24, 0.001, 100) }),
    );
    expect(small.regressions).toEqual([]);
    const drop = small.rows[0]?.detectableDrop as number;
    // It is the smallest significant drop: one correct answer more in B is not significant.
    const correctB = Math.round((20 / 24 - drop) * 24);
    expect(fisherExactTwoSided(20, 4, correctB, 24 - correctB)).toBeLessThan(0.05);
    expect(fisherExactTwoSided(20, 4, correctB + 1, 23 - correctB)).toBeGreaterThanOrEqual(0.05);
    expect(small.verdict).toMatch(new RegExp(`^No regression detected; these samples could detect overall only drops larger than ${(drop * 100).toFixed(1)} points`));
    expect(detectableDrop(0, 10, 10, 0.05)).toBeNull();
  });

  it('says so when nothing could be compared', () => {
    const none = compareReports(syntheticReport('a', { x: syntheticRows('x', 'math', 1, 2, 0, 1) }), syntheticReport('b', { y: syntheticRows('y', 'math', 1, 2, 0, 1) }));
    expect(none.rows).toEqual([]);
    expect(none.verdict).toMatch(/^Nothing could be compared/);
    expect(renderComparison(none)).toContain('Nothing could be compared');
  });
});
