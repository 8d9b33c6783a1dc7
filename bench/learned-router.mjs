// Learned strong/weak routers, measured on prompts they never saw (RouteLLM's metrics).
// GSM8K: k-fold cross-validation; MMLU: whole subjects held out (leave-subjects-out folds).
// Rows: prompt length alone, the pre-call router (and its training targets), the cascade
// verifier (weak model first), a crude check of the weak answer, and the random router.
// Every trained setting is fixed in the code (nothing is tuned on the test folds; the
// router's own inner cross-validation sees only the training folds). Then decision time.
// --repeats=N repeats the cross-validation on N fold partitions (seeds seed … seed+N−1).
//   npm run build && node bench/learned-router.mjs [--folds=5] [--seed=1] [--repeats=1] [--quick] [--json]
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { countTokens } from 'gpt-tokenizer';
import { readRoutingData } from '../dist/router/learned/dataset.js';
import { LearnedRouter } from '../dist/router/learned/learned-router.js';
import { CascadeVerifier } from '../dist/router/learned/cascade-verifier.js';
import { evaluateRouting, cascadeCost, preCallCost, weakCostRatio } from '../dist/router/learned/metrics.js';
import { operatingPoint } from '../dist/router/learned/calibration.js';
import { groupFoldAssignment, kFoldAssignment, splitByFold, summarize } from '../dist/router/learned/cross-validation.js';

const STRONG = 'gpt-4-1106-preview';
const WEAK = 'mixtral-8x7b-instruct';
const DATA = fileURLToPath(new URL('../../shared/data/routing/', import.meta.url));
const PRICES = { strongInput: 10, strongOutput: 30, weakInput: 0.6, weakOutput: 0.6 }; // $ per M tokens

const args = Object.fromEntries(process.argv.slice(2).map((arg) => { const [key, value] = arg.replace(/^--/, '').split('='); return [key, value ?? true]; }));
const folds = Number(args.folds ?? 5);
const seed = Number(args.seed ?? 1);
const quick = Boolean(args.quick);
const repeats = Number(args.repeats ?? 1);
const partitionSeeds = Array.from({ length: repeats }, (_, repeat) => seed + repeat);

if (!existsSync(`${DATA}gsm8k-train.jsonl`)) {
  console.error(`routing data not found in ${DATA} (expected ../shared/data/routing next to the project)`);
  process.exit(1);
}

const lastModels = {};

/** Runs `methods` (name → (train, test) → scores) over the folds; returns per-method per-fold metrics. */
function crossValidate(label, examples, assignments, methods) {
  const results = Object.fromEntries(Object.keys(methods).map((name) => [name, []]));
  for (const [repeat, assignment] of assignments.entries()) for (let fold = 0; fold < folds; fold++) {
    const { train, test } = splitByFold(examples, assignment, fold);
    const outcomes = { strong: test.map((example) => example.strong), weak: test.map((example) => example.weak) };
    for (const [name, method] of Object.entries(methods)) {
      const started = performance.now();
      const { scores, threshold, model } = method(train, test);
      if (model) lastModels[`${label}/${name}`] = model;
      const metrics = evaluateRouting(scores, outcomes);
      metrics.scores = scores;
      metrics.test = test;
      metrics.trainSeconds = (performance.now() - started) / 1000;
      if (threshold !== undefined) metrics.atThreshold = operatingPoint(scores, outcomes, threshold);
      if (model) metrics.choice = model.file.model.gain.kind === 'trees' ? 'T' : model.file.model.gain.kind === 'ensemble' ? (model.file.features.words ? 'E' : 'e') : model.file.features.words ? 'W' : 'L';
      results[name].push(metrics);
    }
    process.stderr.write(`  ${label}: partition ${repeat + 1}/${assignments.length}, fold ${fold + 1}/${folds} done\n`);
  }
  return results;
}

const partitions = repeats > 1 ? ` × ${repeats} partitions` : '';
const format = (summary, digits = 3) => `${summary.mean.toFixed(digits)} ± ${summary.sd.toFixed(digits)}`;

function table(title, results, { cascade = new Set(), weakCost }) {
  const lines = [`\n### ${title}`, '', `| method | APGR | CPT50 | CPT80 | strong_fraction_at_95 | cost at 95 % (strong = 1, weak = ${weakCost.toFixed(3)}) | at the file's threshold: strong share, accuracy / strong | model per fold |`, '|---|---|---|---|---|---|---|---|'];
  const summaries = {};
  for (const [name, perFold] of Object.entries(results)) {
    const pick = (key) => summarize(perFold.map((metrics) => metrics[key]));
    const at95 = pick('strongFractionAt95');
    const cost = cascade.has(name) ? cascadeCost(at95.mean, weakCost) : preCallCost(at95.mean, weakCost);
    const withThreshold = perFold.filter((metrics) => metrics.atThreshold);
    const operating = withThreshold.length > 0
      ? `${format(summarize(withThreshold.map((metrics) => metrics.atThreshold.strongFraction)), 2)}, ${format(summarize(withThreshold.map((metrics) => metrics.atThreshold.accuracy / metrics.strong)), 3)}`
      : '—';
    summaries[name] = { apgr: pick('apgr'), cpt50: pick('cpt50'), cpt80: pick('cpt80'), strong_fraction_at_95: at95, cost_at_95: cost, folds: perFold.map((metrics) => ({ apgr: metrics.apgr, n: metrics.n, weak: metrics.weak, strong: metrics.strong })) };
    const choices = perFold.map((metrics) => metrics.choice ?? '').join('');
    lines.push(`| ${name} | ${format(summaries[name].apgr)} | ${format(summaries[name].cpt50, 2)} | ${format(summaries[name].cpt80, 2)} | ${format(at95, 2)} | ${cost.toFixed(3)} | ${operating} | ${choices || '—'} |`);
  }
  const first = Object.values(results)[0];
  const random = first[0].random;
  lines.push(`| random (expected) | ${random.apgr.toFixed(3)} | ${random.cpt50.toFixed(2)} | ${random.cpt80.toFixed(2)} | ${format(summarize(first.map((metrics) => metrics.random.strongFractionAt95)), 2)} | | | |`);
  lines.push('', 'model per fold (chosen by the inner cross-validation on the training folds): T boosted trees, E trees + linear with hashed words (mean), W linear with hashed words, L linear.');
  lines.push('', `per fold: n ${first.map((metrics) => metrics.n).join(', ')}; weak accuracy ${first.map((metrics) => metrics.weak.toFixed(3)).join(', ')}; strong ${first.map((metrics) => metrics.strong.toFixed(3)).join(', ')}`);
  console.log(lines.join('\n'));
  return summaries;
}

const lengthOnly = (_train, test) => ({ scores: test.map((example) => example.prompt.length) });
const preCall = (target, extra = {}) => (train, test) => {
  const router = LearnedRouter.train(train, { strong: STRONG, weak: WEAK, seed, ...(target ? { target } : {}), ...extra });
  return { scores: test.map((example) => router.scorePrompt(example.prompt, example.subject)), threshold: router.threshold, model: router };
};
const cascade = (target, extra = {}) => (train, test) => {
  const verifier = CascadeVerifier.train(train, { strong: STRONG, weak: WEAK, seed, ...(target ? { target } : {}), ...extra });
  return { scores: test.map((example) => verifier.score(example.prompt, example.weakAnswer)), threshold: verifier.threshold, model: verifier };
};
const TREES_ONLY = { candidates: [{ model: 'trees', words: false }] };
const LINEAR_WORDS_ONLY = { candidates: [{ model: 'linear', words: true }] };
// What a one-line check of the weak answer gives: escalate when there is no "#### <number>" final answer.
const crudeCheck = (_train, test) => ({ scores: test.map((example) => (/####\s*\$?-?\d/.test(example.weakAnswer) ? 0 : 1)) });

// Realistic weak/strong cost ratio on GSM8K: real prompts and both models' real answers, priced per token.
const gsm8k = readRoutingData(`${DATA}gsm8k-train.jsonl`, { strong: STRONG, weak: WEAK, requireWeakAnswer: true });
const gsmRaw = (await import('node:fs')).readFileSync(`${DATA}gsm8k-train.jsonl`, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const averageTokens = (pick) => gsmRaw.reduce((sum, row) => sum + countTokens(pick(row)), 0) / gsmRaw.length;
const tokens = { input: averageTokens((row) => row.prompt) + 120, strongOutput: averageTokens((row) => row.responses[STRONG]), weakOutput: averageTokens((row) => row.responses[WEAK]) };
const weakCost = weakCostRatio(PRICES, tokens);
console.log(`# Learned router benchmark (Node ${process.version}, ${folds} folds × ${repeats} partition(s), seed ${seed})`);
console.log(`\nCost model: strong = 1 per request; weak = ${weakCost.toFixed(4)} — GPT-4-1106 $10/$30 vs Mixtral $0.6/$0.6 per M tokens, GSM8K averages of ${tokens.input.toFixed(0)} input tokens (prompt + ~120 of instructions), ${tokens.strongOutput.toFixed(0)} strong / ${tokens.weakOutput.toFixed(0)} weak output tokens. A cascade always pays the weak call.`);

const report = { weakCost, gsm8k: {}, mmlu: {} };
process.stderr.write(`GSM8K (${gsm8k.length} prompts), ${folds}-fold CV\n`);
const gsmMethods = {
  'prompt length only': lengthOnly,
  'pre-call router (net-gain)': preCall(),
  'cascade: crude check (no "#### n" final answer)': crudeCheck,
  'cascade verifier (net-gain)': cascade(),
};
if (!quick) {
  Object.assign(gsmMethods, {
    'pre-call, target weak-wrong': preCall('weak-wrong'),
    'pre-call, target strong-wins': preCall('strong-wins'),
    'pre-call, boosted trees only': preCall(undefined, TREES_ONLY),
    'pre-call, linear + hashed words only': preCall(undefined, LINEAR_WORDS_ONLY),
    'cascade, target weak-wrong': cascade('weak-wrong'),
    'cascade, target strong-wins': cascade('strong-wins'),
    'cascade, boosted trees only': cascade(undefined, TREES_ONLY),
    'cascade, linear + hashed words only': cascade(undefined, LINEAR_WORDS_ONLY),
  });
}
const gsmResults = crossValidate('gsm8k', gsm8k, partitionSeeds.map((partition) => kFoldAssignment(gsm8k.length, folds, partition)), gsmMethods);
report.gsm8k = table(`GSM8K, ${folds}-fold cross-validation${partitions} (mean ± sd over folds)`, gsmResults, { cascade: new Set(Object.keys(gsmMethods).filter((name) => name.startsWith('cascade'))), weakCost });

const mmlu = readRoutingData(`${DATA}mmlu-train.jsonl`, { strong: STRONG, weak: WEAK });
const subjectFolds = partitionSeeds.map((partition) => groupFoldAssignment(mmlu.map((example) => example.subject), folds, partition));
const { groupsByFold } = subjectFolds[0];
process.stderr.write(`MMLU (${mmlu.length} prompts), ${folds} folds of held-out subjects\n`);
// Not a router: each held-out subject's true net gain (strong − weak accuracy), known only from the test
// labels. It measures how much of APGR the subject mix alone explains.
const subjectOracle = (_train, test) => {
  const gain = new Map();
  for (const example of test) gain.set(example.subject, (gain.get(example.subject) ?? 0) + example.strong - example.weak);
  return { scores: test.map((example) => gain.get(example.subject)) };
};
const mmluMethods = { 'prompt length only': lengthOnly, 'pre-call router (net-gain)': preCall(), 'reference, not a router: true gain of each held-out subject': subjectOracle };
if (!quick) {
  Object.assign(mmluMethods, {
    'pre-call, target weak-wrong': preCall('weak-wrong'),
    'pre-call, target strong-wins': preCall('strong-wins'),
    'pre-call, linear + hashed words only': preCall(undefined, LINEAR_WORDS_ONLY),
  });
}
const mmluResults = crossValidate('mmlu', mmlu, subjectFolds.map((partition) => partition.assignment), mmluMethods);
report.mmlu = table(`MMLU, ${folds} folds of held-out subjects${partitions} (mean ± sd over folds)`, mmluResults, { weakCost });
console.log(`\nsubjects per fold (first partition): ${groupsByFold.map((names, fold) => `${fold + 1}: ${names.join(' ')}`).join('; ')}`);
console.log(`per-fold APGR of the pre-call router: ${mmluResults['pre-call router (net-gain)'].map((metrics) => metrics.apgr.toFixed(3)).join(', ')}`);
// Within one subject, only the question's own difficulty can rank prompts: APGR per held-out subject.
function withinSubject(perFold) {
  const values = [];
  for (const metrics of perFold) {
    const bySubject = new Map();
    metrics.test.forEach((example, index) => {
      const entry = bySubject.get(example.subject) ?? { scores: [], strong: [], weak: [] };
      entry.scores.push(metrics.scores[index]);
      entry.strong.push(example.strong);
      entry.weak.push(example.weak);
      bySubject.set(example.subject, entry);
    });
    for (const entry of bySubject.values()) {
      const metrics = evaluateRouting(entry.scores, entry);
      if (metrics.strong - metrics.weak >= 0.05) values.push(metrics.apgr);
    }
  }
  return summarize(values);
}
console.log(`APGR within each held-out subject (mean ± sd over held-out subjects where strong beats weak by ≥ 5 points): pre-call router ${format(withinSubject(mmluResults['pre-call router (net-gain)']))}; prompt length ${format(withinSubject(mmluResults['prompt length only']))}`);

if (!quick) {
  // For contrast: subjects seen in training (random folds), with the subject as a feature.
  process.stderr.write('MMLU, random folds (subjects seen in training)\n');
  const seen = crossValidate('mmlu-seen', mmlu, partitionSeeds.map((partition) => kFoldAssignment(mmlu.length, folds, partition)), { 'pre-call router, subjects seen': preCall(undefined, { subject: true }) });
  report.mmluSubjectsSeen = table(`MMLU, ${folds} random folds${partitions}, subjects seen in training, subject as a feature`, seen, { weakCost });
}

// Decision time: one decision at a time after a warm-up, on real prompts and on one ~8,000-token prompt.
function time(label, texts, decide, iterations = 20000) {
  for (let index = 0; index < 3000; index++) decide(texts[index % texts.length], index);
  const timings = new Float64Array(iterations);
  for (let index = 0; index < iterations; index++) {
    const started = process.hrtime.bigint();
    decide(texts[index % texts.length], index);
    timings[index] = Number(process.hrtime.bigint() - started) / 1000;
  }
  timings.sort();
  const at = (p) => timings[Math.min(timings.length - 1, Math.ceil((p / 100) * timings.length) - 1)];
  console.log(`| ${label} | ${at(50).toFixed(1)} | ${at(99).toFixed(1)} |`);
  return { p50: at(50), p99: at(99) };
}
const gsmRouter = LearnedRouter.train(gsm8k, { strong: STRONG, weak: WEAK, seed });
const gsmVerifier = CascadeVerifier.train(gsm8k, { strong: STRONG, weak: WEAK, seed });
const mmluRouter = lastModels['mmlu/pre-call router (net-gain)'];
// The slowest kind of decision: boosted trees plus a linear model reading hashed words.
const wordsRouter = LearnedRouter.train(mmlu.slice(0, 3000), { strong: STRONG, weak: WEAK, seed, candidates: [{ model: 'ensemble', words: true }] });
const longPrompt = JSON.parse(JSON.stringify(`${'The quarterly planning document describes the migration of our billing service to the new platform, and the risks we see in the data model. '.repeat(330)}How many teams should move first?`));
console.log('\n### Decision time (µs per decision, one at a time)\n\n| decision | p50 µs | p99 µs |\n|---|---|---|');
const kind = (model) => `${model.file.model.gain.kind}${model.file.features.words ? ' + hashed words' : ''}`;
report.timing = {
  gsm8kPreCall: time(`pre-call (${kind(gsmRouter)}), GSM8K prompts`, gsm8k.map((example) => example.prompt), (text) => gsmRouter.needsStrong(text)),
  mmluPreCall: time(`pre-call (${kind(mmluRouter)}), MMLU prompts`, mmlu.map((example) => example.prompt), (text) => mmluRouter.needsStrong(text)),
  wordsPreCall: time(`pre-call (${kind(wordsRouter)}), MMLU prompts`, mmlu.map((example) => example.prompt), (text) => wordsRouter.needsStrong(text)),
  longPrompt: time(`pre-call (${kind(wordsRouter)}), one ${countTokens(longPrompt)}-token prompt`, [longPrompt], (text) => wordsRouter.needsStrong(text), 5000),
  cascade: time(`cascade verifier (${kind(gsmVerifier)}), GSM8K prompt + weak answer`, gsm8k.map((example) => example.prompt), (text, index) => gsmVerifier.shouldEscalate(text, gsm8k[index % gsm8k.length].weakAnswer)),
};
if (args.json) console.log(`\n${JSON.stringify(report)}`);
