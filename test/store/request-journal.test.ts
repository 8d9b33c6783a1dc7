/**
 * The request log's journal and its failure modes, on real files: rows recorded before a
 * SIGKILL are written by the next process; while the database cannot be written rows wait
 * in the journal and budgets still count them; while the journal cannot be written they
 * wait in memory up to the bound, beyond which they are dropped and counted; retention
 * and the size cap prune in the background and keep the spend.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/core/ids.js';
import { SpendReports } from '../../src/governance/spend.js';
import { SqliteRequestLog } from '../../src/store/sqlite-request-log.js';
import { openDatabase } from '../../src/store/sqlite-schema.js';
import type { RequestLogHealth } from '../../src/store/types.js';
import { countRows, logRow } from '../helpers/log-rows.js';

const BUILT_LOG = new URL('../../dist/store/sqlite-request-log.js', import.meta.url).href;
const DAY_MS = 86_400_000;

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'switchyard-journal-')), 'log.db');

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('request journal', () => {
  it('rows recorded just before a SIGKILL are in the log after the next start; a line the kill cut short is skipped', () => {
    const path = tempDb();
    // Another process records 300 rows, then is killed before its writer ran (flush interval 1 h).
    const script = `
      import { SqliteRequestLog } from ${JSON.stringify(BUILT_LOG)};
      const log = new SqliteRequestLog({ path: ${JSON.stringify(path)}, flushIntervalMs: 3_600_000 });
      for (let index = 0; index < 300; index++) {
        const id = 'killed-' + index;
        log.record({ id, createdAt: Date.now(), endpoint: 'chat', keyId: 'key_k', team: 'team_t', route: null, requestedModel: 'm', model: 'm', provider: 'p', stream: false,
          status: 200, errorCode: null, errorMessage: null, finishReason: 'stop', latencyMs: 1, ttftMs: 1, inputTokens: 3, outputTokens: 4, cachedInputTokens: 0,
          costUsd: 0.25, simulated: true, attempts: 1, requestBody: '{}', responseBody: '{}', details: null },
          [{ requestId: id, attempt: 1, model: 'm', provider: 'p', upstreamModel: 'm', startedAt: Date.now(), status: 200, errorCode: null, errorMessage: null,
             latencyMs: 1, ttftMs: 1, inputTokens: 3, outputTokens: 4, cachedInputTokens: 0, costUsd: 0.25, usageSource: 'upstream' }]);
      }
      process.kill(process.pid, 'SIGKILL');
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');
    expect(countRows(path).requests).toBe(0);
    const journals = readdirSync(`${path}.journal`);
    expect(journals).toHaveLength(1);
    // As if the kill had landed in the middle of one more append.
    const directory = join(`${path}.journal`, journals[0] as string);
    appendFileSync(join(directory, readdirSync(directory)[0] as string), '{"seq":301,"request":{"id":"torn"');

    const warnings: string[] = [];
    const log = new SqliteRequestLog({ path, flushIntervalMs: 10, onWriterError: (message) => warnings.push(message) });
    // Before the writer replays it, the dead process's spend already counts.
    expect(log.spend({ since: 0, keyId: 'key_k' }).usd).toBeCloseTo(300 * 0.25, 9);
    log.flush();
    return until(() => countRows(path).requests === 300 && !existsSync(directory), 'the journal is replayed and removed').then(() => {
      expect(countRows(path)).toEqual({ requests: 300, attempts: 300 });
      expect(log.spend({ since: 0, team: 'team_t' })).toEqual({ usd: 75, tokens: 2100 });
      expect(warnings.join('\n')).toMatch(/incomplete last line/);
      log.close();
      // A clean stop leaves no journal behind.
      expect(readdirSync(`${path}.journal`)).toEqual([]);
    });
  });

  it('find() sees a row a sibling process journaled just before it was killed, before the writer takes its journal in', () => {
    const path = tempDb();
    // This process's log is open first: its writer looks for abandoned journals only every few seconds.
    const log = new SqliteRequestLog({ path, flushIntervalMs: 3_600_000 });
    const script = `
      import { SqliteRequestLog } from ${JSON.stringify(BUILT_LOG)};
      const log = new SqliteRequestLog({ path: ${JSON.stringify(path)}, flushIntervalMs: 3_600_000 });
      log.record({ id: 'sibling-answer', createdAt: Date.now(), endpoint: 'chat', keyId: 'key_k', team: null, route: null, requestedModel: 'm', model: 'm', provider: 'p', stream: false,
        status: 200, errorCode: null, errorMessage: null, finishReason: 'stop', latencyMs: 1, ttftMs: 1, inputTokens: 3, outputTokens: 4, cachedInputTokens: 0,
        costUsd: 0.25, simulated: true, attempts: 1, requestBody: '{}', responseBody: '{"answer":42}', details: null }, []);
      process.kill(process.pid, 'SIGKILL');
    `;
    try {
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      expect(child.signal).toBe('SIGKILL');
      expect(countRows(path).requests).toBe(0);
      expect(log.find('sibling-answer')).toMatchObject({ id: 'sibling-answer', status: 200, responseBody: '{"answer":42}' });
      expect(log.find('never-recorded')).toBeUndefined();
    } finally {
      log.close();
    }
  });

  it('while the database cannot be written, rows wait in the journal, spend counts them once, and all are written when it can', async () => {
    const path = tempDb();
    const healths: RequestLogHealth[] = [];
    const log = new SqliteRequestLog({ path, flushIntervalMs: 10, onWriterError: () => undefined });
    log.watch((health) => healths.push(health));
    for (let index = 0; index < 20; index++) log.record(logRow(uuidv7(), { keyId: 'key_a', costUsd: 0.5 }).request, []);
    expect(log.flush()).toBe(true);

    // Another connection holds the write lock: the writer's batches fail (after its busy timeout).
    const blocker = new Database(path);
    blocker.prepare('BEGIN EXCLUSIVE').run();
    for (let index = 0; index < 30; index++) log.record(logRow(uuidv7(), { keyId: 'key_a', costUsd: 0.5 }).request, logRow('x').attempts);
    expect(log.flush()).toBe(false);
    expect(log.health()).toMatchObject({ writing: 'database_failing', unwrittenRows: 30, heldRows: 0, droppedRows: 0 });
    await until(() => /locked|busy/i.test(log.health().error ?? ''), 'the writer says why');
    expect(healths.some((health) => health.writing === 'database_failing')).toBe(true);
    // Budgets read this: 20 written rows and 30 waiting, each counted once.
    expect(log.spend({ since: 0, keyId: 'key_a' }).usd).toBeCloseTo(25, 9);
    expect(log.spend({ since: 0, keyId: 'key_b' }).usd).toBe(0);

    blocker.prepare('ROLLBACK').run();
    blocker.close();
    await until(() => log.health().writing === 'ok', 'writing recovers');
    expect(log.flush()).toBe(true);
    expect(countRows(path).requests).toBe(50);
    expect(log.health().unwrittenRows).toBe(0);
    expect(log.spend({ since: 0, keyId: 'key_a' }).usd).toBeCloseTo(25, 9);
    log.close();
  }, 40_000);

  it('while the journal cannot be written, rows wait in memory up to the bound, then are dropped and counted; the rest are written when it can', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-journal-'));
    const path = join(directory, 'log.db');
    // The journal's directory cannot be created: a file is in its way.
    const root = join(directory, 'journals');
    writeFileSync(root, 'in the way');
    const messages: string[] = [];
    const log = new SqliteRequestLog({ path, flushIntervalMs: 10, journalRoot: root, maxBufferedBytes: 20_000, onWriterError: (message) => messages.push(message) });
    const sample = logRow('sample');
    const rowBytes = JSON.stringify(sample.request).length;
    const fits = Math.floor(20_000 / (rowBytes + 100));
    for (let index = 0; index < fits; index++) log.record(logRow(`held-${index}`, { team: 'team_h', costUsd: 1 }).request, []);
    expect(log.health()).toMatchObject({ writing: 'journal_failing', heldRows: fits, droppedRows: 0, saturated: false });
    expect(log.spend({ since: 0, team: 'team_h' }).usd).toBeCloseTo(fits, 9);
    for (let index = 0; index < 50; index++) log.record(logRow(`over-${index}`, { team: 'team_h', costUsd: 1 }).request, []);
    const over = log.health();
    expect(over.saturated).toBe(true);
    expect(over.droppedRows).toBeGreaterThan(0);
    expect(over.heldRows + over.droppedRows).toBe(fits + 50);
    expect(messages.join('\n')).toMatch(/dropped/);

    // Space returns: held rows are journaled (in order) and written.
    rmSync(root);
    await until(() => log.health().heldRows === 0, 'held rows are journaled');
    expect(log.flush()).toBe(true);
    expect(countRows(path).requests).toBe(over.heldRows);
    expect(log.health()).toMatchObject({ writing: 'ok', saturated: false, droppedRows: over.droppedRows });
    log.close();
  });

  it('retention and the size cap prune old rows in the background, and spend keeps counting them', async () => {
    const path = tempDb();
    const now = Date.now();
    const seed = openDatabase(path);
    const insert = seed.prepare(
      `INSERT INTO requests (id, created_at, endpoint, key_id, team, route, requested_model, model, provider, stream, status, latency_ms, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost_usd, simulated, attempts, request_body)
       VALUES (?, ?, 'chat', ?, NULL, 'auto', 'auto', 'm', 'p', 0, 200, 1, 10, 5, 0, 2, ?, 1, 1, ?)`,
    );
    const attempt = seed.prepare(
      `INSERT INTO attempts (request_id, attempt, model, provider, upstream_model, started_at, status, latency_ms, input_tokens, output_tokens, cached_input_tokens, cost_usd, usage_source)
       VALUES (?, 1, 'm', 'p', 'm', ?, 200, 1, 10, 5, 0, ?, 'upstream')`,
    );
    const body = 'x'.repeat(2000);
    seed.transaction(() => {
      // 3,000 rows from 40 to 10 days ago, 2,000 from the last day: about 10 MB of bodies.
      for (let index = 0; index < 5000; index++) {
        const createdAt = index < 3000 ? now - 40 * DAY_MS + index * 864_000 : now - DAY_MS + index;
        insert.run(`seeded-${index}`, createdAt, index % 2 === 0 ? 'key_even' : 'key_odd', 0.001, body);
        attempt.run(`seeded-${index}`, createdAt, 0.001);
      }
    })();
    seed.close();
    const before = { even: 2500 * 0.001, all: 5000 * 0.001 };

    const log = new SqliteRequestLog({ path, flushIntervalMs: 10, retention: { retentionDays: 30, maxSizeBytes: 3 * 1024 * 1024 } });
    // Writes go on while pruning runs on the writer thread.
    for (let index = 0; index < 100; index++) log.record(logRow(`live-${index}`, { keyId: 'key_even', costUsd: 0.001 }).request, []);
    expect(log.flush()).toBe(true);
    const reader = new Database(path, { readonly: true });
    const used = () => {
      const pages = reader.pragma('page_count', { simple: true }) as number;
      const free = reader.pragma('freelist_count', { simple: true }) as number;
      return (pages - free) * (reader.pragma('page_size', { simple: true }) as number);
    };
    await until(() => used() <= 3 * 1024 * 1024, 'the database is under its size cap');
    const oldest = reader.prepare('SELECT MIN(created_at) AS oldest, COUNT(*) AS n FROM requests').get() as { oldest: number; n: number };
    const orphans = reader.prepare('SELECT COUNT(*) AS n FROM attempts WHERE request_id NOT IN (SELECT id FROM requests)').get() as { n: number };
    reader.close();
    // Everything older than 30 days went (retention); then the oldest of the rest until the size fits.
    expect(oldest.oldest).toBeGreaterThanOrEqual(now - 30 * DAY_MS);
    expect(oldest.n).toBeLessThan(5100 - 2000);
    expect(orphans.n).toBe(0);
    // The newest rows stay; the spend of what was pruned stays too.
    expect(countRows(path).requests).toBeGreaterThan(100);
    expect(log.spend({ since: 0, keyId: 'key_even' }).usd).toBeCloseTo(before.even + 0.1, 9);
    expect(log.spend({ since: 0 }).usd).toBeCloseTo(before.all + 0.1, 9);
    expect(log.spend({ since: now - 5 * DAY_MS }).usd).toBeCloseTo(2000 * 0.001 + 0.1, 9);
    // Spend reports count pruned rows by the day they fell on.
    const reports = new SpendReports(path, () => log.flush());
    const byKey = reports.spend('key');
    reports.close();
    // Every token class too (the live rows have no reasoning tokens).
    expect(byKey.find((row) => row.group === 'key_even')).toMatchObject({ requests: 2600, inputTokens: 26_000, reasoningTokens: 5000 });
    expect(byKey.find((row) => row.group === 'key_even')?.costUsd).toBeCloseTo(before.even + 0.1, 9);
    expect(byKey.find((row) => row.group === 'key_odd')?.requests).toBe(2500);
    log.close();
  }, 60_000);
});
