import { describe, expect, it } from 'vitest';
import { metricsOf, unreadableWarnings } from '../../src/eval/report/aggregate.js';
import { renderTable } from '../../src/eval/report/table.js';
import { syntheticReport, syntheticRows } from './helpers.js';

describe('answers the scorer cannot read', () => {
  const math = syntheticRows('m', 'math', 10, 20, 0.001, 100).map((row, index) => (index >= 15 ? { ...row, scoreDetail: 'no number in the answer' } : row));
  const qa = syntheticRows('m', 'qa', 18, 20, 0.001, 100).map((row, index) => (index === 19 ? { ...row, scoreDetail: 'no choice found' } : row));

  it('are counted per metrics, and a category where 10 % or more are unreadable gets a warning', () => {
    expect(metricsOf(math).unreadable).toBe(5);
    const warnings = unreadableWarnings(['math', 'qa'], [...math, ...qa]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^math: the scorer found no answer to read in 25% of the answers \(5 of 20: no number in the answer\)/);
  });

  it('the terminal report prints the warning', () => {
    const report = { ...syntheticReport('r', { m: [...math, ...qa] }), warnings: unreadableWarnings(['math', 'qa'], [...math, ...qa]) };
    expect(renderTable(report)).toMatch(/WARNING math: the scorer found no answer/);
  });
});
