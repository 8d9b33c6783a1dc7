/**
 * Evaluation runs in SQLite, beside the request log (config store.sqlitePath) but in
 * tables of their own: eval_runs, eval_results and judge_cache. The migration is
 * idempotent and versioned in eval_meta, never in the request log's user_version.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { TaskCategory } from '../core/categories.js';
import type { EvalCase } from './dataset.js';

export const EVAL_SCHEMA_VERSION = 2;

const MIGRATIONS: string[] = [
  `CREATE TABLE IF NOT EXISTS eval_runs (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     status TEXT NOT NULL,
     dataset_source TEXT NOT NULL,
     dataset_hash TEXT NOT NULL,
     cases TEXT NOT NULL,
     targets TEXT NOT NULL,
     runs INTEGER NOT NULL,
     options TEXT NOT NULL
   );
   CREATE TABLE IF NOT EXISTS eval_results (
     run_id TEXT NOT NULL,
     case_id TEXT NOT NULL,
     target TEXT NOT NULL,
     run_index INTEGER NOT NULL,
     target_kind TEXT NOT NULL,
     category TEXT NOT NULL,
     served_model TEXT,
     status INTEGER NOT NULL,
     error TEXT,
     latency_ms REAL NOT NULL,
     input_tokens INTEGER NOT NULL,
     output_tokens INTEGER NOT NULL,
     cost_usd REAL NOT NULL,
     answer TEXT NOT NULL,
     finish_reason TEXT,
     refusal INTEGER NOT NULL,
     score_status TEXT NOT NULL,
     correct INTEGER NOT NULL,
     raw_score REAL,
     score_detail TEXT NOT NULL,
     scoring_cost_usd REAL NOT NULL,
     scoring_calls INTEGER NOT NULL,
     scoring_cache_hits INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (run_id, case_id, target, run_index)
   );
   CREATE TABLE IF NOT EXISTS judge_cache (
     key TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     model TEXT NOT NULL,
     response TEXT NOT NULL,
     input_tokens INTEGER NOT NULL,
     output_tokens INTEGER NOT NULL,
     cost_usd REAL NOT NULL,
     created_at INTEGER NOT NULL
   );`,
  // Runs and results waiting to be copied to PostgreSQL (store.postgres), written in the same
  // transaction as the run or result; emptied as PostgreSQL confirms (store/postgres-governance.ts).
  `CREATE TABLE IF NOT EXISTS eval_outbox (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL,
     run_id TEXT NOT NULL,
     case_id TEXT,
     target TEXT,
     run_index INTEGER
   );
   CREATE INDEX IF NOT EXISTS eval_outbox_run ON eval_outbox (run_id);`,
];

/** The columns of eval_runs and eval_results, as both databases hold them. */
export const EVAL_RUN_COLUMNS = ['id', 'name', 'created_at', 'updated_at', 'status', 'dataset_source', 'dataset_hash', 'cases', 'targets', 'runs', 'options'] as const;

export interface EvalTarget {
  name: string;
  kind: 'model' | 'route';
}

export interface RunOptions {
  judge?: string;
  embeddingModel?: string;
  allowSameFamily?: boolean;
  /** The config the run was made with (a path, or 'built-in defaults'). */
  configSource: string;
}

export type RunStatus = 'running' | 'interrupted' | 'complete';

export interface StoredRun {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  status: RunStatus;
  datasetSource: string;
  datasetHash: string;
  cases: EvalCase[];
  targets: EvalTarget[];
  runs: number;
  options: RunOptions;
}

export interface ResultRow {
  runId: string;
  caseId: string;
  target: string;
  runIndex: number;
  targetKind: 'model' | 'route';
  category: TaskCategory;
  servedModel: string | null;
  status: number;
  error: string | null;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  answer: string;
  finishReason: string | null;
  refusal: boolean;
  /** error: the judged call failed; unscorable: the scorer could not decide. */
  scoreStatus: 'scored' | 'unscorable' | 'error';
  correct: boolean;
  rawScore: number | null;
  scoreDetail: string;
  scoringCostUsd: number;
  scoringCalls: number;
  scoringCacheHits: number;
  createdAt: number;
}

export interface CachedCall {
  key: string;
  kind: 'judge' | 'reference' | 'embedding';
  model: string;
  response: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

interface RunRow {
  id: string;
  name: string;
  created_at: number;
  updated_at: number;
  status: RunStatus;
  dataset_source: string;
  dataset_hash: string;
  cases: string;
  targets: string;
  runs: number;
  options: string;
}

type StoredResult = Omit<ResultRow, 'refusal' | 'correct'> & { refusal: number; correct: number };

const RESULT_COLUMNS: Array<[keyof ResultRow, string]> = [
  ['runId', 'run_id'],
  ['caseId', 'case_id'],
  ['target', 'target'],
  ['runIndex', 'run_index'],
  ['targetKind', 'target_kind'],
  ['category', 'category'],
  ['servedModel', 'served_model'],
  ['status', 'status'],
  ['error', 'error'],
  ['latencyMs', 'latency_ms'],
  ['inputTokens', 'input_tokens'],
  ['outputTokens', 'output_tokens'],
  ['costUsd', 'cost_usd'],
  ['answer', 'answer'],
  ['finishReason', 'finish_reason'],
  ['refusal', 'refusal'],
  ['scoreStatus', 'score_status'],
  ['correct', 'correct'],
  ['rawScore', 'raw_score'],
  ['scoreDetail', 'score_detail'],
  ['scoringCostUsd', 'scoring_cost_usd'],
  ['scoringCalls', 'scoring_calls'],
  ['scoringCacheHits', 'scoring_cache_hits'],
  ['createdAt', 'created_at'],
];

export const EVAL_RESULT_COLUMNS = RESULT_COLUMNS.map(([, column]) => column);

export class EvalStore {
  private readonly database: Database.Database;

  /**
   * `mirror` (store.postgres): every run and result written here is also queued in
   * eval_outbox, in the same transaction, for PostgreSQL.
   */
  constructor(
    path: string,
    private readonly options: { mirror?: boolean } = {},
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.database = new Database(path);
    this.database.pragma('busy_timeout = 5000');
    this.database.pragma('journal_mode = WAL');
    migrate(this.database);
  }

  close(): void {
    this.database.close();
  }

  createRun(run: StoredRun): void {
    this.database.transaction(() => {
      this.database
        .prepare(
          `INSERT INTO eval_runs (id, name, created_at, updated_at, status, dataset_source, dataset_hash, cases, targets, runs, options)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(run.id, run.name, run.createdAt, run.updatedAt, run.status, run.datasetSource, run.datasetHash, JSON.stringify(run.cases), JSON.stringify(run.targets), run.runs, JSON.stringify(run.options));
      this.queue('run', run.id);
    })();
  }

  setRunStatus(id: string, status: RunStatus, now = Date.now()): void {
    this.database.transaction(() => {
      this.database.prepare('UPDATE eval_runs SET status = ?, updated_at = ? WHERE id = ?').run(status, now, id);
      this.queue('run', id);
    })();
  }

  /** With `mirror`: note a run or result for PostgreSQL (inside the caller's transaction). */
  private queue(kind: 'run' | 'result', runId: string, result?: { caseId: string; target: string; runIndex: number }): void {
    if (!this.options.mirror) return;
    this.database.prepare('INSERT INTO eval_outbox (kind, run_id, case_id, target, run_index) VALUES (?, ?, ?, ?, ?)').run(kind, runId, result?.caseId ?? null, result?.target ?? null, result?.runIndex ?? null);
  }

  /** A run by id, else by name. */
  findRun(idOrName: string): StoredRun | undefined {
    const row = this.database.prepare('SELECT * FROM eval_runs WHERE id = ? OR name = ? ORDER BY id = ? DESC LIMIT 1').get(idOrName, idOrName, idOrName) as RunRow | undefined;
    return row ? fromRunRow(row) : undefined;
  }

  listRuns(): StoredRun[] {
    return (this.database.prepare('SELECT * FROM eval_runs ORDER BY created_at').all() as RunRow[]).map(fromRunRow);
  }

  saveResult(result: ResultRow): void {
    const columns = RESULT_COLUMNS.map(([, column]) => column);
    this.database.transaction(() => {
      this.database
        .prepare(`INSERT OR REPLACE INTO eval_results (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
        .run(
          ...RESULT_COLUMNS.map(([field]) => {
            const value = result[field];
            return typeof value === 'boolean' ? (value ? 1 : 0) : value;
          }),
        );
      this.queue('result', result.runId, result);
    })();
  }

  results(runId: string): ResultRow[] {
    const select = RESULT_COLUMNS.map(([field, column]) => `${column} AS ${field}`).join(', ');
    const rows = this.database.prepare(`SELECT ${select} FROM eval_results WHERE run_id = ? ORDER BY case_id, target, run_index`).all(runId) as StoredResult[];
    return rows.map((row) => ({ ...row, refusal: row.refusal === 1, correct: row.correct === 1 }));
  }

  /** Keys (case, target, run index) already stored for a run: what a resumed run skips (failed calls too, unless `withoutErrors`). */
  doneKeys(runId: string, options: { withoutErrors?: boolean } = {}): Set<string> {
    const filter = options.withoutErrors ? " AND score_status <> 'error'" : '';
    const rows = this.database.prepare(`SELECT case_id, target, run_index FROM eval_results WHERE run_id = ?${filter}`).all(runId) as Array<{ case_id: string; target: string; run_index: number }>;
    return new Set(rows.map((row) => resultKey(row.case_id, row.target, row.run_index)));
  }

  cachedCall(key: string): CachedCall | undefined {
    const row = this.database
      .prepare('SELECT key, kind, model, response, input_tokens AS inputTokens, output_tokens AS outputTokens, cost_usd AS costUsd FROM judge_cache WHERE key = ?')
      .get(key) as CachedCall | undefined;
    return row;
  }

  cacheCall(call: CachedCall, now = Date.now()): void {
    this.database
      .prepare('INSERT OR REPLACE INTO judge_cache (key, kind, model, response, input_tokens, output_tokens, cost_usd, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(call.key, call.kind, call.model, call.response, call.inputTokens, call.outputTokens, call.costUsd, now);
  }
}

export function resultKey(caseId: string, target: string, runIndex: number): string {
  return JSON.stringify([caseId, target, runIndex]);
}

function fromRunRow(row: RunRow): StoredRun {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    status: row.status,
    datasetSource: row.dataset_source,
    datasetHash: row.dataset_hash,
    cases: JSON.parse(row.cases) as EvalCase[],
    targets: JSON.parse(row.targets) as EvalTarget[],
    runs: row.runs,
    options: JSON.parse(row.options) as RunOptions,
  };
}

/** Open the evaluation tables of a config's store: mirrored to PostgreSQL when store.postgres is set. */
export function openEvalStore(store: { sqlitePath: string; postgresUrl?: string | undefined }, path = store.sqlitePath): EvalStore {
  return new EvalStore(path, { mirror: store.postgresUrl !== undefined });
}

export function migrateEvalTables(database: Database.Database): void {
  migrate(database);
}

function migrate(database: Database.Database): void {
  database.exec('CREATE TABLE IF NOT EXISTS eval_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const row = database.prepare("SELECT value FROM eval_meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  const version = row ? Number(row.value) : 0;
  if (version > EVAL_SCHEMA_VERSION) throw new Error(`the evaluation tables were written by a newer Switchyard (schema ${version} > ${EVAL_SCHEMA_VERSION})`);
  for (let next = version; next < EVAL_SCHEMA_VERSION; next++) {
    database.transaction(() => {
      database.exec(MIGRATIONS[next] ?? '');
      database.prepare("INSERT OR REPLACE INTO eval_meta (key, value) VALUES ('schema_version', ?)").run(String(next + 1));
    })();
  }
}
