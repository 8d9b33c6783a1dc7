/** Judge verdicts read tolerantly (and unreadable ones marked so), and judges kept out of their own family. */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { familiesOf, familyOfModelName, sameFamilyConflicts } from '../../src/eval/judge/family.js';
import { parseGradeVerdict, parsePairwiseVerdict } from '../../src/eval/judge/verdict.js';

describe('grade verdicts', () => {
  it.each([
    ['{"reasoning": "Correct and complete.", "verdict": "PASS", "score": 9}', true, 9],
    ['```json\n{"verdict": "FAIL", "score": 3, "reasoning": "wrong total"}\n```', false, 3],
    ['The proof is sound.\nVERDICT: PASS, SCORE: 8', true, 8],
    ['The answer misses the base case.\n**Verdict:** FAIL\n**Score:** 4/10', false, 4],
    ['Overall a solid answer. Score: 8/10', true, 8],
    ['Rating: [[5]]', false, 5],
    ['Good enough.\n\nPASS', true, null],
  ])('%s', (text, pass, score) => {
    expect(parseGradeVerdict(text, 7)).toEqual({ readable: true, pass, score });
  });

  it('marks an answer without a verdict as unreadable instead of guessing', () => {
    const verdict = parseGradeVerdict('Prime and number: here is what you need to know. The answer is 42.', 7);
    expect(verdict.readable).toBe(false);
    expect(parseGradeVerdict('Score: 42', 7).readable).toBe(false);
  });
});

describe('pairwise verdicts', () => {
  it.each([
    ['{"reasoning": "B is clearer", "winner": "B"}', 'B'],
    ['Both are correct but A is shorter.\nWINNER: A', 'A'],
    ['[[C]]', 'tie'],
    ['Answer B is better because it shows the steps.', 'B'],
    ['{"winner": "TIE"}', 'tie'],
  ])('%s → %s', (text, winner) => {
    expect(parsePairwiseVerdict(text)).toEqual({ readable: true, winner });
  });

  it('marks an answer without a winner as unreadable', () => {
    expect(parsePairwiseVerdict('Both answers discuss percentages.').readable).toBe(false);
  });
});

describe('model families', () => {
  it.each([
    ['gpt-5.4-mini', 'openai'],
    ['o3-mini', 'openai'],
    ['openai/gpt-4.1', 'openai'],
    ['claude-sonnet-4.6', 'anthropic'],
    ['anthropic/claude-3-5-haiku-20241022', 'anthropic'],
    ['gemini-3.1-flash', 'google'],
    ['deepseek-v4-flash', 'deepseek'],
    ['llama-4-maverick', 'meta'],
    ['mistral-large-latest', 'mistral'],
    ['open-mixtral-8x22b', 'mistral'],
  ])('%s is %s', (name, family) => {
    expect(familyOfModelName(name)).toBe(family);
  });

  it('does not invent a family for an unknown name', () => {
    expect(familyOfModelName('my-finetune')).toBeUndefined();
    expect(familyOfModelName('ollama/openhermes')).toBeUndefined();
  });

  const config = parseConfigText(
    [
      'providers:',
      '  sim: { type: simulator }',
      'models:',
      '  gpt-5.4-mini: { provider: sim }',
      '  claude-sonnet-4.6: { provider: sim }',
      '  house-model: { provider: sim, upstream_model: gemini-3.1-flash }',
      'routes:',
      '  split:',
      '    strategy: table',
      '    table: { math: gpt-5.4-mini, default: house-model }',
    ].join('\n'),
    {},
    'test',
  );

  it('a configured model is known by its upstream name; a route by every model it may call', () => {
    expect([...familiesOf('house-model', config)]).toEqual(['google']);
    // A table route falls back to its candidates (by default every chat model) when its entry is filtered out.
    expect([...familiesOf('split', config)].sort()).toEqual(['anthropic', 'google', 'openai']);
  });

  it('finds the judged models that share the judge family, routes included', () => {
    expect(sameFamilyConflicts('gpt-5.4', ['claude-sonnet-4.6', 'house-model'], config)).toEqual([]);
    expect(sameFamilyConflicts('gemini-3.1-pro', ['claude-sonnet-4.6', 'split'], config)).toEqual([{ judged: 'split', family: 'google' }]);
  });
});
