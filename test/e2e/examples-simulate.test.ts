/**
 * Every file in examples/ starts with --simulate (each provider replaced by a simulator of
 * the same protocol, no provider key needed) and answers a chat request through its own
 * routes, keys and guards.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';
import { repositoryRoot } from '../helpers/cli.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres.js';
import { deleteKeys, SHARED_REDIS_URL, testPrefix } from '../helpers/replicas.js';

const examples = readdirSync(join(repositoryRoot, 'examples')).filter((name) => name.endsWith('.yaml'));
// The secrets an example asks of its own operators (not of providers): any value will do.
const env: Record<string, string> = { SWITCHYARD_API_KEY: 'sk-example-client-key-0123456789', SWITCHYARD_ADMIN_KEY: 'sk-example-admin-key-0123456789', SWITCHYARD_REDIS_URL: SHARED_REDIS_URL };
// Every provider type is simulated over its own protocol; OpenAI-compatible servers speak OpenAI's.
const expectedProtocol = (type: string): string => (type === 'openai-compatible' ? 'openai' : type);

const running: RunningGateway[] = [];
// The PostgreSQL example ships its log to the shared test server, into a schema of its own.
let postgres: TestSchema | undefined;
const prefixes: string[] = [];
const dataDirs: string[] = [];
beforeAll(async () => {
  postgres = await createTestSchema('examples');
  env.SWITCHYARD_DATABASE_URL = postgres.url;
});
afterAll(async () => {
  await Promise.all(running.map((gateway) => gateway.stop(1000)));
  await postgres?.drop();
  for (const prefix of prefixes) await deleteKeys(SHARED_REDIS_URL, prefix);
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe('every example runs on the simulator with --simulate', () => {
  it('there are examples', () => expect(examples.length).toBeGreaterThan(10));

  it.each(examples)('%s', async (file) => {
    const path = join(repositoryRoot, 'examples', file);
    const config = loadConfig({ path, env, simulate: true });
    const declared = (parse(await import('node:fs').then((fs) => fs.readFileSync(path, 'utf8'))) as { providers: Record<string, { type: string; protocol?: string }> }).providers;
    for (const [name, provider] of Object.entries(declared)) {
      const simulated = config.providers.get(name);
      expect(simulated?.type, name).toBe('simulator');
      expect(simulated?.protocol, name).toBe(provider.type === 'simulator' ? (provider.protocol ?? 'openai') : expectedProtocol(provider.type));
    }
    expect(config.simulatedOnly).toBe(true);
    expect(config.simulatedProviders?.map((provider) => provider.name)).toEqual(Object.entries(declared).filter(([, provider]) => provider.type !== 'simulator').map(([name]) => name));

    // Everything an example keeps on disk goes to a folder of this run's own, so a second run
    // in the same checkout starts as empty as the first (no cache hit left from the last one).
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-example-'));
    config.store.sqlitePath = join(dataDir, 'log.db');
    config.cache.sqlitePath = join(dataDir, 'cache.db');
    config.batch.dir = join(dataDir, 'batch');
    dataDirs.push(dataDir);
    // An example with shared state uses the machine's Redis under a prefix of this test's own.
    if (config.state.redis) {
      config.state.redis.keyPrefix = testPrefix();
      prefixes.push(config.state.redis.keyPrefix);
    }
    const gateway = await startGateway({ config, logger: silentLogger(), port: 0, host: '127.0.0.1' });
    running.push(gateway);

    let key = config.server.apiKeys[0];
    if (!key && config.server.adminKey) {
      const created = await fetch(`${gateway.url}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${config.server.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'example' }) });
      expect(created.status).toBe(201);
      key = ((await created.json()) as { key: string }).key;
    }
    const chat = [...config.models.values()].find((model) => model.kind === 'chat');
    const model = config.routes.has('auto') ? 'auto' : ([...config.routes.keys()][0] ?? chat?.name);
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchyard-sim': 'ttft_ms=0;tps=100000', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'What is 17 * 23?' }] }),
    });
    const body = (await response.json()) as { choices?: { message: { content: string } }[]; error?: unknown };
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(response.headers.get('x-switchyard-simulated')).toBe('true');
    expect(body.choices?.[0]?.message.content.length).toBeGreaterThan(0);
  });
});
