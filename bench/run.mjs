// Benchmark harness: Switchyard vs a bare Node pass-through proxy vs the Portkey gateway,
// all in front of one mock upstream, side by side on this machine, each in its own process.
// `npm run bench` (builds first) or `node bench/run.mjs [--quick] [--only=switchyard,bare] [--duration=S]`
import { execFile, fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { request } from 'undici';
import { HOST, TARGETS, chatBody, cpuBusy, freePort, machineInfo, parseArgs, round, startProcess } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const tmp = path.join(here, '.tmp');
const COMPLETIONS = '/v1/chat/completions';
const HELP = `Usage: node bench/run.mjs [--quick] [--only=switchyard,bare,portkey] [--duration=SECONDS]
  --quick       short run (about a minute): 2 s per measurement, 1 s warm-up
  --only=LIST   targets to measure besides "direct", which always runs as the baseline
                (bare, switchyard, switchyard-plain, portkey)
  --duration=S  seconds per measurement (default 10, quick 2)
Writes bench/results/latest.md and bench/results/latest.json.`;

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(`${error.message}\n\n${HELP}`);
  process.exit(2);
}
if (options.help) {
  console.log(HELP);
  process.exit(0);
}
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

const settings = {
  duration: options.duration ?? (options.quick ? 2 : 10),
  warmup: options.quick ? 1 : 2,
  connections: 64,
  rates: [500, 1000],
  streamRate: 200,
  mockDelayMs: 0,
};
const targets = TARGETS.filter((t) => t === 'direct' || !options.only || options.only.includes(t));
const progress = (line) => process.stderr.write(`[bench] ${line}\n`);

// ---- targets: each returns { url, headers, version?, stop } or throws why it is unavailable

// Switchyard runs with its features on, as the overhead targets ask: a routed request (the
// local task classifier, then a table), guards on the request and the answer, a virtual key with a key budget and a global budget
// (reserved before and settled after every call), and the request log with content.
const ADMIN_KEY = 'sy-bench-admin-key-not-secret';
const SWITCHYARD_FEATURES = 'routing on (`model: auto`: the local task classifier, then a category table over two models), the default guard set on the request (injection, PII, secrets) and the answer (PII, secrets), a virtual key with a key budget and a global budget (reserved before and settled after every call), and the request log with bodies';
const switchyardConfig = (mockPort) => `server:
  host: 127.0.0.1
  port: 4040
  admin_key: env:SWITCHYARD_BENCH_ADMIN_KEY
store:
  sqlite:
    path: bench/.tmp/bench.db
  log_content: true
providers:
  mock:
    type: openai-compatible
    base_url: http://127.0.0.1:${mockPort}/v1
models:
  gpt-bench:
    provider: mock
    price: { input: 1, output: 2 }
    context_window: 128000
  gpt-bench-large:
    provider: mock
    upstream_model: gpt-bench
    price: { input: 5, output: 10 }
    context_window: 128000
guards:
  default: default
  policies:
    default:
      request:
        injection: { action: block }
        pii: { action: redact, restore: true }
        secrets: { action: block }
      response:
        pii: { action: redact }
        secrets: { action: redact }
routes:
  auto:
    strategy: table
    candidates: [gpt-bench, gpt-bench-large]
    table:
      code: gpt-bench-large
      math: gpt-bench-large
      default: gpt-bench
`;

/**
 * Switchyard with its features on (see SWITCHYARD_FEATURES), or plain: the same binary with
 * one fixed route, no guards and no keys — the difference is what the features cost.
 */
async function startSwitchyard(mock, features) {
  mkdirSync(tmp, { recursive: true });
  const name = features ? 'bench' : 'bench-plain';
  const config = path.join(tmp, `switchyard-${name}.yaml`);
  const db = path.join(tmp, `${name}.db`);
  for (const file of [db, `${db}-wal`, `${db}-shm`]) rmSync(file, { force: true });
  writeFileSync(config, features ? switchyardConfig(mock.port) : plainConfig(mock.port));
  const port = await freePort();
  const proc = await startProcess({
    name: features ? 'switchyard' : 'switchyard (plain)',
    cwd: root,
    args: [path.join(root, 'bin/switchyard.js'), 'serve', '--config', config, '--port', String(port)],
    env: { SWITCHYARD_BENCH_ADMIN_KEY: ADMIN_KEY },
    readyUrl: `http://${HOST}:${port}/health/ready`,
    readyStatus: 200,
  });
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const headers = features ? { authorization: `Bearer ${await benchKey(`http://${HOST}:${port}`)}` } : {};
  return { url: `http://${HOST}:${port}${COMPLETIONS}`, headers, version, stop: proc.stop };
}

/** The same gateway without routing, guards or keys: `auto` is a fixed route, the log stays on. */
const plainConfig = (mockPort) => `store:
  sqlite:
    path: bench/.tmp/bench-plain.db
  log_content: true
providers:
  mock:
    type: openai-compatible
    base_url: http://127.0.0.1:${mockPort}/v1
models:
  gpt-bench:
    provider: mock
    price: { input: 1, output: 2 }
    context_window: 128000
routes:
  auto:
    model: gpt-bench
`;

/** A virtual key with a day budget, and a global budget: every request reserves and settles both. */
async function benchKey(origin) {
  const admin = async (path, body) => {
    const res = await request(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify(body) });
    const json = await res.body.json();
    if (res.statusCode >= 300) throw new Error(`${path}: ${res.statusCode} ${JSON.stringify(json)}`);
    return json;
  };
  const key = await admin('/admin/keys', { name: 'bench' });
  await admin('/admin/budgets', { scope: 'key', scope_id: key.id, period: 'day', limit_usd: 1_000_000 });
  await admin('/admin/budgets', { scope: 'global', period: 'month', limit_usd: 1_000_000 });
  return key.key;
}

// Portkey 1.x asks for @hono/node-server ^1.3.3, but from 1.14 on that server hands Portkey
// the upstream fetch Response's immutable headers and every streamed request fails with
// "TypeError: immutable". Portkey's own lockfile uses 1.13, so we pin that line.
const PORTKEY_OVERRIDES = { '@hono/node-server': '~1.13.8' };

function portkeyInstalled(dir) {
  try {
    const hono = JSON.parse(readFileSync(path.join(dir, 'node_modules/@hono/node-server/package.json'), 'utf8'));
    return existsSync(path.join(dir, 'node_modules/@portkey-ai/gateway/package.json')) && hono.version.startsWith('1.13.');
  } catch {
    return false;
  }
}

function installPortkey(dir) {
  progress(`installing @portkey-ai/gateway@1 into ${path.relative(root, dir)}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ private: true, overrides: PORTKEY_OVERRIDES }, null, 2)}\n`);
  const args = ['install', '--prefix', dir, '@portkey-ai/gateway@1', '--no-audit', '--no-fund', '--loglevel=error'];
  return new Promise((resolve, reject) =>
    execFile('npm', args, { timeout: 240_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`npm install failed: ${(stderr || error.message).trim().split('\n').slice(-3).join(' ')}`)) : resolve(),
    ),
  );
}

const starters = {
  direct: async (mock) => ({ url: `${mock.origin}${COMPLETIONS}`, headers: {}, stop: async () => {} }),

  bare: async (mock) => {
    const proc = await startProcess({ name: 'bare proxy', args: [path.join(here, 'bare-proxy.mjs'), '0', mock.origin], readyLine: true });
    return { url: `http://${HOST}:${proc.port}${COMPLETIONS}`, headers: {}, stop: proc.stop };
  },

  switchyard: (mock) => startSwitchyard(mock, true),
  'switchyard-plain': (mock) => startSwitchyard(mock, false),

  portkey: async (mock) => {
    const dir = path.join(tmp, 'portkey');
    const manifest = path.join(dir, 'node_modules/@portkey-ai/gateway/package.json');
    if (!portkeyInstalled(dir)) await installPortkey(dir);
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    const bin = path.join(path.dirname(manifest), typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin)[0]);
    const port = await freePort();
    const proc = await startProcess({
      name: 'portkey',
      args: ['--import', pathToFileURL(path.join(here, 'loopback.mjs')).href, bin, `--port=${port}`, '--headless'],
      readyUrl: `http://${HOST}:${port}/`,
    });
    const headers = { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${mock.origin}/v1`, authorization: 'Bearer sk-bench' };
    return { url: `http://${HOST}:${port}${COMPLETIONS}`, headers, version: pkg.version, stop: proc.stop };
  },
};

/** One plain and one streaming request must succeed before a target is measured. */
async function smokeTest({ url, headers }) {
  for (const stream of [false, true]) {
    const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: chatBody(stream), headersTimeout: 10_000, bodyTimeout: 10_000 });
    const text = await res.body.text();
    const ok = res.statusCode === 200 && (stream ? text.includes('data: [DONE]') : Array.isArray(JSON.parse(text).choices));
    if (!ok) throw new Error(`${stream ? 'streaming' : 'plain'} smoke request got ${res.statusCode}: ${text.slice(0, 300)}`);
  }
}

function measure(job) {
  return new Promise((resolve) => {
    const child = fork(path.join(here, 'load.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const limit = setTimeout(() => child.kill('SIGKILL'), (job.warmup + job.duration) * 1000 + 45_000);
    child.once('message', resolve);
    child.once('exit', (code, signal) => {
      clearTimeout(limit);
      resolve({ error: `load generator exited (${signal ?? code}) without a result` });
    });
    child.send(job);
  });
}

async function benchTarget(name, mock) {
  progress(`${name}: starting`);
  let target;
  try {
    target = await starters[name](mock);
    await smokeTest(target);
  } catch (error) {
    await target?.stop();
    progress(`${name}: unavailable: ${error.message}`);
    return { status: 'unavailable', reason: error.message };
  }
  const common = { url: target.url, headers: target.headers, duration: settings.duration, warmup: settings.warmup };
  const result = { status: 'ok', ...(target.version ? { version: target.version } : {}), max: null, rates: {}, stream: null };
  try {
    progress(`${name}: max throughput (${settings.connections} connections)`);
    result.max = await measure({ ...common, mode: 'max', connections: settings.connections });
    for (const rate of settings.rates) {
      progress(`${name}: open loop at ${rate} req/s`);
      result.rates[rate] = await measure({ ...common, mode: 'rate', rate });
    }
    progress(`${name}: streaming at ${settings.streamRate} req/s`);
    result.stream = await measure({ ...common, mode: 'stream', rate: settings.streamRate });
  } finally {
    await target.stop();
  }
  return result;
}

// ---- derived figures

function addLatencyOverDirect(results) {
  const direct = results.direct;
  for (const [name, r] of Object.entries(results)) {
    if (name === 'direct' || r.status !== 'ok') continue;
    const diff = (a, b) => (typeof a === 'number' && typeof b === 'number' ? round(a - b, 3) : null);
    r.added = {};
    for (const rate of settings.rates) {
      const t = r.rates[rate]?.latency ?? {};
      const d = direct.rates[rate]?.latency ?? {};
      r.added[rate] = { p50: diff(t.p50, d.p50), p99: diff(t.p99, d.p99) };
    }
    r.added.streamTtfb = { p50: diff(r.stream?.ttfb?.p50, direct.stream?.ttfb?.p50), p99: diff(r.stream?.ttfb?.p99, direct.stream?.ttfb?.p99) };
  }
}

const overloaded = (x, rate) => !x || x.error || x.achieved < 0.95 * rate;

function ratios(results) {
  const sy = results.switchyard;
  const ratio = (name, num, den, bar, pass, invalid = null) => {
    const value = typeof num === 'number' && typeof den === 'number' && den > 0 ? round(num / den, 2) : null;
    return { name, value, bar, result: invalid ? `n/a (${invalid})` : value === null ? 'n/a' : pass(value) ? 'PASS' : 'FAIL' };
  };
  const out = settings.rates.map((rate) => {
    const baseline = ['direct', 'bare'].find((t) => results[t]?.status === 'ok' && overloaded(results[t].rates[rate], rate));
    const name = `Switchyard added p50 ÷ bare added p50 @ ${rate} req/s`;
    return ratio(name, sy?.added?.[rate]?.p50, results.bare?.added?.[rate]?.p50, '≤ 1.5', (v) => v <= 1.5, baseline && `${baseline} overloaded`);
  });
  out.push(ratio('Switchyard max req/s ÷ bare max req/s', sy?.max?.rps, results.bare?.max?.rps, '≥ 0.8', (v) => v >= 0.8));
  out.push(ratio('Switchyard max req/s ÷ Portkey max req/s', sy?.max?.rps, results.portkey?.max?.rps, '≥ 5', (v) => v >= 5));
  return out;
}

// ---- report

const cell = (v) => (v === null || v === undefined ? '–' : String(v));
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

function markdown(report) {
  const { machine: m, results } = report;
  const measured = Object.entries(results).filter(([, r]) => r.status === 'ok');
  const label = (name, r) => (r.version ? `${name} ${r.version}` : name);
  const failed = (x) => (x?.error ? `error: ${x.error.split('\n')[0]}` : null);
  const lines = [
    '# Switchyard benchmark',
    '',
    `${m.date} · ${m.cpu} × ${m.cores} cores · ${m.memoryGiB} GiB · ${m.os} · Node ${m.node}${m.commit ? ` · commit ${m.commit}` : ''}`,
    '',
    ...(m.cpuBusyBefore > 0.2 ? [`**Warning**: the CPUs were ${Math.round(m.cpuBusyBefore * 100)}% busy with other work just before this run; treat the figures as skewed.`, ''] : []),
    `Each figure: ${settings.duration} s after a ${settings.warmup} s warm-up, every process on 127.0.0.1. Mock upstream answers at once ` +
      `(delay ${settings.mockDelayMs} ms). "direct" calls the mock itself; "added" = target minus direct at the same rate, same run. ` +
      'Load generator, mock and target share the machine, so compare figures within one run only.',
    '',
    `Switchyard runs with ${SWITCHYARD_FEATURES}. "switchyard-plain" is the same build with one fixed route and no guards or keys (the log stays on): the difference is what those features cost.`,
    '',
    ...Object.entries(results)
      .filter(([, r]) => r.status !== 'ok')
      .map(([name, r]) => `- **${name} unavailable**: ${r.reason.replace(/\s*\n\s*/g, ' ⏎ ')}`),
    '',
    '## Targets',
    '',
    table(['ratio', 'value', 'bar', 'result'], report.ratios.map((r) => [r.name, r.value, r.bar, r.result])),
    '',
    `## Max throughput (autocannon, ${settings.connections} connections, closed loop)`,
    '',
    table(
      ['target', 'req/s', 'p50 ms', 'p99 ms', 'errors'],
      measured.map(([name, r]) => (failed(r.max) ? [label(name, r), failed(r.max)] : [label(name, r), r.max.rps, r.max.p50, r.max.p99, r.max.errors])),
    ),
    '',
    '## Fixed rate, open loop (latency from the scheduled send time, ms)',
    '',
    table(
      ['target', 'rate', 'achieved/s', 'p50', 'p90', 'p99', 'max', 'added p50', 'added p99', 'errors'],
      measured.flatMap(([name, r]) =>
        settings.rates.map((rate) => {
          const x = r.rates[rate];
          if (failed(x)) return [label(name, r), rate, failed(x)];
          const achieved = overloaded(x, rate) ? `${x.achieved} (overloaded)` : x.achieved;
          return [label(name, r), rate, achieved, x.latency.p50, x.latency.p90, x.latency.p99, x.latency.max, r.added?.[rate]?.p50, r.added?.[rate]?.p99, x.errors];
        }),
      ),
    ),
    '',
    `## Streaming, open loop at ${settings.streamRate} req/s (20 chunks + usage; first data = first SSE \`data:\` chunk, ms)`,
    '',
    table(
      ['target', 'achieved/s', 'first data p50', 'first data p99', 'total p50', 'total p99', 'added first-data p50', 'errors'],
      measured.map(([name, r]) => {
        const x = r.stream;
        if (failed(x)) return [label(name, r), failed(x)];
        return [label(name, r), x.achieved, x.ttfb.p50, x.ttfb.p99, x.latency.p50, x.latency.p99, r.added?.streamTtfb?.p50, x.errors];
      }),
    ),
    '',
  ];
  return lines.join('\n');
}

// ---- main

const started = Date.now();
const machine = { ...machineInfo(), cpuBusyBefore: await cpuBusy() };
if (machine.cpuBusyBefore > 0.2) progress(`warning: the CPUs were ${Math.round(machine.cpuBusyBefore * 100)}% busy before the run; figures will be skewed`);
progress(`targets: ${targets.join(', ')}; ${settings.duration} s per measurement, ${settings.warmup} s warm-up`);
const mockProc = await startProcess({
  name: 'mock upstream',
  args: [path.join(here, 'mock-upstream.mjs'), '0'],
  env: { MOCK_DELAY_MS: String(settings.mockDelayMs) },
  readyLine: true,
});
const mock = { port: mockProc.port, origin: `http://${HOST}:${mockProc.port}` };
const results = {};
try {
  for (const name of targets) results[name] = await benchTarget(name, mock);
} finally {
  await mockProc.stop();
}
if (results.direct.status === 'ok') addLatencyOverDirect(results);
const report = { machine, settings: { ...settings, targets }, results, ratios: ratios(results), elapsedSeconds: round((Date.now() - started) / 1000, 1) };

const md = markdown(report);
const resultsDir = path.join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(path.join(resultsDir, 'latest.md'), `${md}\n`);
writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(md);
progress(`done in ${report.elapsedSeconds} s; wrote bench/results/latest.md and latest.json`);
