/**
 * The built-in embedder's parts: its word vectors (the shipped file and bad files), the words
 * it reads (negations, contractions, compound tokens), the word alignment that lets rewordings
 * through, and the byte form the SQLite and Redis stores keep its vectors in.
 */
import { describe, expect, it } from 'vitest';
import { packEmbedding, unpackEmbedding } from '../../src/cache/codec.js';
import { LocalEmbedder, pairSignals, parsePairScorer, shippedPairScorer, SIGNAL_NAMES, terms, type LocalVector } from '../../src/cache/local-embedder.js';
import { SemanticMatcher } from '../../src/cache/semantic.js';
import { parseWordVectors, shippedWordVectors } from '../../src/cache/word-vectors.js';

const embedder = new LocalEmbedder();

/** The similarity the index gives `question` against `stored` in a scope holding `others` too. */
async function similarity(stored: string, question: string, others: readonly string[] = []): Promise<number> {
  const matcher = new SemanticMatcher(embedder);
  const texts = [stored, ...others];
  const vectors = await embedder.embed(texts);
  texts.forEach((text, index) => matcher.remember({ key: String(index), semanticScope: 's', question: text, embedding: vectors[index]! }));
  const found = await matcher.find('s', question, { threshold: -1, nearMiss: false });
  return found.candidates.find((candidate) => candidate.key === '0')?.similarity ?? 0;
}

describe('the local embedder', () => {
  it('ships word vectors in which synonyms are close and unrelated words are not', () => {
    const vectors = shippedWordVectors();
    expect(vectors.size).toBe(30_000);
    expect(vectors.dimensions).toBe(100);
    const cosine = (left: string, right: string): number => vectors.cosine(vectors.row(left), vectors.row(right));
    expect(cosine('conserve', 'preserve')).toBeGreaterThan(0.5);
    expect(cosine('employ', 'banana')).toBeLessThan(0.2);
    expect(vectors.row('zzzqqq')).toBe(-1);
  });

  it('refuses a word-vector file that is not one, naming it', () => {
    expect(() => parseWordVectors(Buffer.from('hello world, not vectors'), '/x/vectors.bin')).toThrow('/x/vectors.bin: not a word-vector file');
    const header = Buffer.alloc(15);
    header.write('SYWV', 0, 'latin1');
    header.writeUInt8(1, 4);
    header.writeUInt32LE(2, 5);
    header.writeUInt16LE(4, 9);
    header.writeUInt32LE(3, 11);
    expect(() => parseWordVectors(Buffer.concat([header, Buffer.from('a\nb')]), '/x/short.bin')).toThrow('/x/short.bin: truncated');
  });

  it('reads negations and contractions as "not" and splits compound tokens', () => {
    expect(terms("It doesn't exist").map((term) => term.word)).toEqual(['it', 'does', 'not', 'exist']);
    expect(terms('No, never').map((term) => term.word)).toEqual(['not', 'not']);
    expect(terms('Use load_dataset in v2.10.0').map((term) => term.word)).toEqual(['use', 'load_dataset', 'load', 'dataset', 'in', 'v', '2.10.0']);
  });

  it('aligns words the synonym list lacks: a rewording scores above the same sentence about something else', async () => {
    const stored = 'How can I preserve memory while I obtain the files?';
    const reworded = await similarity(stored, 'How can I conserve memory while I acquire the files?');
    const different = await similarity(stored, 'How can I measure memory while I delete the files?');
    expect(reworded).toBeGreaterThan(different);
    // Without word vectors the same embedder only has the sparse cosine to go on: the rewording scores lower.
    const bare = new LocalEmbedder(parseWordVectors(packedVectors([]), 'empty'));
    const matcher = new SemanticMatcher(bare);
    const [vector] = await bare.embed([stored]);
    matcher.remember({ key: '0', semanticScope: 's', question: stored, embedding: vector! });
    const withoutVectors = (await matcher.find('s', 'How can I conserve memory while I acquire the files?', { threshold: -1, nearMiss: false })).candidates[0]?.similarity ?? 0;
    expect(reworded).toBeGreaterThan(withoutVectors);
  });

  it('scores a question that adds a detail lower than one that rewords the same details', async () => {
    const stored = 'The shape method returns the number of rows and columns of the table.';
    const reworded = await similarity(stored, 'The shape method gives the count of rows and columns in the table.');
    const moreDetail = await similarity(stored, 'The shape method returns the number of rows and columns of the table as a tuple, cached after the first call.');
    expect(reworded).toBeGreaterThan(moreDetail);
  });

  it('serves a rewording over its threshold and a question about something else under it', async () => {
    const others = ['How do I delete a column from a table?', 'What is the price of the premium plan?', 'How can I share a model with my team?'];
    const stored = 'How do I load a dataset from a CSV file?';
    expect(await similarity(stored, 'How can I read a dataset from a CSV file?', others)).toBeGreaterThanOrEqual(embedder.defaultThreshold);
    expect(await similarity(stored, 'How do I save a model to a CSV file?', others)).toBeLessThan(embedder.defaultThreshold);
  });

  it('answers with the exact score at or above the floor, and below the floor with a bound no lower than the score', async () => {
    const texts = [
      'How do I load a dataset from a CSV file?',
      'How can I read a dataset from a CSV file?',
      'What is the price of the premium plan?',
      'Datasets supports audio, vision, text, and tabular data.',
      'The documentation covers audio, visual, textual and tabular datasets.',
      'Why does the server fail when I upload a large file?',
    ];
    const vectors = (await embedder.embed(texts)) as LocalVector[];
    const idf = (feature: number): number => 1 + (feature % 7) / 3;
    let bounded = 0;
    for (const query of vectors) {
      for (const entry of vectors) {
        for (const cosine of [0, 0.2, 0.5, 0.9]) {
          const exact = embedder.similarity(query, entry, cosine, idf);
          for (const floor of [0.1, 0.5, embedder.defaultThreshold, 0.95]) {
            const answered = embedder.similarity(query, entry, cosine, idf, floor);
            if (exact >= floor) expect(answered).toBe(exact);
            else {
              expect(answered).toBeLessThan(floor);
              expect(answered).toBeGreaterThanOrEqual(exact - 1e-12);
              if (answered !== exact) bounded++;
            }
          }
        }
      }
    }
    // The cheap bound does cut some pairs short.
    expect(bounded).toBeGreaterThan(0);
    // Every signal stays within 0..1 (the bound assumes it).
    for (const query of vectors) {
      for (const entry of vectors) {
        for (const value of pairSignals(query, entry, 0.5, shippedWordVectors(), idf)) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('reads the shipped pair scorer and refuses a file of other signals', () => {
    const scorer = shippedPairScorer();
    expect(scorer.weights).toHaveLength(SIGNAL_NAMES.length);
    expect(embedder.defaultThreshold).toBe(scorer.threshold);
    expect(() => parsePairScorer('{"format":"other"}', '/x/s.json')).toThrow('/x/s.json: not a cache pair scorer');
    const model = { format: 'switchyard-cache-pair-scorer', signals: ['cosine'], bias: 0, weights: [1], threshold: 0.5 };
    expect(() => parsePairScorer(JSON.stringify(model), '/x/s.json')).toThrow('/x/s.json: trained on other signals');
  });

  it('keeps its words through the byte form the SQLite and Redis stores use', async () => {
    const [vector] = (await embedder.embed(['How do I conserve memory when loading a dataset?'])) as LocalVector[];
    const back = unpackEmbedding(packEmbedding(vector!)) as LocalVector;
    expect(Array.from(back.indices)).toEqual(Array.from(vector!.indices));
    expect(Array.from(back.values)).toEqual(Array.from(vector!.values));
    expect(Array.from(back.words.features)).toEqual(Array.from(vector!.words.features));
    expect(Array.from(back.words.rows)).toEqual(Array.from(vector!.words.rows));
    expect(back.words.rows.some((row) => row >= 0)).toBe(true);
    const dense = Float32Array.from([0.6, 0.8]);
    expect(Array.from(unpackEmbedding(packEmbedding(dense)) as Float32Array)).toEqual(Array.from(dense));
    expect(() => unpackEmbedding(Buffer.from('Xabc'))).toThrow('not a packed embedding');
  });
});

/** A word-vector file of the given words (each a one-hot vector), in the shipped format. */
function packedVectors(words: readonly string[]): Buffer {
  const text = Buffer.from(words.join('\n'), 'utf8');
  const header = Buffer.alloc(15);
  header.write('SYWV', 0, 'latin1');
  header.writeUInt8(1, 4);
  header.writeUInt32LE(words.length === 0 ? 1 : words.length, 5);
  header.writeUInt16LE(2, 9);
  const names = words.length === 0 ? Buffer.from('\u0000') : text;
  header.writeUInt32LE(names.length, 11);
  const count = words.length === 0 ? 1 : words.length;
  const scales = Buffer.alloc(4 * count);
  const values = Buffer.alloc(2 * count);
  for (let row = 0; row < count; row++) values.writeInt8(1, row * 2);
  return Buffer.concat([header, names, scales, values]);
}
