// Streaming fan-out: N concurrent slow streams (default 2,000 streams of 60 chunks, 50 ms
// apart, so about 3 s each) through each target at once, against calling the upstream
// directly. Per target: wall time from the first request to the last complete stream, its
// ratio to direct, failures, the target's CPU per relayed chunk during the run, and its
// memory per open stream (peak resident memory while the streams are open, minus the
// resident memory just before, divided by the streams).
// Standalone: node bench/fan-out.mjs [--streams=N] [--chunks=N] [--interval=MS] [--only=bare,switchyard-plain,switchyard]
// A target `switchyard@DIR` runs the Switchyard build in DIR: two builds in one run.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { HOST, chatBody, round, startProcess } from './lib.mjs';
import { processCpuSeconds, processRssBytes } from './cpu.mjs';
import { starters } from './targets.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FANOUT_TARGETS = ['direct', 'bare', 'switchyard-plain', 'switchyard'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every stream at once; resolves with the wall time and how many streams did not complete. */
async function wave(target, streams, timeoutMs) {
  const dispatcher = new Agent({ connections: null, keepAliveTimeout: 10_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const headers = { 'content-type': 'application/json', ...target.headers };
  const body = chatBody(true);
  let failed = 0;
  let firstFailure = null;
  const started = performance.now();
  const one = async () => {
    try {
      const res = await request(target.url, { method: 'POST', headers, body, dispatcher });
      const text = await res.body.text();
      if (res.statusCode !== 200 || !text.includes('data: [DONE]')) throw new Error(`${res.statusCode}: ${text.slice(0, 200)}`);
    } catch (error) {
      failed++;
      firstFailure ??= error.message;
    }
  };
  const limit = sleep(timeoutMs + 5000).then(() => 'timeout');
  const outcome = await Promise.race([Promise.all(Array.from({ length: streams }, one)), limit]);
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.destroy().catch(() => {});
  return { seconds, failed: outcome === 'timeout' ? streams : failed, firstFailure: outcome === 'timeout' ? `not done within ${timeoutMs / 1000} s` : firstFailure };
}

/** One target: a small warm-up wave, then the measured one while its memory is sampled. */
async function fanOutTarget(target, { streams, chunks, timeoutMs }) {
  await wave(target, Math.min(100, streams), timeoutMs);
  await sleep(500);
  const pid = target.pid;
  const rssBefore = pid ? processRssBytes(pid) : null;
  const cpuBefore = pid ? processCpuSeconds(pid) : null;
  let rssPeak = rssBefore ?? 0;
  const sampler = pid ? setInterval(() => (rssPeak = Math.max(rssPeak, processRssBytes(pid) ?? 0)), 100) : null;
  const result = await wave(target, streams, timeoutMs);
  if (sampler) clearInterval(sampler);
  const cpu = pid ? processCpuSeconds(pid) - cpuBefore : null;
  // A chunk relayed = one upstream content chunk (plus finish, usage and [DONE] per stream).
  const relayed = streams * (chunks + 3);
  return {
    seconds: round(result.seconds, 2),
    failed: result.failed,
    ...(result.firstFailure ? { firstFailure: result.firstFailure } : {}),
    ...(pid
      ? {
          cpuSeconds: round(cpu, 2),
          cpuPerChunkUs: round((cpu * 1e6) / relayed, 2),
          rssBeforeMiB: round(rssBefore / 2 ** 20, 1),
          rssPeakMiB: round(rssPeak / 2 ** 20, 1),
          memoryPerStreamKiB: round((rssPeak - rssBefore) / 1024 / streams, 1),
        }
      : {}),
  };
}

export async function fanOutScenario({ only = FANOUT_TARGETS, streams = 2000, chunks = 60, intervalMs = 50, progress = () => {} } = {}) {
  // Generous: a wave that takes ten times its ideal time on a busy machine still finishes and is reported as slow.
  const timeoutMs = Math.max(120_000, chunks * intervalMs * 40);
  const mockProc = await startProcess({
    name: 'mock upstream (slow streams)',
    args: [path.join(here, 'mock-upstream.mjs'), '0'],
    env: { MOCK_CHUNKS: String(chunks), MOCK_CHUNK_INTERVAL_MS: String(intervalMs) },
    readyLine: true,
  });
  const mock = { port: mockProc.port, origin: `http://${HOST}:${mockProc.port}` };
  const results = {};
  try {
    for (const name of ['direct', ...only.filter((name) => name !== 'direct')]) {
      progress(`fan-out: ${name}: ${streams} streams of ${chunks} chunks, ${intervalMs} ms apart`);
      let target;
      try {
        // `switchyard@DIR` runs the Switchyard build in DIR (its bin/ and dist/): A/B in one run, as in cpu.mjs.
        const [kind, build] = name.split('@');
        target = await starters[kind](mock, { tag: `-fanout${build ? `-${path.basename(path.resolve(build))}` : ''}`, ...(build ? { build: path.resolve(build) } : {}) });
        results[name] = { status: 'ok', ...(await fanOutTarget(target, { streams, chunks, timeoutMs })) };
      } catch (error) {
        results[name] = { status: 'unavailable', reason: error.message };
      } finally {
        await target?.stop();
      }
    }
  } finally {
    await mockProc.stop();
  }
  const direct = results.direct?.status === 'ok' && results.direct.failed === 0 ? results.direct.seconds : null;
  for (const result of Object.values(results)) if (result.status === 'ok' && direct) result.vsDirect = round(result.seconds / direct, 2);
  return { streams, chunks, intervalMs, results };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
  const report = await fanOutScenario({
    ...(options.only ? { only: options.only.split(',') } : {}),
    ...(options.streams ? { streams: Number(options.streams) } : {}),
    ...(options.chunks ? { chunks: Number(options.chunks) } : {}),
    ...(options.interval ? { intervalMs: Number(options.interval) } : {}),
    progress: (line) => process.stderr.write(`[fan-out] ${line}\n`),
  });
  console.log(JSON.stringify(report, null, 2));
  process.exit(0);
}
