// Interactive latency while a batch runs: the p50/p95 of single chat requests to an idle
// gateway, then to the same gateway while it works a 2,000-line batch, side by side from
// one run. The gateway and its simulated upstream run in this process, as in the other
// in-process benchmarks; the figures are relative (machines are noisy).
// Usage: npm run build && node bench/batch-interactive.mjs [--lines=2000] [--requests=300]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Blob } from 'node:buffer';
import { FormData, request } from 'undici';
import { parseConfigText } from '../dist/config/load.js';
import { silentLogger } from '../dist/core/logger.js';
import { startGateway } from '../dist/server/start.js';

const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
const LINES = Number(args.lines ?? 2000);
const REQUESTS = Number(args.requests ?? 300);

const directory = mkdtempSync(join(tmpdir(), 'switchyard-bench-batch-'));
const config = parseConfigText(
  `store:
  sqlite: { path: ${JSON.stringify(join(directory, 'log.db'))} }
batch: { poll_ms: 100 }
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 20, tokens_per_second: 2000 } }
models:
  small: { provider: sim, upstream_model: gpt-5.4-mini, price: { input: 0.25, output: 2 } }
`,
  {},
  'bench',
);
const gateway = await startGateway({ config, logger: silentLogger(), port: 0, host: '127.0.0.1' });
const body = JSON.stringify({ model: 'small', max_tokens: 32, messages: [{ role: 'user', content: 'What is the capital of France?' }] });

async function interactive(count) {
  const times = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    const response = await request(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`interactive request answered ${response.statusCode}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (p) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)];
  return { p50: at(50), p95: at(95) };
}

async function batchProgress(id) {
  const response = await request(`${gateway.url}/v1/batches/${id}`);
  return JSON.parse(await response.body.text());
}

await interactive(30); // warm-up
const idle = await interactive(REQUESTS);

const lines = Array.from({ length: LINES }, (_, index) => JSON.stringify({ custom_id: `l${index}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'small', max_tokens: 32, messages: [{ role: 'user', content: `Question ${index}: what is ${index} + 1?` }] } })).join('\n');
const form = new FormData();
form.set('purpose', 'batch');
form.set('file', new Blob([lines]), 'bench.jsonl');
const file = JSON.parse(await (await request(`${gateway.url}/v1/files`, { method: 'POST', body: form })).body.text());
const batch = await (await fetch(`${gateway.url}/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }) })).json();
while ((await batchProgress(batch.id)).status !== 'in_progress') await new Promise((resolve) => setTimeout(resolve, 20));
const busy = await interactive(REQUESTS);
const during = await batchProgress(batch.id);
let finished = during;
const started = performance.now();
while (!['completed', 'failed'].includes(finished.status)) {
  await new Promise((resolve) => setTimeout(resolve, 200));
  finished = await batchProgress(batch.id);
}
const fmt = (ms) => `${ms.toFixed(2)} ms`;
console.log(`interactive latency, ${REQUESTS} sequential requests each (simulated upstream: 20 ms to first token)`);
console.log(`| | p50 | p95 |`);
console.log(`|---|---:|---:|`);
console.log(`| idle | ${fmt(idle.p50)} | ${fmt(idle.p95)} |`);
console.log(`| while a ${LINES}-line batch runs | ${fmt(busy.p50)} | ${fmt(busy.p95)} |`);
console.log(`| ratio | ${(busy.p50 / idle.p50).toFixed(2)}× | ${(busy.p95 / idle.p95).toFixed(2)}× |`);
console.log(`batch lines done while measuring: ${during.request_counts.completed + during.request_counts.failed} of ${LINES}; the rest took ${((performance.now() - started) / 1000).toFixed(1)} s more; final status ${finished.status}`);
await gateway.stop();
