/**
 * Circuit state is shared: a deployment whose circuit one gateway opened is skipped by
 * another gateway on the same Redis that never called it, until its own probe.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { deleteKeys, SHARED_REDIS_URL, testPrefix } from '../helpers/replicas.js';

const prefix = testPrefix();
const CONFIG = `
state:
  redis: { url: env:SWITCHYARD_REDIS_URL, key_prefix: "${prefix}" }
resilience:
  circuit_breaker: { failures: 2, cooldown_ms: 60000 }
providers:
  broken: { type: simulator, behaviour: { ttft_ms: 0, error_rate: 1, error_status: 500 } }
models:
  flaky: { provider: broken, upstream_model: gpt-5.4-mini }
routes:
  auto: { model: flaky }
`;

const gateways: TestGateway[] = [];
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await deleteKeys(SHARED_REDIS_URL, prefix);
});

async function openCircuits(gateway: TestGateway): Promise<{ deployment: string; state: string }[]> {
  const body = (await (await fetch(`${gateway.running.url}/health/ready`)).json()) as { open_circuits: { deployment: string; state: string }[] };
  return body.open_circuits;
}

describe('shared circuit breakers', () => {
  it('a circuit opened by one gateway is open in another that never called the deployment', async () => {
    const env = { SWITCHYARD_REDIS_URL: SHARED_REDIS_URL };
    const a = await startTestGateway(CONFIG, env);
    const b = await startTestGateway(CONFIG, env);
    gateways.push(a, b);
    expect(await openCircuits(b)).toEqual([]);
    for (let attempt = 0; attempt < 5 && (await openCircuits(a)).length === 0; attempt++) {
      await a.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined);
    }
    expect(await openCircuits(a)).toEqual([expect.objectContaining({ deployment: 'broken/gpt-5.4-mini', state: 'open' })]);
    const deadline = Date.now() + 2000;
    while ((await openCircuits(b)).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await openCircuits(b)).toEqual([expect.objectContaining({ deployment: 'broken/gpt-5.4-mini', state: 'open' })]);
  });
});
