/** Deterministic filler sentences that pad answers to their drawn length. */
import type { SeededRandom } from '../random.js';
import { countTextTokens } from '../tokens.js';

const SENTENCES = [
  'The main consideration here is {k}, which shapes everything that follows.',
  'In practice, {k} tends to matter more than it first appears.',
  'A useful way to think about {k} is to start from the simplest case and build up.',
  'This holds in most situations, although edge cases deserve a second look.',
  'It is worth checking the assumptions before relying on the result.',
  'Several sources agree on this point, and the reasoning is straightforward.',
  'The details around {k} can vary, so treat this as a general guide.',
  'If more context is available, the answer can be made more precise.',
  'One common mistake is to overlook how {k} interacts with the rest of the problem.',
  'Taken together, these points give a consistent picture.',
  'For most readers, the short version above is enough to act on.',
  'The trade-off is between simplicity and completeness, and both have merit.',
  'When in doubt, a small experiment with {k} settles the question quickly.',
  'That said, the broader context around {k} should not be ignored.',
  'This approach is widely used because it is easy to explain and to verify.',
  'Additional examples would only reinforce the same conclusion.',
  'The key idea is simple even if the surrounding detail is not.',
  'Keeping {k} in mind makes the remaining steps easier to follow.',
];

/** Appends filler sentences to `text` until it reaches about `targetTokens` tokens. */
export function padToTokens(text: string, targetTokens: number, keywords: readonly string[], random: SeededRandom): string {
  let result = text;
  let tokens = countTextTokens(result);
  let paragraphLength = 0;
  let previous = -1;
  while (tokens < targetTokens) {
    const keyword = keywords.length > 0 ? random.pick(keywords) : 'this topic';
    // Never the same sentence twice in a row.
    const index = (previous + 1 + random.integer(0, SENTENCES.length - 2)) % SENTENCES.length;
    previous = index;
    const sentence = (SENTENCES[index] ?? '').replace('{k}', keyword);
    const separator = result.length === 0 || /\s$/.test(result) ? '' : paragraphLength >= 4 ? '\n\n' : ' ';
    paragraphLength = separator === '\n\n' ? 1 : paragraphLength + 1;
    result += separator + sentence;
    tokens += countTextTokens(separator + sentence);
  }
  return result;
}
