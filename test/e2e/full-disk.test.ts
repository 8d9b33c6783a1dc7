/**
 * The request log on a full filesystem (a small tmpfs this test mounts; it needs root, as
 * CI has): requests are still answered, readiness, /metrics and an alert say the log is
 * failing, every row is written once space returns, and a SIGTERM then loses nothing.
 * With the write buffer full, store.on_write_failure decides: keep_serving refuses only
 * budgeted requests and counts the rows it drops; reject refuses every model call and
 * readiness goes 503, until the log recovers.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';

const ADMIN = 'sy-admin-full-disk-0123456789';
const mounts: string[] = [];
const alerts: { alert: string; type: string }[] = [];
let webhook: Server;
let webhookUrl: string;

beforeAll(async () => {
  webhook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      alerts.push(JSON.parse(body) as { alert: string; type: string });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alerts`;
});

afterAll(async () => {
  for (const mount of mounts) execFileSync('umount', ['-l', mount]);
  await new Promise((resolve) => webhook.close(resolve));
});

/** A fresh tmpfs of a few MB. */
function smallFilesystem(): string {
  const directory = mkdtempSync(join(tmpdir(), 'switchyard-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', directory], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`this test mounts a 4 MB tmpfs and must run as root (as CI does): ${(error as Error).message}`);
  }
  mounts.push(directory);
  return directory;
}

/** Take every free byte of the filesystem; returns how to give it back. */
function fill(directory: string): () => void {
  const path = join(directory, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  // The last few bytes too.
  try {
    for (;;) writeSync(fd, chunk, 0, 512);
  } catch {
    // full
  }
  closeSync(fd);
  expect(statfsSync(directory).bavail).toBe(0);
  return () => rmSync(path);
}

async function start(directory: string, store: string): Promise<RunningGateway> {
  const config = parseConfigText(
    `server: { admin_key: env:ADMIN_KEY }
store:
  sqlite: { path: ${JSON.stringify(join(directory, 'log.db'))} }
  flush_interval_ms: 20
${store}
governance:
  alerts: { webhook_url: ${webhookUrl} }
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
models:
  gpt-5.4-mini: { provider: sim, price: { input: 1, output: 2 } }
`,
    { ADMIN_KEY: ADMIN },
    'test',
  );
  return startGateway({ config, logger: silentLogger(), port: 0, host: '127.0.0.1' });
}

async function call(url: string, key: string, stream = false, id?: string): Promise<{ status: number; code?: string }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...(id ? { 'x-request-id': id } : {}) },
    body: JSON.stringify({ model: 'gpt-5.4-mini', stream, max_tokens: 20, messages: [{ role: 'user', content: 'Say something short.' }] }),
  });
  const text = await response.text();
  return response.status === 200 ? { status: 200 } : { status: response.status, code: (JSON.parse(text) as { error: { code: string } }).error.code };
}

async function admin(url: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return (await response.json()) as Record<string, unknown>;
}

async function readiness(url: string): Promise<{ status: number; body: { status: string; request_log: Record<string, unknown> } }> {
  const response = await fetch(`${url}/health/ready`);
  return { status: response.status, body: (await response.json()) as { status: string; request_log: Record<string, unknown> } };
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((each) => each.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function keys(url: string): Promise<{ free: string; budgeted: string; budgetedId: string }> {
  const free = (await admin(url, 'POST', '/admin/keys', { name: 'free' })) as { key: string };
  const budgeted = (await admin(url, 'POST', '/admin/keys', { name: 'budgeted' })) as { id: string; key: string };
  await admin(url, 'POST', '/admin/budgets', { scope: 'key', scope_id: budgeted.id, period: 'month', limit_usd: 100 });
  return { free: free.key, budgeted: budgeted.key, budgetedId: budgeted.id };
}

describe('request log on a full disk', () => {
  it('keeps answering, says the log is failing, and writes every row once space returns', async () => {
    const directory = smallFilesystem();
    const running = await start(directory, '');
    const { url } = running;
    const { free, budgeted, budgetedId } = await keys(url);
    const release = fill(directory);

    const sent: string[] = [];
    for (let index = 0; index < 40; index++) {
      const id = `full-${index}`;
      sent.push(id);
      expect(await call(url, index % 4 === 3 ? budgeted : free, index % 2 === 1, id)).toEqual({ status: 200 });
    }
    const failing = await readiness(url);
    expect(failing.status).toBe(200);
    expect(failing.body.status).toBe('degraded');
    expect(failing.body.request_log).toMatchObject({ writing: 'journal_failing', held_rows: 40, dropped_rows: 0 });
    expect(String(failing.body.request_log.error)).toMatch(/ENOSPC/);
    expect(await metric(url, 'switchyard_request_log_writing')).toBe(2);
    expect(await metric(url, 'switchyard_request_log_unwritten_rows')).toBeGreaterThanOrEqual(40);
    await until(async () => alerts.some((alert) => alert.alert === 'request_log:failing'), 'the failing log is alerted');
    // The budget counts the budgeted requests' cost although their rows are not written yet.
    const spent = ((await admin(url, 'GET', '/admin/budgets')).data as { scopeId: string; spent_usd: number }[]).find((each) => each.scopeId === budgetedId)?.spent_usd;
    expect(spent).toBeGreaterThan(0);

    release();
    await until(async () => (await readiness(url)).body.status === 'ready', 'the log recovers');
    expect(await metric(url, 'switchyard_request_log_writing')).toBe(0);
    await running.stop(2000);
    const database = new Database(join(directory, 'log.db'), { readonly: true });
    const rows = database.prepare("SELECT id, status FROM requests WHERE id LIKE 'full-%'").all() as { id: string; status: number }[];
    const attempts = database.prepare("SELECT COUNT(*) AS n FROM attempts WHERE request_id LIKE 'full-%'").get() as { n: number };
    const logged = database.prepare('SELECT SUM(cost_usd) AS usd FROM requests WHERE key_id = ?').get(budgetedId) as { usd: number };
    database.close();
    expect(rows.map((row) => row.id).sort()).toEqual([...sent].sort());
    expect(attempts.n).toBe(40);
    expect(logged.usd).toBeCloseTo(spent as number, 9);
  }, 60_000);

  it('keep_serving: with the write buffer full, budgeted requests get 503 and unbudgeted ones are served, their dropped rows counted and alerted', async () => {
    const directory = smallFilesystem();
    const running = await start(directory, '  write_buffer_mb: 0.03');
    const { url } = running;
    const { free, budgeted } = await keys(url);
    const release = fill(directory);
    let sent = 0;
    while ((await metric(url, 'switchyard_request_log_dropped_rows_total')) === 0 && sent < 200) {
      expect(await call(url, free)).toEqual({ status: 200 });
      sent++;
    }
    expect(await metric(url, 'switchyard_request_log_dropped_rows_total')).toBeGreaterThan(0);
    expect(await call(url, budgeted)).toEqual({ status: 503, code: 'request_log_unavailable' });
    expect(await call(url, free)).toEqual({ status: 200 });
    const ready = await readiness(url);
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    await until(async () => alerts.some((alert) => alert.alert === 'request_log:dropped'), 'the dropped rows are alerted');

    release();
    await until(async () => (await readiness(url)).body.request_log.writing === 'ok', 'the log recovers');
    expect(await call(url, budgeted)).toEqual({ status: 200 });
    await running.stop(2000);
  }, 60_000);

  it('reject: with the write buffer full, every model call gets 503 and readiness says so, until the log recovers', async () => {
    const directory = smallFilesystem();
    const running = await start(directory, '  write_buffer_mb: 0.03\n  on_write_failure: reject');
    const { url } = running;
    const { free } = await keys(url);
    const release = fill(directory);
    const outcomes: string[] = [];
    for (let index = 0; index < 200 && !outcomes.includes('503'); index++) outcomes.push(String((await call(url, free)).status));
    expect(outcomes.at(-1)).toBe('503');
    expect(await call(url, free)).toEqual({ status: 503, code: 'request_log_unavailable' });
    const ready = await readiness(url);
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('request_log_unavailable');
    // Refused before any row could be dropped.
    expect(await metric(url, 'switchyard_request_log_dropped_rows_total')).toBe(0);

    release();
    await until(async () => (await readiness(url)).status === 200, 'the log recovers');
    expect(await call(url, free)).toEqual({ status: 200 });
    await running.stop(2000);
    const database = new Database(join(directory, 'log.db'), { readonly: true });
    const served = database.prepare('SELECT COUNT(*) AS n FROM requests WHERE status = 200').get() as { n: number };
    database.close();
    expect(served.n).toBe(outcomes.filter((outcome) => outcome === '200').length + 1);
  }, 60_000);
});
