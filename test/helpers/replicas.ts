/**
 * Replicas for the scale-out tests: several `switchyard serve` processes (the built bin)
 * on one request-log database and one Redis, each test under its own Redis key prefix;
 * and throwaway Redis servers on free ports for the tests that stop or restart Redis
 * (the machine's shared Redis is never stopped, restarted or flushed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { spawnServe, type ServeProcess } from './serve-process.js';

export const SHARED_REDIS_URL = process.env.SWITCHYARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export interface Replica extends ServeProcess {
  base: string;
}

export interface ReplicaSet {
  dir: string;
  dbPath: string;
  prefix: string;
  replicas: Replica[];
  /** Start one more replica on the same database and Redis. */
  add(extraArgs?: string[]): Promise<Replica>;
  /** SIGTERM every replica still running and wait for them (their rows are all written then). */
  halt(): Promise<void>;
  /** Halt, then delete the test's Redis keys and its files. */
  stop(): Promise<void>;
}

/** A unique Redis key prefix for one test. */
export function testPrefix(): string {
  return `sy-test-${randomBytes(5).toString('hex')}:`;
}

/**
 * `config` is the YAML without `state` and `store` (added here); `redisUrl` is read by
 * the replicas from SWITCHYARD_REDIS_URL; null runs them without Redis.
 */
export async function startReplicas(count: number, config: string, options: { redisUrl?: string | null; env?: Record<string, string>; onUnavailable?: 'fail_closed' | 'local'; leaseMs?: number; serveArgs?: string[] } = {}): Promise<ReplicaSet> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-replicas-'));
  const dbPath = join(dir, 'switchyard.db');
  const prefix = testPrefix();
  const redisUrl = options.redisUrl === undefined ? SHARED_REDIS_URL : options.redisUrl;
  const state =
    redisUrl === null
      ? ''
      : `state:\n  redis: { url: env:SWITCHYARD_REDIS_URL, key_prefix: "${prefix}", lease_ms: ${options.leaseMs ?? 2000} }\n  on_unavailable: ${options.onUnavailable ?? 'fail_closed'}\n`;
  const configPath = join(dir, 'switchyard.yaml');
  writeFileSync(configPath, `${config}\nstore:\n  sqlite: { path: ${dbPath} }\n  flush_interval_ms: 20\n${state}`);
  const env = { ...(options.env ?? {}), ...(redisUrl !== null ? { SWITCHYARD_REDIS_URL: redisUrl } : {}) };
  const replicas: Replica[] = [];
  const add = async (extraArgs: string[] = options.serveArgs ?? []): Promise<Replica> => {
    // Several processes starting at once on a busy machine: allow them time.
    const serve = spawnServe(configPath, env, extraArgs, 60_000);
    const base = await serve.url;
    const replica = { ...serve, base };
    replicas.push(replica);
    return replica;
  };
  const halt = async (): Promise<void> => {
    await Promise.all(
      replicas.map(async (replica) => {
        if (replica.child.exitCode === null && replica.child.signalCode === null) replica.child.kill('SIGTERM');
        await replica.exited;
      }),
    );
  };
  await Promise.all(Array.from({ length: count }, () => add()));
  return {
    dir,
    dbPath,
    prefix,
    replicas,
    add,
    halt,
    async stop() {
      await halt();
      // A Redis a test stopped has nothing left to delete: give up after a moment.
      if (redisUrl !== null) await Promise.race([deleteKeys(redisUrl, prefix).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Delete every key under a prefix (SCAN, never FLUSHALL: the Redis may be shared). */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1000, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw error;
  }
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** A Redis of the test's own, on a free port, keeping nothing on disk: it may be stopped and restarted. */
export interface ThrowawayRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Start again on the same port, empty (its data is gone, as after a real restart). */
  start(): Promise<void>;
}

export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        probe.disconnect();
        if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const stop = async (): Promise<void> => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}/0`, port, stop, start };
}

/** An admin call to a replica. */
export async function adminCall(base: string, adminKey: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Every call of REPLICA_CONFIG costs exactly this (a per-request price): the worst case is the real cost. */
export const REPLICA_CALL_USD = 0.01;

/** A config for replica tests: an admin key and one flat-rate model on the simulator. */
export const REPLICA_CONFIG = `
server:
  admin_key: env:ADMIN_KEY
resilience:
  circuit_breaker: { enabled: false }
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 30, tokens_per_second: 100000 } }
models:
  flat-rate: { provider: sim, upstream_model: gpt-5.4-mini, price: { input: 0, output: 0, per_request: ${REPLICA_CALL_USD} } }
routes:
  auto: { model: flat-rate }
`;

/** One chat call; 'ok' or `<status>:<code>`. */
export async function call(base: string, key: string, index: number): Promise<string> {
  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: key, maxRetries: 0, timeout: 15_000 });
  try {
    await client.chat.completions.create({ model: 'auto', max_tokens: 16, messages: [{ role: 'user', content: `Say something about rivers (${index}).` }] });
    return 'ok';
  } catch (error) {
    if (!(error instanceof OpenAI.APIError)) throw error;
    return `${error.status}:${String(error.code)}`;
  }
}
