import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_TIMEOUTS, type Deployment, type ProviderConfig } from '../../src/config/load.js';
import { CircuitBreakers } from '../../src/resilience/circuit-breaker.js';
import { startTestGateway } from '../helpers/gateway.js';

const provider = { name: 'p', type: 'simulator', protocol: 'openai', baseUrl: undefined, apiKey: undefined, headers: {}, timeouts: {}, streamUsage: true, simulated: true } as ProviderConfig;
const deployment: Deployment = { provider, upstreamModel: 'm', weight: 1, timeouts: DEFAULT_TIMEOUTS };

describe('CircuitBreakers', () => {
  it('opens after N consecutive failures, lets one probe through after the cooldown, closes on success', () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failures: 3, cooldownMs: 1000 }, () => now);
    for (let index = 0; index < 3; index++) {
      expect(breakers.tryAcquire(deployment)).toBe(true);
      breakers.failed(deployment, 'server_error');
    }
    expect(breakers.tryAcquire(deployment)).toBe(false);
    expect(breakers.snapshot()).toEqual([{ deployment: 'p/m', state: 'open', consecutiveFailures: 3 }]);
    now = 999;
    expect(breakers.available(deployment)).toBe(false);
    now = 1000;
    expect(breakers.tryAcquire(deployment)).toBe(true);
    expect(breakers.tryAcquire(deployment), 'only one probe at a time').toBe(false);
    breakers.failed(deployment, 'timeout');
    expect(breakers.tryAcquire(deployment), 'a failed probe opens it again').toBe(false);
    now = 2000;
    expect(breakers.tryAcquire(deployment)).toBe(true);
    breakers.succeeded(deployment);
    expect(breakers.snapshot()).toEqual([]);
    expect(breakers.tryAcquire(deployment)).toBe(true);
  });

  it('rate limits and client errors do not count; a success resets the count', () => {
    const breakers = new CircuitBreakers({ failures: 2, cooldownMs: 1000 }, () => 0);
    breakers.failed(deployment, 'rate_limit');
    breakers.failed(deployment, undefined);
    breakers.failed(deployment, 'server_error');
    breakers.succeeded(deployment);
    breakers.failed(deployment, 'server_error');
    expect(breakers.tryAcquire(deployment)).toBe(true);
  });
});

describe('circuit breakers end to end', () => {
  it('an open deployment gets no requests during the cooldown, then exactly one probe', async () => {
    // The breakers read Date.now; the cooldown is a minute of clock that only this test moves,
    // so a slow machine cannot let it expire early.
    const realNow = Date.now.bind(Date);
    let skipped = 0;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + skipped);
    const gateway = await startTestGateway(`
resilience:
  circuit_breaker: { failures: 3, cooldown_ms: 60000 }
providers:
  good: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
  broken: { type: simulator, behaviour: { ttft_ms: 0, error_rate: 1, error_status: 503 } }
models:
  steady: { provider: good, upstream_model: gpt-5.4 }
  flaky: { provider: broken, upstream_model: gpt-5.4, fallbacks: [steady] }
`);
    const callsToBroken = (): number => {
      gateway.running.log.flush();
      const database = new Database(gateway.dbPath, { readonly: true });
      const row = database.prepare(`SELECT COUNT(*) AS n FROM attempts WHERE provider = 'broken'`).get() as { n: number };
      database.close();
      return row.n;
    };
    const ask = async () => {
      const { response } = await gateway.client.chat.completions.create({ model: 'flaky', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      expect(response.headers.get('x-switchyard-model')).toBe('steady');
    };
    try {
      for (let index = 0; index < 3; index++) await ask();
      expect(callsToBroken()).toBe(3);
      for (let index = 0; index < 5; index++) await ask();
      expect(callsToBroken(), 'no traffic while the circuit is open').toBe(3);
      const ready = (await (await fetch(`${gateway.running.url}/health/ready`)).json()) as { open_circuits: { deployment: string; state: string }[] };
      expect(ready.open_circuits).toEqual([{ deployment: 'broken/gpt-5.4', state: 'open', consecutiveFailures: 3 }]);
      const metrics = await (await fetch(`${gateway.running.url}/metrics`)).text();
      expect(metrics).toContain('switchyard_circuit_state{deployment="broken/gpt-5.4"} 2');
      expect(metrics).toMatch(/switchyard_upstream_attempts_total\{provider="broken",model="flaky",outcome="upstream_error"\} 3/);
      skipped = 60_001;
      await ask();
      await ask();
      expect(callsToBroken(), 'one probe after the cooldown, which fails and reopens the circuit').toBe(4);
    } finally {
      await gateway.stop();
      clock.mockRestore();
    }
  });
});
