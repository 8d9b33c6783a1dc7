/**
 * An unreachable Redis is an operational event: the log line says which dependency and why
 * (ECONNREFUSED, ENOTFOUND) in one field, with no stack trace and never the URL (it may hold
 * a password).
 */
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { RedisState } from '../../src/state/redis-state.js';

/** A port nobody listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let state: RedisState | undefined;
afterEach(async () => {
  await state?.close();
  state = undefined;
});

describe('Redis (state.redis) unreachable', () => {
  it('logs the cause in one line, without a stack trace or the URL', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const url = `redis://:secret-password-42@127.0.0.1:${await closedPort()}/0`;
    state = new RedisState({ url, keyPrefix: 'unreachable-log:', leaseMs: 10_000, commandTimeoutMs: 500, logger: createLogger({ level: 'info', destination }) });
    const deadline = Date.now() + 10_000;
    while (!lines.some((line) => line.level === 50) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const outage = lines.find((line) => line.level === 50);
    expect(outage?.msg).toMatch(/^Redis \(state\.redis\) is unavailable/);
    expect(outage?.error).toMatch(/ECONNREFUSED/);
    const text = JSON.stringify(lines);
    expect(text).not.toContain('stack');
    expect(text).not.toContain('secret-password-42');
  });
});
