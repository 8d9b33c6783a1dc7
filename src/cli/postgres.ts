/** PostgreSQL for CLI commands that read the request log from it (store.postgres): errors as one CLI line. */
import type pg from 'pg';
import { describePostgresError, postgresPool } from '../store/postgres-schema.js';
import type { GatewayConfig } from '../config/load.js';
import { GatewayError } from '../core/errors.js';
import { GovernanceSync } from '../store/postgres-governance.js';
import { CliError } from './arguments.js';

export function openPostgres(url: string): pg.Pool {
  try {
    return postgresPool(url, { max: 1 });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

/** The query's answer, or (PostgreSQL's) a CLI error naming where PostgreSQL was tried (never the password). */
export async function reading<T>(url: string | undefined, query: T | Promise<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    if (url === undefined) throw error;
    throw new CliError(describePostgresError(url, error));
  }
}

/**
 * store.postgres: keys, teams, budgets and eval runs read from PostgreSQL into the local
 * file before a CLI command reads it, and its changes written there first. Undefined
 * without store.postgres; a CLI error naming PostgreSQL when it does not answer (the caller
 * closes what it gets).
 */
export async function openGovernanceStore(config: GatewayConfig): Promise<GovernanceSync | undefined> {
  const url = config.store.postgresUrl;
  if (url === undefined) return undefined;
  let sync: GovernanceSync;
  try {
    sync = new GovernanceSync(url, config.store.sqlitePath, undefined, { drainOutbox: true });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  if (!(await sync.start(GOVERNANCE_WAIT_MS, { firstAttempt: true }))) {
    const reason = sync.health().error ?? 'no answer';
    await sync.close(0);
    throw new CliError(`keys, teams, budgets and eval runs live in PostgreSQL (store.postgres.url), which did not answer: ${reason}`);
  }
  return sync;
}

const GOVERNANCE_WAIT_MS = 10_000;

/** A change PostgreSQL refused, as a CLI error. */
export function cliErrorOf(error: unknown): unknown {
  return error instanceof GatewayError ? new CliError(error.message) : error;
}
