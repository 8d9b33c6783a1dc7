/**
 * The request log shipped to PostgreSQL, against the real server (a schema of this file's
 * own): versioned, idempotent migrations; rows identical to SQLite's; PostgreSQL down and
 * back (a relay this test closes) with no row lost or doubled; a crash between
 * PostgreSQL's commit and the local confirmation shipping nothing twice; retention in
 * both backends.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/core/ids.js';
import { SqliteRequestLog } from '../../src/store/sqlite-request-log.js';
import { appliedMigrations, migratePostgres, POSTGRES_SCHEMA_VERSION, postgresPool } from '../../src/store/postgres-schema.js';
import { enableShipping, PostgresShipper, prunePostgres } from '../../src/store/postgres-shipper.js';
import { openDatabase } from '../../src/store/sqlite-schema.js';
import { batchWriter } from '../../src/store/sqlite-schema.js';
import { Retention } from '../../src/store/sqlite-retention.js';
import { logRow } from '../helpers/log-rows.js';
import { createTestSchema, PostgresRelay, waitUntil, type TestSchema } from '../helpers/postgres.js';

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'switchyard-pg-')), 'log.db');
const DAY_MS = 86_400_000;

const schemas: TestSchema[] = [];
async function schema(): Promise<TestSchema> {
  const created = await createTestSchema('store');
  schemas.push(created);
  return created;
}
afterAll(async () => {
  for (const created of schemas) await created.drop();
});

/** Rows in a table of the schema (0 before the migrations made it). */
async function count(test: TestSchema, table: string): Promise<number> {
  const exists = await test.pool.query<{ name: string | null }>('SELECT to_regclass($1)::text AS name', [table]);
  if (exists.rows[0]?.name == null) return 0;
  return Number((await test.pool.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]?.n);
}

/** Every row of a table, columns in order, as SQLite gives them. */
function sqliteRows(path: string, table: string, order: string): unknown[][] {
  const database = new Database(path, { readonly: true });
  const rows = database.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).raw().all() as unknown[][];
  database.close();
  return rows;
}

async function postgresRows(test: TestSchema, table: string, order: string): Promise<unknown[][]> {
  const pool = postgresPool(test.url, { max: 1 });
  const result = await pool.query({ text: `SELECT * FROM ${table} ORDER BY ${order}`, rowMode: 'array' });
  await pool.end();
  return result.rows as unknown[][];
}

describe('PostgreSQL migrations', () => {
  it('apply in order, once: a second run applies nothing; from an older version only the newer ones', async () => {
    const test = await schema();
    const pool = postgresPool(test.url);
    try {
      expect(await appliedMigrations(pool)).toEqual([]);
      expect(await migratePostgres(pool, 1)).toEqual([1]);
      expect(await appliedMigrations(pool)).toEqual([1]);
      // Version 1 has no spend_rollup yet.
      await expect(test.pool.query('SELECT 1 FROM spend_rollup')).rejects.toThrow(/does not exist/);
      const rest = await migratePostgres(pool);
      expect(rest).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION - 1 }, (_, index) => index + 2));
      expect(await migratePostgres(pool)).toEqual([]);
      expect(await appliedMigrations(pool)).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, index) => index + 1));
      expect(await count(test, 'spend_rollup')).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('several migrating at once apply each migration once', async () => {
    const test = await schema();
    const pools = [postgresPool(test.url), postgresPool(test.url), postgresPool(test.url)];
    try {
      const results = await Promise.all(pools.map((pool) => migratePostgres(pool)));
      expect(results.flat().sort()).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, index) => index + 1));
    } finally {
      for (const pool of pools) await pool.end();
    }
  });

  it('refuse a database written by a newer Switchyard', async () => {
    const test = await schema();
    const pool = postgresPool(test.url);
    try {
      await migratePostgres(pool);
      await test.pool.query("INSERT INTO schema_migrations (version, description) VALUES (99, 'from the future')");
      await expect(migratePostgres(pool)).rejects.toThrow(/newer Switchyard \(schema 99 > /);
    } finally {
      await pool.end();
    }
  });
});

describe('the request log shipped to PostgreSQL', () => {
  it('every row reaches PostgreSQL exactly as SQLite holds it, attempts included', async () => {
    const test = await schema();
    const path = tempDb();
    const log = new SqliteRequestLog({ path, flushIntervalMs: 5, postgresUrl: test.url });
    try {
      for (let index = 0; index < 1200; index++) {
        const { request, attempts } = logRow(uuidv7(), {
          keyId: index % 3 === 0 ? null : `key-${index % 5}`,
          team: index % 2 === 0 ? 'team-a' : null,
          stream: index % 2 === 1,
          ttftMs: index % 4 === 0 ? null : 12.25,
          costUsd: index * 0.000123,
          reasoningTokens: index % 7,
          // Text that array and literal escaping must carry unchanged.
          requestBody: index % 5 === 0 ? `{"q":"a \\"quote\\" \\\\ back, {braces}, NULL ünï 🙂\nline ${index}"}` : index % 5 === 1 ? null : 'NULL',
          errorMessage: index % 6 === 0 ? 'upstream said: "no", {really}' : null,
          details: index % 10 === 0 ? null : { guards: [{ guard: 'pii', type: 'email', rule: 'email', score: 0.9, phase: 'request', action: 'redact', spans: [{ start: 1, end: 4, message_index: 0 }] }] },
        });
        // Every third request failed over: two attempts.
        if (index % 3 === 0) attempts.unshift({ ...(attempts[0] as (typeof attempts)[0]), attempt: 0, status: 503, errorCode: 'upstream_unavailable', errorMessage: 'down', outputTokens: 0, costUsd: 0 });
        log.record(request, attempts);
      }
      expect(log.flush()).toBe(true);
      await waitUntil(
        // The writer thread reports its state to this thread after it commits, so PostgreSQL
        // may already hold every row while this thread still shows the state from before.
        async () => (await count(test, 'requests')) === 1200 && log.health().postgres?.backlog === 0 && log.health().postgres?.state === 'ok',
        async () => `${await count(test, 'requests')} rows in PostgreSQL, health ${JSON.stringify(log.health().postgres)}`,
      );
      expect(log.health().postgres?.state).toBe('ok');
      expect(await postgresRows(test, 'requests', 'id')).toEqual(sqliteRows(path, 'requests', 'id'));
      expect(await postgresRows(test, 'attempts', 'request_id, attempt')).toEqual(sqliteRows(path, 'attempts', 'request_id, attempt'));
      expect(await count(test, 'attempts')).toBe(1600);
    } finally {
      log.close();
    }
  });

  it('PostgreSQL down: requests are recorded locally and health says so; back: caught up, no row lost or doubled', async () => {
    const test = await schema();
    const relay = new PostgresRelay();
    await relay.open();
    const url = relay.url(test.schema);
    await relay.close();
    const path = tempDb();
    const messages: string[] = [];
    const log = new SqliteRequestLog({ path, flushIntervalMs: 5, postgresUrl: url, onWriterError: (message) => messages.push(message) });
    try {
      const ids: string[] = [];
      for (let index = 0; index < 300; index++) {
        const { request, attempts } = logRow(uuidv7());
        ids.push(request.id);
        log.record(request, attempts);
      }
      expect(log.flush()).toBe(true);
      await waitUntil(
        () => log.health().postgres?.state === 'failing',
        () => JSON.stringify(log.health().postgres),
      );
      expect(log.health().postgres?.error).toMatch(/PostgreSQL at 127\.0\.0\.1:\d+\/test: .*ECONNREFUSED/);
      expect(log.health().writing).toBe('ok');
      expect(messages.join('\n')).toMatch(/PostgreSQL cannot be written \(rows wait in the local log/);
      // More traffic while it is down.
      for (let index = 0; index < 200; index++) {
        const { request, attempts } = logRow(uuidv7());
        ids.push(request.id);
        log.record(request, attempts);
      }
      expect(log.flush()).toBe(true);
      await relay.open();
      await waitUntil(
        async () => (await count(test, 'requests')) === 500 && log.health().postgres?.state === 'ok' && log.health().postgres?.backlog === 0,
        async () => `${await count(test, 'requests')} rows, health ${JSON.stringify(log.health().postgres)}`,
      );
      const shipped = (await test.pool.query<{ id: string }>('SELECT id FROM requests ORDER BY id')).rows.map((row) => row.id);
      expect(shipped).toEqual([...ids].sort());
      expect(await count(test, 'attempts')).toBe(500);
      expect(messages.join('\n')).toMatch(/PostgreSQL is back/);
    } finally {
      log.close();
      await relay.close();
    }
  });

  it('a batch PostgreSQL committed but the local queue did not forget (a crash between the two) is not shipped twice', async () => {
    const test = await schema();
    const pool = postgresPool(test.url);
    const database = openDatabase(tempDb());
    try {
      await migratePostgres(pool);
      const source = enableShipping(database);
      const write = batchWriter(database);
      write(Array.from({ length: 40 }, () => logRow(uuidv7())));
      const queued = database.prepare('SELECT seq, request_id FROM ship_queue ORDER BY seq').all() as { seq: number; request_id: string }[];
      expect(queued).toHaveLength(40);
      const shipper = new PostgresShipper(database, pool, source);
      expect(await shipper.shipBatch()).toBe(40);
      expect(shipper.backlog()).toBe(0);
      // The crash: the queue entries come back as if the local delete never happened.
      const requeue = database.prepare('INSERT INTO ship_queue (seq, request_id) VALUES (?, ?)');
      for (const entry of queued) requeue.run(entry.seq, entry.request_id);
      // Rows PostgreSQL lost to retention meanwhile must not come back either: the position, not the primary key, decides.
      await test.pool.query('DELETE FROM attempts');
      await test.pool.query('DELETE FROM requests');
      expect(await shipper.shipBatch()).toBe(0);
      expect(shipper.backlog()).toBe(0);
      expect(await count(test, 'requests')).toBe(0);
      // New rows after it go as usual.
      write([logRow(uuidv7())]);
      expect(await shipper.shipBatch()).toBe(1);
      expect(await count(test, 'requests')).toBe(1);
    } finally {
      database.close();
      await pool.end();
    }
  });

  it('turning shipping on queues the rows already in SQLite, so PostgreSQL gets the whole log', async () => {
    const test = await schema();
    const pool = postgresPool(test.url);
    const database = openDatabase(tempDb());
    try {
      await migratePostgres(pool);
      const write = batchWriter(database);
      write(Array.from({ length: 25 }, () => logRow(uuidv7())));
      const source = enableShipping(database);
      expect(enableShipping(database)).toBe(source);
      const shipper = new PostgresShipper(database, pool, source);
      expect(shipper.backlog()).toBe(25);
      while ((await shipper.shipBatch()) > 0) {
        // until the queue is empty
      }
      expect(await count(test, 'requests')).toBe(25);
    } finally {
      database.close();
      await pool.end();
    }
  });
});

describe('retention (store.retention_days)', () => {
  it('PostgreSQL: rows past it are deleted with their attempts, their spend kept per day; newer rows stay', async () => {
    const test = await schema();
    const pool = postgresPool(test.url);
    const database = openDatabase(tempDb());
    try {
      await migratePostgres(pool);
      const source = enableShipping(database);
      const now = Date.UTC(2026, 5, 15, 12);
      const old = Array.from({ length: 30 }, (_, index) => logRow(uuidv7(), { createdAt: now - 40 * DAY_MS + index, keyId: index % 2 === 0 ? 'key-a' : 'key-b', costUsd: 0.5, inputTokens: 100, outputTokens: 10 }));
      const recent = Array.from({ length: 5 }, () => logRow(uuidv7(), { createdAt: now - DAY_MS, keyId: 'key-a', costUsd: 1 }));
      batchWriter(database)([...old, ...recent]);
      const shipper = new PostgresShipper(database, pool, source);
      while ((await shipper.shipBatch()) > 0) {
        // ship everything
      }
      // Two steps of 20: both deleted the old rows between them, and only those.
      expect(await prunePostgres(pool, now - 30 * DAY_MS, 20)).toBe(20);
      expect(await prunePostgres(pool, now - 30 * DAY_MS, 20)).toBe(10);
      expect(await prunePostgres(pool, now - 30 * DAY_MS, 20)).toBe(0);
      expect(await count(test, 'requests')).toBe(5);
      expect(await count(test, 'attempts')).toBe(5);
      const rolled = (await test.pool.query('SELECT key_id, requests, input_tokens, output_tokens, cost_usd FROM spend_rollup ORDER BY key_id')).rows as { key_id: string; requests: string; cost_usd: number }[];
      expect(rolled.map((row) => [row.key_id, Number(row.requests), row.cost_usd])).toEqual([
        ['key-a', 15, 7.5],
        ['key-b', 15, 7.5],
      ]);
    } finally {
      database.close();
      await pool.end();
    }
  });

  it('SQLite: rows past it are deleted, but not while they still wait to be shipped to PostgreSQL', () => {
    const database = openDatabase(tempDb());
    try {
      const now = Date.now();
      const write = batchWriter(database);
      write(Array.from({ length: 10 }, () => logRow(uuidv7(), { createdAt: now - 40 * DAY_MS })));
      enableShipping(database);
      write(Array.from({ length: 10 }, () => logRow(uuidv7(), { createdAt: now - 40 * DAY_MS })));
      // All 20 are queued (the first 10 by turning shipping on): none may go yet.
      const retention = new Retention(database, { retentionDays: 30, maxSizeBytes: undefined });
      expect(retention.pruneStep(now)).toBe(0);
      database.exec('DELETE FROM ship_queue WHERE seq <= 10');
      expect(retention.pruneStep(now)).toBe(10);
      expect(retention.pruneStep(now)).toBe(0);
      expect((database.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n).toBe(10);
    } finally {
      database.close();
    }
  });
});
