// Benchmark harness: Switchyard vs a bare Node pass-through proxy vs the Portkey gateway,
// all in front of one mock upstream, side by side on this machine, each in its own process;
// and Switchyard with OpenTelemetry tracing on (exporting to a local OTLP receiver) vs off.
// `npm run bench` (builds first) or `node bench/run.mjs [--quick] [--only=switchyard,bare] [--duration=S]
//   [--scenarios=throughput,cpu,fanout] [--fanout-streams=N]`
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { HOST, SCENARIOS, TARGETS, chatBody, cpuBusy, machineInfo, parseArgs, round, startProcess } from './lib.mjs';
import { SWITCHYARD_FEATURES, starters } from './targets.mjs';
import { CPU_TARGETS, cpuScenario } from './cpu.mjs';
import { FANOUT_TARGETS, fanOutScenario } from './fan-out.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const HELP = `Usage: node bench/run.mjs [--quick] [--only=switchyard,bare,portkey] [--duration=SECONDS]
  --quick       short run (about a minute): 2 s per measurement, 1 s warm-up
  --only=LIST   targets to measure besides "direct", which always runs as the baseline
                (bare, switchyard, switchyard-traced, switchyard-plain, portkey);
                tracing on vs off alone: --only=switchyard,switchyard-traced --scenarios=throughput,cpu
  --duration=S  seconds per measurement (default 10, quick 2)
  --scenarios=LIST  what to run (default all): throughput (max req/s, latency at fixed
                rates, time to first chunk), cpu (CPU per request and per relayed chunk),
                fanout (2,000 concurrent slow streams, memory per open stream)
  --fanout-streams=N  concurrent streams in the fan-out (default 2000, quick 500)
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
  scenarios: options.scenarios ?? SCENARIOS,
  cpu: options.quick ? { requests: 1000, streams: 300, rounds: 1 } : { requests: 3000, streams: 1000, rounds: 3 },
  fanout: { streams: options.fanoutStreams ?? (options.quick ? 500 : 2000), chunks: 60, intervalMs: 50 },
};
const targets = TARGETS.filter((t) => t === 'direct' || !options.only || options.only.includes(t));
const progress = (line) => process.stderr.write(`[bench] ${line}\n`);

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
  if (target.traces) result.traces = target.traces();
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

function ratios(results, cpu, fanout) {
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
  const bare = cpu?.bare;
  for (const [name, label] of [['switchyard', 'Switchyard'], ['switchyard-plain', 'Switchyard plain']]) {
    const own = cpu?.[name];
    if (!own) continue;
    out.push(ratio(`${label} CPU per request ÷ bare's`, own.perRequest, bare?.perRequest, '≤ 2', (v) => v <= 2));
    out.push(ratio(`${label} CPU per 20-chunk stream ÷ bare's`, own.perShortStream, bare?.perShortStream, '≤ 2', (v) => v <= 2));
    out.push(ratio(`${label} CPU per relayed chunk ÷ bare's`, own.perChunk, bare?.perChunk, '≤ 2', (v) => v <= 2));
  }
  for (const [name, label] of [['switchyard', 'Switchyard'], ['switchyard-plain', 'Switchyard plain']]) {
    const own = fanout?.results?.[name];
    if (!own) continue;
    out.push(ratio(`${label}: ${fanout.streams} slow streams, time ÷ direct`, own.status === 'ok' && own.failed === 0 ? own.seconds : null, fanout.results.direct?.seconds, '≤ 1.3', (v) => v <= 1.3));
  }
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
  return [
    ...(measured.length > 0 ? lines : lines.slice(0, lines.indexOf('## Targets') + 4)),
    ...tracingSection(report.results, report.cpu),
    ...cpuSection(report.cpu),
    ...fanoutSection(report.fanout),
  ].join('\n');
}

/** Tracing on vs off: "switchyard-traced" minus "switchyard", both with every feature on, same run. */
function tracingSection(results, cpu) {
  const on = results['switchyard-traced'];
  const off = results.switchyard;
  const cpuOn = cpu?.['switchyard-traced'];
  const cpuOff = cpu?.switchyard;
  const latency = on?.status === 'ok' && off?.status === 'ok';
  const cpuBoth = cpuOn?.status === 'ok' && cpuOff?.status === 'ok';
  if (!latency && !cpuBoth) return [];
  const diff = (a, b) => (typeof a === 'number' && typeof b === 'number' ? round(a - b, 3) : null);
  const spans = (traces) =>
    traces ? `${traces.spans} spans (${traces.byKind.server ?? 0} request, ${traces.byKind.client ?? 0} upstream-call) for ${traces.requests ?? '?'} chat requests answered; ${traces.exports} exports, ${traces.rejected} refused` : 'not reported';
  const lines = [
    '## OpenTelemetry tracing: on vs off',
    '',
    '"switchyard-traced" is "switchyard" (every feature on) plus `telemetry.otlp.endpoint` pointing at a local OTLP/HTTP receiver (`bench/otlp-sink.mjs`, its own process), so every request\'s spans are really built, batched and exported. Added = traced minus untraced, same run; CPU is the gateway\'s own process (the exporter included).',
    '',
  ];
  if (latency) {
    const rows = settings.rates.map((rate) => {
      const a = on.rates[rate]?.latency;
      const b = off.rates[rate]?.latency;
      const note = overloaded(on.rates[rate], rate) || overloaded(off.rates[rate], rate) ? ' (overloaded)' : '';
      return [`open loop ${rate} req/s${note}`, b?.p50, a?.p50, diff(a?.p50, b?.p50), b?.p99, a?.p99, diff(a?.p99, b?.p99)];
    });
    const s = (r) => r.stream?.ttfb;
    rows.push([`stream first data ${settings.streamRate} req/s`, s(off)?.p50, s(on)?.p50, diff(s(on)?.p50, s(off)?.p50), s(off)?.p99, s(on)?.p99, diff(s(on)?.p99, s(off)?.p99)]);
    rows.push([`max throughput (req/s: off ${off.max?.rps ?? '–'}, on ${on.max?.rps ?? '–'})`, off.max?.p50, on.max?.p50, diff(on.max?.p50, off.max?.p50), off.max?.p99, on.max?.p99, diff(on.max?.p99, off.max?.p99)]);
    lines.push(table(['measurement (ms)', 'p50 off', 'p50 on', 'added p50', 'p99 off', 'p99 on', 'added p99'], rows), '', `Spans received during the throughput runs: ${spans(on.traces)}.`, '');
  }
  if (cpuBoth) {
    const row = (field) => [cpuOff[field], cpuOn[field], diff(cpuOn[field], cpuOff[field])];
    lines.push(
      table(
        [`CPU (${cpuOn.unit})`, 'off', 'on', 'added'],
        [
          ['per request', ...row('perRequest')],
          ['per 20-chunk stream', ...row('perShortStream')],
          ['per 200-chunk stream', ...row('perLongStream')],
        ],
      ),
      '',
      `Spans received during the CPU runs: ${spans(cpuOn.traces)}.`,
      '',
    );
  }
  return lines;
}

function cpuSection(cpu) {
  if (!cpu) return [];
  const ok = Object.entries(cpu).filter(([, r]) => r.status === 'ok');
  const bare = cpu.bare?.status === 'ok' ? cpu.bare : null;
  const times = (value, base) => (bare && typeof value === 'number' && base ? `${value} (${round(value / base, 2)}×)` : value);
  const first = ok[0]?.[1];
  return [
    `## CPU per request and per relayed chunk (${first?.unit ?? 'µs'} of each target's own process)`,
    '',
    first
      ? `Closed loop, ${first.concurrency} concurrent; ${first.requests} requests and ${first.streams} streams of 20 and of 200 chunks per round; each figure the lowest of ${first.rounds} round(s). ` +
        'Per chunk = (200-chunk stream − 20-chunk stream) ÷ 180. CPU is user + system time of all the process\'s threads (the request log\'s writer thread included). In brackets: × the bare proxy.'
      : 'No target could be measured.',
    '',
    table(
      ['target', 'per request', 'per 20-chunk stream', 'per 200-chunk stream', 'per relayed chunk'],
      Object.entries(cpu).map(([name, r]) =>
        r.status === 'ok'
          ? [name, times(r.perRequest, bare?.perRequest), times(r.perShortStream, bare?.perShortStream), times(r.perLongStream, bare?.perLongStream), times(r.perChunk, bare?.perChunk)]
          : [name, `${r.status}: ${r.reason}`],
      ),
    ),
    '',
  ];
}

function fanoutSection(fanout) {
  if (!fanout) return [];
  return [
    `## Streaming fan-out: ${fanout.streams} concurrent streams of ${fanout.chunks} chunks, ${fanout.intervalMs} ms apart`,
    '',
    'All streams sent at once; time from the first request to the last complete stream. Memory per open stream = (peak resident memory while the streams are open − resident memory before) ÷ streams. CPU per chunk = the process\'s CPU during the wave ÷ chunks relayed.',
    '',
    table(
      ['target', 'seconds', '× direct', 'failed', 'CPU per chunk µs', 'RSS before MiB', 'RSS peak MiB', 'memory per open stream KiB'],
      Object.entries(fanout.results).map(([name, r]) =>
        r.status === 'ok'
          ? [name, r.seconds, r.vsDirect, r.failed + (r.firstFailure ? ` (${r.firstFailure.split('\n')[0].slice(0, 80)})` : ''), r.cpuPerChunkUs, r.rssBeforeMiB, r.rssPeakMiB, r.memoryPerStreamKiB]
          : [name, `${r.status}: ${r.reason}`],
      ),
    ),
    '',
  ];
}

// ---- main

const started = Date.now();
const machine = { ...machineInfo(), cpuBusyBefore: await cpuBusy() };
if (machine.cpuBusyBefore > 0.2) progress(`warning: the CPUs were ${Math.round(machine.cpuBusyBefore * 100)}% busy before the run; figures will be skewed`);
progress(`targets: ${targets.join(', ')}; ${settings.duration} s per measurement, ${settings.warmup} s warm-up`);
const results = {};
if (settings.scenarios.includes('throughput')) {
  const mockProc = await startProcess({
    name: 'mock upstream',
    args: [path.join(here, 'mock-upstream.mjs'), '0'],
    env: { MOCK_DELAY_MS: String(settings.mockDelayMs) },
    readyLine: true,
  });
  const mock = { port: mockProc.port, origin: `http://${HOST}:${mockProc.port}` };
  try {
    for (const name of targets) results[name] = await benchTarget(name, mock);
  } finally {
    await mockProc.stop();
  }
  if (results.direct.status === 'ok') addLatencyOverDirect(results);
}
const cpu = settings.scenarios.includes('cpu') ? await cpuScenario({ only: CPU_TARGETS.filter((t) => targets.includes(t)), ...settings.cpu, progress }) : undefined;
const fanout = settings.scenarios.includes('fanout') ? await fanOutScenario({ only: FANOUT_TARGETS.filter((t) => targets.includes(t)), ...settings.fanout, progress }) : undefined;
const report = {
  machine,
  settings: { ...settings, targets },
  results,
  ...(cpu ? { cpu } : {}),
  ...(fanout ? { fanout } : {}),
  ratios: ratios(results, cpu, fanout),
  elapsedSeconds: round((Date.now() - started) / 1000, 1),
};

const md = markdown(report);
const resultsDir = path.join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(path.join(resultsDir, 'latest.md'), `${md}\n`);
writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(md);
progress(`done in ${report.elapsedSeconds} s; wrote bench/results/latest.md and latest.json`);
