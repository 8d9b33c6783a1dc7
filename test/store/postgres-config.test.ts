/**
 * `store.postgres.url` is checked when the config is loaded, so `validate` and `serve` name
 * a malformed URL before anything starts (and never echo it: it may hold a password).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../../src/config/load.js';

const BASE = `
providers:
  sim: { type: simulator }
models:
  m: { provider: sim, upstream_model: gpt-5.4-mini }
store:
  postgres: { url: env:SY_DATABASE_URL }
`;

function issues(env: Record<string, string>): string[] {
  try {
    parseConfigText(BASE, env, 'test.yaml');
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
}

describe('store.postgres.url', () => {
  it.each(['postgres://switchyard:pw@10.0.0.5:5432/switchyard', 'postgresql://switchyard@db/log', 'postgresql:///switchyard?host=/var/run/postgresql'])('accepts %s', (url) => {
    expect(parseConfigText(BASE, { SY_DATABASE_URL: url }, 'test.yaml').store.postgresUrl).toBe(url);
  });

  it.each(['not a url', 'mysql://root:hunter2@127.0.0.1/x', 'http://127.0.0.1:5432/switchyard'])('rejects %s, naming the variable and not the value', (url) => {
    const found = issues({ SY_DATABASE_URL: url });
    expect(found).toEqual(['store.postgres.url: SY_DATABASE_URL must hold a postgres:// or postgresql:// URL (e.g. postgres://user:password@127.0.0.1:5432/switchyard)']);
    expect(found.join('\n')).not.toContain(url);
  });

  it('names the variable when it is not set', () => {
    expect(issues({})).toEqual(['store.postgres.url: environment variable SY_DATABASE_URL is not set']);
  });
});
