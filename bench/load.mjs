// Load generator, forked once per measurement by run.mjs. It receives one job over IPC,
// runs a warm-up and then the measurement, sends back the result and exits.
//   { mode: 'max', url, headers, connections, duration, warmup }       autocannon, closed loop
//   { mode: 'rate' | 'stream', url, headers, rate, duration, warmup }  own open-loop generator
// Open-loop latency is measured from each request's *scheduled* send time, so a slow
// target cannot slow the generator down and hide its own queueing (coordinated omission).
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { chatBody, round, summarize } from './lib.mjs';

const REQUEST_TIMEOUT_MS = 10_000;

async function maxThroughput({ url, headers, connections, duration, warmup }) {
  const run = (seconds) =>
    autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: chatBody(), connections, duration: seconds, timeout: REQUEST_TIMEOUT_MS / 1000 });
  if (warmup > 0) await run(warmup);
  const r = await run(duration);
  return {
    rps: round(r['2xx'] / r.duration, 0),
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok: r['2xx'],
    errors: r.errors + r.timeouts + r.non2xx,
    duration: r.duration,
    connections,
  };
}

/**
 * Sends rate × duration requests at exact intervals, whatever the responses do. Each
 * phase has its own pool, destroyed at the end, so stragglers cannot leak into the next.
 */
function openLoop({ origin, path, headers, rate, duration, stream }) {
  const pool = new Pool(origin, { connections: 256, keepAliveTimeout: 30_000, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS });
  const total = Math.max(1, Math.round(rate * duration));
  const interval = 1000 / rate;
  const body = chatBody(stream);
  const latencies = [];
  const firstData = [];
  const statuses = {};
  let errors = 0;
  let settled = 0;
  let lastEnd = 0;
  const start = performance.now() + 20;
  let next = 0;
  let timer = null;
  let finished = false;

  return new Promise((resolve) => {
    const hardTimeout = setTimeout(finish, duration * 1000 + REQUEST_TIMEOUT_MS + 5000);
    function finish() {
      if (finished) return;
      finished = true;
      clearTimeout(hardTimeout);
      clearTimeout(timer);
      pool.destroy().catch(() => {});
      const elapsed = (Math.max(lastEnd, start + total * interval) - start) / 1000;
      resolve({
        rate,
        sent: next,
        ok: latencies.length,
        errors: errors + (total - settled),
        unfinished: total - settled,
        statuses,
        achieved: round(latencies.length / elapsed, 0),
        latency: roundAll(summarize(latencies)),
        ...(stream ? { ttfb: roundAll(summarize(firstData)) } : {}),
      });
    }
    const done = (ok, end) => {
      if (!ok) errors++;
      lastEnd = Math.max(lastEnd, end);
      if (++settled === total) finish();
    };

    async function fire(scheduled) {
      try {
        const res = await pool.request({ path, method: 'POST', headers, body });
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        let first = null;
        let tail = '';
        for await (const chunk of res.body) {
          if (!stream) continue;
          const text = chunk.toString('utf8');
          if (first === null && text.includes('data:')) first = performance.now();
          tail = (tail + text).slice(-64);
        }
        const end = performance.now();
        const ok = res.statusCode === 200 && (!stream || (first !== null && tail.includes('[DONE]')));
        if (ok) {
          latencies.push(end - scheduled);
          if (stream) firstData.push(first - scheduled);
        }
        done(ok, end);
      } catch {
        done(false, performance.now());
      }
    }

    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) fire(start + interval * next++);
      if (next < total) timer = setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    timer = setTimeout(tick, 20);
  });
}

function roundAll(stats) {
  return Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, round(v, 3)]));
}

async function fixedRate({ url, headers, rate, duration, warmup, mode }) {
  const { origin, pathname } = new URL(url);
  const job = { origin, path: pathname, headers: { 'content-type': 'application/json', ...headers }, rate, stream: mode === 'stream' };
  if (warmup > 0) await openLoop({ ...job, duration: warmup });
  return { ...(await openLoop({ ...job, duration })), duration };
}

process.once('message', async (job) => {
  let result;
  try {
    result = job.mode === 'max' ? await maxThroughput(job) : await fixedRate(job);
  } catch (error) {
    result = { error: String(error?.stack ?? error) };
  }
  process.send(result, () => process.exit(0));
});
