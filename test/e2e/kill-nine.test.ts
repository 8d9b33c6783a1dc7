/**
 * kill -9 under load: concurrent clients send streaming and non-streaming requests to the
 * real `switchyard serve` process, which is SIGKILLed mid-load. Every request whose
 * response a client received whole (the JSON body, or `data: [DONE]`) must have its
 * request row and attempt rows after the restart, and the key's budget must count it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { spawnServe } from '../helpers/serve-process.js';

const ADMIN = 'sy-admin-kill-nine-0123456789';
const CLIENTS = 8;
/** Load runs at least this long and until this many answers arrived (bounded: a loaded machine is slow). */
const LOAD_MS = 1500;
const LOAD_ANSWERS = 200;
const LOAD_MAX_MS = 15_000;

async function admin(url: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return (await response.json()) as Record<string, unknown>;
}

describe('kill -9 under load', () => {
  it('every request a client received whole has its rows after the restart, and its budget counts it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-kill-'));
    const dbPath = join(directory, 'log.db');
    const configPath = join(directory, 'switchyard.yaml');
    // Rows reach SQLite every 500 ms: at the kill, many answered requests are only in the journal.
    writeFileSync(
      configPath,
      `server: { admin_key: env:ADMIN_KEY }
store:
  sqlite: { path: ${JSON.stringify(dbPath)} }
  flush_interval_ms: 500
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 20000 } }
models:
  gpt-5.4-mini: { provider: sim, price: { input: 1, output: 2, per_request: 0.001 } }
`,
    );
    const first = spawnServe(configPath, { ADMIN_KEY: ADMIN });
    const url = await first.url;
    const key = (await admin(url, 'POST', '/admin/keys', { name: 'load' })) as { id: string; key: string };
    const budget = (await admin(url, 'POST', '/admin/budgets', { scope: 'key', scope_id: key.id, period: 'total', limit_usd: 1_000_000 })) as { id: string };

    const acknowledged = new Map<string, number>();
    let stop = false;
    const client = async (index: number): Promise<void> => {
      for (let sent = 0; !stop; sent++) {
        const id = `ack-${index}-${sent}`;
        const stream = sent % 2 === 1;
        try {
          const response = await fetch(`${url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key.key}`, 'x-request-id': id },
            body: JSON.stringify({ model: 'gpt-5.4-mini', stream, max_tokens: 30, messages: [{ role: 'user', content: `Question ${id}: what is ${sent} + ${index}?` }] }),
          });
          const text = await response.text();
          if (response.status !== 200) continue;
          // Received whole: the JSON answer parses, or the stream reached its end marker.
          if (stream ? text.trimEnd().endsWith('data: [DONE]') : Boolean((JSON.parse(text) as { choices?: unknown[] }).choices)) {
            acknowledged.set(id, Number(response.headers.get('x-switchyard-cost-usd') ?? 0));
          }
        } catch {
          // The connection died with the process: not acknowledged.
        }
      }
    };
    const load = Array.from({ length: CLIENTS }, (_, index) => client(index));
    const started = Date.now();
    while (Date.now() - started < LOAD_MAX_MS && (Date.now() - started < LOAD_MS || acknowledged.size < LOAD_ANSWERS)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(load);
    expect(await first.exited).toBe(null);
    expect(acknowledged.size).toBeGreaterThan(20);

    // Before the restart the database lacks rows the clients have (they are in the journal).
    const before = new Database(dbPath, { readonly: true });
    const present = new Set((before.prepare("SELECT id FROM requests WHERE id LIKE 'ack-%'").all() as { id: string }[]).map((row) => row.id));
    before.close();
    const onlyInJournal = [...acknowledged.keys()].filter((id) => !present.has(id));
    expect(onlyInJournal.length).toBeGreaterThan(0);

    const second = spawnServe(configPath, { ADMIN_KEY: ADMIN });
    const restarted = await second.url;
    // The budget counts every acknowledged request's cost as soon as the gateway is up.
    const budgets = (await admin(restarted, 'GET', '/admin/budgets')).data as { id: string; spent_usd: number }[];
    const spent = budgets.find((each) => each.id === budget.id)?.spent_usd ?? 0;
    const acknowledgedUsd = [...acknowledged.values()].reduce((sum, cost) => sum + cost, 0);
    expect(spent).toBeGreaterThanOrEqual(acknowledgedUsd - 1e-6 * acknowledged.size);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const after = new Database(dbPath, { readonly: true });
    const rows = new Map(
      (after.prepare("SELECT id, status, attempts, cost_usd AS costUsd FROM requests WHERE id LIKE 'ack-%'").all() as { id: string; status: number; attempts: number; costUsd: number }[]).map((row) => [row.id, row]),
    );
    const attemptRows = new Map((after.prepare("SELECT request_id AS id, COUNT(*) AS n FROM attempts WHERE request_id LIKE 'ack-%' GROUP BY 1").all() as { id: string; n: number }[]).map((row) => [row.id, row.n]));
    const loggedUsd = (after.prepare('SELECT SUM(cost_usd) AS usd FROM requests WHERE key_id = ?').get(key.id) as { usd: number }).usd;
    after.close();
    const lost = [...acknowledged.keys()].filter((id) => rows.get(id)?.status !== 200 || attemptRows.get(id) !== rows.get(id)?.attempts || !attemptRows.get(id));
    expect(lost).toEqual([]);
    expect(spent).toBeCloseTo(loggedUsd, 6);
  }, 90_000);
});
