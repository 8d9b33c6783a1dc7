/**
 * The answer key of a case, for simulated upstreams (see core/answer-key.ts): what a
 * right answer looks like, from the case's scorer. Real providers never receive it (the
 * gateway forwards the simulator header to simulated providers only).
 */
import { encodeAnswerKey, type AnswerKey } from '../core/answer-key.js';
import type { EvalCase } from './dataset.js';

export function answerKeyOf(evalCase: EvalCase): AnswerKey {
  const { expected, category } = evalCase;
  switch (expected.scorer) {
    case 'choice':
      return { kind: 'choice', category, letter: expected.value };
    case 'numeric':
      return { kind: 'number', category, value: expected.value, tolerance: expected.tolerance ?? 0, relative: expected.relative ?? false };
    case 'exact':
      return { kind: 'exact', category, value: expected.value };
    case 'contains':
      return { kind: 'contains', category, values: Array.isArray(expected.value) ? expected.value : [expected.value], match: expected.match ?? 'all' };
    case 'json_schema':
      return { kind: 'json', category, schema: expected.schema };
    case 'rouge_l':
    case 'embedding':
      return { kind: 'reference', category, text: expected.reference };
    case 'bleu':
      return { kind: 'reference', category, text: Array.isArray(expected.reference) ? (expected.reference[0] as string) : expected.reference };
    case 'length': {
      const key: AnswerKey = { kind: 'length', category };
      if (expected.min_words !== undefined) key.minWords = expected.min_words;
      if (expected.max_words !== undefined) key.maxWords = expected.max_words;
      if (expected.min_characters !== undefined) key.minCharacters = expected.min_characters;
      if (expected.max_characters !== undefined) key.maxCharacters = expected.max_characters;
      return key;
    }
    case 'regex':
    case 'judge':
      return { kind: 'category', category };
  }
}

/**
 * The x-switchyard-sim header value carrying the case's key (only its category when the key
 * is too large to send) and the repetition as the sample to draw: the body's `seed` does not
 * reach every protocol (Anthropic's has none), and repetitions must be distinct samples on all.
 */
export function simulatorHeaderFor(evalCase: EvalCase, runIndex = 0): string {
  const encoded = encodeAnswerKey(answerKeyOf(evalCase)) ?? (encodeAnswerKey({ kind: 'category', category: evalCase.category }) as string);
  return `expect=${encoded};seed=${runIndex}`;
}
