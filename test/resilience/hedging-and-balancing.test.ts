/**
 * Hedged requests, load balancing across deployments, and the request deadline, through
 * the gateway against scripted simulators (and the pure pieces on their own).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, ModelConfig, ProviderConfig } from '../../src/config/load.js';
import { DEFAULT_TIMEOUTS } from '../../src/config/load.js';
import { GatewayError } from '../../src/core/errors.js';
import { CallerAbortedError } from '../../src/providers/http-client.js';
import { raceHedged } from '../../src/resilience/hedge.js';
import { DeploymentLoad } from '../../src/resilience/load-balancer.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

function deployment(name: string, weight = 1): Deployment {
  const provider = { name } as ProviderConfig;
  return { provider, upstreamModel: 'm', weight, timeouts: DEFAULT_TIMEOUTS };
}

describe('DeploymentLoad', () => {
  it('least_outstanding picks the deployment with the fewest calls in flight', () => {
    const load = new DeploymentLoad();
    const [a, b, c] = [deployment('a'), deployment('b'), deployment('c')];
    load.begin(a);
    load.begin(a);
    load.begin(b);
    expect(load.pick('least_outstanding', [a, b, c], () => 0.5)).toBe(c);
    load.begin(c);
    load.begin(c);
    expect(load.pick('least_outstanding', [a, b, c], () => 0.5)).toBe(b);
    load.end(a);
    load.end(a);
    expect(load.pick('least_outstanding', [a, b, c], () => 0.5)).toBe(a);
  });

  it('lowest_latency tries unmeasured deployments first, then the lowest moving average', () => {
    const load = new DeploymentLoad();
    const [a, b] = [deployment('a'), deployment('b')];
    load.observeTtft(a, 100);
    expect(load.pick('lowest_latency', [a, b], () => 0.5)).toBe(b);
    load.observeTtft(b, 300);
    expect(load.pick('lowest_latency', [a, b], () => 0.5)).toBe(a);
    // a slows down: its average moves past b's within a few samples.
    for (let index = 0; index < 10; index++) load.observeTtft(a, 1000);
    expect(load.ewmaTtftMs(a)).toBeGreaterThan(300);
    expect(load.pick('lowest_latency', [a, b], () => 0.5)).toBe(b);
  });

  it('percentiles of time to first token need enough samples', () => {
    const load = new DeploymentLoad();
    const a = deployment('a');
    for (let index = 1; index <= 19; index++) load.observeTtft(a, index * 10);
    expect(load.ttftPercentile(a, 95)).toBeUndefined();
    load.observeTtft(a, 200);
    expect(load.ttftPercentile(a, 95)).toBe(190);
    expect(load.ttftPercentile(a, 50)).toBe(100);
  });
});

describe('raceHedged', () => {
  const model = { name: 'm' } as ModelConfig;
  const later = <T>(ms: number, value: T, signal: AbortSignal): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve(value), ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      });
    });

  it('a slow primary is hedged; the backup wins and the primary is cancelled as hedge_lost', async () => {
    let primaryReason: unknown;
    const result = await raceHedged(
      {
        model,
        deployment: deployment('slow'),
        start: (signal) =>
          later(1000, 'slow', signal).catch((error: unknown) => {
            primaryReason = error;
            throw error;
          }),
      },
      { model, deployment: deployment('fast'), start: (signal) => later(10, 'fast', signal) },
      { afterMs: 30, signal: new AbortController().signal },
    );
    expect(result.value).toBe('fast');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(primaryReason).toBeInstanceOf(CallerAbortedError);
    expect((primaryReason as CallerAbortedError).code).toBe('hedge_lost');
  });

  it('a primary that answers before the threshold starts no hedge', async () => {
    let backupStarted = false;
    const result = await raceHedged(
      { model, deployment: deployment('a'), start: (signal) => later(5, 'a', signal) },
      {
        model,
        deployment: deployment('b'),
        start: (signal) => {
          backupStarted = true;
          return later(5, 'b', signal);
        },
      },
      { afterMs: 100, signal: new AbortController().signal },
    );
    expect(result.value).toBe('a');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(backupStarted).toBe(false);
  });

  it('a primary failing before the threshold is an ordinary failure; when both fail the primary error is reported', async () => {
    const early = new GatewayError('upstream_error', 'early');
    await expect(
      raceHedged(
        { model, deployment: deployment('a'), start: () => Promise.reject(early) },
        { model, deployment: deployment('b'), start: (signal) => later(5, 'b', signal) },
        { afterMs: 50, signal: new AbortController().signal },
      ),
    ).rejects.toBe(early);

    const primaryError = new GatewayError('upstream_error', 'primary');
    await expect(
      raceHedged(
        { model, deployment: deployment('a'), start: (signal) => later(60, 'x', signal).then(() => Promise.reject(primaryError)) },
        { model, deployment: deployment('b'), start: () => Promise.reject(new GatewayError('upstream_error', 'backup')) },
        { afterMs: 10, signal: new AbortController().signal },
      ),
    ).rejects.toBe(primaryError);
  });

  it('a backup failure leaves the race to the slow primary', async () => {
    const result = await raceHedged(
      { model, deployment: deployment('a'), start: (signal) => later(80, 'a', signal) },
      { model, deployment: deployment('b'), start: () => Promise.reject(new GatewayError('upstream_error', 'backup down')) },
      { afterMs: 10, signal: new AbortController().signal },
    );
    expect(result.value).toBe('a');
  });
});

const FAST = 'ttft_ms: 0, tokens_per_second: 100000';
const CONFIG = `
resilience:
  circuit_breaker: { enabled: false }
providers:
  slow: { type: simulator, behaviour: { ttft_ms: 3000, tokens_per_second: 100000 } }
  fast: { type: simulator, behaviour: { ${FAST} } }
  laggy: { type: simulator, behaviour: { ttft_ms: 150, tokens_per_second: 100000 } }
  broken: { type: simulator, behaviour: { ${FAST}, error_rate: 1, error_status: 500 } }
models:
  fast-backup: { provider: fast, upstream_model: gpt-5.4-mini, price: { input: 0.25, output: 2 } }
  hedged:
    provider: slow
    upstream_model: gpt-5.4-mini
    price: { input: 0.25, output: 2 }
    hedge: { after_ms: 100 }
    fallbacks: [fast-backup]
  hedged-quick:
    provider: fast
    upstream_model: gpt-5.4-mini
    hedge: { after_ms: 500 }
    fallbacks: [fast-backup]
  latency-balanced:
    load_balancing: lowest_latency
    deployments: [{ provider: laggy, upstream_model: gpt-5.4-mini }, { provider: fast, upstream_model: gpt-5.4-mini }]
  outstanding-balanced:
    load_balancing: least_outstanding
    deployments: [{ provider: laggy, upstream_model: gpt-5.4-mini }, { provider: slow, upstream_model: gpt-5.4-mini }]
  deadline-bound:
    provider: broken
    upstream_model: gpt-5.4-mini
    retry: { attempts: 8, initial_backoff_ms: 300, max_backoff_ms: 300, deadline_ms: 700 }
`;

describe('through the gateway', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway(CONFIG);
  });
  afterAll(async () => {
    await gateway.stop();
  });

  const attemptsOf = (requestId: string | null) => {
    const log = gateway.running.log;
    log.flush();
    return { attempts: requestId ? log.attemptsOf(requestId) : [], request: log.recent({ last: 500 }).find((row) => row.id === requestId) };
  };

  it('hedges a slow first token: the backup answers, the slow call is cancelled and billed for its prompt', async () => {
    const { data, response } = await gateway.client.chat.completions
      .create({ model: 'hedged', messages: [{ role: 'user', content: 'What is the capital of Portugal?' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(response.headers.get('x-switchyard-model')).toBe('fast-backup');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { attempts, request } = attemptsOf(response.headers.get('x-request-id'));
    expect(attempts.map((attempt) => [attempt.model, attempt.errorCode])).toEqual([
      ['hedged', 'hedge_lost'],
      ['fast-backup', null],
    ]);
    expect(attempts[0]?.costUsd).toBeGreaterThan(0);
    expect(request?.details?.hedges?.[0]).toMatchObject({ afterMs: 100, winner: 'backup' });
    expect(request?.model).toBe('fast-backup');
  });

  it('hedges streams on the first token too', async () => {
    const { data: stream, response } = await gateway.client.chat.completions
      .create({ model: 'hedged', stream: true, messages: [{ role: 'user', content: 'Name three rivers in Europe.' }] })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-model')).toBe('fast-backup');
  });

  it('a quick primary is not hedged', async () => {
    const { response } = await gateway.client.chat.completions
      .create({ model: 'hedged-quick', messages: [{ role: 'user', content: 'Say hi.' }] })
      .withResponse();
    expect(response.headers.get('x-switchyard-attempts')).toBe('1');
  });

  it('lowest_latency sends most traffic to the faster deployment once both are measured', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 20; index++) {
      const { response } = await gateway.client.chat.completions
        .create({ model: 'latency-balanced', messages: [{ role: 'user', content: `Question ${index}: what is ${index} + 1?` }] })
        .withResponse();
      ids.push(response.headers.get('x-request-id') ?? '');
    }
    const providers = ids.map((id) => attemptsOf(id).attempts[0]?.provider);
    const fast = providers.filter((provider) => provider === 'fast').length;
    expect(fast).toBeGreaterThanOrEqual(16);
  });

  it('least_outstanding spreads concurrent requests evenly', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        gateway.client.chat.completions.create({ model: 'outstanding-balanced', messages: [{ role: 'user', content: `Item ${index}` }] }).withResponse(),
      ),
    );
    const providers = responses.map(({ response }) => response.headers.get('x-switchyard-provider'));
    expect(providers.filter((provider) => provider === 'laggy')).toHaveLength(4);
    expect(providers.filter((provider) => provider === 'slow')).toHaveLength(4);
  }, 20_000);

  it('the request deadline bounds retries: no attempt starts, and no backoff sleeps, past it', async () => {
    const started = Date.now();
    const error = await gateway.client.chat.completions.create({ model: 'deadline-bound', messages: [{ role: 'user', content: 'hello' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/deadline_ms=700/);
    const requestId = (error as { headers?: Headers }).headers?.get('x-request-id') ?? null;
    const { attempts } = attemptsOf(requestId);
    // Stopped by the deadline, not by running out of its 8 retries: every attempt started
    // within 700 ms of the first (the deadline runs from just before it), checked on the
    // recorded start times rather than on the wall clock of a machine that may be busy.
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.length).toBeLessThan(9);
    const first = Math.min(...attempts.map((attempt) => attempt.startedAt));
    expect(first).toBeGreaterThanOrEqual(started);
    for (const attempt of attempts) expect(attempt.startedAt - first).toBeLessThanOrEqual(700);
  });
});
