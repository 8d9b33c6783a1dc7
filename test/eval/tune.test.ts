/** Tuning: which model each category gets, and the config edit (comments kept, diff printed, loader-valid). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { readConfigSource, validateEditedConfig } from '../../src/eval/tune-config.js';
import { applyTuning, clearsFloor, keepLayout, proposeTuning } from '../../src/eval/tune.js';
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
    expect(proposal.choices.find((choice) => choice.category === 'math')?.fallbacks).toEqual(['big', 'tiny']);
    expect(proposal.choices.find((choice) => choice.category === 'code')?.fallbacks).toEqual(['small', 'tiny']);
    expect(proposal.route.tableFallbacks).toMatchObject({ math: ['big', 'tiny'], code: ['small', 'tiny'] });
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
    expect(edited).toMatch(/small:\n {4}provider: sim\n {4}price: \{ input: 0\.1, output: 0\.4 \}\n {4}quality:\n {6}code: 0\.7\n {6}math: 0\.92\n {4}quality_trials:\n {6}code: 100\n {6}math: 100\n {4}latency_p95_ms: 300/);
    expect(edited).toMatch(/tuned:\n {4}# switchyard eval tune/);
    expect(edited).toMatch(/math: small # 0\.920 \[0\.85, 0\.96\] n=100, \$0\.00109\/correct/);
  });

  it('rewrites an existing route in place (--route auto): strategy table, its other settings kept, keys a table refuses dropped', () => {
    const withAuto = CONFIG.replace('    candidates: [big, small, tiny]\n', '    candidates: [big, small, tiny]\n    strategy: weighted\n    weights: { quality: 1 }\n    quality_floor: 0.8\n');
    const inPlace = applyTuning(withAuto, proposeTuning(measured, new Set(['big', 'small', 'tiny']), { qualityFloor: 0.8, routeName: 'auto' }));
    const config = parseConfigText(inPlace, {}, 'in place');
    const auto = config.routes.get('auto');
    expect(auto?.strategy).toBe('table');
    expect(auto?.qualityFloor).toBe(0.8);
    expect(auto?.candidates.map((model) => model.name)).toEqual(['big', 'small', 'tiny']);
    expect(inPlace).not.toMatch(/weights/);
    expect(config.routes.has('tuned')).toBe(false);
  });

  it('is a config the loader accepts, with the tuned figures', () => {
    const config = parseConfigText(edited, {}, 'tuned');
    expect(config.models.get('small')?.quality).toEqual({ code: 0.7, math: 0.92 });
    expect(config.models.get('big')?.latencyP95Ms).toBe(900);
    const route = config.routes.get('tuned');
    expect(route?.strategy).toBe('table');
    expect(route?.table.get('math')?.name).toBe('small');
    expect(route?.tableFallbacks.get('math')?.map((model) => model.name)).toEqual(['big', 'tiny']);
    expect(route?.fallbacks).toEqual([]);
    expect(config.models.get('small')?.qualityTrials).toEqual({ code: 100, math: 100 });
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

describe('tuning never makes the route worse on the measured data', () => {
  const routeRows = (category: 'math' | 'code', correct: number, total: number, costUsd: number, servedBy: string) =>
    rows('auto', category, correct, total, costUsd, 200).map((row) => ({ ...row, targetKind: 'route' as const, servedModel: servedBy }));

  it('keeps what the current route did in a category where the run measured it as accurate for less', () => {
    const report = syntheticReport('run-y', {
      big: [...rows('big', 'math', 97, 100, 0.01, 900), ...rows('big', 'code', 95, 100, 0.01, 900)],
      small: [...rows('small', 'math', 92, 100, 0.001, 300), ...rows('small', 'code', 91, 100, 0.001, 300)],
      auto: [...routeRows('math', 93, 100, 0.0002, 'tiny'), ...routeRows('code', 94, 100, 0.0002, 'tiny')],
    });
    const auto = report.targets.find((target) => target.target === 'auto')!;
    auto.kind = 'route';
    const proposal = proposeTuning(report, new Set(['big', 'small', 'tiny']), { qualityFloor: 0.9, routeName: 'auto' });
    const math = proposal.choices.find((choice) => choice.category === 'math')!;
    expect(math.model).toBe('tiny');
    expect(math.note).toMatch(/^kept tiny, the current route's choice: it measured as accurate for less/);
    expect(proposal.effect.current?.accuracy).toBeCloseTo(0.935);
    expect(proposal.effect.proposed.costUsd).toBeCloseTo(proposal.effect.current!.costUsd);
    expect(proposal.route.description).toMatch(/math, code: the previous choice, which measured better|code, math: the previous choice/);
  });

  it('raises the categories where accuracy is cheapest to buy until the route is within the best model’s 95% interval', () => {
    const report = syntheticReport('run-z', {
      big: [...rows('big', 'math', 99, 100, 0.01, 900), ...rows('big', 'code', 99, 100, 0.01, 900)],
      mid: [...rows('mid', 'math', 98, 100, 0.002, 300), ...rows('mid', 'code', 96, 100, 0.009, 300)],
      small: [...rows('small', 'math', 86, 100, 0.0005, 300), ...rows('small', 'code', 97, 100, 0.0005, 300)],
    });
    const floorOnly = proposeTuning(report, new Set(['big', 'mid', 'small']), { qualityFloor: 0.85, routeName: 'tuned', matchBest: false });
    expect(floorOnly.route.table).toMatchObject({ math: 'small', code: 'small' });
    const proposal = proposeTuning(report, new Set(['big', 'mid', 'small']), { qualityFloor: 0.85, routeName: 'tuned' });
    // 183 of 200 is below big's interval (198/200: from 96.4%); mid buys math 12 more correct answers for $0.15, big 13 for $0.95: mid, and 195 of 200 suffice.
    expect(proposal.route.table).toMatchObject({ math: 'mid', code: 'small' });
    expect(proposal.choices.find((choice) => choice.category === 'math')?.note).toMatch(/^raised/);
    const best = proposal.effect.reference!;
    expect(best.model).toBe('big');
    expect(proposal.effect.proposed.accuracy!).toBeGreaterThanOrEqual(best.figures.accuracyLow!);
    expect(proposal.effect.proposed.costUsd).toBeLessThan(0.5 * best.figures.costUsd);
  });

  it('works on the built-in defaults written out as a config (validate and tune agree)', () => {
    const directory = mkdtempSync(join(tmpdir(), 'tune-defaults-'));
    const source = readConfigSource(undefined, {}, directory);
    expect(source.label).toBe('(built-in defaults)');
    const report = syntheticReport('run-d', {
      'gpt-5.4': rows('gpt-5.4', 'math', 95, 100, 0.01, 900),
      'gpt-5.4-mini': rows('gpt-5.4-mini', 'math', 90, 100, 0.001, 300),
    });
    const proposal = proposeTuning(report, new Set(['gpt-5.4', 'gpt-5.4-mini']), { qualityFloor: 0.85, routeName: 'auto' });
    const edited = applyTuning(source.text, proposal);
    const config = validateEditedConfig(edited, join(directory, 'switchyard.yaml'), {});
    expect(config.routes.get('auto')?.strategy).toBe('table');
    expect(config.routes.get('auto')?.table.get('math')?.name).toBe('gpt-5.4-mini');
    expect(config.models.get('gpt-5.4-mini')?.qualityTrials.math).toBe(100);
  });
});

describe('what tune shows and writes is true of each entry', () => {
  // Fast in code, slow in math: the model's overall p95 is neither category's.
  const split = [...rows('mixed', 'code', 19, 20, 0.001, 100), ...rows('mixed', 'math', 19, 20, 0.001, 2000)];
  const report = syntheticReport('run-p', {
    mixed: split,
    other: [...rows('other', 'code', 10, 20, 0.01, 50), ...rows('other', 'math', 10, 20, 0.01, 50)],
  });
  const proposal = proposeTuning(report, new Set(['mixed', 'other']), { qualityFloor: 0.9, routeName: 'tuned' });

  it('the p95 of an entry is the chosen model’s p95 in that category', () => {
    expect(proposal.choices.find((choice) => choice.category === 'code')?.latencyP95Ms).toBe(100);
    expect(proposal.choices.find((choice) => choice.category === 'math')?.latencyP95Ms).toBe(2000);
    // The overall entry gets the overall p95, which lies between them.
    const overall = proposal.choices.find((choice) => choice.category === 'default')!.latencyP95Ms!;
    expect(overall).toBeGreaterThan(100);
    expect(overall).toBeLessThanOrEqual(2000);
  });

  it('a latency budget is checked per category: the math entry is ruled out by its own p95, the code entry is not', () => {
    const budgeted = proposeTuning(report, new Set(['mixed', 'other']), { qualityFloor: 0.9, routeName: 'tuned', latencyBudgetMs: 500 });
    expect(budgeted.route.table.code).toBe('mixed');
    expect(budgeted.route.table.math).toBe('other');
  });

  it('a model clears the floor unless its 95% interval lies below it', () => {
    const [thin] = syntheticReport('t', { m: rows('m', 'math', 20, 24, 0, 1) }).targets;
    const [clearlyBelow] = syntheticReport('t', { m: rows('m', 'math', 14, 24, 0, 1) }).targets;
    const [manyBelow] = syntheticReport('t', { m: rows('m', 'math', 800, 1000, 0, 1) }).targets;
    expect(clearsFloor(thin!.overall, 0.85)).toBe(true); // 83 %, interval 64–93 %
    expect(clearsFloor(clearlyBelow!.overall, 0.85)).toBe(false); // 58 %, up to 76 %
    expect(clearsFloor(manyBelow!.overall, 0.85)).toBe(false); // 80 %, up to 82 %
  });

  it('the route description holds for every entry it does not name as an exception', () => {
    const description = proposal.route.description;
    for (const choice of proposal.choices) {
      if (choice.category === 'default' || description.includes(`${choice.category}:`)) continue;
      expect(choice.accuracyHigh, `${choice.category}: ${description}`).toBeGreaterThanOrEqual(0.9);
    }
    expect(description).toMatch(/not measured below accuracy 0.9 \(95% interval\)/);
  });

  it('each entry’s fallbacks are config (table_fallbacks) the loader resolves, not comments', () => {
    const text = `providers:\n  sim: { type: simulator }\nmodels:\n  mixed: { provider: sim, price: { input: 1, output: 1 } }\n  other: { provider: sim, price: { input: 1, output: 1 } }\n`;
    const edited = applyTuning(text, proposal);
    const config = parseConfigText(edited, {}, 'tuned');
    const route = config.routes.get('tuned')!;
    expect(route.tableFallbacks.get('code')?.map((model) => model.name)).toEqual(['other']);
    expect(route.tableFallbacks.get('math')?.map((model) => model.name)).toEqual(['other']);
  });
});
