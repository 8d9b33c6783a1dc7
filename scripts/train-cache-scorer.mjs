// Trains models/cache-pair-scorer.json, the pair scorer of the semantic cache's built-in
// embedder: a logistic regression over the signals of a question and a stored question
// (local-embedder.ts pairSignals: idf cosine, word-alignment coverage both ways, exact-word
// coverage both ways, length ratio, SIF word-vector cosine, unmatched words), then the threshold.
// Trained and chosen on the DEVELOPMENT half of a paraphrase set only (scripts/paraphrase-split.mjs;
// the held-out half is measured after, by bench/cache-quality.mjs):
//   - one scope holding every distinct origin of the half; for each paraphrase, its own origin
//     is a positive and the 8 other origins it scores highest on (cosine + alignment) that pass
//     the near-miss check are negatives — the ones a threshold has to tell apart;
//   - L2-regularised (λ = 1, bias free) logistic regression fitted by Newton's method;
//   - the threshold: the sweep point with the most true hits at ≤ 1 % false and wrong hits on
//     the development half (`cache eval` protocol, seeds 1–10 summed).
// The public paraphrase set used: GPTCache's mock_data (MIT), 451 {origin, similar} pairs.
//   npm run build && node scripts/train-cache-scorer.mjs PAIRS.jsonl [--out=models/cache-pair-scorer.json]
import { writeFileSync } from 'node:fs';
import { readPairs, splitHalves } from './paraphrase-split.mjs';

const [file, ...rest] = process.argv.slice(2);
if (!file) throw new Error('usage: node scripts/train-cache-scorer.mjs PAIRS.jsonl [--out=FILE]');
const options = Object.fromEntries(rest.map((argument) => argument.replace(/^--/, '').split('=')));
const out = options.out ?? new URL('../models/cache-pair-scorer.json', import.meta.url).pathname;
const dist = new URL('../dist/', import.meta.url);
const { LocalEmbedder, pairSignals, SIGNAL_NAMES } = await import(new URL('cache/local-embedder.js', dist));
const { SemanticMatcher } = await import(new URL('cache/semantic.js', dist));
const { nearMissReason } = await import(new URL('cache/near-miss.js', dist));
const { shippedWordVectors } = await import(new URL('cache/word-vectors.js', dist));
const { evaluatePairs, bestAtOnePercent, DEFAULT_SWEEP } = await import(new URL('cache/evaluate.js', dist));

const NEGATIVES = 8;
const LAMBDA = 1;
const vectors = shippedWordVectors();
const { dev } = splitHalves(readPairs(file));
const seen = new Set();
const origins = dev.filter((pair) => {
  const key = pair.origin.trim().toLowerCase().replace(/\s+/g, ' ');
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
});

// The signals of every (paraphrase, stored origin) pair, through the index's own idf: an embedder
// that records them while the exhaustive search scores every entry.
const mix = new LocalEmbedder(vectors, null);
let recorded = new Map();
const recorder = {
  name: 'recorder',
  defaultThreshold: 0,
  embed: (texts) => mix.embed(texts),
  similarity(query, entry, cosine, idf) {
    const signals = pairSignals(query, entry, cosine, vectors, idf);
    recorded.set(entry, signals);
    return signals[0] + signals[1];
  },
  similarityBound: () => Infinity,
  indexFeature: (feature) => mix.indexFeature(feature),
};
const matcher = new SemanticMatcher(recorder);
const originVectors = await mix.embed(origins.map((pair) => pair.origin));
origins.forEach((pair, index) => matcher.remember({ key: String(index), semanticScope: 'train', question: pair.origin, embedding: originVectors[index] }));
const rows = [];
for (const [index, pair] of origins.entries()) {
  recorded = new Map();
  const [vector] = await mix.embed([pair.similar]);
  matcher.findEmbedded('train', pair.similar, vector, { threshold: -Infinity, nearMiss: false }, { exhaustive: true });
  const scored = originVectors.map((entry, key) => ({ key, signals: recorded.get(entry) })).filter((each) => each.signals);
  const own = scored.find((each) => each.key === index);
  if (own && nearMissReason(pair.similar, pair.origin) === undefined) rows.push({ label: 1, signals: own.signals });
  scored
    .filter((each) => each.key !== index && nearMissReason(pair.similar, origins[each.key].origin) === undefined)
    .sort((a, b) => b.signals[0] + b.signals[1] - (a.signals[0] + a.signals[1]))
    .slice(0, NEGATIVES)
    .forEach((each) => rows.push({ label: 0, signals: each.signals }));
}

// Newton's method on the L2-regularised log loss (the bias not regularised).
const size = SIGNAL_NAMES.length + 1;
const weights = new Float64Array(size);
for (let iteration = 0; iteration < 30; iteration++) {
  const gradient = new Float64Array(size);
  const hessian = Array.from({ length: size }, () => new Float64Array(size));
  for (const { label, signals } of rows) {
    const x = [1, ...signals];
    const p = 1 / (1 + Math.exp(-x.reduce((sum, value, at) => sum + value * weights[at], 0)));
    for (let i = 0; i < size; i++) {
      gradient[i] += (p - label) * x[i];
      for (let j = 0; j < size; j++) hessian[i][j] += p * (1 - p) * x[i] * x[j];
    }
  }
  for (let i = 1; i < size; i++) {
    gradient[i] += LAMBDA * weights[i];
    hessian[i][i] += LAMBDA;
  }
  // Solve hessian · step = gradient (Gauss–Jordan with partial pivoting).
  const system = hessian.map((row, i) => [...row, gradient[i]]);
  for (let i = 0; i < size; i++) {
    let pivot = i;
    for (let k = i + 1; k < size; k++) if (Math.abs(system[k][i]) > Math.abs(system[pivot][i])) pivot = k;
    [system[i], system[pivot]] = [system[pivot], system[i]];
    for (let k = 0; k < size; k++) {
      if (k === i) continue;
      const factor = system[k][i] / system[i][i];
      for (let j = i; j <= size; j++) system[k][j] -= factor * system[i][j];
    }
  }
  let change = 0;
  for (let i = 0; i < size; i++) {
    const step = system[i][size] / system[i][i];
    weights[i] -= step;
    change = Math.max(change, Math.abs(step));
  }
  if (change < 1e-9) break;
}
const round = (value) => Math.round(value * 1e4) / 1e4;
const model = {
  format: 'switchyard-cache-pair-scorer',
  version: 1,
  trainedOn: `development half of the public paraphrase set (${dev.length} pairs, ${origins.length} distinct origins): ${rows.filter((row) => row.label === 1).length} positives, ${rows.filter((row) => row.label === 0).length} negatives`,
  signals: SIGNAL_NAMES,
  bias: round(weights[0]),
  weights: Array.from(weights.slice(1), round),
  threshold: 0,
};

// The threshold: most true hits within 1 % false and wrong hits on the development half, seeds 1–10 summed.
const scored = new LocalEmbedder(vectors, { bias: model.bias, weights: model.weights, threshold: 0.5 });
const sums = DEFAULT_SWEEP.map((threshold) => ({ threshold, trueHits: 0, falseHits: 0, wrongHits: 0, cached: 0, unrelated: 0 }));
for (let seed = 1; seed <= 10; seed++) {
  const report = await evaluatePairs(dev, scored, { nearMiss: true, seed });
  report.sweep.forEach((point, at) => {
    sums[at].trueHits += point.trueHits;
    sums[at].falseHits += point.falseHits;
    sums[at].wrongHits += point.wrongHits;
    sums[at].cached += report.cached;
    sums[at].unrelated += report.unrelatedQueries;
  });
}
const best = bestAtOnePercent(sums.map((sum) => ({ threshold: sum.threshold, trueHitRate: sum.trueHits / sum.cached, falseHitRate: sum.falseHits / sum.unrelated, wrongHitRate: sum.wrongHits / sum.cached })));
if (!best) throw new Error('no threshold keeps false hits within 1 % on the development half');
model.threshold = best.threshold;
writeFileSync(out, `${JSON.stringify(model, null, 2)}\n`);
console.log(`${out}: ${rows.length} pairs trained; development half at ${best.threshold}: ${(100 * best.trueHitRate).toFixed(1)} % true, ${(100 * best.falseHitRate).toFixed(1)} % false hits`);
