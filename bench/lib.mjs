// Shared helpers for the benchmark harness: request bodies, arguments, statistics,
// child processes and machine facts. Everything listens and connects on loopback only.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { request } from 'undici';

export const HOST = '127.0.0.1';

const PROMPT =
  'You are reviewing a short internal memo about moving the team build pipeline to a new set of runners. ' +
  'Summarise the three main risks in plain language, suggest one mitigation for each, and keep the whole answer ' +
  'under one hundred words so that it fits in a chat message. Do not invent facts that are not in the memo text.';

/** The chat request every load generator sends (about 300 characters of prompt). */
export function chatBody(stream = false) {
  const body = { model: 'auto', messages: [{ role: 'user', content: PROMPT }], max_tokens: 64 };
  if (stream) Object.assign(body, { stream: true, stream_options: { include_usage: true } });
  return JSON.stringify(body);
}

export const TARGETS = ['direct', 'bare', 'switchyard', 'switchyard-traced', 'switchyard-plain', 'portkey'];
export const SCENARIOS = ['throughput', 'cpu', 'fanout'];

export function parseArgs(argv) {
  const options = { quick: false, only: null, duration: null, scenarios: null, fanoutStreams: null, help: false };
  const list = (value) => value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const arg of argv) {
    const [key, value] = arg.replace(/^--/, '').split('=');
    if (key === 'quick') options.quick = true;
    else if (key === 'help' || key === 'h') options.help = true;
    else if (key === 'only' && value) options.only = list(value);
    else if (key === 'scenarios' && value) options.scenarios = list(value);
    else if (key === 'duration' && Number(value) > 0) options.duration = Number(value);
    else if (key === 'fanout-streams' && Number.isInteger(Number(value)) && Number(value) > 0) options.fanoutStreams = Number(value);
    else throw new Error(`unknown or malformed argument: ${arg}`);
  }
  const unknown = (options.only ?? []).filter((t) => !TARGETS.includes(t));
  if (unknown.length) throw new Error(`unknown target(s) in --only: ${unknown.join(', ')} (known: ${TARGETS.join(', ')})`);
  const unknownScenarios = (options.scenarios ?? []).filter((s) => !SCENARIOS.includes(s));
  if (unknownScenarios.length) throw new Error(`unknown scenario(s) in --scenarios: ${unknownScenarios.join(', ')} (known: ${SCENARIOS.join(', ')})`);
  return options;
}

/** Nearest-rank percentiles of a list of milliseconds. */
export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null);
  return { p50: at(50), p90: at(90), p99: at(99), max: sorted.length ? sorted[sorted.length - 1] : null };
}

export const round = (x, digits = 2) => (typeof x === 'number' && Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g'); // terminal colour codes
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const live = new Set();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Spawns a service and waits until it is ready: a `READY <port>` line on stdout when
 * `readyLine` is set, otherwise until `readyUrl` answers (with `readyStatus`, or any
 * status below 500). Rejects with the output tail if it exits or times out first.
 */
export async function startProcess({ name, command = process.execPath, args, env, cwd, readyLine, readyUrl, readyStatus, timeoutMs = 30_000 }) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  let exited = null;
  let port = null;
  const keep = (chunk) => {
    output = (output + chunk).slice(-4000);
    const match = readyLine && !port && /^READY (\d+)$/m.exec(output);
    if (match) port = Number(match[1]);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const exitedPromise = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = signal ?? `code ${code}`))));
  child.on('error', (error) => (exited = error.message));
  const tail = () => output.replace(ANSI, '').trim().split('\n').slice(-8).join('\n');
  const stop = async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exitedPromise, sleep(5000).then(() => null)]);
      if (killed === null) child.kill('SIGKILL');
    }
    live.delete(child);
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) {
      live.delete(child);
      throw new Error(`${name} exited (${exited}) before it was ready: ${tail() || 'no output'}`);
    }
    if (readyLine && port) return { child, port, stop, tail };
    if (readyUrl) {
      try {
        const res = await request(readyUrl, { headersTimeout: 1000, bodyTimeout: 1000 });
        await res.body.dump();
        if (readyStatus ? res.statusCode === readyStatus : res.statusCode < 500) return { child, stop, tail };
      } catch {
        // not listening yet
      }
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`${name} was not ready within ${timeoutMs / 1000}s: ${tail() || 'no output'}`);
}

/** Share of all cores busy over `ms` (other work on the machine skews every figure). */
export async function cpuBusy(ms = 1000) {
  const sample = () => os.cpus().reduce((acc, { times }) => {
    const total = Object.values(times).reduce((a, b) => a + b, 0);
    return { idle: acc.idle + times.idle, total: acc.total + total };
  }, { idle: 0, total: 0 });
  const a = sample();
  await sleep(ms);
  const b = sample();
  return round(1 - (b.idle - a.idle) / Math.max(1, b.total - a.total), 2);
}

export function machineInfo() {
  const cpus = os.cpus();
  let commit = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a git checkout
  }
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    commit,
    date: new Date().toISOString(),
  };
}
