/**
 * `switchyard migrate [--config PATH] [--status]`: apply the PostgreSQL migrations
 * (store.postgres) and nothing else — for deploys that migrate before starting replicas.
 * `serve` applies the same migrations on start; running them again changes nothing.
 */
import { loadConfig } from '../config/load.js';
import { appliedMigrations, describePostgresError, migratePostgres, POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION, postgresPool } from '../store/postgres-schema.js';
import { CliError } from './arguments.js';

export async function runMigrate(values: Record<string, string | boolean | undefined>): Promise<number> {
  const config = loadConfig(typeof values.config === 'string' ? { path: values.config } : {});
  const url = config.store.postgresUrl;
  if (url === undefined) {
    throw new CliError(`store.postgres.url is not set in ${config.source}: there is nothing to migrate (the SQLite log migrates itself on open)`);
  }
  let pool;
  try {
    pool = postgresPool(url, { max: 1 });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  try {
    if (values.status) {
      const applied = await appliedMigrations(pool);
      const rows = POSTGRES_MIGRATIONS.map((migration) => ({ version: migration.version, description: migration.description, applied: applied.includes(migration.version) }));
      if (values.json) console.log(JSON.stringify({ schema: POSTGRES_SCHEMA_VERSION, migrations: rows }));
      else for (const row of rows) console.log(`${row.applied ? 'applied' : 'pending'}  ${row.version}  ${row.description}`);
      return 0;
    }
    const applied = await migratePostgres(pool);
    if (values.json) console.log(JSON.stringify({ schema: POSTGRES_SCHEMA_VERSION, applied }));
    else if (applied.length === 0) console.log(`PostgreSQL schema is up to date (version ${POSTGRES_SCHEMA_VERSION})`);
    else console.log(`applied migration${applied.length > 1 ? 's' : ''} ${applied.join(', ')}: PostgreSQL schema is at version ${POSTGRES_SCHEMA_VERSION}`);
    return 0;
  } catch (error) {
    throw new CliError(describePostgresError(url, error));
  } finally {
    await pool.end().catch(() => undefined);
  }
}
