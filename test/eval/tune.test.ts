/** Tuning: which model each category gets, and the config edit (comments kept, diff printed, loader-valid). */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { applyTuning, keepLayout, proposeTuning } from '../../src/eval/tune.js';
import { unifiedDiff } from '../../src/eval/unified-diff.js';
import { syntheticReport, syntheticRows as rows } from './helpers.js';

const CONFIG = `# Gateway config for the team
providers:
  sim: { type: simulator }   # the built-in simulator
models:
  big:
    provider: sim
    price: { input: 3, output: 15 }
    quality: { math: 0.5 }  # a guess
  small:
    provider: sim
    price: { input: 0.1, output: 0.4 }
  tiny: { provider: sim, price: { input: 0.01, output: 0.02 } }
routes:
  auto:
    candidates: [big, small, tiny]
`;

const measured = syntheticReport('run-x', {
  big: [...rows('big', 'math', 97, 100, 0.01, 900), ...rows('big', 'code', 95, 100, 0.01, 900)],
  small: [...rows('small', 'math', 92, 100, 0.001, 300), ...rows('small', 'code', 70, 100, 0.001, 300)],
  tiny: [...rows('tiny', 'math', 60, 100, 0.0001, 100), ...rows('tiny', 'code', 50, 100, 0.0001, 100)],
});

describe('proposeTuning', () => {
  it('per category, the cheapest per correct answer that clears the floor, and the next best as fallback', () => {
    const proposal = proposeTuning(measured, new Set(['big', 'small', 'tiny']), { qualityFloor: 0.9, routeName: 'tuned' });
    expect(proposal.route.table).toEqual({ code: 'big', math: 'small', default: 'big' });
    expect(proposal.choices.find((choice) => choice.category === 'math')?.fallback).toBe('big');
    expect(proposal.choices.find((choice) => choice.category === 'code')?.fallback).toBe('small');
    expect(proposal.route.fallbacks).toEqual(['small', 'big']);
  });

  it('a latency budget rules out slow models; with nobody left, the most accurate within budget is taken and says so', () => {
    const proposal = proposeTuning(measured, new Set(['big', 'small', 'tiny']), { qualityFloor: 0.9, latencyBudgetMs: 500, routeName: 'tuned' });
    const code = proposal.choices.find((choice) => choice.category === 'code');
    expect(proposal.route.table.math).toBe('small');
    expect(code?.model).toBe('small');
    expect(code?.note).toMatch(/no model clears the quality floor 0.9/);
  });
});

describe('applyTuning', () => {
  const proposal = proposeTuning(measured, new Set(['big', 'small', 'tiny']), { qualityFloor: 0.9, routeName: 'tuned' });
  const edited = applyTuning(CONFIG, proposal);

  it('writes quality, latency and the routing table, keeping comments and untouched lines', () => {
    expect(edited).toContain('# Gateway config for the team');
    expect(edited).toContain('  sim: { type: simulator }   # the built-in simulator');
    expect(edited).toContain('    candidates: [big, small, tiny]');
    expect(edited).toMatch(/quality: \{ math: 0\.97, code: 0\.95 \} # a guess/);
    expect(edited).toMatch(/small:\n {4}provider: sim\n {4}price: \{ input: 0\.1, output: 0\.4 \}\n {4}quality:\n {6}code: 0\.7\n {6}math: 0\.92\n {4}latency_p95_ms: 300/);
    expect(edited).toMatch(/tuned:\n {4}# switchyard eval tune/);
    expect(edited).toMatch(/math: small # 0\.920 \[0\.85, 0\.96\], fallback big/);
  });

  it('is a config the loader accepts, with the tuned figures', () => {
    const config = parseConfigText(edited, {}, 'tuned');
    expect(config.models.get('small')?.quality).toEqual({ code: 0.7, math: 0.92 });
    expect(config.models.get('big')?.latencyP95Ms).toBe(900);
    const route = config.routes.get('tuned');
    expect(route?.strategy).toBe('table');
    expect(route?.table.get('math')?.name).toBe('small');
    expect(route?.fallbacks.map((model) => model.name)).toEqual(['small', 'big']);
  });

  it('prints as a unified diff of added and changed lines only', () => {
    const diff = unifiedDiff(CONFIG, edited, 'a/switchyard.yaml', 'b/switchyard.yaml');
    expect(diff.startsWith('--- a/switchyard.yaml\n+++ b/switchyard.yaml\n@@ -')).toBe(true);
    expect(diff).toContain('-    quality: { math: 0.5 }  # a guess\n+    quality: { math: 0.97, code: 0.95 } # a guess');
    expect(diff.split('\n').filter((line) => line.startsWith('-') && !line.startsWith('---'))).toHaveLength(2);
    expect(unifiedDiff(CONFIG, CONFIG, 'a', 'b')).toBe('');
  });
});

describe('unifiedDiff and keepLayout', () => {
  it('numbers hunks as diff -u does', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n') + '\n';
    const after = ['a', 'b', 'c', 'D', 'e', 'f', 'g', 'h', 'i', 'j', 'k'].join('\n') + '\n';
    expect(unifiedDiff(before, after, 'x', 'y')).toBe(
      ['--- x', '+++ y', '@@ -1,7 +1,7 @@', ' a', ' b', ' c', '-d', '+D', ' e', ' f', ' g', '@@ -8,3 +8,4 @@', ' h', ' i', ' j', '+k', ''].join('\n'),
    );
  });

  it('puts back lines that only changed spacing', () => {
    expect(keepLayout('a: [x, y]\nb: 1   # note\n', 'a: [ x, y ]\nb: 2 # note\n')).toBe('a: [x, y]\nb: 2 # note\n');
  });
});
