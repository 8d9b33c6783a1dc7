/** PostgreSQL for CLI commands that read the request log from it (store.postgres): errors as one CLI line. */
import type pg from 'pg';
import { describePostgresError, postgresPool } from '../store/postgres-schema.js';
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
