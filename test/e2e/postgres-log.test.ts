/**
 * The gateway with store.postgres against the real PostgreSQL (a schema of its own):
 * chat, streamed and failed-over requests reach PostgreSQL as the very rows SQLite holds;
 * with PostgreSQL unreachable (a relay this test closes) requests are still answered,
 * /health/ready and /metrics say so, and the rows arrive once it is back.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresPool } from '../../src/store/postgres-schema.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { createTestSchema, PostgresRelay, waitUntil, type TestSchema } from '../helpers/postgres.js';

const CONFIG = `  postgres: { url: env:SY_TEST_DATABASE_URL }
resilience:
  circuit_breaker: { enabled: false }
providers:
  sim:
    type: simulator
    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }
  broken:
    type: simulator
    behaviour: { ttft_ms: 0, error_rate: 1, error_status: 500 }
models:
  gpt-5.4-mini: { provider: sim, price: { input: 0.25, output: 2 } }
  flaky: { provider: broken, upstream_model: gpt-5.4-mini, price: { input: 1, output: 1 }, fallbacks: [gpt-5.4-mini] }
routes:
  auto: { model: gpt-5.4-mini }
`;

function sqliteRows(path: string, table: string, order: string): unknown[][] {
  const database = new Database(path, { readonly: true });
  const rows = database.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).raw().all() as unknown[][];
  database.close();
  return rows;
}

async function postgresRows(url: string, table: string, order: string): Promise<unknown[][]> {
  const pool = postgresPool(url, { max: 1 });
  try {
    return (await pool.query({ text: `SELECT * FROM ${table} ORDER BY ${order}`, rowMode: 'array' })).rows as unknown[][];
  } finally {
    await pool.end();
  }
}

async function traffic(gateway: TestGateway, tag: string): Promise<void> {
  await gateway.client.chat.completions.create({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: `plain ${tag}` }] });
  const stream = await gateway.client.chat.completions.create({ model: 'gpt-5.4-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: `stream ${tag}` }] });
  for await (const _chunk of stream) {
    // read it all
  }
  await gateway.client.chat.completions.create({ model: 'flaky', messages: [{ role: 'user', content: `failover ${tag}` }] });
}

describe('gateway with store.postgres', () => {
  let test: TestSchema;
  beforeAll(async () => {
    test = await createTestSchema('e2e');
  });
  afterAll(async () => {
    await test.drop();
  });

  it('chat, stream and failover rows in PostgreSQL equal SQLite’s, attempts included', async () => {
    const gateway = await startTestGateway(CONFIG, { SY_TEST_DATABASE_URL: test.url });
    try {
      await traffic(gateway, 'a');
      await waitUntil(
        async () => (await postgresRows(test.url, 'requests', 'id').catch(() => [])).length === 3,
        async () => JSON.stringify(await (await fetch(`${gateway.running.url}/health/ready`)).json()),
      );
      const attempts = sqliteRows(gateway.dbPath, 'attempts', 'request_id, attempt');
      // The failover left two attempts (the broken one and its fallback).
      expect(attempts).toHaveLength(4);
      expect(await postgresRows(test.url, 'requests', 'id')).toEqual(sqliteRows(gateway.dbPath, 'requests', 'id'));
      expect(await postgresRows(test.url, 'attempts', 'request_id, attempt')).toEqual(attempts);
      const ready = (await (await fetch(`${gateway.running.url}/health/ready`)).json()) as { status: string; request_log: { postgres: { state: string; backlog_rows: number } } };
      expect(ready.status).toBe('ready');
      expect(ready.request_log.postgres).toMatchObject({ state: 'ok', backlog_rows: 0 });
      const metrics = await (await fetch(`${gateway.running.url}/metrics`)).text();
      expect(metrics).toMatch(/^switchyard_postgres_up 1$/m);
      expect(metrics).toMatch(/^switchyard_postgres_backlog_rows 0$/m);
    } finally {
      await gateway.stop();
    }
  });

  it('PostgreSQL unreachable: requests answered, readiness and metrics say so; back: every row arrives once', async () => {
    const relay = new PostgresRelay();
    await relay.open();
    const url = relay.url(test.schema);
    await relay.close();
    const before = (await postgresRows(test.url, 'requests', 'id')).length;
    const gateway = await startTestGateway(CONFIG, { SY_TEST_DATABASE_URL: url });
    try {
      await traffic(gateway, 'b');
      await traffic(gateway, 'c');
      // The backlog is reported with each failed attempt to ship, so the last rows can show up
      // one retry after the state turns to failing.
      await waitUntil(
        async () => {
          const health = (await (await fetch(`${gateway.running.url}/health/ready`)).json()) as { status: string; request_log?: { postgres?: { backlog_rows?: number } } };
          return health.status === 'degraded' && health.request_log?.postgres?.backlog_rows === 6;
        },
        async () => JSON.stringify(await (await fetch(`${gateway.running.url}/health/ready`)).json()),
      );
      const ready = (await (await fetch(`${gateway.running.url}/health/ready`)).json()) as { request_log: { writing: string; postgres: { state: string; error: string; backlog_rows: number } } };
      expect(ready.request_log.writing).toBe('ok');
      expect(ready.request_log.postgres.state).toBe('failing');
      expect(ready.request_log.postgres.error).toMatch(/ECONNREFUSED/);
      expect(ready.request_log.postgres.backlog_rows).toBe(6);
      const metrics = await (await fetch(`${gateway.running.url}/metrics`)).text();
      expect(metrics).toMatch(/^switchyard_postgres_up 0$/m);
      expect(metrics).toMatch(/^switchyard_postgres_backlog_rows 6$/m);
      await relay.open();
      await waitUntil(
        async () => (await postgresRows(test.url, 'requests', 'id')).length === before + 6,
        async () => JSON.stringify(await (await fetch(`${gateway.running.url}/health/ready`)).json()),
      );
      await waitUntil(
        async () => ((await (await fetch(`${gateway.running.url}/health/ready`)).json()) as { status: string }).status === 'ready',
        async () => JSON.stringify(await (await fetch(`${gateway.running.url}/health/ready`)).json()),
      );
      const local = sqliteRows(gateway.dbPath, 'requests', 'id');
      const shipped = (await postgresRows(test.url, 'requests', 'id')).filter((row) => local.some((mine) => mine[0] === row[0]));
      expect(shipped).toEqual(local);
    } finally {
      await gateway.stop();
      await relay.close();
    }
  });
});
