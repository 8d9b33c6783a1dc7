/** Comparing two runs: accuracy changes with Fisher p-values, regressions flagged. */
import { describe, expect, it } from 'vitest';
import { compareReports, renderComparison } from '../../src/eval/compare.js';
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
});
