/**
 * Virtual API keys: `sk-sy-` + 32 random base62 characters, shown once at creation and
 * stored only as a SHA-256 hash with a short display prefix. Each has a name, an
 * owner/team, allowed models and routes, an expiry, limits, metadata, and can be
 * disabled or revoked. Keys live in the log database, so the admin API of a running
 * gateway and the `switchyard keys` CLI on the same file see the same keys; lookups are
 * cached for a moment, so a revocation takes effect within KEY_CACHE_MS everywhere.
 */
import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { openDatabase } from '../store/sqlite-schema.js';

export const KEY_PREFIX = 'sk-sy-';
const KEY_CACHE_MS = 2000;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export interface VirtualKey {
  id: string;
  name: string;
  team: string | null;
  owner: string | null;
  /** The first characters of the key, safe to show (`sk-sy-AbCd…`). */
  prefix: string;
  createdAt: number;
  expiresAt: number | null;
  disabled: boolean;
  revokedAt: number | null;
  allowedModels: string[] | null;
  allowedRoutes: string[] | null;
  rpm: number | null;
  tpm: number | null;
  maxConcurrent: number | null;
  metadata: Record<string, string> | null;
}

export interface NewKey {
  name: string;
  team?: string | null;
  owner?: string | null;
  expiresAt?: number | null;
  allowedModels?: string[] | null;
  allowedRoutes?: string[] | null;
  rpm?: number | null;
  tpm?: number | null;
  maxConcurrent?: number | null;
  metadata?: Record<string, string> | null;
}

export type KeyState = 'active' | 'disabled' | 'revoked' | 'expired';

/** Rate limits shared by every key of a team. */
export interface TeamLimits {
  rpm?: number;
  tpm?: number;
  maxConcurrent?: number;
}

export interface Team {
  id: string;
  limits: TeamLimits;
}

export function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function randomBase62(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  // Rejection sampling keeps every character equally likely.
  for (let index = 0; index < bytes.length && out.length < length; index++) {
    const byte = bytes[index] as number;
    if (byte < 248) out += BASE62[byte % 62];
  }
  return out.length === length ? out : out + randomBase62(length - out.length);
}

export function keyState(key: VirtualKey, now: number): KeyState {
  if (key.revokedAt !== null) return 'revoked';
  if (key.disabled) return 'disabled';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return 'active';
}

export interface KeyRow {
  id: string;
  name: string;
  team: string | null;
  owner: string | null;
  prefix: string;
  created_at: number;
  expires_at: number | null;
  disabled: number;
  revoked_at: number | null;
  allowed_models: string | null;
  allowed_routes: string | null;
  rpm: number | null;
  tpm: number | null;
  max_concurrent: number | null;
  metadata: string | null;
}

/** A key as stored: its row, hash included (never the secret). */
export interface KeyRecord extends KeyRow {
  hash: string;
}

/** A new key's stored record and its secret (which is never stored). */
export function mintKey(input: NewKey, now: number): { record: KeyRecord; secret: string } {
  const secret = `${KEY_PREFIX}${randomBase62(32)}`;
  const record: KeyRecord = {
    id: `key_${randomBase62(16)}`,
    name: input.name,
    team: input.team ?? null,
    owner: input.owner ?? null,
    hash: hashKey(secret),
    prefix: secret.slice(0, KEY_PREFIX.length + 4),
    created_at: now,
    expires_at: input.expiresAt ?? null,
    disabled: 0,
    revoked_at: null,
    allowed_models: input.allowedModels ? JSON.stringify(input.allowedModels) : null,
    allowed_routes: input.allowedRoutes ? JSON.stringify(input.allowedRoutes) : null,
    rpm: input.rpm ?? null,
    tpm: input.tpm ?? null,
    max_concurrent: input.maxConcurrent ?? null,
    metadata: input.metadata ? JSON.stringify(input.metadata) : null,
  };
  return { record, secret };
}

/** The columns of api_keys, in the order both databases hold them. */
export const KEY_COLUMNS = ['id', 'name', 'team', 'owner', 'hash', 'prefix', 'created_at', 'expires_at', 'disabled', 'revoked_at', 'allowed_models', 'allowed_routes', 'rpm', 'tpm', 'max_concurrent', 'metadata'] as const;

/** Insert or replace a key's record in the local SQLite copy. */
export function upsertKeyRecord(database: Database.Database, record: KeyRecord): void {
  database
    .prepare(
      `INSERT INTO api_keys (${KEY_COLUMNS.join(', ')}) VALUES (${KEY_COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${KEY_COLUMNS.filter((column) => column !== 'id').map((column) => `${column} = excluded.${column}`).join(', ')}`,
    )
    .run(...KEY_COLUMNS.map((column) => record[column]));
}

export function fromRow(row: KeyRow): VirtualKey {
  const list = (text: string | null): string[] | null => (text ? (JSON.parse(text) as string[]) : null);
  return {
    id: row.id,
    name: row.name,
    team: row.team,
    owner: row.owner,
    prefix: row.prefix,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    disabled: row.disabled === 1,
    revokedAt: row.revoked_at,
    allowedModels: list(row.allowed_models),
    allowedRoutes: list(row.allowed_routes),
    rpm: row.rpm,
    tpm: row.tpm,
    maxConcurrent: row.max_concurrent,
    metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, string>) : null,
  };
}

/** The public view of a key: never the secret, never its hash. */
export function describeKey(key: VirtualKey, now = Date.now()): Record<string, unknown> {
  return {
    id: key.id,
    object: 'api_key',
    name: key.name,
    team: key.team,
    owner: key.owner,
    prefix: `${key.prefix}…`,
    state: keyState(key, now),
    created_at: new Date(key.createdAt).toISOString(),
    expires_at: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
    revoked_at: key.revokedAt === null ? null : new Date(key.revokedAt).toISOString(),
    allowed_models: key.allowedModels,
    allowed_routes: key.allowedRoutes,
    rpm: key.rpm,
    tpm: key.tpm,
    max_concurrent: key.maxConcurrent,
    metadata: key.metadata,
  };
}

export class KeyStore {
  private readonly database: Database.Database;
  private readonly cache = new Map<string, { key: VirtualKey | undefined; at: number }>();
  private readonly teamCache = new Map<string, { limits: TeamLimits; at: number }>();

  constructor(path: string, private readonly now: () => number = Date.now) {
    this.database = openDatabase(path);
  }

  /** Creates a key; the secret is returned here and never again. */
  create(input: NewKey): { key: VirtualKey; secret: string } {
    const { record, secret } = mintKey(input, this.now());
    this.database.transaction(() => {
      upsertKeyRecord(this.database, record);
      if (input.team) this.database.prepare("INSERT OR IGNORE INTO teams (id, created_at, metadata) VALUES (?, ?, '{}')").run(input.team, record.created_at);
    })();
    return { key: this.get(record.id) as VirtualKey, secret };
  }

  /** The key a presented secret belongs to (any state), cached briefly; `hash` is its hashKey when known. */
  findBySecret(secret: string, hash = hashKey(secret)): VirtualKey | undefined {
    const cached = this.cache.get(hash);
    const now = this.now();
    if (cached && now - cached.at < KEY_CACHE_MS) return cached.key;
    const row = this.database.prepare('SELECT * FROM api_keys WHERE hash = ?').get(hash) as KeyRow | undefined;
    const key = row ? fromRow(row) : undefined;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { key, at: now });
    return key;
  }

  get(id: string): VirtualKey | undefined {
    const row = this.database.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as KeyRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  list(filter: { team?: string } = {}): VirtualKey[] {
    const rows = filter.team
      ? (this.database.prepare('SELECT * FROM api_keys WHERE team = ? ORDER BY created_at').all(filter.team) as KeyRow[])
      : (this.database.prepare('SELECT * FROM api_keys ORDER BY created_at').all() as KeyRow[]);
    return rows.map(fromRow);
  }

  setDisabled(id: string, disabled: boolean): VirtualKey | undefined {
    this.database.prepare('UPDATE api_keys SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, id);
    this.cache.clear();
    return this.get(id);
  }

  revoke(id: string): VirtualKey | undefined {
    this.database.prepare('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(this.now(), id);
    this.cache.clear();
    return this.get(id);
  }

  teams(): (Team & { createdAt: number; keys: number })[] {
    const rows = this.database
      .prepare('SELECT t.id AS id, t.created_at AS createdAt, t.metadata AS metadata, (SELECT COUNT(*) FROM api_keys k WHERE k.team = t.id) AS keys FROM teams t ORDER BY t.id')
      .all() as { id: string; createdAt: number; metadata: string | null; keys: number }[];
    return rows.map((row) => ({ id: row.id, createdAt: row.createdAt, keys: row.keys, limits: row.metadata ? (JSON.parse(row.metadata) as TeamLimits) : {} }));
  }

  /** Creates a team, or replaces its limits. */
  saveTeam(id: string, limits: TeamLimits = {}): void {
    this.database
      .prepare('INSERT INTO teams (id, created_at, metadata) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET metadata = excluded.metadata')
      .run(id, this.now(), JSON.stringify(limits));
    this.teamCache.delete(id);
  }

  /** A team's rate limits, cached like keys. */
  teamLimits(id: string): TeamLimits {
    const cached = this.teamCache.get(id);
    const now = this.now();
    if (cached && now - cached.at < KEY_CACHE_MS) return cached.limits;
    const row = this.database.prepare('SELECT metadata FROM teams WHERE id = ?').get(id) as { metadata: string | null } | undefined;
    const limits = row?.metadata ? (JSON.parse(row.metadata) as TeamLimits) : {};
    this.teamCache.set(id, { limits, at: now });
    return limits;
  }

  /** Keys or teams changed elsewhere (another worker or replica): look them up again. */
  invalidate(): void {
    this.cache.clear();
    this.teamCache.clear();
  }

  close(): void {
    this.database.close();
  }
}
