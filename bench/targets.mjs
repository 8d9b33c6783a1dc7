// The benchmark targets, each started in its own process in front of one upstream:
// `direct` (the upstream itself), a bare Node pass-through proxy, Switchyard with its
// features on and plain, Switchyard with its features and tracing on, and the Portkey
// gateway. Each starter resolves to { url, headers, pid?, version?, stop, traces? } or throws
// why the target is unavailable.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { request } from 'undici';
import { HOST, freePort, startProcess } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const tmp = path.join(here, '.tmp');
const COMPLETIONS = '/v1/chat/completions';
const progress = (line) => process.stderr.write(`[bench] ${line}\n`);

// Switchyard runs with its features on, as the overhead targets ask: a routed request (the
// local task classifier, then a table), guards on the request and the answer, a virtual key with a key budget and a global budget
// (reserved before and settled after every call), and the request log with content.
const ADMIN_KEY = 'sy-bench-admin-key-not-secret';
export const SWITCHYARD_FEATURES = 'routing on (`model: auto`: the local task classifier, then a category table over two models), the default guard set on the request (injection, PII, secrets) and the answer (PII, secrets), a virtual key with a key budget and a global budget (reserved before and settled after every call), and the request log with bodies';
const switchyardConfig = (mockPort, db) => `server:
  host: 127.0.0.1
  port: 4040
  admin_key: env:SWITCHYARD_BENCH_ADMIN_KEY
store:
  sqlite:
    path: ${db}
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
async function startSwitchyard(mock, features, { nodeArgs = [], tag = '', build = root, wrap = [], timeoutMs = 120_000, otlpOrigin } = {}) {
  mkdirSync(tmp, { recursive: true });
  const name = `${features ? 'bench' : 'bench-plain'}${otlpOrigin ? '-traced' : ''}${tag}`;
  const config = path.join(tmp, `switchyard-${name}.yaml`);
  const db = path.join(tmp, `${name}.db`);
  for (const file of [db, `${db}-wal`, `${db}-shm`, `${db}.journal`]) rmSync(file, { force: true, recursive: true });
  const telemetry = otlpOrigin ? `telemetry:\n  otlp:\n    endpoint: ${otlpOrigin}\n` : '';
  writeFileSync(config, (features ? switchyardConfig(mock.port, db) : plainConfig(mock.port, db)) + telemetry);
  const port = await freePort();
  const proc = await startProcess({
    name: features ? `switchyard${otlpOrigin ? ' (traced)' : ''}` : 'switchyard (plain)',
    cwd: root,
    ...command(wrap, [...nodeArgs, path.join(build, 'bin/switchyard.js'), 'serve', '--config', config, '--port', String(port)]),
    // Tracing is on only where the config says so, whatever the shell's OTEL_* variables say.
    env: { SWITCHYARD_BENCH_ADMIN_KEY: ADMIN_KEY, OTEL_SDK_DISABLED: otlpOrigin ? 'false' : 'true' },
    readyUrl: `http://${HOST}:${port}/health/ready`,
    readyStatus: 200,
    // Loading the config, classifier and tokenizer takes seconds on a busy machine.
    timeoutMs,
  });
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const headers = features ? { authorization: `Bearer ${await benchKey(`http://${HOST}:${port}`)}` } : {};
  return { url: `http://${HOST}:${port}${COMPLETIONS}`, headers, version, pid: proc.child.pid, origin: `http://${HOST}:${port}`, stop: proc.stop };
}

/** Chat requests the gateway has answered so far, from its own /metrics. */
async function chatRequestsServed(origin) {
  const res = await request(`${origin}/metrics`);
  const text = await res.body.text();
  let total = 0;
  for (const match of text.matchAll(/^switchyard_requests_total\{([^}]*)\} (\d+)$/gm)) if (match[1].includes('endpoint="chat"')) total += Number(match[2]);
  return total;
}

/**
 * Switchyard with its features on and traces exported to an OTLP/HTTP receiver of our own
 * (otlp-sink.mjs, its own process). On stop, once the gateway has exported its last spans,
 * `traces()` says how many chat requests it answered and how many spans the receiver got:
 * a span per request and one per upstream call, so a reader can see tracing was really on.
 */
async function startTracedSwitchyard(mock, options = {}) {
  const sink = await startProcess({ name: 'OTLP sink', args: [path.join(here, 'otlp-sink.mjs'), '0'], readyLine: true });
  const sinkOrigin = `http://${HOST}:${sink.port}`;
  let gateway;
  try {
    gateway = await startSwitchyard(mock, true, { ...options, otlpOrigin: sinkOrigin });
  } catch (error) {
    await sink.stop();
    throw error;
  }
  let traces = null;
  return {
    ...gateway,
    traces: () => traces,
    stop: async () => {
      try {
        const requests = await chatRequestsServed(gateway.origin).catch(() => null);
        await gateway.stop(); // SIGTERM: the gateway exports what its batch still holds
        const res = await request(`${sinkOrigin}/stats`);
        traces = { requests, ...(await res.body.json()) };
      } finally {
        await sink.stop();
      }
    },
  };
}

/** The same gateway without routing, guards or keys: `auto` is a fixed route, the log stays on. */
const plainConfig = (mockPort, db) => `store:
  sqlite:
    path: ${db}
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

/** Node with `args`, or — with `wrap` (e.g. valgrind and its options) — that command running Node. */
const command = (wrap, args) => (wrap.length > 0 ? { command: wrap[0], args: [...wrap.slice(1), process.execPath, ...args] } : { args });

/**
 * `nodeArgs` go before the script (e.g. --cpu-prof); `wrap` runs Node under another
 * command (valgrind), `timeoutMs` allows its slower start; `tag` keeps the database files of
 * concurrent or repeated runs apart; `build` is another Switchyard build's folder (bin/ and
 * dist/) to compare against this one.
 */
export const starters = {
  direct: async (mock) => ({ url: `${mock.origin}${COMPLETIONS}`, headers: {}, stop: async () => {} }),

  bare: async (mock, { nodeArgs = [], wrap = [], timeoutMs } = {}) => {
    const proc = await startProcess({
      name: 'bare proxy',
      ...command(wrap, [...nodeArgs, path.join(here, 'bare-proxy.mjs'), '0', mock.origin]),
      readyLine: true,
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    return { url: `http://${HOST}:${proc.port}${COMPLETIONS}`, headers: {}, pid: proc.child.pid, stop: proc.stop };
  },

  switchyard: (mock, options) => startSwitchyard(mock, true, options),
  'switchyard-plain': (mock, options) => startSwitchyard(mock, false, options),
  'switchyard-traced': (mock, options) => startTracedSwitchyard(mock, options),

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

