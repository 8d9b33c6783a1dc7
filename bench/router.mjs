// Time the router adds to a request: reading the routing signals from the request, the
// decision itself (filters, category rules + the local classifier, difficulty, strategy)
// and the record stored with the request — for every example routing config, on prompts of
// about 100, 2,000 and 8,000 tokens (bar: ≤ 0.1 ms p99 per decision at 2k tokens).
// A last row times a prompt too long for some candidates' context windows, where the
// conversation must be counted exactly with the tokenizer (the rare, expensive case).
//   npm run build && node bench/router.mjs [--iterations=3000]
import { fileURLToPath } from 'node:url';
import { countTokens } from 'gpt-tokenizer';
import { loadConfig } from '../dist/config/load.js';
import { loadLocalClassifier } from '../dist/router/local-classifier.js';
import { ModelResolver } from '../dist/router/resolve.js';
import { Router } from '../dist/router/router.js';
import { readSignals } from '../dist/router/signals.js';
import { decisionDetails } from '../dist/server/handlers/route-request.js';

const iterationsArgument = process.argv.find((arg) => arg.startsWith('--iterations='));
const iterations = iterationsArgument ? Number(iterationsArgument.split('=')[1]) : 3000;
const EXAMPLES = ['routing-table', 'routing-tiered', 'routing-cheapest', 'routing-weighted', 'routing-experiment'];

const PARAGRAPHS = [
  'The quarterly review covered three regions. Sales in the north grew by eight per cent, the south held steady, and the west fell after two large customers delayed their renewals until the new pricing is announced.',
  'Our deployment pipeline builds the service, runs the unit and integration suites, pushes an image to the registry and rolls it out to a canary group before the rest of the fleet follows an hour later.',
  'Die Besprechung wurde auf Donnerstag verschoben; bitte bringt die aktuellen Zahlen zum Projektbudget mit, damit wir über die Verteilung der Mittel entscheiden können.',
  'function retry(task, attempts) {\n  for (let i = 0; i < attempts; i++) {\n    try { return task(); } catch (error) { if (i === attempts - 1) throw error; }\n  }\n}',
  'Section 7.5: to qualify for enhanced parental leave an employee must hold a permanent contract, have completed 26 weeks of continuous service, and work at least 20 hours per week.',
];
const QUESTIONS = ['Summarise the main risks and say which team should move first.', 'Why does this code fail, and how do I fix it?', 'Translate the last paragraph into French.'];

/** A prompt of about `tokens` tokens (a flat string, as JSON.parse gives the gateway). */
function prompt(tokens, variant) {
  const parts = [];
  let index = variant;
  let text = '';
  while (countTokens(text) < tokens - 20) {
    parts.push(PARAGRAPHS[index++ % PARAGRAPHS.length]);
    text = parts.join('\n\n');
  }
  return JSON.parse(JSON.stringify(`${text}\n\n${QUESTIONS[variant % QUESTIONS.length]}`));
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function time(router, route, texts, count) {
  const requestOf = (text, index) => ({ model: route, messages: [{ role: 'user', content: text }], stream: false, includeUsage: false, metadata: { user_id: `user-${index}` } });
  const once = async (index) => {
    const request = requestOf(texts[index % texts.length], index);
    const started = process.hrtime.bigint();
    const decision = await router.decide(request, readSignals(request, {}));
    decisionDetails(decision);
    return Number(process.hrtime.bigint() - started) / 1000;
  };
  for (let index = 0; index < Math.min(500, count); index++) await once(index);
  const samples = new Float64Array(count);
  for (let index = 0; index < count; index++) samples[index] = await once(index);
  samples.sort();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples[samples.length - 1] };
}

const sizes = [100, 2000, 8000];
const texts = new Map(sizes.map((size) => [size, Array.from({ length: 12 }, (_, variant) => prompt(size, variant))]));
const rows = [];
// The examples name real providers' keys; the router never calls them, so any value does.
const PLACEHOLDER_KEYS = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'DEEPSEEK_API_KEY'].filter((name) => process.env[name] === undefined);
for (const name of PLACEHOLDER_KEYS) process.env[name] = 'unused-by-the-router';
for (const example of EXAMPLES) {
  const config = loadConfig({ path: fileURLToPath(new URL(`../examples/${example}.yaml`, import.meta.url)) });
  const router = new Router(config, new ModelResolver(config), {
    localClassifier: (route) => loadLocalClassifier(route.classify.modelFile),
    latencyP95: (model) => model.latencyP95Ms,
  });
  const route = config.routes.has('auto') ? 'auto' : [...config.routes.keys()][0];
  const strategy = config.routes.get(route).strategy;
  for (const size of sizes) rows.push({ example, route: `${route} (${strategy})`, size: `~${size}`, ...(await time(router, route, texts.get(size), iterations)) });
}

for (const name of PLACEHOLDER_KEYS) delete process.env[name];

// The exact-count case: a prompt beyond the smallest context window of the default routes.
const defaults = loadConfig({});
const defaultRouter = new Router(defaults, new ModelResolver(defaults), { localClassifier: (route) => loadLocalClassifier(route.classify.modelFile), latencyP95: (model) => model.latencyP95Ms });
const windows = [...defaults.models.values()].map((model) => model.contextWindow).filter((value) => value !== undefined);
const longTokens = Math.min(...windows) + 2000;
const long = [prompt(longTokens, 0)];
rows.push({ example: '(defaults)', route: 'auto, past the smallest window', size: `~${longTokens}`, ...(await time(defaultRouter, 'auto', long, Math.max(50, Math.floor(iterations / 60)))) });

console.log(`router decision time: signals + decide + stored record, ${iterations} decisions per row (Node ${process.version})`);
console.log('| config | route | prompt tokens | p50 µs | p99 µs | max µs |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.example} | ${row.route} | ${row.size} | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} | ${row.max.toFixed(1)} |`);
