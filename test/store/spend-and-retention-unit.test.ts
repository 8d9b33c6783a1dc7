/**
 * The store's money and tenancy pieces on their own, without a writer thread: the spend of
 * rows the database does not have yet (counted exactly once against a journal position),
 * retention and the size cap (what is pruned, what is kept, and the spend it rolls up), and
 * stored responses, which one key must never read or delete for another.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteResponseStore } from '../../src/store/response-store.js';
import { openDatabase } from '../../src/store/sqlite-schema.js';
import { PRUNE_STEP_ROWS, Retention } from '../../src/store/sqlite-retention.js';
import { UnwrittenSpend } from '../../src/store/unwritten-spend.js';

const DAY = 86_400_000;

function row(createdAt: number, keyId: string | null, team: string | null, costUsd: number, inputTokens = 1, outputTokens = 2) {
  return { createdAt, keyId, team, costUsd, inputTokens, outputTokens };
}

describe('UnwrittenSpend', () => {
  it('sums the rows past each journal position, by key, by team, or everyone, from a time on', () => {
    const spend = new UnwrittenSpend();
    spend.add('j1', 1, row(100, 'key_a', 'search', 0.5, 10, 5));
    spend.add('j1', 2, row(200, 'key_b', 'search', 0.25, 1, 1));
    spend.add('j2', 1, row(300, 'key_a', null, 1, 2, 2));
    const none = new Map<string, number>();
    expect(spend.spend({ since: 0 }, none)).toEqual({ usd: 1.75, tokens: 21 });
    expect(spend.spend({ since: 0, keyId: 'key_a' }, none)).toEqual({ usd: 1.5, tokens: 19 });
    expect(spend.spend({ since: 0, team: 'search' }, none)).toEqual({ usd: 0.75, tokens: 17 });
    expect(spend.spend({ since: 0, keyId: 'key_a', team: 'search' }, none)).toEqual({ usd: 0.5, tokens: 15 });
    expect(spend.spend({ since: 200 }, none), 'since is inclusive').toEqual({ usd: 1.25, tokens: 6 });
    expect(spend.spend({ since: 201 }, none)).toEqual({ usd: 1, tokens: 4 });
    expect(spend.spend({ since: 0 }, new Map([['j1', 1]])), 'rows at or before the database position are in the database already').toEqual({ usd: 1.25, tokens: 6 });
    expect(spend.spend({ since: 0 }, new Map([['j1', 2], ['j2', 1]]))).toEqual({ usd: 0, tokens: 0 });
    expect(spend.rows).toBe(3);
  });

  it('a key without a team and a team without a key are different callers', () => {
    const spend = new UnwrittenSpend();
    spend.add('j', 1, row(0, 'x', null, 1));
    spend.add('j', 2, row(0, null, 'x', 2));
    spend.add('j', 3, row(0, null, null, 4));
    const none = new Map<string, number>();
    expect(spend.spend({ since: 0, keyId: 'x' }, none).usd).toBe(1);
    expect(spend.spend({ since: 0, team: 'x' }, none).usd).toBe(2);
    expect(spend.caller('x', null)).not.toBe(spend.caller(null, 'x'));
    expect(spend.caller('x', null)).toBe(spend.caller('x', null));
  });

  it('a key that moved to another team: its rows count for the team each was made under', () => {
    const spend = new UnwrittenSpend();
    spend.add('j', 1, row(0, 'key_a', 'search', 1));
    spend.add('j', 2, row(0, 'key_a', 'ads', 2));
    const none = new Map<string, number>();
    expect(spend.spend({ since: 0, team: 'ads' }, none).usd).toBe(2);
    expect(spend.spend({ since: 0, team: 'search' }, none).usd).toBe(1);
    expect(spend.spend({ since: 0, keyId: 'key_a' }, none).usd).toBe(3);
  });

  it('rows reported written leave the summary, through the sequence given, one journal at a time', () => {
    const spend = new UnwrittenSpend();
    for (let seq = 1; seq <= 5; seq++) spend.add('j1', seq, row(0, null, null, 1));
    spend.add('j2', 1, row(0, null, null, 10));
    spend.written('j1', 3);
    expect(spend.rows).toBe(3);
    expect(spend.spend({ since: 0 }, new Map())).toEqual({ usd: 12, tokens: 9 });
    spend.written('j1', 3);
    expect(spend.rows).toBe(3);
    spend.written('unknown', 99);
    spend.written('j2', 0);
    expect(spend.rows).toBe(3);
    spend.written('j1', 10);
    spend.written('j2', 1);
    expect(spend.rows).toBe(0);
    expect(spend.spend({ since: 0 }, new Map())).toEqual({ usd: 0, tokens: 0 });
  });

  it('keeps counting correctly after many rows have been written and the arrays compacted', () => {
    const spend = new UnwrittenSpend();
    for (let seq = 1; seq <= 3000; seq++) spend.add('j', seq, row(seq, 'k', null, 1, 1, 0));
    spend.written('j', 1025);
    expect(spend.rows).toBe(1975);
    spend.written('j', 2500);
    expect(spend.rows).toBe(500);
    expect(spend.spend({ since: 0 }, new Map())).toEqual({ usd: 500, tokens: 500 });
    expect(spend.spend({ since: 2901 }, new Map())).toEqual({ usd: 100, tokens: 100 });
    expect(spend.spend({ since: 0 }, new Map([['j', 2600]]))).toEqual({ usd: 400, tokens: 400 });
    spend.add('j', 3001, row(3001, 'k', null, 1, 1, 0));
    spend.written('j', 3000);
    expect(spend.rows).toBe(1);
    expect(spend.spend({ since: 0, keyId: 'k' }, new Map())).toEqual({ usd: 1, tokens: 1 });
  });
});

function logDatabase(): Database.Database {
  return openDatabase(join(mkdtempSync(join(tmpdir(), 'switchyard-retention-')), 'log.db'));
}

function insertRequest(database: Database.Database, id: string, createdAt: number, fields: { key?: string | null; team?: string | null; route?: string | null; model?: string | null; usd?: number; input?: number; output?: number; body?: string } = {}): void {
  database
    .prepare(
      `INSERT INTO requests (id, created_at, endpoint, key_id, team, route, requested_model, model, provider, stream, status, latency_ms, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost_usd, simulated, attempts, request_body)
       VALUES (?, ?, 'chat', ?, ?, ?, 'auto', ?, 'sim', 0, 200, 1, ?, ?, 1, 2, ?, 1, 1, ?)`,
    )
    .run(id, createdAt, fields.key ?? null, fields.team ?? null, fields.route ?? null, fields.model === undefined ? 'cheap' : fields.model, fields.input ?? 10, fields.output ?? 5, fields.usd ?? 0.1, fields.body ?? null);
  database
    .prepare(
      `INSERT INTO attempts (request_id, attempt, model, provider, upstream_model, started_at, status, latency_ms, input_tokens, output_tokens, cached_input_tokens, cost_usd, usage_source)
       VALUES (?, 1, 'cheap', 'sim', 'm', ?, 200, 1, 1, 1, 0, 0, 'upstream')`,
    )
    .run(id, createdAt);
}

const ids = (database: Database.Database): string[] => (database.prepare('SELECT id FROM requests ORDER BY id').all() as { id: string }[]).map((entry) => entry.id);

describe('Retention', () => {
  it('is active only with a retention period or a size cap', () => {
    const database = logDatabase();
    expect(new Retention(database, { retentionDays: undefined, maxSizeBytes: undefined }).active).toBe(false);
    expect(new Retention(database, { retentionDays: 1, maxSizeBytes: undefined }).active).toBe(true);
    expect(new Retention(database, { retentionDays: undefined, maxSizeBytes: 1 }).active).toBe(true);
    expect(new Retention(database, { retentionDays: undefined, maxSizeBytes: undefined }).pruneStep(Date.now())).toBe(0);
    database.close();
  });

  it('deletes rows (and their attempts) older than the retention period, not one at its edge, and rolls their spend up per day, key, team, route and model', () => {
    const database = logDatabase();
    const now = Date.UTC(2026, 4, 10, 12);
    const day1 = Date.UTC(2026, 4, 1);
    insertRequest(database, 'old-1', day1 + 1_000, { key: 'key_a', team: 'search', route: 'auto', usd: 0.25, input: 10, output: 5 });
    insertRequest(database, 'old-2', day1 + 2_000, { key: 'key_a', team: 'search', route: 'auto', usd: 0.5, input: 20, output: 6 });
    insertRequest(database, 'old-3', day1 + DAY + 5, { key: null, team: null, route: null, model: null, usd: 1 });
    insertRequest(database, 'edge', now - 7 * DAY, { usd: 9 });
    insertRequest(database, 'new', now - 1, { usd: 9 });
    const retention = new Retention(database, { retentionDays: 7, maxSizeBytes: undefined });
    expect(retention.pruneStep(now)).toBe(3);
    expect(ids(database)).toEqual(['edge', 'new']);
    expect((database.prepare('SELECT request_id FROM attempts ORDER BY request_id').all() as { request_id: string }[]).map((entry) => entry.request_id)).toEqual(['edge', 'new']);
    const rollup = database.prepare('SELECT day, key_id, team, route, model, requests, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost_usd FROM spend_rollup ORDER BY day').all();
    expect(rollup).toEqual([
      { day: day1, key_id: 'key_a', team: 'search', route: 'auto', model: 'cheap', requests: 2, input_tokens: 30, output_tokens: 11, cached_input_tokens: 2, reasoning_tokens: 4, cost_usd: 0.75 },
      { day: day1 + DAY, key_id: '', team: '', route: '', model: '', requests: 1, input_tokens: 10, output_tokens: 5, cached_input_tokens: 1, reasoning_tokens: 2, cost_usd: 1 },
    ]);
    expect(retention.pruneStep(now), 'nothing more to prune').toBe(0);
    database.close();
  });

  it('rows pruned later into the same rollup row add to it', () => {
    const database = logDatabase();
    const day1 = Date.UTC(2026, 4, 1);
    insertRequest(database, 'a', day1 + 1, { key: 'k', usd: 0.25 });
    const retention = new Retention(database, { retentionDays: 1, maxSizeBytes: undefined });
    expect(retention.pruneStep(day1 + 2 * DAY)).toBe(1);
    insertRequest(database, 'b', day1 + 2, { key: 'k', usd: 0.5 });
    expect(retention.pruneStep(day1 + 2 * DAY)).toBe(1);
    expect(database.prepare('SELECT requests, input_tokens, cost_usd FROM spend_rollup').all()).toEqual([{ requests: 2, input_tokens: 20, cost_usd: 0.75 }]);
    database.close();
  });

  it('keeps rows still queued for PostgreSQL, however old', () => {
    const database = logDatabase();
    insertRequest(database, 'queued', 1);
    insertRequest(database, 'shipped', 2);
    database.prepare('INSERT INTO ship_queue (request_id) VALUES (?)').run('queued');
    expect(new Retention(database, { retentionDays: 1, maxSizeBytes: undefined }).pruneStep(100 * DAY)).toBe(1);
    expect(ids(database)).toEqual(['queued']);
    database.close();
  });

  it('prunes at most a step of rows at a time, oldest first', () => {
    const database = logDatabase();
    const insert = database.transaction(() => {
      for (let index = 0; index < PRUNE_STEP_ROWS + 5; index++) insertRequest(database, `r${String(index).padStart(5, '0')}`, 1_000 + index);
    });
    insert();
    const retention = new Retention(database, { retentionDays: 1, maxSizeBytes: undefined });
    expect(retention.pruneStep(10 * DAY)).toBe(PRUNE_STEP_ROWS);
    expect(ids(database)).toEqual(['r01000', 'r01001', 'r01002', 'r01003', 'r01004']);
    expect(retention.pruneStep(10 * DAY)).toBe(5);
    expect((database.prepare('SELECT SUM(requests) AS requests FROM spend_rollup').get() as { requests: number }).requests).toBe(PRUNE_STEP_ROWS + 5);
    database.close();
  });

  it('over the size cap, prunes the oldest rows whatever their age until under nine tenths of it, then stops', () => {
    const database = logDatabase();
    const body = 'x'.repeat(2_000);
    const insert = database.transaction(() => {
      for (let index = 0; index < 400; index++) insertRequest(database, `r${String(index).padStart(4, '0')}`, Date.now() + index, { body });
    });
    insert();
    const probe = new Retention(database, { retentionDays: undefined, maxSizeBytes: undefined });
    const used = probe.usedBytes();
    expect(used).toBeGreaterThan(400 * 2_000);
    const cap = Math.floor(used * 0.8);
    const retention = new Retention(database, { retentionDays: 365, maxSizeBytes: cap });
    const first = retention.pruneStep(Date.now());
    expect(first, 'the first step, before any row was measured, takes 50').toBe(50);
    expect(ids(database)[0], 'the oldest went first').toBe('r0050');
    let steps = 0;
    while (retention.pruneStep(Date.now()) > 0 && steps < 100) steps++;
    expect(steps).toBeLessThan(100);
    expect(retention.usedBytes()).toBeLessThanOrEqual(cap * 0.9);
    const left = ids(database).length;
    expect(left, 'it stopped near nine tenths of the cap, not at an empty log').toBeGreaterThan(200);
    // Under the target now: rows below the cap are not pruned further.
    expect(retention.pruneStep(Date.now())).toBe(0);
    expect(ids(database)).toHaveLength(left);
    expect((database.prepare('SELECT SUM(requests) AS requests FROM spend_rollup').get() as { requests: number }).requests).toBe(400 - left);
    database.close();
  });

  it('under the size cap nothing is pruned', () => {
    const database = logDatabase();
    insertRequest(database, 'a', 1);
    const retention = new Retention(database, { retentionDays: undefined, maxSizeBytes: 1024 * 1024 * 1024 });
    expect(retention.pruneStep(Date.now())).toBe(0);
    expect(ids(database)).toEqual(['a']);
    database.close();
  });
});

describe('SqliteResponseStore', () => {
  const stored = (id: string, keyId: string | null) => ({
    id,
    requestId: `req-${id}`,
    keyId,
    createdAt: 1234,
    response: { id, object: 'response', output_text: 'hi' },
    inputItems: [{ type: 'message', role: 'user', content: 'hello' }],
    conversation: [{ role: 'user' as const, content: 'hello' }, { role: 'assistant' as const, content: 'hi' }],
  });

  it('gives a response back to the key that stored it, field for field', () => {
    const store = new SqliteResponseStore(join(mkdtempSync(join(tmpdir(), 'switchyard-responses-')), 'log.db'));
    store.save(stored('resp_1', 'key_a'));
    expect(store.find('resp_1', 'key_a')).toEqual(stored('resp_1', 'key_a'));
    store.close();
  });

  it('another key, or no key, finds nothing and deletes nothing; a response stored without a key is found only without one', () => {
    const store = new SqliteResponseStore(join(mkdtempSync(join(tmpdir(), 'switchyard-responses-')), 'log.db'));
    store.save(stored('resp_1', 'key_a'));
    store.save(stored('resp_2', null));
    expect(store.find('resp_1', 'key_b')).toBeUndefined();
    expect(store.find('resp_1', null)).toBeUndefined();
    expect(store.find('resp_2', 'key_a')).toBeUndefined();
    expect(store.find('resp_2', null)?.requestId).toBe('req-resp_2');
    expect(store.delete('resp_1', 'key_b')).toBe(false);
    expect(store.find('resp_1', 'key_a')).toBeDefined();
    expect(store.delete('resp_1', 'key_a')).toBe(true);
    expect(store.find('resp_1', 'key_a')).toBeUndefined();
    expect(store.delete('resp_1', 'key_a')).toBe(false);
    expect(store.find('missing', 'key_a')).toBeUndefined();
    store.close();
  });
});
