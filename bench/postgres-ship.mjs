// How many request rows per second the PostgreSQL shipper moves (store.postgres): a SQLite
// request log holding N rows (each with one attempt, bodies and a routing decision of a
// typical size) is shipped to PostgreSQL in batches of 1,000, as the writer thread does,
// into a schema of its own that is dropped afterwards. For comparison, the SQLite batch
// write of the same rows (the local log's own writer).
// Usage: npm run build && node bench/postgres-ship.mjs [rows, default 50000] [postgres URL]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { openDatabase, batchWriter } from '../dist/store/sqlite-schema.js';
import { enableShipping, PostgresShipper } from '../dist/store/postgres-shipper.js';
import { migratePostgres, postgresPool } from '../dist/store/postgres-schema.js';

const rows = Math.min(Number(process.argv[2] ?? 50_000), 500_000);
const base = process.argv[3] ?? process.env.SWITCHYARD_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `sy_bench_${randomBytes(4).toString('hex')}`;

function row(index, now) {
  const id = randomUUID();
  const request = {
    id, createdAt: now + index, endpoint: 'chat', keyId: `key-${index % 50}`, team: `team-${index % 5}`, route: 'auto', requestedModel: 'auto',
    model: 'gpt-5.4-mini', provider: 'sim', stream: index % 2 === 1, status: 200, errorCode: null, errorMessage: null, finishReason: 'stop',
    latencyMs: 123.4, ttftMs: 45.6, inputTokens: 420, outputTokens: 180, cachedInputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0,
    audioInputTokens: 0, imageInputTokens: 0, reasoningTokens: 0, costUsd: 0.000465, simulated: true, attempts: 1,
    requestBody: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'x'.repeat(600) }] }),
    responseBody: JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'y'.repeat(500) } }] }),
    details: { decision: { strategy: 'table', category: 'qa', chosen: 'gpt-5.4-mini', reason: 'table: qa -> gpt-5.4-mini' } },
  };
  const attempt = {
    requestId: id, attempt: 1, model: 'gpt-5.4-mini', provider: 'sim', upstreamModel: 'gpt-5.4-mini', startedAt: request.createdAt, status: 200,
    errorCode: null, errorMessage: null, latencyMs: 120, ttftMs: 45, inputTokens: 420, outputTokens: 180, cachedInputTokens: 0,
    cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, audioInputTokens: 0, imageInputTokens: 0, reasoningTokens: 0, costUsd: 0.000465, usageSource: 'upstream',
  };
  return { request, attempts: [attempt] };
}

const directory = mkdtempSync(join(tmpdir(), 'switchyard-bench-pg-'));
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
const url = new URL(base);
url.searchParams.set('options', `-c search_path=${schema}`);
const pool = postgresPool(url.toString());
const database = openDatabase(join(directory, 'log.db'));
try {
  await migratePostgres(pool);
  const source = enableShipping(database);
  const write = batchWriter(database);
  const now = Date.now();
  const generated = Array.from({ length: rows }, (_, index) => row(index, now));
  let started = process.hrtime.bigint();
  for (let start = 0; start < rows; start += 512) write(generated.slice(start, start + 512));
  const sqliteSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const shipper = new PostgresShipper(database, pool, source);
  started = process.hrtime.bigint();
  let shipped = 0;
  for (let batch = await shipper.shipBatch(); batch > 0; batch = await shipper.shipBatch()) shipped += batch;
  const postgresSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const inPostgres = Number((await pool.query('SELECT COUNT(*) AS n FROM requests')).rows[0].n);
  if (shipped !== rows || inPostgres !== rows) throw new Error(`shipped ${shipped}, PostgreSQL holds ${inPostgres}, expected ${rows}`);
  console.log(JSON.stringify({
    rows,
    sqlite_rows_per_second: Math.round(rows / sqliteSeconds),
    postgres_rows_per_second: Math.round(rows / postgresSeconds),
    postgres_seconds: Number(postgresSeconds.toFixed(2)),
    batch_rows: 1000,
  }));
} finally {
  database.close();
  await pool.end();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  rmSync(directory, { recursive: true, force: true });
}
