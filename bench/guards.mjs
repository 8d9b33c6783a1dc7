// Times the default guard set (injection + PII + secrets) on prompts of about 250, 500, 1k, 2k
// and 8k tokens: benign text with a few e-mail addresses, phone numbers and a card number.
// Prints p50/p99 µs per size, µs per 1k tokens and its ratio to the ~2k row (1.00 everywhere
// would be exactly linear), a per-guard split, and pathological inputs (long runs of digits,
// separators, "@", hex, colons and leetspeak words) that must stay linear. The load average is
// printed at the start and after the pathological inputs: the machine may be shared, so
// compare runs made close together.
// Then the gateway's request phase (guards/pipeline.ts) on the ~2k-token prompt: a policy with
// injection (block), PII (redact with restore), secrets (block) and a deny rule, as one request
// sees it — messages scanned, values redacted into a copy of the request.
// Uses the built code:   npm run build && node bench/guards.mjs [--iterations=N]
import { loadavg } from 'node:os';
import { countTokens } from 'gpt-tokenizer';
import { createGuards, scanText } from '../dist/guards/index.js';
import { GuardRun } from '../dist/guards/pipeline.js';
import { compileGuardPolicy } from '../dist/guards/policy.js';
import { PARAGRAPHS } from '../scripts/guard-data/paragraphs.mjs';

const iterationsArgument = process.argv.find((arg) => arg.startsWith('--iterations='));
const baseIterations = iterationsArgument ? Number(iterationsArgument.split('=')[1]) : 4000;

const PII = ['Please call me at +44 20 7946 0958 if anything changes.', 'My email is jane.doe@example.com.', 'The invoice went to billing@northwind.example.', 'Card on file: 4111 1111 1111 1111.', 'The office line is (415) 555-2671.'];

/** Benign paragraphs (and a PII sentence every few paragraphs) until `tokens` tokens. */
function prompt(tokens) {
  const parts = ['Summarise the following notes for the team and list the open questions.'];
  let index = 0;
  while (countTokens(parts.join('\n\n')) < tokens) {
    parts.push(PARAGRAPHS[index % PARAGRAPHS.length]);
    if (index % 4 === 3) parts.push(PII[(index >> 2) % PII.length]);
    index++;
  }
  // A flat string, as a request body parser would produce.
  return JSON.parse(JSON.stringify(parts.join('\n\n')));
}

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

function time(run, text, iterations) {
  for (let warm = 0; warm < Math.min(500, iterations); warm++) run(text);
  const samples = new Float64Array(iterations);
  for (let index = 0; index < iterations; index++) {
    const started = process.hrtime.bigint();
    run(text);
    samples[index] = Number(process.hrtime.bigint() - started) / 1000;
  }
  samples.sort();
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');
const guards = createGuards();
const scan = (text) => scanText(text, guards);
console.log(`node ${process.version}, default guard set: ${guards.map((guard) => guard.name).join(', ')}; load average ${load()}`);
const rows = [];
for (const target of [250, 500, 1000, 2000, 8000]) {
  const text = prompt(target);
  const tokens = countTokens(text);
  const iterations = Math.max(200, Math.round((baseIterations * 1000) / Math.max(1000, target)));
  rows.push({ target, tokens, chars: text.length, ...time(scan, text, iterations), findings: scan(text).length });
}
const perThousand = (row) => (row.p50 / row.tokens) * 1000;
const reference = perThousand(rows.find((row) => row.target === 2000));
console.log('size        tokens  chars   p50 µs   p99 µs   µs/1k tokens (p50)   vs ~2k   findings');
for (const row of rows) {
  console.log(`~${String(row.target).padEnd(9)} ${String(row.tokens).padStart(6)} ${String(row.chars).padStart(6)} ${row.p50.toFixed(1).padStart(8)} ${row.p99.toFixed(1).padStart(8)} ${perThousand(row).toFixed(1).padStart(12)} ${(perThousand(row) / reference).toFixed(2).padStart(16)}        ${row.findings}`);
}

const twoThousand = prompt(2000);
console.log('\nper guard on ~2k tokens:');
for (const guard of guards) {
  const { p50, p99 } = time((text) => guard.scan(text), twoThousand, baseIterations);
  console.log(`  ${guard.name.padEnd(10)} p50 ${p50.toFixed(1).padStart(7)} µs   p99 ${p99.toFixed(1).padStart(7)} µs`);
}

const pathological = [
  '1 '.repeat(4000),
  '1-'.repeat(4000),
  '@'.repeat(8000),
  'a@'.repeat(4000),
  'a:'.repeat(4000),
  'ab:'.repeat(2700),
  '1.'.repeat(4000),
  'sk-'.repeat(2700),
  'password='.repeat(900),
  `${'A'.repeat(7990)}sk-`,
  'ignore previous '.repeat(500),
  '"'.repeat(8000),
  `eyJ${'a'.repeat(7000)}.`,
  '-----BEGIN PRIVATE KEY-----\n'.repeat(280),
  // leetspeak words: the whole text is read a second time with digits as letters
  'a1b '.repeat(2000),
  '1gn0r3 '.repeat(1100),
].map((text) => JSON.parse(JSON.stringify(text)));
let worst = 0;
for (const text of pathological) worst = Math.max(worst, time(scan, text, 200).p99);
console.log(`\npathological 8k-character inputs (${pathological.length} kinds): worst p99 ${worst.toFixed(1)} µs (load average ${load()})`);

const policy = compileGuardPolicy('bench', {
  request: {
    injection: { action: 'block', scan: ['user', 'tool'] },
    pii: { action: 'redact', restore: true },
    secrets: { action: 'block' },
    deny: [{ name: 'no-weapons', keywords: ['nerve agent', 'pipe bomb'], action: 'block' }],
  },
});
const applied = { policies: [policy], response: undefined };
const request = (text) => ({ model: 'auto', stream: false, includeUsage: false, messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: text }] });
const twoThousandRequest = request(twoThousand);
const pipelineRun = () => new GuardRun(applied).checkRequest(twoThousandRequest);
const sample = new GuardRun(applied);
const redacted = sample.checkRequest(twoThousandRequest).request.messages[1].content;
const pipeline = time(pipelineRun, undefined, baseIterations);
console.log(`\nrequest phase (pipeline) on ~2k tokens, injection + PII redact + secrets + 1 deny rule: p50 ${pipeline.p50.toFixed(1)} µs   p99 ${pipeline.p99.toFixed(1)} µs   (${sample.verdicts.length} verdicts, ${[...redacted.matchAll(/\[[A-Z_]+_\d+\]/g)].length} placeholders)`);
