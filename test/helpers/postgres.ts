/**
 * The shared PostgreSQL (127.0.0.1:5432, database test) for tests: each test file gets a
 * schema of its own, named by the URL's search_path, dropped afterwards. And a TCP relay
 * in front of it that a test can close and reopen: PostgreSQL "down" for this gateway
 * only, without touching the shared server.
 */
import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';

export const POSTGRES_ADMIN_URL = process.env.SWITCHYARD_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function urlWithSchema(base: string, schema: string): string {
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

export interface TestSchema {
  schema: string;
  /** A URL whose connections use this schema. */
  url: string;
  /** Queries in this schema. */
  pool: pg.Pool;
  drop(): Promise<void>;
}

export async function createTestSchema(prefix: string): Promise<TestSchema> {
  const schema = `sy_${prefix}_${randomBytes(4).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = urlWithSchema(POSTGRES_ADMIN_URL, schema);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return {
    schema,
    url,
    pool,
    drop: async () => {
      await pool.end();
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** A relay to PostgreSQL on a port of its own: close() refuses and cuts every connection, open() serves again on the same port. */
export class PostgresRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target = new URL(POSTGRES_ADMIN_URL)) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection({ host: this.target.hostname, port: Number(this.target.port || 5432) });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  /** A URL through this relay, into `schema`. */
  url(schema: string): string {
    const url = new URL(urlWithSchema(POSTGRES_ADMIN_URL, schema));
    url.port = String(this.port);
    return url.toString();
  }
}

/** Poll `check` until it returns true (bounded); the last value of `describe` in the error otherwise. */
export async function waitUntil(check: () => Promise<boolean> | boolean, describe: () => Promise<string> | string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting: ${await describe()}`);
}
