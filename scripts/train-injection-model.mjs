// Trains the injection classifier and writes models/injection-classifier.json.
// Uses the built code (run `npm run build` first) and the training set described in
// scripts/guard-data/training-set.mjs; the held-out splits of data/guard/*.jsonl are never
// read. Deterministic: the same data and options give the same file.
//   node scripts/train-injection-model.mjs [--shared=../shared/data] [--out=FILE]
//        [--window=64] [--epochs=12] [--learning-rate=0.3] [--l2=2e-6] [--seed=7]
//        [--benign-weight=8] [--shared-benign=N]  (N shared routing/cache questions as benign)
//        [--extra=A.jsonl,B.jsonl]  more {text, label} rows, for experiments (the shipped model uses none)
//        [--validate]   train on 80 % of the training groups and report the other 20 %
//                       (for choosing options; the shipped model is trained on all of them)
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_INJECTION_TRAINING, trainInjectionModel } from '../dist/guards/injection-training.js';
import { InjectionDetector } from '../dist/guards/injection.js';
import { hashOf } from './guard-data/kit.mjs';
import { loadTrainingSet, validationSplit } from './guard-data/training-set.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((arg) => { const [name, value] = arg.replace(/^--/, '').split('='); return [name, value ?? true]; }));
const root = fileURLToPath(new URL('..', import.meta.url));
const shared = resolve(root, typeof args.shared === 'string' ? args.shared : '../shared/data');
const out = resolve(root, typeof args.out === 'string' ? args.out : 'models/injection-classifier.json');
const options = {
  window: Number(args.window ?? DEFAULT_INJECTION_TRAINING.window),
  stride: Number(args.stride ?? DEFAULT_INJECTION_TRAINING.stride),
  epochs: Number(args.epochs ?? DEFAULT_INJECTION_TRAINING.epochs),
  learningRate: Number(args['learning-rate'] ?? DEFAULT_INJECTION_TRAINING.learningRate),
  l2: Number(args.l2 ?? DEFAULT_INJECTION_TRAINING.l2),
  seed: Number(args.seed ?? DEFAULT_INJECTION_TRAINING.seed),
  threshold: Number(args.threshold ?? DEFAULT_INJECTION_TRAINING.threshold),
  benignWeight: Number(args['benign-weight'] ?? DEFAULT_INJECTION_TRAINING.benignWeight),
};

const { examples, sources } = loadTrainingSet({ root, shared, ...(args['shared-benign'] ? { sharedBenign: Number(args['shared-benign']) } : {}), extra: typeof args.extra === 'string' ? args.extra.split(',') : [] });
console.log(`training examples: ${examples.length} (${Object.entries(sources).map(([name, count]) => `${name} ${count}`).join(', ')})`);

function rate(rows, detector) {
  const flagged = rows.filter((row) => detector.scan(row.text).length > 0).length;
  return { flagged, total: rows.length, rate: rows.length ? flagged / rows.length : 0 };
}

if (args.validate) {
  const split = validationSplit(examples, 20, hashOf);
  const fit = split.fit;
  // Counterparts are attack requests without the attack: only meaningful as training data.
  const validation = split.validation.filter((row) => row.source !== 'counterpart');
  const started = performance.now();
  const model = trainInjectionModel(fit, options);
  console.log(`trained on ${fit.length} examples in ${((performance.now() - started) / 1000).toFixed(1)} s; validating on ${validation.length}`);
  const benign = validation.filter((row) => row.label === 0);
  const attacks = validation.filter((row) => row.label === 1);
  for (const threshold of [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]) {
    const classifier = new InjectionDetector({ model, threshold, rules: false });
    const full = new InjectionDetector({ model, threshold });
    const fp = rate(benign, full);
    const recall = rate(attacks, full);
    const fpModel = rate(benign, classifier);
    const recallModel = rate(attacks, classifier);
    console.log(`threshold ${threshold}: detector FP ${(fp.rate * 100).toFixed(2)} % (${fp.flagged}/${fp.total}), recall ${(recall.rate * 100).toFixed(1)} % (${recall.flagged}/${recall.total}) | classifier alone FP ${(fpModel.rate * 100).toFixed(2)} %, recall ${(recallModel.rate * 100).toFixed(1)} %`);
  }
  const full = new InjectionDetector({ model, threshold: options.threshold });
  const bySource = new Map();
  for (const row of benign) {
    const entry = bySource.get(row.source) ?? { flagged: 0, total: 0 };
    entry.total++;
    if (full.scan(row.text).length > 0) entry.flagged++;
    bySource.set(row.source, entry);
  }
  console.log(`  false positives by source: ${[...bySource].filter(([, entry]) => entry.flagged > 0).map(([source, entry]) => `${source} ${entry.flagged}/${entry.total}`).join(', ')}`);
  const missed = attacks.filter((row) => full.scan(row.text).length === 0).slice(0, 8);
  const falsePositives = benign.filter((row) => full.scan(row.text).length > 0).slice(0, 40);
  for (const row of missed) console.log(`  missed [${row.source}] ${row.text.slice(0, 140).replace(/\s+/g, ' ')}`);
  for (const row of falsePositives) console.log(`  false positive [${row.source}] ${row.text.slice(0, 140).replace(/\s+/g, ' ')} → ${full.scan(row.text).map((finding) => finding.rule).join(", ")}`);
} else {
  const started = performance.now();
  const model = trainInjectionModel(examples, { ...options, trainedOn: { sources, data: ['data/guard/attacks.jsonl#train', 'data/guard/benign.jsonl#train', 'shared/guard', 'shared/routing', 'shared/cache'] } });
  writeFileSync(out, `${JSON.stringify(model.toJSON())}\n`);
  console.log(`wrote ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
