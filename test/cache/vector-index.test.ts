/**
 * The semantic index against scoring every entry exactly: on a scope of a few thousand
 * questions made of common words (long postings, the case the posting budget cuts), the index
 * answers what the exhaustive search answers; removed entries are never returned, before and
 * after the index compacts itself.
 */
import { describe, expect, it } from 'vitest';
import { LocalEmbedder } from '../../src/cache/local-embedder.js';
import { SemanticMatcher } from '../../src/cache/semantic.js';

let seed = 7;
const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const nouns = 'dataset model table column file folder server client request answer budget key route token image audio text batch metric report user team project service library function method parameter option setting log index query record field value network account invoice order payment product customer message queue worker job schedule backup database cluster node region price policy rule'.split(' ');
const verbs = 'load save delete create update read write split merge filter sort share download upload export convert check validate configure install remove rename copy move stream train evaluate compare measure monitor restart'.split(' ');
const adjectives = 'large small new old private public local remote shared default custom empty broken slow fast daily monthly nested encrypted compressed temporary'.split(' ');
const question = (index: number): string =>
  pick([
    () => `How do I ${pick(verbs)} a ${pick(adjectives)} ${pick(nouns)} in the ${pick(nouns)} for ${pick(nouns)} ${index}?`,
    () => `What is the best way to ${pick(verbs)} the ${pick(nouns)} of a ${pick(adjectives)} ${pick(nouns)} for ${pick(nouns)} ${index}?`,
    () => `Why does the ${pick(nouns)} fail when I ${pick(verbs)} a ${pick(adjectives)} ${pick(nouns)}?`,
  ])();
const reword = (text: string): string => text.replace(/^How do I/, 'How can I').replace(/^What is the best way to/, 'How should I').replace(/^Why does/, 'For what reason does');

describe('semantic index', () => {
  it('answers what scoring every entry answers, and forgets removed entries', async () => {
    const embedder = new LocalEmbedder();
    const matcher = new SemanticMatcher(embedder);
    const stored = Array.from({ length: 4000 }, (_, index) => question(index));
    const vectors = await embedder.embed(stored);
    stored.forEach((text, index) => matcher.remember({ key: `k${index}`, semanticScope: 's', question: text, embedding: vectors[index] }));
    const asked = Array.from({ length: 120 }, (_, index) => (index % 2 === 0 ? reword(pick(stored)) : question(10_000 + index)));
    const askedVectors = await embedder.embed(asked);
    let references = 0;
    for (const [index, text] of asked.entries()) {
      const policy = { threshold: 0.7, nearMiss: true };
      const indexed = matcher.findEmbedded('s', text, askedVectors[index]!, policy).candidates[0];
      const reference = matcher.findEmbedded('s', text, askedVectors[index]!, policy, { exhaustive: true }).candidates[0];
      if (!reference) continue;
      references++;
      // The same answer, or (duplicate questions) one exactly as similar.
      expect(indexed?.similarity, text).toBeCloseTo(reference.similarity, 9);
    }
    // Enough hits that the comparison means something (most rewordings clear 0.7).
    expect(references).toBeGreaterThanOrEqual(30);

    // Forget three quarters (the index compacts itself on the way): none of them comes back.
    for (let index = 0; index < 3000; index++) matcher.forget({ key: `k${index}`, semanticScope: 's' });
    expect(matcher.size().entries).toBe(1000);
    for (let index = 0; index < 3000; index += 97) {
      const [vector] = await embedder.embed([stored[index]!]);
      const found = matcher.findEmbedded('s', stored[index]!, vector!, { threshold: 0, nearMiss: false }).candidates;
      for (const candidate of found) expect(Number(candidate.key.slice(1))).toBeGreaterThanOrEqual(3000);
    }
    for (let index = 3000; index < 4000; index += 97) {
      const [vector] = await embedder.embed([stored[index]!]);
      const found = matcher.findEmbedded('s', stored[index]!, vector!, { threshold: 0.99, nearMiss: true }).candidates[0];
      expect(found?.question).toBe(stored[index]);
    }
  });
});
