/**
 * `switchyard migrate` against the real PostgreSQL (a schema of its own): applies the
 * migrations, then nothing on a second run; --status lists them; a bad or unreachable
 * URL, or none, is a one-line error naming what is wrong, exit 1, no stack trace and
 * no password.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_SCHEMA_VERSION } from '../../src/store/postgres-schema.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres.js';

const CONFIG = `store:
  sqlite: { path: ./log.db }
  postgres: { url: env:SY_MIGRATE_URL }
providers:
  sim: { type: simulator }
models:
  m: { provider: sim }
`;

describe('switchyard migrate', () => {
  let test: TestSchema;
  let config: string;
  beforeAll(async () => {
    test = await createTestSchema('migrate');
    const directory = tempDir();
    config = join(directory, 'switchyard.yaml');
    writeFileSync(config, CONFIG);
  });
  afterAll(async () => {
    await test.drop();
  });

  it('applies the migrations once; --status lists them', () => {
    const pending = runCli(['migrate', '--config', config, '--status', '--json'], { env: { SY_MIGRATE_URL: test.url } });
    expect(pending.code, pending.stderr).toBe(0);
    expect((JSON.parse(pending.stdout) as { migrations: { applied: boolean }[] }).migrations.every((migration) => !migration.applied)).toBe(true);
    const first = runCli(['migrate', '--config', config], { env: { SY_MIGRATE_URL: test.url } });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`PostgreSQL schema is at version ${POSTGRES_SCHEMA_VERSION}`);
    const second = runCli(['migrate', '--config', config, '--json'], { env: { SY_MIGRATE_URL: test.url } });
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual({ schema: POSTGRES_SCHEMA_VERSION, applied: [] });
    const status = runCli(['migrate', '--config', config, '--status'], { env: { SY_MIGRATE_URL: test.url } });
    expect(status.stdout.trim().split('\n')).toHaveLength(POSTGRES_SCHEMA_VERSION);
    expect(status.stdout).not.toContain('pending');
  });

  // A value that is not a PostgreSQL URL is a config error (validate and serve say the same), never echoed.
  it.each([
    ['a URL of another database', 'mysql://root:hunter2@127.0.0.1/x'],
    ['not a URL', 'hunter2 at localhost'],
  ])('%s: a config error naming store.postgres.url, exit 1', (_name, url) => {
    const result = runCli(['migrate', '--config', config], { env: { SY_MIGRATE_URL: url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^invalid config \(/);
    expect(result.stderr).toMatch(/store\.postgres\.url: SY_MIGRATE_URL must hold a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(result.stderr).not.toContain('hunter2');
  });

  it.each([
    ['a closed port', 'postgres://postgres:hunter2@127.0.0.1:1/test', /PostgreSQL at 127\.0\.0\.1:1\/test: connect ECONNREFUSED/],
  ])('%s: a one-line error, exit 1', (_name, url, message) => {
    const result = runCli(['migrate', '--config', config], { env: { SY_MIGRATE_URL: url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/^switchyard migrate: /);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toContain('hunter2');
  });

  it('the variable unset: the config error names store.postgres.url', () => {
    const result = runCli(['migrate', '--config', config], { env: { SY_MIGRATE_URL: undefined } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/store\.postgres\.url: environment variable SY_MIGRATE_URL is not set/);
  });
});
