/**
 * Keys, teams, budgets, fired alerts and evaluation runs in PostgreSQL (store.postgres): the
 * system of record, with this process's SQLite file as its synchronous read copy.
 *
 * - Every change of keys, teams or budgets (admin API, CLI) is written to PostgreSQL first,
 *   in one transaction under an advisory lock that takes the next `governance_version`, and
 *   only then to the local copy. PostgreSQL unreachable: the change is refused (503
 *   governance_store_unavailable), nothing is changed anywhere.
 * - The same transaction sends a NOTIFY; every replica LISTENs and reads the rows whose
 *   version is above the last it saw, into its local copy, and drops its key and budget
 *   caches. Versions become visible in order (taken under the lock), so "version > seen" is
 *   a complete catch-up: a periodic one heals a missed notification or a lost LISTEN
 *   connection. A removed budget stays as a tombstone (deleted_at) for replicas that were away.
 * - At start a replica reads everything (seen = 0), so a new replica with an empty SQLite
 *   file knows every key; rows its local copy has and PostgreSQL does not (a deployment that
 *   ran on SQLite before) are copied up once.
 * - The request path reads the local copy only: PostgreSQL away costs it nothing.
 * - Evaluation runs and results are written locally (the runner is synchronous) and queued
 *   in `eval_outbox` in the same SQLite transaction; the queue is copied to PostgreSQL here
 *   and emptied once PostgreSQL has them, so a run is never lost to an outage.
 * - Claims (an alert firing, a scheduled run) are one conditional INSERT: one replica wins.
 *
 * Only key hashes are stored or sent, never a key.
 */
import type Database from 'better-sqlite3';
import pg from 'pg';
import { GatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { EVAL_RESULT_COLUMNS, EVAL_RUN_COLUMNS, migrateEvalTables } from '../eval/store.js';
import { BUDGET_COLUMNS, budgetRow, newBudget, upsertBudgetRow, type Budget, type BudgetRow } from '../governance/budgets.js';
import { fromRow, KEY_COLUMNS, mintKey, upsertKeyRecord, type KeyRecord, type NewKey, type TeamLimits, type VirtualKey } from '../governance/keys.js';
import type { DependencyHealth } from '../state/types.js';
import { checkOut, describePostgresError, migratePostgres, postgresPool } from './postgres-schema.js';
import { openDatabase } from './sqlite-schema.js';
import { OneAtATime } from './one-at-a-time.js';

/** What changed in the local copy: keys or teams, budgets, evaluation runs. */
export type GovernanceChange = 'keys' | 'budgets' | 'eval';

/** How often a replica catches up without a notification (and retries PostgreSQL). */
const CATCH_UP_MS = 2000;
const OUTBOX_BATCH = 200;
const LOCK = "hashtext('switchyard.governance')";

type Row = Record<string, unknown>;

interface Pulled {
  keys: Row[];
  teams: Row[];
  budgets: Row[];
  runs: Row[];
  results: Row[];
}

function placeholders(count: number, from = 1): string {
  return Array.from({ length: count }, (_, index) => `$${index + from}`).join(', ');
}

function upsertSql(table: string, columns: readonly string[], key: readonly string[]): string {
  const all = [...columns, 'version'];
  const updates = all.filter((column) => !key.includes(column)).map((column) => `${column} = EXCLUDED.${column}`);
  return `INSERT INTO ${table} (${all.join(', ')}) VALUES (${placeholders(all.length)}) ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${updates.join(', ')} RETURNING *`;
}

function pick<T extends string>(row: Row, columns: readonly T[]): Record<T, unknown> {
  const picked = {} as Record<T, unknown>;
  for (const column of columns) picked[column] = row[column] ?? null;
  return picked;
}

export class GovernanceSync {
  private readonly pool: pg.Pool;
  private readonly database: Database.Database;
  private listener: pg.Client | undefined;
  private channel: string | undefined;
  private seen = 0;
  private migrated = false;
  private loaded = false;
  private readonly runs = new OneAtATime(() => this.run(), () => this.closed);
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private current: DependencyHealth = { name: 'postgres', state: 'unavailable', error: 'connecting' };
  private readonly changeListeners: ((changes: ReadonlySet<GovernanceChange>) => void)[] = [];
  private readonly healthListeners: ((health: DependencyHealth) => void)[] = [];
  private readonly loadedWaiters: (() => void)[] = [];

  constructor(
    private readonly url: string,
    sqlitePath: string,
    private readonly logger: Logger | undefined,
    /** drainOutbox: copy queued evaluation runs to PostgreSQL (a gateway; CLI reads leave it to the gateway). */
    private readonly options: { drainOutbox?: boolean; catchUpMs?: number } = {},
  ) {
    this.pool = postgresPool(url, { max: 3, connectTimeoutMs: 3000 });
    this.database = openDatabase(sqlitePath);
    migrateEvalTables(this.database);
  }

  /**
   * Start following PostgreSQL; resolves once everything is read into the local copy, or
   * after `waitMs` without PostgreSQL (false: it keeps trying in the background).
   */
  async start(waitMs: number, options: { firstAttempt?: boolean } = {}): Promise<boolean> {
    this.timer = setInterval(() => this.kick(), this.options.catchUpMs ?? CATCH_UP_MS);
    this.timer.unref();
    const loaded = new Promise<void>((resolve) => this.loadedWaiters.push(resolve));
    this.kick();
    // A CLI command answers after one attempt rather than waiting for PostgreSQL to come.
    if (options.firstAttempt) {
      await this.settled();
      return this.loaded;
    }
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([loaded, new Promise((resolve) => (timeout = setTimeout(resolve, waitMs)))]);
    clearTimeout(timeout);
    return this.loaded;
  }

  /** The local copy changed (after a write here or a catch-up). */
  onChange(listener: (changes: ReadonlySet<GovernanceChange>) => void): void {
    this.changeListeners.push(listener);
  }

  watch(listener: (health: DependencyHealth) => void): void {
    this.healthListeners.push(listener);
  }

  health(): DependencyHealth {
    return { ...this.current };
  }

  available(): boolean {
    return this.current.state === 'ok';
  }

  /** Catch up now (one run at a time; a call during a run asks for one more). */
  kick(): void {
    this.runs.kick();
  }

  /** Wait for the run in progress and the one it asked for, if any. */
  async settled(): Promise<void> {
    await this.runs.settled();
  }

  private async run(): Promise<void> {
    try {
      if (!this.migrated) {
        await migratePostgres(this.pool);
        this.migrated = true;
      }
      if (this.channel === undefined) {
        const schema = (await this.pool.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]?.schema ?? 'public';
        // One channel per schema: deployments sharing a database do not wake each other.
        this.channel = `switchyard_governance_${schema}`.slice(0, 63);
      }
      // LISTEN before reading: a change committed between the read and the LISTEN is not missed.
      await this.listen();
      await this.pull();
      if (!this.loaded) {
        await this.adopt();
        this.loaded = true;
        for (const resolve of this.loadedWaiters.splice(0)) resolve();
      }
      if (this.options.drainOutbox) await this.drainOutbox();
      this.update({ name: 'postgres', state: 'ok' });
    } catch (error) {
      this.update({ name: 'postgres', state: 'unavailable', error: describePostgresError(this.url, error) });
    }
  }

  private update(health: DependencyHealth): void {
    const changed = health.state !== this.current.state || health.error !== this.current.error;
    this.current = health;
    if (!changed) return;
    if (health.state === 'ok') this.logger?.info('PostgreSQL (keys, teams, budgets, eval runs) is reachable; the local copy follows it');
    else this.logger?.error({ error: health.error }, 'PostgreSQL (keys, teams, budgets, eval runs) unreachable: requests use the local copy, changes are refused until it is back');
    for (const listener of this.healthListeners) listener(this.health());
  }

  private async listen(): Promise<void> {
    if (this.listener || this.closed || this.channel === undefined) return;
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 3000, application_name: 'switchyard-listen' });
    this.listener = client;
    const drop = (): void => {
      if (this.listener === client) this.listener = undefined;
      client.end().catch(() => undefined);
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', () => this.kick());
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      drop();
      throw error;
    }
  }

  /** Read every row above the last version seen (all of them the first time) into the local copy. */
  private async pull(): Promise<void> {
    const { client, done } = await checkOut(this.pool);
    let pulled: Pulled;
    try {
      // One snapshot for all tables: a change spanning two tables is read whole or not at all.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const read = async (table: string): Promise<Row[]> => (await client.query(`SELECT * FROM ${table} WHERE version > $1 ORDER BY version`, [this.seen])).rows as Row[];
      pulled = { keys: await read('api_keys'), teams: await read('teams'), budgets: await read('budgets'), runs: await read('eval_runs'), results: await read('eval_results') };
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      done();
    }
    const changes = this.applyLocal(pulled);
    for (const rows of Object.values(pulled)) for (const row of rows) this.seen = Math.max(this.seen, Number(row.version));
    this.announce(changes);
  }

  /** Write rows PostgreSQL holds into the local copy, in one SQLite transaction; what changed. */
  private applyLocal(pulled: Partial<Pulled>): Set<GovernanceChange> {
    const changes = new Set<GovernanceChange>();
    const database = this.database;
    const saveTeam = database.prepare('INSERT INTO teams (id, created_at, metadata) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET metadata = excluded.metadata');
    const deleteBudget = database.prepare('DELETE FROM budgets WHERE id = ?');
    const saveRun = database.prepare(
      `INSERT INTO eval_runs (${EVAL_RUN_COLUMNS.join(', ')}) VALUES (${EVAL_RUN_COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${EVAL_RUN_COLUMNS.filter((column) => column !== 'id').map((column) => `${column} = excluded.${column}`).join(', ')}`,
    );
    const pendingRun = database.prepare("SELECT 1 FROM eval_outbox WHERE kind = 'run' AND run_id = ?");
    const pendingResult = database.prepare("SELECT 1 FROM eval_outbox WHERE kind = 'result' AND run_id = ? AND case_id = ? AND target = ? AND run_index = ?");
    const saveResult = database.prepare(`INSERT OR REPLACE INTO eval_results (${EVAL_RESULT_COLUMNS.join(', ')}) VALUES (${EVAL_RESULT_COLUMNS.map(() => '?').join(', ')})`);
    database.transaction(() => {
      for (const row of pulled.keys ?? []) {
        upsertKeyRecord(database, pick(row, KEY_COLUMNS) as unknown as KeyRecord);
        changes.add('keys');
      }
      for (const row of pulled.teams ?? []) {
        saveTeam.run(row.id, row.created_at, row.metadata ?? null);
        changes.add('keys');
      }
      for (const row of pulled.budgets ?? []) {
        if (row.deleted_at !== null && row.deleted_at !== undefined) deleteBudget.run(row.id);
        else upsertBudgetRow(database, pick(row, BUDGET_COLUMNS) as unknown as BudgetRow);
        changes.add('budgets');
      }
      for (const row of pulled.runs ?? []) {
        // A change made here and not yet copied up is newer than PostgreSQL's row: keep it.
        if (pendingRun.get(row.id)) continue;
        try {
          saveRun.run(...EVAL_RUN_COLUMNS.map((column) => row[column] ?? null));
          changes.add('eval');
        } catch (error) {
          // Two runs of one name made on different machines: the local one keeps the name.
          this.logger?.warn({ run: row.id, err: error }, 'an evaluation run from PostgreSQL could not be copied locally');
        }
      }
      for (const row of pulled.results ?? []) {
        if (pendingResult.get(row.run_id, row.case_id, row.target, row.run_index)) continue;
        saveResult.run(...EVAL_RESULT_COLUMNS.map((column) => row[column] ?? null));
        changes.add('eval');
      }
    })();
    return changes;
  }

  private announce(changes: ReadonlySet<GovernanceChange>): void {
    if (changes.size === 0) return;
    for (const listener of this.changeListeners) listener(changes);
  }

  /**
   * Keys, teams and budgets the local copy has and PostgreSQL does not (a deployment that
   * ran on SQLite before store.postgres): copied up once, at the first full read.
   */
  private async adopt(): Promise<void> {
    const known = async (table: string): Promise<Set<string>> => new Set((await this.pool.query<{ id: string }>(`SELECT id FROM ${table}`)).rows.map((row) => row.id));
    const [keyIds, teamIds, budgetIds, runIds] = await Promise.all([known('api_keys'), known('teams'), known('budgets'), known('eval_runs')]);
    const keys = (this.database.prepare('SELECT * FROM api_keys').all() as KeyRecord[]).filter((row) => !keyIds.has(row.id));
    const teams = (this.database.prepare('SELECT id, created_at, metadata FROM teams').all() as Row[]).filter((row) => !teamIds.has(row.id as string));
    const budgets = (this.database.prepare('SELECT * FROM budgets').all() as BudgetRow[]).filter((row) => !budgetIds.has(row.id));
    if (keys.length + teams.length + budgets.length > 0) {
      await this.write(async (client, version) => {
        for (const key of keys) {
          await client.query(`INSERT INTO api_keys (${KEY_COLUMNS.join(', ')}, version) VALUES (${placeholders(KEY_COLUMNS.length + 1)}) ON CONFLICT DO NOTHING`, [...KEY_COLUMNS.map((column) => key[column]), version]);
        }
        for (const team of teams) await client.query('INSERT INTO teams (id, created_at, metadata, version) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [team.id, team.created_at, team.metadata ?? null, version]);
        for (const budget of budgets) {
          await client.query(`INSERT INTO budgets (${BUDGET_COLUMNS.join(', ')}, version) VALUES (${placeholders(BUDGET_COLUMNS.length + 1)}) ON CONFLICT DO NOTHING`, [...BUDGET_COLUMNS.map((column) => budget[column]), version]);
        }
      });
      this.logger?.info({ keys: keys.length, teams: teams.length, budgets: budgets.length }, 'copied keys, teams and budgets of the local file to PostgreSQL');
    }
    // Evaluation runs go the usual way: through the outbox.
    const runs = (this.database.prepare('SELECT id FROM eval_runs').all() as { id: string }[]).filter((row) => !runIds.has(row.id));
    if (runs.length > 0) {
      const queueRun = this.database.prepare("INSERT INTO eval_outbox (kind, run_id) VALUES ('run', ?)");
      const queueResults = this.database.prepare("INSERT INTO eval_outbox (kind, run_id, case_id, target, run_index) SELECT 'result', run_id, case_id, target, run_index FROM eval_results WHERE run_id = ?");
      this.database.transaction(() => {
        for (const run of runs) {
          queueRun.run(run.id);
          queueResults.run(run.id);
        }
      })();
    }
  }

  /**
   * One change in PostgreSQL: a transaction under the governance lock with the next version,
   * notified to every replica on commit. Any failure is a 503 naming PostgreSQL; nothing changed.
   */
  private async write<T>(action: (client: pg.PoolClient, version: number) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    let done: () => void;
    try {
      ({ client, done } = await checkOut(this.pool));
    } catch (error) {
      throw this.refused(error);
    }
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(${LOCK})`);
      const version = Number((await client.query<{ version: string }>("SELECT nextval('governance_version') AS version")).rows[0]?.version);
      const result = await action(client, version);
      if (this.channel !== undefined) await client.query('SELECT pg_notify($1, $2)', [this.channel, String(version)]);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.refused(error);
    } finally {
      done();
    }
  }

  private refused(error: unknown): GatewayError {
    if (error instanceof GatewayError) return error;
    this.kick();
    return new GatewayError(
      'governance_store_unavailable',
      `PostgreSQL (store.postgres.url) did not take the change, so nothing was changed: ${describePostgresError(this.url, error)}. Keys, teams and budgets can be changed again once it answers.`,
      { retryAfterSeconds: 2 },
    );
  }

  /** A write needs the schema and the first full read (a replica that started without PostgreSQL). */
  private async ready(): Promise<void> {
    if (this.loaded) return;
    this.kick();
    await this.settled();
    if (!this.loaded) throw this.refused(new Error(this.current.error ?? 'not reachable yet'));
  }

  async createKey(input: NewKey): Promise<{ key: VirtualKey; secret: string }> {
    await this.ready();
    const { record, secret } = mintKey(input, Date.now());
    const written = await this.write(async (client, version) => {
      const keys = await client.query(`INSERT INTO api_keys (${KEY_COLUMNS.join(', ')}, version) VALUES (${placeholders(KEY_COLUMNS.length + 1)}) RETURNING *`, [...KEY_COLUMNS.map((column) => record[column]), version]);
      const teams = input.team ? await client.query("INSERT INTO teams (id, created_at, metadata, version) VALUES ($1, $2, '{}', $3) ON CONFLICT (id) DO NOTHING RETURNING *", [input.team, record.created_at, version]) : undefined;
      return { keys: keys.rows as Row[], teams: (teams?.rows ?? []) as Row[] };
    });
    this.announce(this.applyLocal(written));
    return { key: fromRow(record), secret };
  }

  /** Revoke, disable or enable a key; undefined when there is no such key. */
  async changeKey(id: string, change: 'revoke' | 'disable' | 'enable'): Promise<VirtualKey | undefined> {
    await this.ready();
    const rows = await this.write(async (client, version) => {
      const result =
        change === 'revoke'
          ? await client.query('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2), version = $3 WHERE id = $1 RETURNING *', [id, Date.now(), version])
          : await client.query('UPDATE api_keys SET disabled = $2, version = $3 WHERE id = $1 RETURNING *', [id, change === 'disable' ? 1 : 0, version]);
      return result.rows as Row[];
    });
    this.announce(this.applyLocal({ keys: rows }));
    const row = rows[0];
    return row ? fromRow(pick(row, KEY_COLUMNS) as unknown as KeyRecord) : undefined;
  }

  /** Create a team or replace its limits. */
  async saveTeam(id: string, limits: TeamLimits): Promise<void> {
    await this.ready();
    const rows = await this.write(async (client, version) => {
      const result = await client.query(
        'INSERT INTO teams (id, created_at, metadata, version) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET metadata = EXCLUDED.metadata, version = EXCLUDED.version RETURNING *',
        [id, Date.now(), JSON.stringify(limits), version],
      );
      return result.rows as Row[];
    });
    this.announce(this.applyLocal({ teams: rows }));
  }

  async createBudget(input: Omit<Budget, 'id' | 'createdAt'>): Promise<Budget> {
    await this.ready();
    const budget = newBudget(input, Date.now());
    const row = budgetRow(budget);
    const rows = await this.write(async (client, version) => {
      const result = await client.query(`INSERT INTO budgets (${BUDGET_COLUMNS.join(', ')}, version) VALUES (${placeholders(BUDGET_COLUMNS.length + 1)}) RETURNING *`, [...BUDGET_COLUMNS.map((column) => row[column]), version]);
      return result.rows as Row[];
    });
    this.announce(this.applyLocal({ budgets: rows }));
    return budget;
  }

  /** Remove a budget (a tombstone in PostgreSQL); false when there is no such budget. */
  async removeBudget(id: string): Promise<boolean> {
    await this.ready();
    const rows = await this.write(async (client, version) => {
      const result = await client.query('UPDATE budgets SET deleted_at = $2, version = $3 WHERE id = $1 AND deleted_at IS NULL RETURNING *', [id, Date.now(), version]);
      return result.rows as Row[];
    });
    this.announce(this.applyLocal({ budgets: rows }));
    return rows.length > 0;
  }

  /** True for exactly one caller per name until `ttlMs` passes, across every replica on this PostgreSQL. */
  async claimOnce(name: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const result = await this.pool.query(
      'INSERT INTO claims (name, expires_at) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE claims.expires_at <= $3 RETURNING name',
      [name, now + ttlMs, now],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /** Record an alert's firing; true when no replica recorded it before (it fires here). */
  async recordAlert(alert: string, periodStart: number, firedAt: number): Promise<boolean> {
    const result = await this.pool.query('INSERT INTO alerts_fired (alert, period_start, fired_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING alert', [alert, periodStart, firedAt]);
    return (result.rowCount ?? 0) > 0;
  }

  /** Copy queued evaluation runs and results to PostgreSQL, oldest first; each batch leaves the queue once committed. */
  private async drainOutbox(): Promise<void> {
    const take = this.database.prepare('SELECT seq, kind, run_id, case_id, target, run_index FROM eval_outbox ORDER BY seq LIMIT ?');
    const runOf = this.database.prepare(`SELECT ${EVAL_RUN_COLUMNS.join(', ')} FROM eval_runs WHERE id = ?`);
    const resultOf = this.database.prepare(`SELECT ${EVAL_RESULT_COLUMNS.join(', ')} FROM eval_results WHERE run_id = ? AND case_id = ? AND target = ? AND run_index = ?`);
    const done = this.database.prepare('DELETE FROM eval_outbox WHERE seq <= ?');
    for (let batches = 0; batches < 50 && !this.closed; batches++) {
      const entries = take.all(OUTBOX_BATCH) as { seq: number; kind: string; run_id: string; case_id: string | null; target: string | null; run_index: number | null }[];
      if (entries.length === 0) return;
      const runs = new Map<string, Row>();
      const results = new Map<string, Row>();
      for (const entry of entries) {
        if (entry.kind === 'run') {
          const run = runOf.get(entry.run_id) as Row | undefined;
          if (run) runs.set(entry.run_id, run);
        } else {
          const result = resultOf.get(entry.run_id, entry.case_id, entry.target, entry.run_index) as Row | undefined;
          if (result) results.set(JSON.stringify([entry.run_id, entry.case_id, entry.target, entry.run_index]), result);
        }
      }
      await this.write(async (client, version) => {
        // A result needs its run: runs first.
        for (const run of runs.values()) await client.query(upsertSql('eval_runs', EVAL_RUN_COLUMNS, ['id']), [...EVAL_RUN_COLUMNS.map((column) => run[column]), version]);
        for (const result of results.values()) {
          await client.query(upsertSql('eval_results', EVAL_RESULT_COLUMNS, ['run_id', 'case_id', 'target', 'run_index']), [...EVAL_RESULT_COLUMNS.map((column) => result[column]), version]);
        }
      });
      done.run((entries[entries.length - 1] as { seq: number }).seq);
    }
  }

  /** Evaluation runs and results not yet in PostgreSQL. */
  outboxSize(): number {
    return (this.database.prepare('SELECT COUNT(*) AS count FROM eval_outbox').get() as { count: number }).count;
  }

  /** Stop: copy what the outbox holds (for up to `withinMs`; what is left goes at the next start), then disconnect. */
  async close(withinMs = 5000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.options.drainOutbox && this.loaded && this.outboxSize() > 0) {
      let timer: NodeJS.Timeout | undefined;
      const drained = (async () => {
        await this.settled();
        await this.drainOutbox();
      })().catch((error: unknown) => this.logger?.warn({ error: describePostgresError(this.url, error) }, 'evaluation runs not copied to PostgreSQL yet; they are copied at the next start'));
      await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, withinMs)))]);
      clearTimeout(timer);
    }
    this.closed = true;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.settled().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
    this.database.close();
  }
}
