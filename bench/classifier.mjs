// Speed of the local task classifier: the router runs it on every request, so this is a
// per-request cost (bar: <= 50 µs p99 per decision on a ~2,000-token prompt). Prompts of
// about 100, 500, 2,000 and 8,000 tokens (counted with the project's tokenizer), 16
// different texts per size, timed one decision at a time after a warm-up.
//   npm run build && node bench/classifier.mjs [--iterations=5000]
import { loadavg } from 'node:os';
import { countTokens } from '../dist/core/tokens.js';
import { TaskClassifier } from '../dist/router/classifier/task-classifier.js';

const iterations = Number(process.argv.find((arg) => arg.startsWith('--iterations='))?.split('=')[1] ?? 5000);
const classifier = TaskClassifier.load();

const PARAGRAPHS = [
  'The quarterly planning document describes the migration of our billing service to the new platform, the risks we see in the data model, and the order in which teams should move their workloads.',
  'Customer interviews showed that onboarding takes too long: people skip the company-size step, and sales cannot route their leads. Enrichment from the email domain covers about sixty percent of accounts.',
  'def handler(event, context):\n    records = [parse(r) for r in event["Records"]]\n    for record in records:\n        if record.status == "failed":\n            retry(record, attempts=3)\n    return {"ok": True}',
  'Die Besprechung wurde auf Donnerstag verschoben; bitte bringt die aktuellen Zahlen zum Projektbudget mit, damit wir über die Verteilung der Mittel entscheiden können.',
  '2024-05-14T02:05:31.503Z ERROR worker-2 batch 88126 failed: canceling statement due to lock timeout; retrying attempt=2 in 1s after the nightly reconciliation job locked the payments table.',
  'Section 7.5: to qualify for enhanced parental leave an employee must hold a permanent contract, have completed 26 weeks of continuous service, and work at least 20 hours per week.',
];
const QUESTIONS = ['Please summarise the main risks and tell me which team should move first.', 'Across the whole document, what changed and who owns each decision?', 'Why does this fail, and how do I fix it?'];
const TARGETS = [100, 500, 2000, 8000];

/** A prompt of about `tokens` tokens: paragraphs from a rotating start, then a question. */
function prompt(tokens, variant) {
  const parts = [];
  let index = variant;
  let text = '';
  while (countTokens(text) < tokens - 20) {
    parts.push(PARAGRAPHS[index++ % PARAGRAPHS.length]);
    text = parts.join('\n\n');
  }
  // Flat strings, as JSON.parse gives the gateway (concatenation builds slower rope strings).
  return JSON.parse(JSON.stringify(`${text}\n\n${QUESTIONS[variant % QUESTIONS.length]}`));
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

console.log(`task classifier, ${iterations} decisions per size (Node ${process.version}, load average ${loadavg()[0].toFixed(2)})`);
const sizes = TARGETS.map((target) => ({ target, texts: Array.from({ length: 16 }, (_, variant) => prompt(target, variant)), timings: new Float64Array(iterations) }));
for (const { texts } of sizes) for (let index = 0; index < 3000; index++) classifier.classify({ text: texts[index % texts.length] });
// Rounds interleave the sizes, so a busy moment on the machine does not land on one size only.
const ROUNDS = 10;
const perRound = Math.ceil(iterations / ROUNDS);
for (let round = 0; round < ROUNDS; round++) {
  for (const { texts, timings } of sizes) {
    for (let index = round * perRound; index < Math.min(iterations, (round + 1) * perRound); index++) {
      const text = texts[index % texts.length];
      const started = process.hrtime.bigint();
      classifier.classify({ text });
      timings[index] = Number(process.hrtime.bigint() - started) / 1000;
    }
  }
}
console.log('| prompt | characters | p50 µs | p99 µs | max µs |');
console.log('|---|---|---|---|---|');
for (const { texts, timings } of sizes) {
  timings.sort();
  const tokens = Math.round(texts.reduce((sum, text) => sum + countTokens(text), 0) / texts.length);
  const characters = Math.round(texts.reduce((sum, text) => sum + text.length, 0) / texts.length);
  console.log(`| ~${tokens.toLocaleString('en')} tokens | ${characters.toLocaleString('en')} | ${percentile(timings, 50).toFixed(1)} | ${percentile(timings, 99).toFixed(1)} | ${timings[timings.length - 1].toFixed(1)} |`);
}
