/**
 * Real coding agents against the zero-config gateway on the simulator (`npm run test:agents`):
 * Claude Code (`-p`, a question and a file edit, on Claude, GPT and Gemini models and the
 * `auto` route), opencode (`run`, a question) and Codex CLI (`exec`, a question, over the
 * Responses API, WebSocket first then HTTP as it does with any provider). Each run must
 * exit 0 with the right answer (and the edit made), and leave request rows with the model,
 * tokens and cost. A loopback proxy in front of the gateway keeps each agent's first requests;
 * RECORD_AGENT_FIXTURES=1 writes them (secrets and local paths removed) to
 * test/fixtures/agents/, which the ordinary suite replays (test/e2e/agent-fixtures.test.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_PACKAGES, ensureAgentClis, runAgent, type AgentName } from './agent-clis.js';

const BIN = fileURLToPath(new URL('../../bin/switchyard.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/agents/', import.meta.url));
const RUN_TIMEOUT_MS = 240_000;
/** Every answer right and instant: what is under test is the wire, not the simulated quality or latency. */
const SIM_HEADER = 'correct=1;ttft_ms=0;tps=100000';

interface Captured {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

let bins: Record<AgentName, string>;
let gateway: ChildProcess;
let gatewayUrl = '';
let proxy: Server;
let proxyUrl = '';
let home = '';
let serveDir = '';
/** Requests seen by the proxy since the current run began. */
let captured: Captured[] = [];

/** The zero-config gateway (no switchyard.yaml, no provider keys): simulated models, as a new user gets it. */
async function startGateway(): Promise<void> {
  serveDir = mkdtempSync(join(tmpdir(), 'switchyard-agents-serve-'));
  gateway = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { cwd: serveDir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'pipe'] });
  gatewayUrl = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no banner within 60 s: ${output}`)), 60_000);
    gateway.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    gateway.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
}

/** Forwards everything to the gateway and keeps a copy of each request. */
async function startProxy(): Promise<void> {
  proxy = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
      let body: unknown;
      try {
        body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
      } catch {
        body = raw.toString('utf8');
      }
      captured.push({ method: request.method ?? 'GET', path: request.url ?? '/', headers, body });
      const forward: Record<string, string> = { ...headers };
      for (const name of ['host', 'connection', 'content-length', 'accept-encoding']) delete forward[name];
      fetch(`${gatewayUrl}${request.url ?? '/'}`, { method: request.method ?? 'GET', headers: forward, ...(raw.length ? { body: raw } : {}) })
        .then(async (upstream) => {
          const out: Record<string, string> = {};
          upstream.headers.forEach((value, name) => {
            if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) out[name] = value;
          });
          response.writeHead(upstream.status, out);
          if (upstream.body) for await (const chunk of upstream.body) response.write(chunk);
          response.end();
        })
        .catch((error: unknown) => {
          if (!response.headersSent) response.writeHead(502);
          response.end(String(error));
        });
    });
  });
  // A WebSocket upgrade (Codex tries one first) goes to the gateway as raw bytes, and its answer back.
  proxy.on('upgrade', (request, socket, head) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
    captured.push({ method: request.method ?? 'GET', path: request.url ?? '/', headers, body: undefined });
    const target = new URL(gatewayUrl);
    const upstream = connect(Number(target.port), target.hostname, () => {
      const lines = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/1.1`];
      for (let index = 0; index < request.rawHeaders.length; index += 2) lines.push(`${request.rawHeaders[index]}: ${request.rawHeaders[index + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

interface Row {
  requested_model: string;
  model: string | null;
  provider: string | null;
  status: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  endpoint: string;
}

/** The request rows written since `since` (the log is flushed every 50 ms; poll until they are there). */
async function rowsSince(since: number, minimum: number): Promise<Row[]> {
  const path = join(serveDir, '.switchyard', 'switchyard.db');
  const deadline = Date.now() + 20_000;
  for (;;) {
    let rows: Row[] = [];
    if (existsSync(path)) {
      const db = new Database(path, { readonly: true, fileMustExist: true });
      try {
        rows = db.prepare('SELECT requested_model, model, provider, status, input_tokens, output_tokens, cost_usd, endpoint FROM requests WHERE created_at >= ? ORDER BY created_at').all(since) as Row[];
      } finally {
        db.close();
      }
    }
    if (rows.length >= minimum || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function workDir(name: string): string {
  const directory = mkdtempSync(join(tmpdir(), `switchyard-agent-${name}-`));
  return directory;
}

/** What an agent sent, with secrets, ids and this run's paths taken out, for the fixture files. */
function scrub(request: Captured, paths: Record<string, string>): Captured {
  const keep = ['content-type', 'anthropic-version', 'anthropic-beta', 'user-agent', 'accept'];
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => keep.includes(name)));
  let text = JSON.stringify(request.body);
  for (const [path, replacement] of Object.entries(paths)) text = text.split(path).join(replacement);
  text = text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '00000000-0000-4000-8000-000000000000').replace(/\\"device_id\\":\\"[0-9a-f]+\\"/g, '\\"device_id\\":\\"0\\"');
  return { method: request.method, path: request.path, headers, body: JSON.parse(text) as unknown };
}

function record(name: string, agent: AgentName, requests: Captured[], paths: Record<string, string>): void {
  if (process.env.RECORD_AGENT_FIXTURES !== '1') return;
  mkdirSync(FIXTURES, { recursive: true });
  const fixture = { agent: AGENT_PACKAGES[agent].name, version: AGENT_PACKAGES[agent].version, requests: requests.map((request) => scrub(request, paths)) };
  writeFileSync(join(FIXTURES, `${name}.json`), `${JSON.stringify(fixture, null, 1)}\n`);
}

function modelCalls(): Captured[] {
  return captured.filter((request) => request.method === 'POST' && /\/v1\/(messages|chat\/completions|responses)(\?|$)/.test(request.path));
}

beforeAll(async () => {
  bins = await ensureAgentClis();
  home = mkdtempSync(join(tmpdir(), 'switchyard-agent-home-'));
  await startGateway();
  await startProxy();
}, 20 * 60_000);

afterAll(async () => {
  gateway?.kill('SIGTERM');
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
});

/** Which provider serves a model of the built-in simulated catalog. */
function providerOf(model: string): string {
  if (model.startsWith('claude')) return 'simulator-anthropic';
  if (model.startsWith('gemini')) return 'simulator-gemini';
  return 'simulator';
}

function claudeEnv(model: string): Record<string, string> {
  return {
    HOME: home,
    ANTHROPIC_BASE_URL: proxyUrl,
    ANTHROPIC_API_KEY: 'sk-ant-unused-on-loopback',
    ANTHROPIC_MODEL: model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
    ANTHROPIC_CUSTOM_HEADERS: `x-switchyard-sim: ${SIM_HEADER}`,
  };
}

function expectGoodRows(rows: Row[], requestedModel: string): void {
  const chat = rows.filter((row) => row.endpoint === 'chat');
  expect(chat.length).toBeGreaterThan(0);
  for (const row of chat) {
    expect(row, JSON.stringify(row)).toMatchObject({ requested_model: requestedModel, status: 200 });
    expect(row.model).toBeTruthy();
    expect(row.input_tokens).toBeGreaterThan(0);
    expect(row.output_tokens).toBeGreaterThan(0);
    expect(row.cost_usd).toBeGreaterThan(0);
  }
  if (requestedModel !== 'auto') for (const row of chat) expect(row).toMatchObject({ model: requestedModel, provider: providerOf(requestedModel) });
}

describe('Claude Code', () => {
  it.each(['claude-sonnet-4.6', 'gpt-5.4', 'gemini-3.1-pro', 'auto'])('answers a question with -p on %s', async (model) => {
    captured = [];
    const cwd = workDir('claude');
    const since = Date.now();
    const run = await runAgent(bins.claude, ['-p', 'What is 17 * 23?'], { cwd, env: claudeEnv(model), timeoutMs: RUN_TIMEOUT_MS });
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('391');
    expectGoodRows(await rowsSince(since, 1), model);
    if (model === 'claude-sonnet-4.6' || model === 'gpt-5.4') record(`claude-code-question-${model === 'gpt-5.4' ? 'gpt' : 'claude'}`, 'claude', modelCalls().slice(0, 1), { [cwd]: '/home/user/project', [home]: '/home/user' });
  });

  it.each(['claude-sonnet-4.6', 'gpt-5.4', 'gemini-3.1-pro'])('edits a file through its tools on %s', async (model) => {
    captured = [];
    const cwd = workDir('claude-edit');
    writeFileSync(join(cwd, 'notes.txt'), 'apple pie\napple tart\n');
    const since = Date.now();
    const run = await runAgent(bins.claude, ['-p', 'In notes.txt, replace apple pie with banana bread', '--permission-mode', 'acceptEdits'], { cwd, env: claudeEnv(model), timeoutMs: RUN_TIMEOUT_MS });
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(readFileSync(join(cwd, 'notes.txt'), 'utf8')).toBe('banana bread\napple tart\n');
    expect(run.stdout).toContain('Replaced "apple pie" with "banana bread" in notes.txt');
    // Read, Edit, then the closing answer: three calls, no loop.
    const rows = await rowsSince(since, 3);
    expectGoodRows(rows, model);
    expect(modelCalls().length).toBeLessThanOrEqual(4);
    if (model === 'gemini-3.1-pro') record('claude-code-edit-gemini', 'claude', modelCalls(), { [cwd]: '/home/user/project', [home]: '/home/user' });
  });
});

describe('opencode', () => {
  it('answers a question with run, through an @ai-sdk/openai-compatible provider', async () => {
    captured = [];
    const cwd = workDir('opencode');
    const config = {
      $schema: 'https://opencode.ai/config.json',
      autoupdate: false,
      share: 'disabled',
      provider: {
        switchyard: {
          npm: '@ai-sdk/openai-compatible',
          name: 'Switchyard',
          options: { baseURL: `${proxyUrl}/v1`, apiKey: 'unused-on-loopback', headers: { 'x-switchyard-sim': SIM_HEADER } },
          models: { 'gpt-5.4': { name: 'GPT-5.4 via Switchyard' } },
        },
      },
      model: 'switchyard/gpt-5.4',
    };
    writeFileSync(join(cwd, 'opencode.json'), JSON.stringify(config, null, 2));
    const since = Date.now();
    const run = await runAgent(bins.opencode, ['run', 'What is 17 * 23?'], { cwd, env: { HOME: home }, timeoutMs: RUN_TIMEOUT_MS });
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('391');
    expectGoodRows(await rowsSince(since, 1), 'gpt-5.4');
    record('opencode-question', 'opencode', modelCalls(), { [cwd]: '/home/user/project', [home]: '/home/user', [proxyUrl]: 'http://127.0.0.1:4040' });
  });
});

describe('Codex CLI', () => {
  /** A provider entry as docs/agents.md gives it, WebSockets on (as for OpenAI's own provider) so the fallback is exercised. */
  function codexHome(model: string): string {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-agent-codex-home-'));
    const config = [
      `model = "${model}"`,
      'model_provider = "switchyard"',
      '',
      '[model_providers.switchyard]',
      'name = "Switchyard"',
      `base_url = "${proxyUrl}/v1"`,
      'env_key = "SWITCHYARD_API_KEY"',
      'wire_api = "responses"',
      'supports_websockets = true',
      `http_headers = { "x-switchyard-sim" = "${SIM_HEADER}" }`,
      '',
    ].join('\n');
    writeFileSync(join(directory, 'config.toml'), config);
    return directory;
  }

  it.each(['gpt-5.4', 'claude-sonnet-4.6', 'gemini-3.1-pro'])('answers a question with exec on %s, over the Responses API', async (model) => {
    captured = [];
    const cwd = workDir('codex');
    const configHome = codexHome(model);
    const since = Date.now();
    const run = await runAgent(bins.codex, ['exec', '--skip-git-repo-check', 'What is 17 * 23?'], {
      cwd,
      env: { HOME: home, CODEX_HOME: configHome, SWITCHYARD_API_KEY: 'unused-on-loopback' },
      timeoutMs: RUN_TIMEOUT_MS,
    });
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('391');
    // The WebSocket attempt is answered 426, so Codex goes to HTTP at once: one attempt, no reconnect loop.
    const upgrades = captured.filter((request) => request.method === 'GET' && request.path === '/v1/responses');
    expect(upgrades.length).toBe(1);
    expect(run.stderr).not.toMatch(/Reconnecting/);
    expect(modelCalls().length).toBeGreaterThan(0);
    for (const call of modelCalls()) expect(call.path).toBe('/v1/responses');
    expectGoodRows(await rowsSince(since, 1), model);
    if (model === 'gpt-5.4') record('codex-question', 'codex', modelCalls().slice(0, 1), { [cwd]: '/home/user/project', [configHome]: '/home/user/.codex', [home]: '/home/user', [proxyUrl]: 'http://127.0.0.1:4040' });
  });
});
