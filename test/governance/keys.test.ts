/**
 * Virtual keys on their own: what is stored (a hash, never the secret), what a caller is
 * told (state, ISO dates, no secret), how long a lookup is cached (a revocation by another
 * process is seen within two seconds, not before), and team limits. A clock the test moves
 * drives every expiry and cache edge.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { describeKey, hashKey, KEY_PREFIX, keyState, KeyStore, type VirtualKey } from '../../src/governance/keys.js';

function databasePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'switchyard-keys-')), 'log.db');
}

function store(now: () => number, path = databasePath()): { keys: KeyStore; path: string } {
  return { keys: new KeyStore(path, now), path };
}

const BASE62 = /^[0-9A-Za-z]+$/;

describe('KeyStore.create', () => {
  it('returns the secret once and stores only its SHA-256 hash and a ten-character prefix', () => {
    const { keys, path } = store(() => 1_700_000_000_000);
    const { key, secret } = keys.create({ name: 'ci' });
    keys.close();
    expect(secret.startsWith(KEY_PREFIX)).toBe(true);
    expect(secret).toHaveLength(KEY_PREFIX.length + 32);
    expect(BASE62.test(secret.slice(KEY_PREFIX.length))).toBe(true);
    expect(key.id).toMatch(/^key_[0-9A-Za-z]{16}$/);
    expect(key.prefix).toBe(secret.slice(0, 10));
    const database = new Database(path, { readonly: true });
    const row = database.prepare('SELECT * FROM api_keys WHERE id = ?').get(key.id) as Record<string, unknown>;
    database.close();
    expect(row.hash).toBe(hashKey(secret));
    expect(hashKey(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.values(row).some((value) => typeof value === 'string' && value.includes(secret.slice(KEY_PREFIX.length)))).toBe(false);
  });

  it('two keys never share a secret or an id', () => {
    const { keys } = store(() => 0);
    const first = keys.create({ name: 'a' });
    const second = keys.create({ name: 'b' });
    keys.close();
    expect(first.secret).not.toBe(second.secret);
    expect(first.key.id).not.toBe(second.key.id);
  });

  it('keeps every field as given, and null for each one left out', () => {
    const { keys } = store(() => 5_000);
    const full = keys.create({
      name: 'full',
      team: 'search',
      owner: 'ana@example.com',
      expiresAt: 9_000,
      allowedModels: ['gpt-5.4-mini'],
      allowedRoutes: ['auto'],
      rpm: 10,
      tpm: 2_000,
      maxConcurrent: 3,
      metadata: { cost_center: '42' },
    }).key;
    const bare = keys.create({ name: 'bare' }).key;
    keys.close();
    expect(full).toEqual({
      id: full.id,
      name: 'full',
      team: 'search',
      owner: 'ana@example.com',
      prefix: full.prefix,
      createdAt: 5_000,
      expiresAt: 9_000,
      disabled: false,
      revokedAt: null,
      allowedModels: ['gpt-5.4-mini'],
      allowedRoutes: ['auto'],
      rpm: 10,
      tpm: 2_000,
      maxConcurrent: 3,
      metadata: { cost_center: '42' },
    });
    expect(bare).toEqual({
      id: bare.id,
      name: 'bare',
      team: null,
      owner: null,
      prefix: bare.prefix,
      createdAt: 5_000,
      expiresAt: null,
      disabled: false,
      revokedAt: null,
      allowedModels: null,
      allowedRoutes: null,
      rpm: null,
      tpm: null,
      maxConcurrent: null,
      metadata: null,
    });
  });

  it('a key of a new team creates the team with no limits; a second key of it does not replace it', () => {
    let now = 100;
    const { keys } = store(() => now);
    keys.create({ name: 'a', team: 'search' });
    keys.saveTeam('search', { rpm: 5 });
    now = 200;
    keys.create({ name: 'b', team: 'search' });
    keys.create({ name: 'c' });
    expect(keys.teams()).toEqual([{ id: 'search', createdAt: 100, keys: 2, limits: { rpm: 5 } }]);
    keys.close();
  });
});

describe('keyState', () => {
  const key = (fields: Partial<VirtualKey>): VirtualKey => ({
    id: 'key_x',
    name: 'x',
    team: null,
    owner: null,
    prefix: 'sk-sy-abcd',
    createdAt: 0,
    expiresAt: null,
    disabled: false,
    revokedAt: null,
    allowedModels: null,
    allowedRoutes: null,
    rpm: null,
    tpm: null,
    maxConcurrent: null,
    metadata: null,
    ...fields,
  });

  it('revoked over disabled over expired; expired from the expiry instant on', () => {
    expect(keyState(key({ revokedAt: 1, disabled: true, expiresAt: 1 }), 10)).toBe('revoked');
    expect(keyState(key({ disabled: true, expiresAt: 1 }), 10)).toBe('disabled');
    expect(keyState(key({ expiresAt: 10 }), 10)).toBe('expired');
    expect(keyState(key({ expiresAt: 10 }), 9)).toBe('active');
    expect(keyState(key({}), Number.MAX_SAFE_INTEGER)).toBe('active');
    expect(keyState(key({ revokedAt: 0 }), 10), 'a revocation at time zero is still one').toBe('revoked');
  });
});

describe('describeKey', () => {
  it('shows the prefix with an ellipsis, the state and ISO dates; never the hash or the secret', () => {
    const { keys } = store(() => Date.UTC(2026, 0, 2));
    const { key, secret } = keys.create({ name: 'ci', team: 't', owner: 'o', expiresAt: Date.UTC(2026, 1, 1), rpm: 1, tpm: 2, maxConcurrent: 3, allowedModels: ['m'], allowedRoutes: ['r'], metadata: { a: 'b' } });
    const revoked = keys.revoke(key.id) as VirtualKey;
    keys.close();
    const view = describeKey(revoked, Date.UTC(2026, 0, 3));
    expect(view).toEqual({
      id: key.id,
      object: 'api_key',
      name: 'ci',
      team: 't',
      owner: 'o',
      prefix: `${key.prefix}…`,
      state: 'revoked',
      created_at: '2026-01-02T00:00:00.000Z',
      expires_at: '2026-02-01T00:00:00.000Z',
      revoked_at: '2026-01-02T00:00:00.000Z',
      allowed_models: ['m'],
      allowed_routes: ['r'],
      rpm: 1,
      tpm: 2,
      max_concurrent: 3,
      metadata: { a: 'b' },
    });
    expect(JSON.stringify(view)).not.toContain(secret.slice(10));
    expect(JSON.stringify(view)).not.toContain(hashKey(secret));
  });

  it('a key without expiry or revocation has null dates, and its state is judged at the time given', () => {
    const { keys } = store(() => 0);
    const { key } = keys.create({ name: 'x', expiresAt: 1_000 });
    const plain = keys.create({ name: 'y' }).key;
    keys.close();
    expect(describeKey(plain, 0)).toMatchObject({ expires_at: null, revoked_at: null, state: 'active' });
    expect(describeKey(key, 999).state).toBe('active');
    expect(describeKey(key, 1_000).state).toBe('expired');
  });
});

describe('KeyStore lookups', () => {
  it('finds a key by its secret, and nothing for an unknown or altered secret', () => {
    const { keys } = store(() => 0);
    const { key, secret } = keys.create({ name: 'a' });
    expect(keys.findBySecret(secret)?.id).toBe(key.id);
    expect(keys.findBySecret(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(keys.findBySecret('sk-sy-unknown')).toBeUndefined();
    expect(keys.get(key.id)?.name).toBe('a');
    expect(keys.get('key_missing')).toBeUndefined();
    keys.close();
  });

  it('a revocation by another process is seen once the two-second cache has passed, not before', () => {
    let now = 10_000;
    const path = databasePath();
    const gateway = new KeyStore(path, () => now);
    const cli = new KeyStore(path, () => now);
    const { key, secret } = gateway.create({ name: 'a' });
    expect(gateway.findBySecret(secret)?.revokedAt).toBeNull();
    cli.revoke(key.id);
    now = 11_999;
    expect(gateway.findBySecret(secret)?.revokedAt, 'still cached').toBeNull();
    now = 12_000;
    expect(gateway.findBySecret(secret)?.revokedAt).toBe(10_000);
    gateway.close();
    cli.close();
  });

  it('disabling, enabling and revoking here clear the cache at once; the first revocation time stays', () => {
    let now = 1_000;
    const { keys } = store(() => now);
    const { key, secret } = keys.create({ name: 'a' });
    expect(keys.findBySecret(secret)?.disabled).toBe(false);
    expect(keys.setDisabled(key.id, true)?.disabled).toBe(true);
    expect(keys.findBySecret(secret)?.disabled).toBe(true);
    expect(keys.setDisabled(key.id, false)?.disabled).toBe(false);
    expect(keys.findBySecret(secret)?.disabled).toBe(false);
    now = 2_000;
    expect(keys.revoke(key.id)?.revokedAt).toBe(2_000);
    expect(keys.findBySecret(secret)?.revokedAt).toBe(2_000);
    now = 3_000;
    expect(keys.revoke(key.id)?.revokedAt, 'revoking twice keeps the first time').toBe(2_000);
    expect(keys.setDisabled('key_missing', true)).toBeUndefined();
    expect(keys.revoke('key_missing')).toBeUndefined();
    keys.close();
  });

  it('invalidate() makes the next lookup read the database again', () => {
    const now = 0;
    const path = databasePath();
    const gateway = new KeyStore(path, () => now);
    const cli = new KeyStore(path, () => now);
    const { key, secret } = gateway.create({ name: 'a', team: 't' });
    expect(gateway.findBySecret(secret)?.disabled).toBe(false);
    expect(gateway.teamLimits('t')).toEqual({});
    cli.setDisabled(key.id, true);
    cli.saveTeam('t', { tpm: 9 });
    expect(gateway.findBySecret(secret)?.disabled).toBe(false);
    expect(gateway.teamLimits('t')).toEqual({});
    gateway.invalidate();
    expect(gateway.findBySecret(secret)?.disabled).toBe(true);
    expect(gateway.teamLimits('t')).toEqual({ tpm: 9 });
    gateway.close();
    cli.close();
  });

  it('team limits changed by another process are seen after two seconds, not before', () => {
    // A clock far from zero: a cache age computed as now + at would then never expire.
    let now = 50_000;
    const path = databasePath();
    const gateway = new KeyStore(path, () => now);
    const cli = new KeyStore(path, () => now);
    cli.saveTeam('t', { rpm: 1 });
    expect(gateway.teamLimits('t')).toEqual({ rpm: 1 });
    cli.saveTeam('t', { rpm: 7 });
    now = 51_999;
    expect(gateway.teamLimits('t')).toEqual({ rpm: 1 });
    now = 52_000;
    expect(gateway.teamLimits('t')).toEqual({ rpm: 7 });
    gateway.close();
    cli.close();
  });

  it("a key's creation creates its team, without limits, at the key's creation time", () => {
    const { keys } = store(() => 4_000);
    keys.create({ name: 'a', team: 'new' });
    keys.create({ name: 'b', team: 'new' });
    keys.create({ name: 'c' });
    expect(keys.teams()).toEqual([{ id: 'new', createdAt: 4_000, keys: 2, limits: {} }]);
    keys.close();
  });

  it('lists keys in creation order, all or one team', () => {
    let now = 3;
    const { keys } = store(() => now);
    const c = keys.create({ name: 'c', team: 'x' }).key;
    now = 1;
    const a = keys.create({ name: 'a', team: 'y' }).key;
    now = 2;
    const b = keys.create({ name: 'b', team: 'x' }).key;
    expect(keys.list().map((key) => key.id)).toEqual([a.id, b.id, c.id]);
    expect(keys.list({ team: 'x' }).map((key) => key.id)).toEqual([b.id, c.id]);
    expect(keys.list({ team: 'nobody' })).toEqual([]);
    keys.close();
  });
});

describe('teams', () => {
  it('saveTeam creates a team or replaces its limits, keeping its creation time; teams() counts its keys', () => {
    let now = 50;
    const { keys } = store(() => now);
    keys.saveTeam('b', { rpm: 1, tpm: 2, maxConcurrent: 3 });
    now = 60;
    keys.saveTeam('a');
    now = 70;
    keys.saveTeam('b', { tpm: 5 });
    keys.create({ name: 'k', team: 'a' });
    expect(keys.teams()).toEqual([
      { id: 'a', createdAt: 60, keys: 1, limits: {} },
      { id: 'b', createdAt: 50, keys: 0, limits: { tpm: 5 } },
    ]);
    keys.close();
  });

  it('a team created with a key has empty limits; an unknown team has none', () => {
    const { keys } = store(() => 0);
    keys.create({ name: 'k', team: 'fresh' });
    expect(keys.teamLimits('fresh')).toEqual({});
    expect(keys.teamLimits('unknown')).toEqual({});
    keys.close();
  });

  it('team limits are cached for two seconds; saving them here is seen at once', () => {
    let now = 0;
    const path = databasePath();
    const gateway = new KeyStore(path, () => now);
    const cli = new KeyStore(path, () => now);
    gateway.saveTeam('t', { rpm: 1 });
    expect(gateway.teamLimits('t')).toEqual({ rpm: 1 });
    cli.saveTeam('t', { rpm: 2 });
    now = 1_999;
    expect(gateway.teamLimits('t')).toEqual({ rpm: 1 });
    now = 2_000;
    expect(gateway.teamLimits('t')).toEqual({ rpm: 2 });
    gateway.saveTeam('t', { rpm: 3 });
    expect(gateway.teamLimits('t')).toEqual({ rpm: 3 });
    gateway.close();
    cli.close();
  });
});
