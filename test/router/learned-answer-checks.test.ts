/**
 * The cascade verifier's checks of a weak answer: arithmetic re-done from the shown steps,
 * final-answer extraction, cut-off and hedged answers; and the prompt features they sit beside.
 */
import { describe, expect, it } from 'vitest';
import { AnswerFeatureExtractor, ANSWER_DENSE_FEATURES } from '../../src/router/learned/answer-features.js';
import { checkArithmetic, evaluateExpression, resultMatches } from '../../src/router/learned/arithmetic-check.js';
import { PromptFeatureExtractor, PROMPT_DENSE_FEATURES } from '../../src/router/learned/prompt-features.js';

describe('arithmetic self-check', () => {
  it('evaluates plain expressions with ×, x, ÷, −, %, $ and thousands separators', () => {
    expect(evaluateExpression('(12 / 20) x 100')).toBe(60);
    expect(evaluateExpression('$1,200 × 3')).toBe(3600);
    expect(evaluateExpression('10 ÷ 4 − 1')).toBe(1.5);
    expect(evaluateExpression('2^3^2')).toBe(512);
    expect(evaluateExpression('50% * 8')).toBe(4);
    expect(evaluateExpression('3 +')).toBeUndefined();
    expect(evaluateExpression('2 apples')).toBeUndefined();
  });

  it('allows the rounding the writer shows, and percentages written either way', () => {
    expect(resultMatches(10 / 3, '3.33')).toBe(true);
    expect(resultMatches(10 / 3, '3')).toBe(true);
    expect(resultMatches(60, '55%')).toBe(false);
    expect(resultMatches(0.6, '60%')).toBe(true);
  });

  it('finds wrong calculator annotations and wrong inline steps', () => {
    const good = checkArithmetic('He buys 3 x 12 = <<3*12=36>>36 donuts.\n#### 36');
    expect(good).toMatchObject({ wrong: 0, annotations: 1, unclosedAnnotations: 0 });
    expect(good.checked).toBeGreaterThanOrEqual(2);
    expect(checkArithmetic('So (12 / 20) x 100 = 55% of them dance.').wrong).toBe(1);
    expect(checkArithmetic('That costs <<4*25=110>>110 dollars.').wrong).toBe(1);
    // Markdown-escaped times signs, chained steps, and a negative start are still arithmetic.
    expect(checkArithmetic('She needs 16 \\* 3/4 = <<16*3/4=12>>12 bags.').wrong).toBe(0);
    expect(checkArithmetic('there are 22 + 4 x 12 = 22 + 48 = 70 pink ones').wrong).toBe(0);
    expect(checkArithmetic('the temperature was -6 + 3 = -3 degrees').wrong).toBe(0);
    expect(checkArithmetic('It costs 80,000 + 50,000 = $<<80000+50000=130000>>130,00').unclosedAnnotations).toBe(0);
    expect(checkArithmetic('Katy used 120 * 7 / (7 + 13) = <<120*7/(7+1').unclosedAnnotations).toBe(1);
  });
});

describe('answer features', () => {
  const extractor = new AnswerFeatureExtractor(1 << 12);
  const feature = (values: Float64Array, name: (typeof ANSWER_DENSE_FEATURES)[number]): number => values[ANSWER_DENSE_FEATURES.indexOf(name)] as number;
  const prompt = 'A shop sells 12 pens at $3 each and 5 books at $8 each. How much does it earn?';

  it('a clean answer raises no flags', () => {
    const answer = extractor.extract(prompt, 'Pens: 12 * 3 = <<12*3=36>>36.\nBooks: 5 * 8 = <<5*8=40>>40.\n36 + 40 = <<36+40=76>>76\n#### 76', false);
    expect(answer.reasons).toEqual([]);
    expect(feature(answer.dense, 'finalMarkers')).toBe(1);
    expect(feature(answer.dense, 'stepsWrong')).toBe(0);
    expect(feature(answer.dense, 'promptNumbersUnused')).toBe(0);
  });

  it('names what is wrong with a bad answer', () => {
    const cut = extractor.extract(prompt, 'Pens: 12 * 3 = <<12*3=36>>36.\nBooks: 5 * 8 = <<5*8', false);
    expect(cut.reasons).toEqual(expect.arrayContaining(['no marked final answer', 'answer looks cut off', 'unfinished calculation']));
    const wrong = extractor.extract(prompt, 'Pens cost 12 * 3 = 38 and books 5 * 8 = 40, probably.\n#### 78.5', false);
    expect(wrong.reasons).toEqual(expect.arrayContaining(['1 arithmetic step(s) do not check out', 'final answer is not a whole number', 'final answer not computed in the steps', 'hedging']));
    const conflicting = extractor.extract(prompt, 'The answer is 76.\n#### 80', false);
    expect(conflicting.reasons).toContain('conflicting final answers');
    expect(extractor.extract(prompt, "I'm sorry, I cannot help with that.", false).reasons).toContain('refusal');
  });
});

describe('prompt features', () => {
  const extractor = new PromptFeatureExtractor(1 << 12);
  const feature = (values: Float64Array, name: (typeof PROMPT_DENSE_FEATURES)[number]): number => values[PROMPT_DENSE_FEATURES.indexOf(name)] as number;

  it('counts the quantities of a word problem', () => {
    const { dense, sparse } = extractor.extract('Kylar buys 16 glasses. One costs $5, every second one 60% of that. How much does he pay for 1/2 of them?', undefined, { words: true, subject: false });
    expect(feature(dense, 'quantities')).toBe(5);
    expect(feature(dense, 'money')).toBe(1);
    expect(feature(dense, 'percents')).toBe(1);
    expect(feature(dense, 'fractions')).toBe(1);
    expect(feature(dense, 'rateWords')).toBe(1);
    expect(feature(dense, 'questionMarks')).toBe(1);
    expect(feature(dense, 'options')).toBe(0);
    expect(new Set(sparse).size).toBe(sparse.length);
  });

  it('reads the structure of a multiple-choice question', () => {
    const text = 'Which of the following is NOT a prime number?\nA. 2\nB. 3\nC. 9\nD. All of the above\nAnswer:';
    const { dense, sparse } = extractor.extract(text, 'math', { words: false, subject: false });
    expect(feature(dense, 'options')).toBe(4);
    expect(feature(dense, 'numericOptions')).toBe(0.75);
    expect(feature(dense, 'aboveOptions')).toBe(1);
    expect(feature(dense, 'negations')).toBe(2);
    expect(feature(dense, 'completionStem')).toBe(0);
    expect(feature(dense, 'stemLines')).toBe(0);
    expect(sparse.length).toBe(0);
  });

  it('reads only the head and tail of a very long prompt, but counts all of its characters', () => {
    const long = `${'word '.repeat(5000)}How many?`;
    const { dense } = extractor.extract(long, undefined, { words: true, subject: false });
    expect(feature(dense, 'characters')).toBeCloseTo(Math.log1p(long.length), 12);
    expect(feature(dense, 'words')).toBeLessThan(Math.log1p(400));
  });
});
