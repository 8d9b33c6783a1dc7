// Trains the shipped task classifier (models/task-classifier.json): the prompts written for this
// project (data/task-prompts.jsonl) less a stratified 20 % held out (seed 7), plus the public
// prompts of bench/.tmp/task-public/train.jsonl (scripts/prepare-task-data.mjs: P3 templates,
// HumanEval, BFCL live requests, GSM8K questions, Self-Instruct seed tasks, IFEval prompts). Then reports accuracy on the held-out part,
// the hand-written prompts (data/task-prompts-wild.jsonl), the public held-out sources
// (validation.jsonl) and BELLE's Chinese evaluation set (belle.jsonl) — on which, with the
// hand-written prompts, the options were chosen — and two sets never used to choose anything:
// MT-Bench + Vicuna (data/task-prompts-public.jsonl) and WizardLM's test set (wizardlm.jsonl).
// Uses the built code.
//   npm run build && node scripts/prepare-task-data.mjs && node scripts/train-task-classifier.mjs [--out=FILE] [--validation-only]
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { evaluate, readDataset, splitStratified } from '../dist/router/classifier/dataset.js';
import { BUCKETS, HEAD_CHARS, TAIL_CHARS } from '../dist/router/classifier/features.js';
import { DEFAULT_TRAINING } from '../dist/router/classifier/linear-model.js';
import { SHIPPED_MODEL, TaskClassifier } from '../dist/router/classifier/task-classifier.js';
import { formatEvaluation } from '../dist/cli/classifier.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = process.argv.find((arg) => arg.startsWith('--out='))?.slice(6) ?? fileURLToPath(SHIPPED_MODEL);
const publicTrain = `${root}bench/.tmp/task-public/train.jsonl`;
if (!existsSync(publicTrain)) {
  console.error(`missing ${publicTrain}: run node scripts/prepare-task-data.mjs first`);
  process.exit(1);
}
const userOriented = `${root}bench/.tmp/task-public/user-oriented.jsonl`;
const HOLDOUT = 0.2;
const SEED = DEFAULT_TRAINING.seed;
const generated = readDataset(`${root}data/task-prompts.jsonl`);
const { train, test } = splitStratified(generated, HOLDOUT, SEED);
// How often the hand-labelled Self-Instruct tasks count: once. Three times raised the validation
// sets but took the hand-written prompts to 88.6 %, under the 90 % they must keep.
const SELF_INSTRUCT_WEIGHT = 1;
const extra = readDataset(publicTrain).flatMap((row) => (row.group?.startsWith('self-instruct/') ? Array.from({ length: SELF_INSTRUCT_WEIGHT }, () => row) : [row]));
// How often the generated prompts count: once. Chosen on the validation sets with the hand-written
// prompts kept at 90 % or more (1 / 2 / 3 tried, mean of the three validation sets 55.3 / 53.8 / 52.8 %).
const WEIGHT = Number(process.argv.find((arg) => arg.startsWith('--weight='))?.slice(9) ?? 1);
const started = Date.now();
const classifier = TaskClassifier.train([...Array.from({ length: WEIGHT }, () => train).flat(), ...extra], { seed: SEED });
classifier.save(out, {
  data: 'data/task-prompts.jsonl',
  examples: train.length,
  split: 'random',
  holdout: HOLDOUT,
  seed: SEED,
  publicExamples: extra.length,
  publicSources: [...new Set(extra.map((row) => row.group))].sort(),
  training: { ...DEFAULT_TRAINING, seed: SEED },
  features: { buckets: BUCKETS, headChars: HEAD_CHARS, tailChars: TAIL_CHARS, dense: classifier.model.denseKind || 'none' },
});
console.log(`trained on ${train.length} generated + ${extra.length} public prompts in ${((Date.now() - started) / 1000).toFixed(0)} s (load average ${loadavg()[0].toFixed(1)}) → ${out}\n`);
const predict = (text) => classifier.classify({ text }).category;
for (const [label, rows] of [
  ['held-out 20 % of data/task-prompts.jsonl', test],
  ['data/task-prompts-wild.jsonl (hand-written)', readDataset(`${root}data/task-prompts-wild.jsonl`)],
  ['public held-out sources (validation)', readDataset(`${root}bench/.tmp/task-public/validation.jsonl`)],
  ['BELLE evaluation set, Chinese (validation)', readDataset(`${root}bench/.tmp/task-public/belle.jsonl`)],
  ...(existsSync(userOriented) && readFileSync(userOriented, 'utf8').trim() ? [['Self-Instruct user-oriented instructions (validation)', readDataset(userOriented)]] : []),
  // --validation-only leaves the untouched sets unread, for choosing options without seeing them.
  ...(process.argv.includes('--validation-only')
    ? []
    : [
        ['MT-Bench + Vicuna (data/task-prompts-public.jsonl)', readDataset(`${root}data/task-prompts-public.jsonl`)],
        ['WizardLM test set (never used to choose anything)', readDataset(`${root}bench/.tmp/task-public/wizardlm.jsonl`)],
      ]),
]) {
  console.log(`${formatEvaluation(label, evaluate(rows, predict))}\n`);
}
