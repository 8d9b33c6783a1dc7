// Hit quality of the local embedder on a paraphrase set split by a hash of the origin into a
// development half (choices are made on it) and a held-out half (measured only; see
// scripts/paraphrase-split.mjs), each measured with the `switchyard cache eval` protocol for
// seeds 1–N and summed: true, false and wrong hits over the threshold sweep, the best true-hit
// rate with at most 1 % false (and wrong) hits, and the figures at the shipped threshold.
//   node bench/cache-quality.mjs PAIRS.jsonl [--half dev|heldout|all|both] [--seeds 10] [--mix]   (after npm run build)
// --mix: the previous score (half the cosine, half the word alignment) instead of the pair scorer.
import { parseArgs } from 'node:util';
import { readPairs, splitHalves } from '../scripts/paraphrase-split.mjs';

const dist = new URL(process.env.BENCH_DIST ?? '../dist/', import.meta.url);
const { evaluatePairs, DEFAULT_SWEEP } = await import(new URL('cache/evaluate.js', dist));
const { LocalEmbedder } = await import(new URL('cache/local-embedder.js', dist));
const { shippedWordVectors } = await import(new URL('cache/word-vectors.js', dist));

const { values, positionals } = parseArgs({ allowPositionals: true, options: { half: { type: 'string', default: 'both' }, seeds: { type: 'string', default: '10' }, mix: { type: 'boolean', default: false } } });
const file = positionals[0];
if (!file) throw new Error('usage: node bench/cache-quality.mjs PAIRS.jsonl [--half dev|heldout|all|both] [--seeds 10] [--mix]');
const halves = splitHalves(readPairs(file));
const embedder = values.mix ? new LocalEmbedder(shippedWordVectors(), null) : new LocalEmbedder();
const thresholds = [...new Set([...DEFAULT_SWEEP, embedder.defaultThreshold])].sort((a, b) => a - b);
const seeds = Number(values.seeds);
const percent = (value) => `${(100 * value).toFixed(1)} %`;
for (const name of values.half === 'both' ? ['dev', 'heldout'] : [values.half]) {
  const rows = halves[name];
  const sums = new Map(thresholds.map((threshold) => [threshold, { trueHits: 0, falseHits: 0, wrongHits: 0, cached: 0, unrelated: 0 }]));
  for (let seed = 1; seed <= seeds; seed++) {
    const report = await evaluatePairs(rows, embedder, { nearMiss: true, seed, thresholds });
    for (const point of report.sweep) {
      const sum = sums.get(point.threshold);
      sum.trueHits += point.trueHits;
      sum.falseHits += point.falseHits;
      sum.wrongHits += point.wrongHits;
      sum.cached += report.cached;
      sum.unrelated += report.unrelatedQueries;
    }
  }
  console.log(`${name}: ${rows.length} pairs, ${values.mix ? 'half cosine, half alignment' : 'pair scorer'}, seeds 1–${seeds} summed (true / false / wrong hits)`);
  let best;
  for (const [threshold, sum] of sums) {
    const rates = { threshold, trueRate: sum.trueHits / sum.cached, falseRate: sum.falseHits / sum.unrelated, wrongRate: sum.wrongHits / sum.cached };
    if (rates.falseRate <= 0.01 && rates.wrongRate <= 0.01 && (!best || rates.trueRate > best.trueRate)) best = rates;
    console.log(`  ${threshold.toFixed(3)}${threshold === embedder.defaultThreshold ? '*' : ' '} ${percent(rates.trueRate).padStart(7)} ${percent(rates.falseRate).padStart(7)} ${percent(rates.wrongRate).padStart(7)}   (true ${sum.trueHits}/${sum.cached}, false ${sum.falseHits}/${sum.unrelated}, wrong ${sum.wrongHits})`);
  }
  console.log(`  best with ≤ 1 % false and wrong hits: ${best ? `${best.threshold} → ${percent(best.trueRate)} true, ${percent(best.falseRate)} false` : 'none'}   (* the shipped threshold)`);
}
