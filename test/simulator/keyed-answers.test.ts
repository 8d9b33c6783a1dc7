import { describe, expect, it } from 'vitest';
import type { AnswerKey } from '../../src/core/answer-key.js';
import { decodeAnswerKey, encodeAnswerKey } from '../../src/core/answer-key.js';
import { answerKeyOf } from '../../src/eval/answer-key.js';
import { parseDataset } from '../../src/eval/dataset.js';
import { scoreLocally } from '../../src/eval/scoring/score-answer.js';
import { parseSimHeader } from '../../src/simulator/behaviour.js';
import type { ChatInput } from '../../src/simulator/generation/chat-input.js';
import { generateChat } from '../../src/simulator/generation/generate-chat.js';
import { countPromptTokens } from '../../src/simulator/generation/prompt-tokens.js';
import { SIMULATED_CATALOG } from '../../src/simulator/index.js';

const CASES = [
  { id: 'mc', category: 'qa', prompt: 'Which planet is largest?\nA) Mars\nB) Jupiter\nC) Venus\nD) Mercury\nAnswer with the letter.', expected: { scorer: 'choice', value: 'B' } },
  { id: 'word', category: 'math', prompt: 'A baker sells 14 loaves each morning and 9 each evening. How many loaves does she sell in a week?', expected: { scorer: 'numeric', value: 161 } },
  { id: 'tol', category: 'math', prompt: 'Roughly how far is it?', expected: { scorer: 'numeric', value: 100, tolerance: 5 } },
  { id: 'exact', category: 'qa', prompt: 'Capital of France? One word.', expected: { scorer: 'exact', value: 'Paris' } },
  { id: 'list', category: 'extraction', prompt: 'Extract the people named: Ada met Grace and Alan in London. Return a JSON list.', expected: { scorer: 'contains', value: ['Ada', 'Grace', 'Alan'] } },
  { id: 'any', category: 'extraction', prompt: 'Name one city mentioned: we flew from Lisbon to Oslo.', expected: { scorer: 'contains', value: ['Lisbon', 'Oslo'], match: 'any' } },
  {
    id: 'json',
    category: 'extraction',
    prompt: 'Extract the invoice number and total as JSON: Invoice 4471, total 99.50 EUR.',
    expected: { scorer: 'json_schema', schema: { type: 'object', required: ['invoice', 'total'], properties: { invoice: { type: 'string' }, total: { type: 'number' } } } },
  },
  { id: 'rouge', category: 'summarization', prompt: 'Summarise: the committee met on Monday and approved the new budget after a long debate.', expected: { scorer: 'rouge_l', reference: 'The committee approved the new budget on Monday after a long debate.', threshold: 0.5 } },
  { id: 'bleu', category: 'translation', prompt: 'Translate into French: the cat sleeps on the warm mat.', expected: { scorer: 'bleu', reference: ['le chat dort sur le tapis chaud'], threshold: 0.4 } },
  { id: 'length', category: 'creative', prompt: 'Write a short poem about rain.', expected: { scorer: 'length', min_words: 10, max_words: 40 } },
];

const dataset = parseDataset(CASES.map((line) => JSON.stringify(line)).join('\n'));
const model = SIMULATED_CATALOG.find((candidate) => candidate.name === 'gpt-5.4-mini')!;

function chatInput(text: string, seed: number): ChatInput {
  return { messages: [{ role: 'user', text, imageCount: 0, toolCalls: [] }], tools: [], toolChoice: { mode: 'none' }, parallelToolCalls: true, responseFormat: { type: 'text' }, seed };
}

describe('answer keys', () => {
  it('round-trip through the x-switchyard-sim header, and bad ones are refused with the key named', () => {
    expect(dataset.problems).toEqual([]);
    for (const evalCase of dataset.cases) {
      const key = answerKeyOf(evalCase);
      expect(parseSimHeader(`expect=${encodeAnswerKey(key)}`).answerKey).toEqual(key);
    }
    expect(decodeAnswerKey('not-base64-json')).toMatch(/base64url/);
    expect(decodeAnswerKey(Buffer.from(JSON.stringify({ kind: 'choice', category: 'qa', letter: 'Z' })).toString('base64url'))).toMatch(/malformed choice/);
    expect(decodeAnswerKey(Buffer.from(JSON.stringify({ kind: 'choice', category: 'poetry', letter: 'A' })).toString('base64url'))).toMatch(/category/);
    expect(() => parseSimHeader('expect=%%%')).toThrow(/expect/);
  });

  it('a key too large for a header is not encoded', () => {
    expect(encodeAnswerKey({ kind: 'reference', category: 'summarization', text: 'word '.repeat(2000) })).toBeUndefined();
  });

  it.each(dataset.cases.map((evalCase) => [evalCase.id, evalCase] as const))(
    '%s: right with the probability of the category quality, always readable by the scorer',
    (_id, evalCase) => {
      const key: AnswerKey = answerKeyOf(evalCase);
      const text = evalCase.messages[0]!.content as string;
      const trials = 300;
      let correct = 0;
      for (let seed = 0; seed < trials; seed++) {
        const input = chatInput(text, seed);
        const answer = generateChat(model, input, { maxAnswerTokens: 400, answerKey: key }, countPromptTokens(input));
        const score = scoreLocally(evalCase.expected, answer.content ?? '')!;
        // The scorer agrees with the simulator's own draw on every answer, and can always read it.
        expect(score.correct, `${answer.content}`).toBe(answer.correct);
        expect(score.detail).not.toMatch(/^no (number|choice|JSON)/);
        expect(answer.category).toBe(evalCase.category);
        if (score.correct) correct++;
      }
      const quality = model.quality[evalCase.category];
      // 300 draws: the share is within 4.5 standard deviations of the quality.
      expect(Math.abs(correct / trials - quality)).toBeLessThan(4.5 * Math.sqrt((quality * (1 - quality)) / trials));
    },
  );

  it('without a seed in the request (Anthropic has none), the header\'s seed draws the sample: repetitions are distinct and reproducible', () => {
    expect(parseSimHeader('ttft_ms=0;seed=3').seed).toBe(3);
    expect(() => parseSimHeader('seed=-1')).toThrow(/seed/);
    const evalCase = dataset.cases.find((candidate) => candidate.expected.scorer === 'choice')!;
    const key = answerKeyOf(evalCase);
    const { seed: _none, ...unseeded } = chatInput(evalCase.messages[0]!.content as string, 0);
    const draw = (seed: number | undefined): boolean =>
      generateChat(model, unseeded, { maxAnswerTokens: 400, answerKey: key, ...(seed !== undefined ? { seed } : {}) }, countPromptTokens(unseeded)).correct;
    const draws = Array.from({ length: 200 }, (_, seed) => draw(seed));
    // Without the seed every repetition repeats one draw; with it they spread like the quality.
    expect(new Set(Array.from({ length: 5 }, () => draw(undefined))).size).toBe(1);
    const share = draws.filter(Boolean).length / draws.length;
    const quality = model.quality[evalCase.category];
    expect(Math.abs(share - quality)).toBeLessThan(4.5 * Math.sqrt((quality * (1 - quality)) / draws.length));
    expect(draws.map((_, seed) => draw(seed))).toEqual(draws);
  });

  it('asks for JSON get JSON; asks for a list get the values and nothing else', () => {
    const json = dataset.cases.find((evalCase) => evalCase.id === 'list')!;
    const input = chatInput(json.messages[0]!.content as string, 0);
    const answer = generateChat(model, input, { maxAnswerTokens: 400, answerKey: answerKeyOf(json), forceCorrect: true }, countPromptTokens(input));
    expect(JSON.parse(answer.content!)).toEqual(['Ada', 'Grace', 'Alan']);
  });
});

describe('without a key', () => {
  const answerTo = (text: string, seed: number, modelName = 'gpt-5.4') => {
    const chosen = SIMULATED_CATALOG.find((candidate) => candidate.name === modelName)!;
    const input = chatInput(text, seed);
    return generateChat(chosen, input, { maxAnswerTokens: 400 }, countPromptTokens(input));
  };

  it('a multiple-choice question gets a letter; right answers agree across models', () => {
    const question = 'Which gas do plants absorb?\nA) Oxygen\nB) Nitrogen\nC) Carbon dioxide\nD) Helium';
    const letters = new Set<string>();
    for (const name of ['gpt-5.4', 'claude-opus-4.6', 'gemini-3.1-pro']) {
      for (let seed = 0; seed < 20; seed++) {
        const answer = answerTo(question, seed, name);
        const letter = scoreLocally({ scorer: 'choice', value: 'A' }, answer.content!)!.detail;
        expect(letter).toMatch(/^chose [A-D]$/);
        if (answer.correct) letters.add(letter);
      }
    }
    expect(letters.size).toBe(1);
  });

  it('a word problem gets a number as its final answer', () => {
    const answer = answerTo('Tom has some apples and gives away a few. How many are left if he started with a dozen?', 1);
    expect(answer.category).toBe('math');
    expect(scoreLocally({ scorer: 'numeric', value: 1 }, answer.content!)!.detail).toMatch(/^extracted \d+/);
  });

  it('an extraction asked as JSON or as a list comes without prose', () => {
    const json = answerTo('Extract all emails as JSON: write to ana@example.com or bo@example.org.', 0).content!;
    expect(JSON.parse(json)).toBeTruthy();
    const list = answerTo('List all dates, comma separated: 2026-01-02 and 2026-03-04.', 0).content!;
    expect(list).toMatch(/^2026-01-02(, 2026-03-04)?$/);
  });
});
