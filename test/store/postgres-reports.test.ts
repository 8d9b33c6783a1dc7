/**
 * Reading the log from PostgreSQL: two replicas' rows (two SQLite files shipping to one
 * schema) read back by `switchyard logs`, `switchyard spend` and /admin/spend exactly as
 * SQLite reports the same rows — before and after retention rolled some of them up.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/core/ids.js';
import { SpendReports, type SpendGrouping } from '../../src/governance/spend.js';
import { PostgresReports } from '../../src/store/postgres-reports.js';
import { migratePostgres, postgresPool } from '../../src/store/postgres-schema.js';
import { enableShipping, PostgresShipper, prunePostgres } from '../../src/store/postgres-shipper.js';
import { Retention } from '../../src/store/sqlite-retention.js';
import { batchWriter, openDatabase, type PendingRow } from '../../src/store/sqlite-schema.js';
import { runCli } from '../helpers/cli.js';
import { startTestGateway } from '../helpers/gateway.js';
import { logRow } from '../helpers/log-rows.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres.js';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 10, 20, 12);

/** Varied traffic: keys, teams, routes, models, eval calls, cache hits, categories, failures, days. */
function traffic(count: number, seed: number): PendingRow[] {
  return Array.from({ length: count }, (_, index) => {
    const n = index + seed;
    return logRow(uuidv7(), {
      createdAt: NOW - (n % 45) * DAY_MS - n,
      keyId: n % 11 === 0 ? 'eval:nightly' : n % 4 === 0 ? null : `key-${n % 3}`,
      team: n % 5 === 0 ? null : `team-${n % 2}`,
      route: n % 6 === 0 ? null : `route-${n % 2}`,
      model: ['gpt-5.4-mini', 'gpt-5.4', 'deepseek-v4-flash'][n % 3] as string,
      status: n % 13 === 0 ? 502 : 200,
      inputTokens: 100 + n,
      outputTokens: 10 + (n % 7),
      cachedInputTokens: n % 3,
      reasoningTokens: n % 5,
      costUsd: (n % 17) * 0.0001 + (n % 3) * 0.000037,
      details: n % 9 === 0 ? { cache: { status: 'hit-exact', avoided_usd: 0.002 } } : { decision: { category: { category: n % 2 === 0 ? 'code' : 'qa' } } },
    });
  });
}

/**
 * Sums of floating-point costs differ in the last bits with the order they are added in:
 * compared to 1e-9. Groups are listed by cost; groups of the same cost may come in either
 * order, so after checking the order by cost they are compared by name.
 */
function rounded<T>(rows: T[]): T[] {
  const costs = rows.map((row) => (row as { costUsd?: number }).costUsd);
  if (costs.every((cost) => cost !== undefined)) {
    for (let index = 1; index < costs.length; index++) expect(costs[index] as number).toBeLessThanOrEqual((costs[index - 1] as number) + 1e-9);
  }
  const byName = costs.every((cost) => cost !== undefined) ? [...rows].sort((a, b) => String((a as { group: unknown }).group).localeCompare(String((b as { group: unknown }).group))) : rows;
  return byName.map((row) => Object.fromEntries(Object.entries(row as Record<string, unknown>).map(([name, value]) => [name, typeof value === 'number' ? Math.round(value * 1e9) / 1e9 : value])) as T);
}

const PRICE = { input: 1.75, output: 14, cachedInput: 0.175 } as const;

describe('reading the request log from PostgreSQL', () => {
  let test: TestSchema;
  const everything = openDatabase(join(mkdtempSync(join(tmpdir(), 'switchyard-pgr-')), 'all.db'));
  let allPath = '';
  beforeAll(async () => {
    test = await createTestSchema('reports');
    const pool = postgresPool(test.url);
    await migratePostgres(pool);
    // Two replicas, each with its own SQLite file, shipping to the same schema.
    for (const seed of [0, 1000]) {
      const database = openDatabase(join(mkdtempSync(join(tmpdir(), 'switchyard-pgr-')), 'replica.db'));
      const source = enableShipping(database);
      const rows = traffic(400, seed);
      batchWriter(database)(rows);
      batchWriter(everything)(rows);
      const shipper = new PostgresShipper(database, pool, source);
      while ((await shipper.shipBatch()) > 0) {
        // until shipped
      }
      database.close();
    }
    await pool.end();
    allPath = everything.name;
  });
  afterAll(async () => {
    everything.close();
    await test.drop();
  });

  it('spend by every grouping and the savings report equal SQLite’s for the same rows, before and after retention', async () => {
    const pool = postgresPool(test.url);
    const postgres = new PostgresReports(pool);
    const sqlite = new SpendReports(allPath, () => undefined);
    try {
      const compare = async (): Promise<void> => {
        for (const grouping of ['key', 'team', 'route', 'model', 'day'] as SpendGrouping[]) {
          for (const filter of [{}, { includeEval: true }, { keyId: 'key-1' }]) {
            for (const range of [{}, { since: NOW - 10 * DAY_MS }, { since: NOW - 30 * DAY_MS, until: NOW - 5 * DAY_MS }]) {
              expect(rounded(await postgres.spend(grouping, range, filter)), `${grouping} ${JSON.stringify(filter)} ${JSON.stringify(range)}`).toEqual(rounded(sqlite.spend(grouping, range, filter)));
            }
          }
        }
        expect(rounded(await postgres.savings(PRICE, {}, {}))).toEqual(rounded(sqlite.savings(PRICE, {}, {})));
        expect(rounded(await postgres.savings(PRICE, { since: NOW - 7 * DAY_MS }, { includeEval: true }))).toEqual(rounded(sqlite.savings(PRICE, { since: NOW - 7 * DAY_MS }, { includeEval: true })));
      };
      await compare();
      expect((await postgres.spend('key', {}, { includeEval: true })).reduce((sum, row) => sum + row.requests, 0)).toBe(800);
      // Retention at 30 days in both: the pruned rows' spend is kept per day in each.
      while ((await prunePostgres(pool, NOW - 30 * DAY_MS, 100)) > 0) {
        // prune all
      }
      const retention = new Retention(everything, { retentionDays: 30, maxSizeBytes: undefined });
      while (retention.pruneStep(NOW) > 0) {
        // prune all
      }
      expect(Number((await pool.query('SELECT COUNT(*) AS n FROM spend_rollup')).rows[0].n)).toBeGreaterThan(0);
      const spends = await postgres.spend('day', {}, { includeEval: true });
      expect(spends.reduce((sum, row) => sum + row.requests, 0)).toBe(800);
      for (const grouping of ['key', 'team', 'route', 'model', 'day'] as SpendGrouping[]) {
        expect(rounded(await postgres.spend(grouping, {}, {})), grouping).toEqual(rounded(sqlite.spend(grouping, {}, {})));
      }
    } finally {
      sqlite.close();
      await pool.end();
    }
  });

  it('switchyard logs and spend read every replica’s rows from PostgreSQL', () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-pgr-cli-'));
    const config = join(directory, 'switchyard.yaml');
    writeFileSync(config, `store:\n  sqlite: { path: ./absent.db }\n  postgres: { url: env:SY_READ_URL }\nproviders:\n  sim: { type: simulator }\nmodels:\n  m: { provider: sim }\n`);
    const env = { SY_READ_URL: test.url };
    const logs = runCli(['logs', '--config', config, '--last', '5', '--json'], { cwd: directory, env });
    expect(logs.code, logs.stderr).toBe(0);
    const lines = logs.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; createdAt: number; attempt_rows: { requestId: string }[] });
    expect(lines).toHaveLength(5);
    // Oldest of the five first, as from SQLite; each with its attempts.
    expect(lines.map((line) => line.createdAt)).toEqual([...lines.map((line) => line.createdAt)].sort((a, b) => a - b));
    for (const line of lines) expect(line.attempt_rows.map((attempt) => attempt.requestId)).toEqual([line.id]);
    const spend = runCli(['spend', '--config', config, '--by', 'model', '--json', '--include-eval'], { cwd: directory, env });
    expect(spend.code, spend.stderr).toBe(0);
    const rows = spend.stdout.trim().split('\n').map((line) => JSON.parse(line) as { requests: number });
    const sqlite = new SpendReports(allPath, () => undefined);
    try {
      expect(rounded(rows)).toEqual(rounded(sqlite.spend('model', {}, { includeEval: true })));
    } finally {
      sqlite.close();
    }
    const down = runCli(['logs', '--config', config], { cwd: directory, env: { SY_READ_URL: 'postgres://postgres:hunter2@127.0.0.1:1/test' } });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^switchyard logs: PostgreSQL at 127\.0\.0\.1:1\/test: connect ECONNREFUSED/);
    expect(down.stderr).not.toContain('hunter2');
  });

  it('/admin/spend and /admin/usage answer from PostgreSQL: other replicas’ rows included', async () => {
    const gateway = await startTestGateway(
      `  postgres: { url: env:SY_READ_URL }
server:
  admin_key: env:SY_ADMIN
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
models:
  gpt-5.4-mini: { provider: sim, price: { input: 0.25, output: 2 } }
routes:
  auto: { model: gpt-5.4-mini }
`,
      { SY_READ_URL: test.url, SY_ADMIN: 'admin-secret-0123456789' },
    );
    const sqlite = new SpendReports(allPath, () => undefined);
    try {
      const headers = { authorization: 'Bearer admin-secret-0123456789' };
      const spend = (await (await fetch(`${gateway.running.url}/admin/spend?by=team`, { headers })).json()) as { rows: unknown[] };
      expect(rounded(spend.rows)).toEqual(rounded(sqlite.spend('team', {}, {})));
      const usage = (await (await fetch(`${gateway.running.url}/admin/usage?key=key-2`, { headers })).json()) as { requests: number; by_model: unknown[] };
      expect(rounded(usage.by_model)).toEqual(rounded(sqlite.spend('model', {}, { keyId: 'key-2' })));
      expect(usage.requests).toBeGreaterThan(0);
    } finally {
      sqlite.close();
      await gateway.stop();
    }
  });
});
