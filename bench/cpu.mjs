// CPU per request and per relayed stream chunk: each target's own process CPU time
// (user + system, all threads, from /proc/<pid>/stat) over a fixed number of requests,
// closed loop at a fixed concurrency. Unlike req/s, CPU time per request barely moves
// when other work shares the machine, so the ratios are comparable across runs.
//   per request (non-streaming)      CPU ÷ requests
//   per stream (short, long)         CPU ÷ streams, with 20 and 200 content chunks
//   per relayed chunk                (long − short) ÷ 180: the marginal cost of one chunk
// Standalone: node bench/cpu.mjs [--requests=N] [--streams=N] [--only=bare,switchyard-plain,switchyard,switchyard-traced]
//   [--modes=plain,short,long] [--rounds=N] [--prof=DIR] [--callgrind=DIR]
// --callgrind runs each target under valgrind's callgrind and counts instructions instead of
// CPU time: repeatable on a busy machine, about 50 times slower (use small counts).
// A target `switchyard@DIR` runs the Switchyard build in DIR (its bin/ and dist/): A/B in one run.
// (--prof starts each target with --cpu-prof and writes its .cpuprofile files to DIR)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { HOST, chatBody, round, startProcess } from './lib.mjs';
import { starters } from './targets.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const SHORT = 20;
const LONG = 200;

/** CPU seconds a process has used so far (user + system, every thread). */
export function processCpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident memory of a process, bytes. */
export function processRssBytes(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : null;
}

/** `total` requests, `concurrency` at a time; every answer must be a 200 (and a complete stream). */
async function closedLoop(target, { total, concurrency, body, stream }) {
  const { origin, pathname } = new URL(target.url);
  // Under callgrind a request takes about 50 times longer.
  const timeout = target.callgrind ? 300_000 : 20_000;
  const pool = new Pool(origin, { connections: concurrency, keepAliveTimeout: 30_000, headersTimeout: timeout, bodyTimeout: timeout });
  const headers = { 'content-type': 'application/json', ...target.headers };
  let sent = 0;
  let failures = 0;
  let firstFailure = null;
  const worker = async () => {
    while (sent < total) {
      sent++;
      try {
        const res = await pool.request({ path: pathname, method: 'POST', headers, body });
        const text = await res.body.text();
        if (res.statusCode !== 200 || (stream && !text.includes('data: [DONE]'))) throw new Error(`${res.statusCode}: ${text.slice(0, 200)}`);
      } catch (error) {
        failures++;
        firstFailure ??= error.message;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await pool.destroy();
  }
  if (failures > 0) throw new Error(`${failures} of ${total} requests failed, first: ${firstFailure}`);
}

const streamBody = (chunks) => {
  const body = JSON.parse(chatBody(true));
  body.max_tokens = chunks;
  return JSON.stringify(body);
};

/** Instructions a process under callgrind has executed since its counters were last zeroed (dumps them). */
function callgrindInstructions(pid, directory) {
  execFileSync('callgrind_control', ['-d', String(pid)], { stdio: 'ignore' });
  const dumps = readdirSync(directory)
    .filter((name) => name.startsWith(`callgrind.${pid}.`))
    .sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()));
  const text = readFileSync(path.join(directory, dumps.at(-1)), 'utf8');
  const match = /^summary: (\d+)/m.exec(text) ?? /^totals: (\d+)/m.exec(text);
  if (!match) throw new Error(`no instruction count in ${dumps.at(-1)}`);
  return Number(match[1]);
}

/**
 * The target's cost of one closed loop, after a warm-up of the same shape: CPU seconds, or
 * under callgrind (target.callgrind = its output folder) instructions executed.
 */
async function cpuOf(target, job) {
  await closedLoop(target, { ...job, total: Math.max(target.callgrind ? 20 : 50, Math.round(job.total / 5)) });
  if (target.callgrind) execFileSync('callgrind_control', ['-z', String(target.pid)], { stdio: 'ignore' });
  const before = target.callgrind ? 0 : processCpuSeconds(target.pid);
  await closedLoop(target, job);
  return target.callgrind ? callgrindInstructions(target.pid, target.callgrind) : processCpuSeconds(target.pid) - before;
}

const MODES = {
  plain: (n) => ({ total: n.requests, body: chatBody(false), stream: false, count: n.requests }),
  short: (n) => ({ total: n.streams, body: streamBody(SHORT), stream: true, count: n.streams }),
  long: (n) => ({ total: n.streams, body: streamBody(LONG), stream: true, count: n.streams }),
};

/**
 * Per request (plain), per stream (short, long) and per relayed chunk, from the lowest cost
 * of each mode: µs of CPU, or thousands of instructions under callgrind.
 */
function figures(cost, n, unit) {
  const scale = unit === 'µs' ? 1e6 : 1e-3;
  const per = (x, count) => (Number.isFinite(x) ? round((x * scale) / count, 1) : null);
  return {
    unit,
    perRequest: per(cost.plain, n.requests),
    perShortStream: per(cost.short, n.streams),
    perLongStream: per(cost.long, n.streams),
    perChunk: per(cost.long - cost.short, n.streams * (LONG - SHORT)),
  };
}

export async function startChunkMock() {
  const proc = await startProcess({ name: 'mock upstream (chunks per max_tokens)', args: [path.join(here, 'mock-upstream.mjs'), '0'], env: { MOCK_CHUNKS: 'max_tokens' }, readyLine: true });
  return { port: proc.port, origin: `http://${HOST}:${proc.port}`, stop: proc.stop };
}

export const CPU_TARGETS = ['bare', 'switchyard-plain', 'switchyard', 'switchyard-traced'];

/**
 * Every target in one run against the same mock, all started up front; then `rounds`
 * rounds, each measuring every target in every mode in turn. Each figure is the lowest of
 * its rounds: other work on the machine only ever adds CPU time (cache misses, shared
 * cores), so the minimum is the figure least skewed by it.
 */
export async function cpuScenario({ only = CPU_TARGETS, requests = 3000, streams = 1000, concurrency = 8, rounds = 3, modes = Object.keys(MODES), nodeArgs = [], callgrind, progress = () => {} } = {}) {
  const wrap = callgrind ? ['valgrind', '--tool=callgrind', `--callgrind-out-file=${path.join(callgrind, 'callgrind.%p')}`] : [];
  if (callgrind) mkdirSync(callgrind, { recursive: true });
  const mock = await startChunkMock();
  const n = { requests, streams };
  const results = {};
  const targets = {};
  try {
    for (const name of only) {
      try {
        const [kind, build] = name.split('@');
        const options = { nodeArgs, wrap, tag: `-cpu${build ? `-${path.basename(path.resolve(build))}` : ''}`, ...(build ? { build: path.resolve(build) } : {}), ...(callgrind ? { timeoutMs: 900_000 } : {}) };
        targets[name] = { ...(await starters[kind](mock, options)), ...(callgrind ? { callgrind } : {}) };
      } catch (error) {
        results[name] = { status: 'unavailable', reason: error.message };
      }
    }
    const lowest = Object.fromEntries(Object.keys(targets).map((name) => [name, {}]));
    for (let round = 1; round <= rounds; round++) {
      for (const [name, target] of Object.entries(targets)) {
        if (results[name]) continue;
        progress(`cpu: round ${round}/${rounds}: ${name}`);
        try {
          for (const mode of modes) {
            const seconds = await cpuOf(target, { ...MODES[mode](n), concurrency });
            lowest[name][mode] = Math.min(lowest[name][mode] ?? Infinity, seconds);
          }
        } catch (error) {
          results[name] = { status: 'failed', reason: error.message };
        }
      }
    }
    const unit = callgrind ? 'k instructions' : 'µs';
    for (const name of Object.keys(targets)) results[name] ??= { status: 'ok', requests, streams, concurrency, rounds, ...figures(lowest[name], n, unit) };
  } finally {
    for (const target of Object.values(targets)) await target.stop();
    await mock.stop();
  }
  // A traced target reports, once stopped, the requests it answered and the spans exported.
  for (const [name, target] of Object.entries(targets)) if (target.traces && results[name]?.status === 'ok') results[name].traces = target.traces();
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
  const only = options.only ? options.only.split(',') : CPU_TARGETS;
  const nodeArgs = options.prof ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.prof)}`] : [];
  const results = await cpuScenario({
    only,
    ...(options.requests ? { requests: Number(options.requests) } : {}),
    ...(options.streams ? { streams: Number(options.streams) } : {}),
    ...(options.rounds ? { rounds: Number(options.rounds) } : {}),
    ...(options.modes ? { modes: options.modes.split(',') } : {}),
    ...(options.callgrind ? { callgrind: path.resolve(options.callgrind) } : {}),
    nodeArgs,
    progress: (line) => process.stderr.write(`[cpu] ${line}\n`),
  });
  console.log(JSON.stringify(results, null, 2));
  process.exit(0);
}
