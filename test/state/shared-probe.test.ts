/**
 * One half-open probe across replicas: two `switchyard serve` processes on one Redis, in
 * front of an upstream that always fails. Once the circuit is open, both keep getting
 * traffic; after each cooldown exactly one of them sends the probe (the one holding the
 * lease), the other keeps skipping the deployment until the probe resolves. Without the
 * lease both would probe at the end of every cooldown: two upstream calls a moment apart.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeys, SHARED_REDIS_URL, testPrefix } from '../helpers/replicas.js';
import { spawnServe, type ServeProcess } from '../helpers/serve-process.js';

const COOLDOWN_MS = 1500;
const prefix = testPrefix();
const processes: ServeProcess[] = [];
let upstream: Server | undefined;
let dir: string | undefined;

afterAll(async () => {
  for (const serve of processes) if (serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGTERM');
  await Promise.all(processes.map((serve) => serve.exited));
  await new Promise((resolve) => (upstream ? upstream.close(resolve) : resolve(undefined)));
  await deleteKeys(SHARED_REDIS_URL, prefix);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function ask(base: string): Promise<number | undefined> {
  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 15_000 });
  try {
    await client.chat.completions.create({ model: 'flaky', messages: [{ role: 'user', content: 'hi' }] });
    return 200;
  } catch (error) {
    return error instanceof OpenAI.APIError ? error.status : undefined;
  }
}

describe('one probe across replicas', { timeout: 120_000 }, () => {
  it('after each cooldown one replica probes; the other keeps skipping the deployment', async () => {
    const hits: number[] = [];
    upstream = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        hits.push(Date.now());
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: 'down', type: 'server_error' } }));
      });
    });
    await new Promise<void>((resolve) => upstream?.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as { port: number }).port;
    dir = mkdtempSync(join(tmpdir(), 'sy-probe-'));
    const configPath = join(dir, 'switchyard.yaml');
    writeFileSync(
      configPath,
      `state:
  redis: { url: env:SWITCHYARD_REDIS_URL, key_prefix: "${prefix}" }
resilience:
  circuit_breaker: { failures: 2, cooldown_ms: ${COOLDOWN_MS} }
providers:
  upstream: { type: openai-compatible, base_url: "http://127.0.0.1:${port}/v1" }
models:
  flaky: { provider: upstream, upstream_model: gpt-5.4-mini }
store:
  sqlite: { path: ${join(dir, 'switchyard.db')} }
`,
    );
    const env = { SWITCHYARD_REDIS_URL: SHARED_REDIS_URL };
    const [a, b] = [spawnServe(configPath, env, [], 60_000), spawnServe(configPath, env, [], 60_000)];
    processes.push(a, b);
    const bases = await Promise.all([a.url, b.url]);
    // Open the circuit on A (two failures); B learns of it through Redis.
    await ask(bases[0] as string);
    await ask(bases[0] as string);
    const opened = hits.length;
    expect(opened).toBe(2);
    // Both replicas get a request every 50 ms for about four cooldowns (bounded in count).
    const until = Date.now() + 4 * COOLDOWN_MS + 500;
    const answers: (number | undefined)[] = [];
    for (let round = 0; round < 200 && Date.now() < until; round++) {
      answers.push(...(await Promise.all(bases.map((base) => ask(base)))));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const probes = hits.slice(opened);
    const gaps = probes.slice(1).map((at, index) => at - (probes[index] as number));
    console.log(`[shared-probe] ${answers.length} requests while open, ${probes.length} probes reached the upstream, ${gaps.join(', ')} ms apart (cooldown ${COOLDOWN_MS} ms)`);
    // Skipped requests were answered by the gateway (no deployment left), not by the upstream.
    expect(answers.length).toBeGreaterThan(probes.length * 4);
    expect(probes.length).toBeGreaterThanOrEqual(2);
    // One probe per cooldown: a failed probe keeps the lease for a whole cooldown (Redis's clock), so no
    // replica can probe sooner. Two replicas probing on their own would be a few ms apart.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(COOLDOWN_MS * 0.9);
  });
});
