/**
 * The `state` section: the Redis URL is a secret reference whose value must be a
 * redis:// or rediss:// URL; on_unavailable and the Redis settings are checked and
 * defaulted; without the section state stays in the process (fail_closed by default).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../../src/config/load.js';

const BASE = `
providers:
  sim: { type: simulator }
models:
  m: { provider: sim, upstream_model: gpt-5.4-mini }
`;

function issues(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfigText(text, env, 'test.yaml');
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
}

describe('state config', () => {
  it('defaults to in-process state, fail_closed', () => {
    expect(parseConfigText(BASE, {}, 'test.yaml').state).toEqual({ redis: undefined, onUnavailable: 'fail_closed' });
  });

  it('reads the Redis URL from its reference and fills the defaults', () => {
    const config = parseConfigText(`${BASE}state:\n  redis: { url: env:SY_REDIS }\n  on_unavailable: local\n`, { SY_REDIS: 'redis://:pw@10.0.0.5:6380/2' }, 'test.yaml');
    expect(config.state).toEqual({ redis: { url: 'redis://:pw@10.0.0.5:6380/2', keyPrefix: 'switchyard:', leaseMs: 10_000, commandTimeoutMs: 1000 }, onUnavailable: 'local' });
    // The URL (with its password) is a secret: logs and errors scrub it.
    expect(config.secrets).toContain('redis://:pw@10.0.0.5:6380/2');
  });

  it('takes a key prefix, a lease and a command timeout', () => {
    const config = parseConfigText(`${BASE}state:\n  redis: { url: env:SY_REDIS, key_prefix: "team-a:", lease_ms: 5000, command_timeout_ms: 250 }\n`, { SY_REDIS: 'rediss://cache.internal:6380' }, 'test.yaml');
    expect(config.state.redis).toEqual({ url: 'rediss://cache.internal:6380', keyPrefix: 'team-a:', leaseMs: 5000, commandTimeoutMs: 250 });
  });

  it('refuses a literal URL, an unset variable, a URL that is not Redis, and bad values, each by path', () => {
    expect(issues(`${BASE}state:\n  redis: { url: "redis://127.0.0.1:6379" }\n`)[0]).toMatch(/^state\.redis\.url: write secrets as a reference/);
    expect(issues(`${BASE}state:\n  redis: { url: env:SY_REDIS }\n`)).toEqual(['state.redis.url: environment variable SY_REDIS is not set']);
    expect(issues(`${BASE}state:\n  redis: { url: env:SY_REDIS }\n`, { SY_REDIS: 'http://127.0.0.1:6379' })).toEqual([
      'state.redis.url: SY_REDIS must hold a redis:// or rediss:// URL with a host (e.g. redis://127.0.0.1:6379/0)',
    ]);
    expect(issues(`${BASE}state:\n  on_unavailable: open\n`)[0]).toMatch(/^state\.on_unavailable: /);
    expect(issues(`${BASE}state:\n  redis: { url: env:SY_REDIS, lease_ms: 10 }\n`, { SY_REDIS: 'redis://h' })[0]).toMatch(/^state\.redis\.lease_ms: /);
    expect(issues(`${BASE}state:\n  redis: { url: env:SY_REDIS, key_prefix: "a b" }\n`, { SY_REDIS: 'redis://h' })[0]).toMatch(/^state\.redis\.key_prefix: letters, digits/);
    expect(issues(`${BASE}state:\n  redis: { url: env:SY_REDIS, colour: blue }\n`, { SY_REDIS: 'redis://h' })).toEqual(['state.redis: unknown key "colour"']);
  });
});
