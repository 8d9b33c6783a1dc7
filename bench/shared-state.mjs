// Shared-state benchmark, in one run on one machine:
//  1. The latency governance adds to a request (admission: rate limits + hard budget with a
//     worst-case reservation), in-process vs Redis-backed: p50 / p99 over sequential
//     admissions, each followed by its settlement as on the request path.
//  2. Gateway throughput with `serve --workers 1` vs `--workers 2` (no Redis: the primary
//     holds the state), a budgeted key with limits, non-streaming chat on the simulator.
//
//   npm run build && node bench/shared-state.mjs [--admissions=N] [--duration=S] [--redis=URL]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { parseConfigText } from '../dist/config/load.js';
import { silentLogger } from '../dist/core/logger.js';
import { Governance } from '../dist/governance/governance.js';
import { RedisState } from '../dist/state/redis-state.js';
import { chatBody, round, summarize } from './lib.mjs';

const options = { admissions: 3000, duration: 8, redis: process.env.SWITCHYARD_REDIS_URL ?? 'redis://127.0.0.1:6379/0' };
for (const argument of process.argv.slice(2)) {
  const [key, value] = argument.replace(/^--/, '').split('=');
  if (key === 'admissions' && Number(value) > 0) options.admissions = Number(value);
  else if (key === 'duration' && Number(value) > 0) options.duration = Number(value);
  else if (key === 'redis' && value) options.redis = value;
  else throw new Error(`unknown or malformed argument: ${argument} (--admissions=N, --duration=S, --redis=URL)`);
}

const prefix = `sy-bench-${process.pid}:`;
const directory = mkdtempSync(join(tmpdir(), 'sy-bench-shared-'));
const MODEL = `
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 1000000 } }
models:
  flat: { provider: sim, upstream_model: gpt-5.4-mini, price: { input: 0, output: 0, per_request: 0.000001 } }
routes:
  auto: { model: flat }
`;

/** Admission latency of one governance (in-process, or over the given shared state). */
async function admissionLatency(label, shared) {
  const config = parseConfigText(`store:\n  sqlite: { path: ${join(directory, `${label}.db`)} }\nserver:\n  admin_key: env:ADMIN\n${MODEL}`, { ADMIN: 'bench-admin-key' }, 'bench');
  const log = { spend: () => ({ usd: 0, tokens: 0 }), flush: () => undefined, saturated: () => false };
  const governance = new Governance(config, log, silentLogger(), shared ? { shared, onUnavailable: 'fail_closed' } : undefined);
  const { key } = governance.keys.create({ name: 'bench', team: 'bench-team', rpm: 10_000_000, tpm: 1_000_000_000, maxConcurrent: 100_000 });
  governance.budgets.create({ scope: 'key', scopeId: key.id, period: 'day', limitUsd: 1e9, limitTokens: null, enforcement: 'hard', alertAt: [] });
  const model = config.models.get('flat');
  const caller = { keyId: key.id, team: key.team };
  const record = { inputTokens: 40, outputTokens: 20, costUsd: 0.000001, status: 200 };
  const timings = [];
  const admit = async () => {
    const started = performance.now();
    const admitted = governance.admitEstimate({ input: 100, output: 64 }, model, caller, key, () => undefined);
    const permit = admitted instanceof Promise ? await admitted : admitted;
    const took = performance.now() - started;
    governance.settle(permit, record);
    return took;
  };
  for (let index = 0; index < Math.min(500, options.admissions); index++) await admit(); // warm up (scripts loaded, spend seeded)
  for (let index = 0; index < options.admissions; index++) timings.push(await admit());
  await new Promise((resolve) => setTimeout(resolve, 200));
  governance.close();
  const summary = summarize(timings);
  return { p50: round(summary.p50, 4), p99: round(summary.p99, 4) };
}

function serve(configPath, workers) {
  const child = spawn(process.execPath, ['bin/switchyard.js', 'serve', '--config', configPath, '--port', '0', '--workers', String(workers)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ADMIN: 'bench-admin-key' } });
  const url = new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no banner in 90 s: ${output}`)), 90_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr.on('data', (chunk) => (output += chunk));
  });
  return { child, url };
}

async function throughput(workers) {
  const configPath = join(directory, `workers-${workers}.yaml`);
  writeFileSync(configPath, `store:\n  sqlite: { path: ${join(directory, `workers-${workers}.db`)} }\nserver:\n  admin_key: env:ADMIN\n${MODEL}`);
  const { child, url } = serve(configPath, workers);
  try {
    const base = await url;
    const created = await fetch(`${base}/admin/keys`, { method: 'POST', headers: { authorization: 'Bearer bench-admin-key', 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench', rpm: 10_000_000, max_concurrent: 100_000 }) });
    const { id, key } = await created.json();
    await fetch(`${base}/admin/budgets`, { method: 'POST', headers: { authorization: 'Bearer bench-admin-key', 'content-type': 'application/json' }, body: JSON.stringify({ scope: 'key', scope_id: id, period: 'day', limit_usd: 1e9 }) });
    const run = (seconds) =>
      new Promise((resolve, reject) =>
        autocannon({ url: `${base}/v1/chat/completions`, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: chatBody(), connections: 32, duration: seconds }, (error, result) => (error ? reject(error) : resolve(result))),
      );
    await run(2); // warm up
    const result = await run(options.duration);
    return { requestsPerSecond: round(result.requests.average, 1), p50Ms: result.latency.p50, p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const redis = new RedisState({ url: options.redis, keyPrefix: prefix, leaseMs: 10_000, commandTimeoutMs: 1000, logger: silentLogger() });
if (!(await redis.connected(10_000))) throw new Error(`Redis at ${options.redis} did not answer`);
const local = await admissionLatency('local');
const shared = await admissionLatency('redis', redis);
await redis.close();
const cleanup = new Redis(options.redis);
for (let cursor = '0'; ; ) {
  const [next, keys] = await cleanup.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
  if (keys.length) await cleanup.del(...keys);
  cursor = next;
  if (cursor === '0') break;
}
cleanup.disconnect();

const one = await throughput(1);
const two = await throughput(2);
rmSync(directory, { recursive: true, force: true });

const result = {
  machine: { cpus: (await import('node:os')).availableParallelism(), load: (await import('node:os')).loadavg().map((value) => round(value, 1)) },
  admissionMs: { inProcess: local, redis: shared, addedP50: round(shared.p50 - local.p50, 4), addedP99: round(shared.p99 - local.p99, 4) },
  throughput: { workers1: one, workers2: two, ratio: round(two.requestsPerSecond / one.requestsPerSecond, 2) },
};
console.log(JSON.stringify(result, null, 2));
