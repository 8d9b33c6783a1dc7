/**
 * Measured figures (quality_trials, written by `eval tune`) against estimates in the
 * cheapest strategy, and a table entry's own fallbacks in the decision.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { ModelResolver } from '../../src/router/resolve.js';
import { Router } from '../../src/router/router.js';
import { readSignals } from '../../src/router/signals.js';

const config = (cheapTrials: string) => `
providers:
  sim: { type: simulator }
models:
  guess: { provider: sim, upstream_model: deepseek-v4-flash, price: { input: 0.1, output: 0.2 }, quality: { math: 0.9 } }
  measured:
    provider: sim
    upstream_model: gpt-5.4-mini
    price: { input: 0.25, output: 2 }
    quality: { math: 0.88, qa: 0.7 }
    ${cheapTrials}
  strong: { provider: sim, upstream_model: gpt-5.4, price: { input: 1.75, output: 14 }, quality: { math: 0.97, qa: 0.95 }, quality_trials: { math: 40, qa: 40 } }
routes:
  auto:
    strategy: cheapest
    quality_floor: 0.85
    classify: { classifier: none, rules: [{ name: arithmetic, category: math, pattern: '\\d+\\s*[*]\\s*\\d+' }] }
  tuned:
    strategy: table
    classify: { classifier: none, rules: [{ name: arithmetic, category: math, pattern: '\\d+\\s*[*]\\s*\\d+' }] }
    table: { math: measured, default: strong }
    table_fallbacks: { math: [strong, guess] }
    fallbacks: [guess]
`;

async function decide(configText: string, route: string, content: string) {
  const parsed = parseConfigText(configText, {}, 'measured.yaml');
  const router = new Router(parsed, new ModelResolver(parsed), { localClassifier: () => undefined, latencyP95: () => undefined });
  const request = { model: route, messages: [{ role: 'user' as const, content }], stream: false, includeUsage: false };
  return router.decide(request, readSignals(request, {}));
}

describe('cheapest: a measurement beats an estimate', () => {
  it('a cheaper estimate over the floor does not take the category from a measured model that clears it', async () => {
    const decision = await decide(config('quality_trials: { math: 40, qa: 40 }'), 'auto', 'What is 17 * 23?');
    expect(decision.model.name).toBe('measured');
    const guess = decision.candidates.find((candidate) => candidate.model === 'guess');
    expect(guess?.note).toBe('an estimate; a measured model clears the floor');
  });

  it('without measurements, estimates compete on price as before', async () => {
    const estimatesOnly = config('').replace(', quality_trials: { math: 40, qa: 40 } }', ' }');
    expect(estimatesOnly).not.toMatch(/quality_trials/);
    expect((await decide(estimatesOnly, 'auto', 'What is 17 * 23?')).model.name).toBe('guess');
  });

  it('when no measured model clears the floor, the estimates may serve', async () => {
    const text = config('quality_trials: { math: 40, qa: 40 }').replace('quality: { math: 0.97, qa: 0.95 }, quality_trials', 'quality: { math: 0.8, qa: 0.95 }, quality_trials').replace('quality: { math: 0.88, qa: 0.7 }', 'quality: { math: 0.8, qa: 0.7 }');
    expect((await decide(text, 'auto', 'What is 17 * 23?')).model.name).toBe('guess');
  });
});

describe('table_fallbacks', () => {
  it("an entry's fallbacks come first, then the route's, each once", async () => {
    const decision = await decide(config(''), 'tuned', 'What is 17 * 23?');
    expect(decision.model.name).toBe('measured');
    expect(decision.fallbacks.map((model) => model.name)).toEqual(['strong', 'guess']);
    const other = await decide(config(''), 'tuned', 'Tell me about Lisbon.');
    expect(other.fallbacks.map((model) => model.name)).toEqual(['guess']);
  });

  it('a fallback list for a category the table does not list is a config error', () => {
    expect(() => parseConfigText(config('').replace('table_fallbacks: { math: [strong, guess] }', 'table_fallbacks: { code: [strong] }'), {}, 'bad.yaml')).toThrow(/routes\.tuned\.table_fallbacks\.code: no table entry for code/);
  });
});
