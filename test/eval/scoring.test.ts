/** The text scorers on answers crafted to trip them up. */
import { describe, expect, it } from 'vitest';
import { extractChoice } from '../../src/eval/scoring/extract-choice.js';
import { jsonCandidates } from '../../src/eval/scoring/extract-json.js';
import { extractFinalNumber, numbersMatch } from '../../src/eval/scoring/extract-number.js';
import { isRefusal } from '../../src/eval/scoring/refusal.js';
import { scoreLocally } from '../../src/eval/scoring/score-answer.js';
import { bleu, rougeL } from '../../src/eval/scoring/text-overlap.js';

describe('final number of a reasoning answer', () => {
  it.each([
    ['The answer is 42.', 42],
    ['1,234', 1234],
    ['In total she pays 1,234,567 dollars.', 1234567],
    ['It costs $12.50 in total.', 12.5],
    ['That leaves 12 apples.', 12],
    ['The temperature drops to -7 degrees.', -7],
    ['x = −3', -3],
    ['So 6 * 7 = 42', 42],
    ['First 3 boxes, then 4 more: 3 + 4 = 7. Each holds 6, so 7 × 6 = 42 apples.', 42],
    ['The answer is 42, which is 2 more than 40.', 42],
    ['The answer is 5 + 7 = 12.', 12],
    ['Step 1: 10 - 12 gives a loss.\n#### -2', -2],
    ['We get \\boxed{3.5} after simplifying 7/2.', 3.5],
    ['**Final answer: 1,024**', 1024],
    ['About 0.5 of them, i.e. 50%.', 50],
    ['Pages 10-12 are missing, that is 3 pages.', 3],
    ['Costs rose from $1,200 to $1,500; the increase is $300.', 300],
  ])('%s → %d', (answer, expected) => {
    expect(extractFinalNumber(answer)).toBe(expected);
  });

  it('finds no number when there is none, and does not read a hyphen between numbers as a sign', () => {
    expect(extractFinalNumber('I do not know.')).toBeUndefined();
    expect(extractFinalNumber('Scores 3-2')).toBe(2);
  });

  it('compares within an absolute or relative tolerance, forgiving binary rounding', () => {
    expect(numbersMatch(0.1 + 0.2, 0.3)).toBe(true);
    expect(numbersMatch(42.004, 42, 0.01)).toBe(true);
    expect(numbersMatch(42.02, 42, 0.01)).toBe(false);
    expect(numbersMatch(1010, 1000, 0.02, true)).toBe(true);
    expect(numbersMatch(1030, 1000, 0.02, true)).toBe(false);
  });

  it('scores a numeric case with the extracted value as the raw score', () => {
    const score = scoreLocally({ scorer: 'numeric', value: 1234 }, 'After adding them up, the total is 1,234 apples.');
    expect(score).toMatchObject({ status: 'scored', correct: true, raw: 1234 });
    expect(scoreLocally({ scorer: 'numeric', value: 12.5, tolerance: 0.01 }, 'You pay $12.50.')?.correct).toBe(true);
    expect(scoreLocally({ scorer: 'numeric', value: 5 }, 'no idea')).toMatchObject({ correct: false, raw: null });
  });
});

describe('multiple-choice letters', () => {
  it.each([
    ['B', 'B'],
    ['(B)', 'B'],
    ['B)', 'B'],
    ['**B**', 'B'],
    ['The answer is (B).', 'B'],
    ['Answer: C', 'C'],
    ['After checking each option, the correct option is D because 29 is prime.', 'D'],
    ['B) Paris, because it is the capital.', 'B'],
    ['Options (A) and (B) are too small, so it must be (C).', 'C'],
    ['I think **A** fits best.', 'A'],
  ])('%s → %s', (answer, letter) => {
    expect(extractChoice(answer)).toBe(letter);
  });

  it('does not take an article or a lowercase word for a letter', () => {
    expect(extractChoice('A prime number has exactly two divisors.')).toBeUndefined();
    expect(extractChoice('The answer is a bit subtle.')).toBeUndefined();
  });
});

describe('JSON in answers', () => {
  const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } }, required: ['name', 'age'], additionalProperties: false };

  it('finds JSON wrapped in prose and in fences', () => {
    const fenced = 'Sure! Here is the data:\n```json\n{"name": "Ada", "age": 36}\n```\nLet me know if you need more.';
    expect(jsonCandidates(fenced)).toContainEqual({ name: 'Ada', age: 36 });
    const prose = 'The record is {"name": "Ada {the first}", "age": 36} as requested.';
    expect(jsonCandidates(prose)).toContainEqual({ name: 'Ada {the first}', age: 36 });
    expect(scoreLocally({ scorer: 'json_schema', schema }, fenced)).toMatchObject({ correct: true });
    expect(scoreLocally({ scorer: 'json_schema', schema }, prose)).toMatchObject({ correct: true });
  });

  it('passes when any candidate conforms (a stray [1] in the prose does not decide)', () => {
    const answer = 'See note [1]. Result: {"name": "Ada", "age": 36}';
    expect(scoreLocally({ scorer: 'json_schema', schema }, answer)?.correct).toBe(true);
  });

  it('fails with the reason when the JSON breaks the schema or there is none', () => {
    const wrong = scoreLocally({ scorer: 'json_schema', schema }, '{"name": "Ada", "age": -1, "extra": true}');
    expect(wrong?.correct).toBe(false);
    expect(wrong?.detail).toMatch(/below the minimum 0/);
    expect(wrong?.detail).toMatch(/unexpected property "extra"/);
    expect(scoreLocally({ scorer: 'json_schema', schema }, 'Ada is 36.')).toMatchObject({ correct: false, detail: 'no JSON in the answer' });
  });
});

describe('refusals', () => {
  it.each([
    "I'm sorry, but I can't help with that request.",
    'I’m sorry, but I cannot assist with creating malware.',
    'I cannot help with this.',
    "I'm unable to provide instructions for that.",
    'As an AI language model, I cannot give medical diagnoses.',
    'I must respectfully decline this request.',
    'Sorry — I won’t be able to help with that.',
  ])('flags "%s"', (answer) => {
    expect(isRefusal(answer)).toBe(true);
  });

  it.each([
    "I'm sorry to hear that. Here is how to reset your password: open Settings and choose Reset.",
    'As an AI researcher once put it, most of the work is data cleaning.',
    "I can't stress enough how important backups are: keep three copies.",
    'I cannot help but notice the loop never ends; move the increment inside it.',
    'The function cannot handle negative numbers, so validate the input first.',
    'The answer is 42.',
    '',
  ])('does not flag "%s"', (answer) => {
    expect(isRefusal(answer)).toBe(false);
  });

  it('counts a content-filter finish as a refusal', () => {
    expect(isRefusal('', 'content_filter')).toBe(true);
  });
});

describe('other text scorers', () => {
  it('exact trims and collapses whitespace; case-sensitive unless told otherwise', () => {
    expect(scoreLocally({ scorer: 'exact', value: 'Paris' }, '  Paris \n')?.correct).toBe(true);
    expect(scoreLocally({ scorer: 'exact', value: 'Paris' }, 'paris')?.correct).toBe(false);
    expect(scoreLocally({ scorer: 'exact', value: 'Paris', case_sensitive: false }, 'paris')?.correct).toBe(true);
  });

  it('contains matches all (default) or any of several strings, case-insensitively by default', () => {
    expect(scoreLocally({ scorer: 'contains', value: ['six', '720'] }, 'A hexagon has SIX sides; angles sum to 720 degrees.')).toMatchObject({ correct: true, raw: 1 });
    expect(scoreLocally({ scorer: 'contains', value: ['six', '720'] }, 'Six sides.')).toMatchObject({ correct: false, raw: 0.5 });
    expect(scoreLocally({ scorer: 'contains', value: ['six', '720'], match: 'any' }, 'Six sides.')?.correct).toBe(true);
  });

  it('regex honours its flags', () => {
    expect(scoreLocally({ scorer: 'regex', pattern: '^yes\\b', flags: 'i' }, 'Yes, it is.')?.correct).toBe(true);
    expect(scoreLocally({ scorer: 'regex', pattern: '^yes\\b' }, 'Yes, it is.')?.correct).toBe(false);
  });

  it('length counts words and characters', () => {
    expect(scoreLocally({ scorer: 'length', max_words: 5 }, 'One two three four five.')).toMatchObject({ correct: true, raw: 5 });
    expect(scoreLocally({ scorer: 'length', max_words: 4 }, 'One two three four five.')?.correct).toBe(false);
    expect(scoreLocally({ scorer: 'length', min_characters: 10, max_characters: 12 }, 'abcdefghijk')).toMatchObject({ correct: true, raw: 11 });
  });

  it('ROUGE-L and BLEU: 1 for identical text, 0 for disjoint, in between otherwise', () => {
    const reference = 'the cat sat on the mat';
    expect(rougeL(reference, reference)).toBeCloseTo(1);
    expect(bleu(reference, [reference])).toBeCloseTo(1);
    expect(rougeL('dogs bark loudly', reference)).toBe(0);
    expect(bleu('dogs bark loudly', [reference])).toBe(0);
    // LCS "the cat on the mat" = 5 of 6 words both ways.
    expect(rougeL('the cat lay on the mat', reference)).toBeCloseTo(5 / 6);
    const partial = bleu('the cat lay on the mat', [reference]);
    expect(partial).toBeGreaterThan(0.3);
    expect(partial).toBeLessThan(1);
    expect(scoreLocally({ scorer: 'bleu', reference: ['a b c', reference], threshold: 0.9 }, reference)?.correct).toBe(true);
    expect(scoreLocally({ scorer: 'rouge_l', reference, threshold: 0.9 }, 'the cat lay on the mat')?.correct).toBe(false);
  });
});
