/**
 * Load balancing, the hedge race and circuit breakers on their own, on scripted randomness
 * and a clock the test moves: which deployment is picked at the edges of the weights, the
 * moving average and percentiles worked out by hand, how a circuit opened by another
 * replica behaves, and what the losing side of a hedge is told.
 */
import { describe, expect, it } from 'vitest';
import type { Deployment, ModelConfig, ProviderConfig } from '../../src/config/load.js';
import { GatewayError } from '../../src/core/errors.js';
import { CallerAbortedError } from '../../src/providers/http-client.js';
import { CircuitBreakers, deploymentKey } from '../../src/resilience/circuit-breaker.js';
import { hedgeThresholdMs, raceHedged, type HedgeEvent } from '../../src/resilience/hedge.js';
import { DeploymentLoad, pickWeighted } from '../../src/resilience/load-balancer.js';

/** The config's default deployment timeouts, as a literal: the test does not load the config module. */
const DEFAULT_TIMEOUTS = { connectMs: 10_000, firstTokenMs: 60_000, idleMs: 30_000, totalMs: 600_000 };

function deployment(name: string, weight = 1): Deployment {
  return { provider: { name } as ProviderConfig, upstreamModel: 'm', weight, timeouts: DEFAULT_TIMEOUTS };
}

describe('pickWeighted', () => {
  const a = deployment('a', 1);
  const b = deployment('b', 3);
  it('splits the unit interval in proportion to the weights, each edge going to the next deployment', () => {
    expect(pickWeighted([a, b], () => 0)).toBe(a);
    expect(pickWeighted([a, b], () => 0.2499)).toBe(a);
    expect(pickWeighted([a, b], () => 0.25), 'exactly at the end of a').toBe(b);
    expect(pickWeighted([a, b], () => 0.9999)).toBe(b);
    expect(pickWeighted([deployment('x'), deployment('y')], () => 0.5)).toEqual(deployment('y'));
  });
  it('a random source that returns 1 still picks the last deployment; one deployment needs no random draw', () => {
    expect(pickWeighted([a, b], () => 1)).toBe(b);
    let drawn = 0;
    expect(
      pickWeighted([a], () => {
        drawn++;
        return 0.5;
      }),
    ).toBe(a);
    expect(drawn).toBe(0);
  });
});

describe('DeploymentLoad', () => {
  it('the moving average weighs each new first-token time by a fifth', () => {
    const load = new DeploymentLoad();
    const a = deployment('a');
    expect(load.ewmaTtftMs(a)).toBeUndefined();
    load.observeTtft(a, 100);
    expect(load.ewmaTtftMs(a)).toBe(100);
    load.observeTtft(a, 200);
    expect(load.ewmaTtftMs(a)).toBe(120);
    load.observeTtft(a, 20);
    expect(load.ewmaTtftMs(a)).toBe(100);
  });

  it('percentiles: nearest rank over the last 256 samples, once there are enough of them', () => {
    const load = new DeploymentLoad();
    const a = deployment('a');
    for (let ms = 1; ms <= 19; ms++) load.observeTtft(a, ms);
    expect(load.ttftPercentile(a, 50)).toBeUndefined();
    expect(load.ttftPercentile(a, 50, 19)).toBe(10);
    load.observeTtft(a, 20);
    expect(load.ttftPercentile(a, 50)).toBe(10);
    expect(load.ttftPercentile(a, 95)).toBe(19);
    expect(load.ttftPercentile(a, 100)).toBe(20);
    expect(load.ttftPercentile(a, 0)).toBe(1);
    expect(load.ttftPercentile(a, 200), 'never past the largest sample').toBe(20);
    // New samples are seen at once (the sorted copy is rebuilt).
    load.observeTtft(a, 1000);
    expect(load.ttftPercentile(a, 100)).toBe(1000);
    expect(load.ttftPercentile(deployment('never'), 50, 0)).toBeUndefined();
  });

  it('the window keeps the newest 256 samples', () => {
    const load = new DeploymentLoad();
    const a = deployment('a');
    for (let index = 0; index < 256; index++) load.observeTtft(a, 1_000);
    for (let index = 0; index < 256; index++) load.observeTtft(a, 5);
    expect(load.ttftPercentile(a, 100)).toBe(5);
    load.observeTtft(a, 7);
    expect(load.ttftPercentile(a, 100)).toBe(7);
    expect(load.ttftPercentile(a, 50)).toBe(5);
  });

  it('counts calls in flight, never below zero; an idle deployment that never answered leaves no trace', () => {
    const load = new DeploymentLoad();
    const a = deployment('a');
    const b = deployment('b');
    load.begin(a);
    load.begin(a);
    expect(load.outstanding(a)).toBe(2);
    load.end(a);
    expect(load.outstanding(a)).toBe(1);
    expect(load.snapshot()).toEqual([{ provider: 'a', upstreamModel: 'm', outstanding: 1, ewmaTtftMs: null, p95TtftMs: null }]);
    load.end(a);
    load.end(a);
    expect(load.outstanding(a)).toBe(0);
    expect(load.snapshot()).toEqual([]);
    load.begin(b);
    load.observeTtft(b, 12.34);
    load.end(b);
    expect(load.snapshot()).toEqual([{ provider: 'b', upstreamModel: 'm', outstanding: 0, ewmaTtftMs: 12.3, p95TtftMs: 12.34 }]);
  });

  it('lowest_latency: an unmeasured deployment first, one call in twenty weighted, otherwise the lowest average', () => {
    const load = new DeploymentLoad();
    const slow = deployment('slow');
    const quick = deployment('quick');
    load.observeTtft(slow, 300);
    expect(load.pick('lowest_latency', [slow, quick], () => 0.99)).toBe(quick);
    load.observeTtft(quick, 100);
    expect(load.pick('lowest_latency', [slow, quick], () => 0.05)).toBe(quick);
    expect(load.pick('lowest_latency', [slow, quick], () => 0.04), 'exploring: weighted, and 0.04 falls on the first').toBe(slow);
    expect(load.pick('lowest_latency', [quick, slow], () => 0.5)).toBe(quick);
    const third = deployment('third');
    load.observeTtft(third, 100);
    expect(load.pick('lowest_latency', [quick, third], () => 0.5), 'a tie keeps the first').toBe(quick);
  });

  it('least_outstanding: among the least busy, weighted; weighted and single deployments ignore load', () => {
    const load = new DeploymentLoad();
    const a = deployment('a');
    const b = deployment('b');
    const c = deployment('c');
    load.begin(a);
    expect(load.pick('least_outstanding', [a, b, c], () => 0)).toBe(b);
    expect(load.pick('least_outstanding', [a, b, c], () => 0.99)).toBe(c);
    expect(load.pick('weighted', [a, b, c], () => 0)).toBe(a);
    expect(load.pick('least_outstanding', [a], () => 0)).toBe(a);
    load.observeTtft(b, 1);
    expect(load.pick('lowest_latency', [a], () => 0)).toBe(a);
  });
});

describe('hedgeThresholdMs', () => {
  it('after_ms until the percentile is known, then the percentile', () => {
    const load = new DeploymentLoad();
    const a = deployment('a');
    expect(hedgeThresholdMs({ afterMs: 500 }, load, a)).toBe(500);
    expect(hedgeThresholdMs({ afterMs: 500, percentile: 90 }, load, a)).toBe(500);
    for (let ms = 1; ms <= 20; ms++) load.observeTtft(a, ms * 10);
    expect(hedgeThresholdMs({ afterMs: 500, percentile: 90 }, load, a)).toBe(180);
    expect(hedgeThresholdMs({ afterMs: 500 }, load, a)).toBe(500);
  });
});

describe('raceHedged', () => {
  const model = { name: 'm' } as ModelConfig;
  /** A call that answers only by failing when its signal aborts (already aborted: at once, as fetch does). */
  const never = (signal: AbortSignal): Promise<string> =>
    new Promise((_, reject) => {
      if (signal.aborted) reject(signal.reason as Error);
      else signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
  const deferred = <T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } => {
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    return { promise, resolve, reject };
  };

  it('the client going away aborts both sides with its own reason; the race ends with it and reports no winner', async () => {
    const controller = new AbortController();
    const reasons: unknown[] = [];
    const events: HedgeEvent[] = [];
    const side = (name: string) => ({
      model,
      deployment: deployment(name),
      start: (signal: AbortSignal) =>
        never(signal).catch((error: unknown) => {
          reasons.push(error);
          throw error;
        }),
    });
    const race = raceHedged(side('a'), side('b'), { afterMs: 1, signal: controller.signal, onHedge: (event) => events.push(event) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const gone = new CallerAbortedError('client_closed');
    controller.abort(gone);
    await expect(race).rejects.toBe(gone);
    expect(reasons).toEqual([gone, gone]);
    expect(events).toEqual([{ afterMs: 1, primary: 'm@a', backup: 'm@b', winner: 'none' }]);
  });

  it('a signal already aborted aborts the primary at once, and no hedge starts', async () => {
    const controller = new AbortController();
    controller.abort(new CallerAbortedError('client_closed'));
    let backupStarted = false;
    const race = raceHedged(
      { model, deployment: deployment('a'), start: never },
      {
        model,
        deployment: deployment('b'),
        start: (signal) => {
          backupStarted = true;
          return never(signal);
        },
      },
      { afterMs: 5, signal: controller.signal },
    );
    await expect(race).rejects.toBeInstanceOf(CallerAbortedError);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(backupStarted).toBe(false);
  });

  it('a value arriving after the race is decided is handed to discard; the winner is reported once', async () => {
    const slow = deferred<string>();
    const discarded: string[] = [];
    const events: HedgeEvent[] = [];
    const result = await raceHedged(
      { model, deployment: deployment('a'), start: () => slow.promise },
      { model, deployment: deployment('b'), start: () => Promise.resolve('backup') },
      { afterMs: 1, signal: new AbortController().signal, discard: (value) => discarded.push(value), onHedge: (event) => events.push(event) },
    );
    expect(result).toMatchObject({ value: 'backup', model, deployment: { provider: { name: 'b' } } });
    slow.resolve('late primary');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(discarded).toEqual(['late primary']);
    expect(events).toEqual([{ afterMs: 1, primary: 'm@a', backup: 'm@b', winner: 'backup' }]);
  });

  it('a primary that wins after the hedge started is reported as the winner and the backup is cancelled as hedge_lost', async () => {
    const primary = deferred<string>();
    let backupReason: unknown;
    const events: HedgeEvent[] = [];
    const race = raceHedged(
      { model, deployment: deployment('a'), start: () => primary.promise },
      {
        model,
        deployment: deployment('b'),
        start: (signal) =>
          never(signal).catch((error: unknown) => {
            backupReason = error;
            throw error;
          }),
      },
      { afterMs: 1, signal: new AbortController().signal, onHedge: (event) => events.push(event) },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    primary.resolve('primary');
    expect((await race).value).toBe('primary');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((backupReason as CallerAbortedError).code).toBe('hedge_lost');
    expect(events.map((event) => event.winner)).toEqual(['primary']);
  });

  it('a primary failing after the hedge started leaves the race to the backup', async () => {
    const primary = deferred<string>();
    const backup = deferred<string>();
    const race = raceHedged(
      { model, deployment: deployment('a'), start: () => primary.promise },
      { model, deployment: deployment('b'), start: () => backup.promise },
      { afterMs: 1, signal: new AbortController().signal },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    primary.reject(new GatewayError('upstream_error', 'primary down'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    backup.resolve('backup');
    expect((await race).value).toBe('backup');
  });

  it('both failing after the hedge: the primary error, winner none, and a late value is not discarded twice', async () => {
    const primary = deferred<string>();
    const events: HedgeEvent[] = [];
    const primaryError = new GatewayError('upstream_timeout', 'primary slow');
    const race = raceHedged(
      { model, deployment: deployment('a'), start: () => primary.promise },
      { model, deployment: deployment('b'), start: () => Promise.reject(new GatewayError('upstream_error', 'backup down')) },
      { afterMs: 1, signal: new AbortController().signal, onHedge: (event) => events.push(event) },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual([]);
    primary.reject(primaryError);
    await expect(race).rejects.toBe(primaryError);
    expect(events.map((event) => event.winner)).toEqual(['none']);
  });

  it('a primary that fails before the threshold ends the race at once: no hedge is started later', async () => {
    let backupStarted = false;
    const early = new GatewayError('upstream_error', 'early');
    await expect(
      raceHedged(
        { model, deployment: deployment('a'), start: () => Promise.reject(early) },
        {
          model,
          deployment: deployment('b'),
          start: (signal) => {
            backupStarted = true;
            return never(signal);
          },
        },
        { afterMs: 10, signal: new AbortController().signal },
      ),
    ).rejects.toBe(early);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(backupStarted).toBe(false);
  });

  it('once decided, the sides stop following the client signal', async () => {
    const controller = new AbortController();
    let primarySignal: AbortSignal | undefined;
    const result = await raceHedged(
      {
        model,
        deployment: deployment('a'),
        start: (signal) => {
          primarySignal = signal;
          return Promise.resolve('a');
        },
      },
      { model, deployment: deployment('b'), start: never },
      { afterMs: 1000, signal: controller.signal },
    );
    expect(result.value).toBe('a');
    controller.abort(new CallerAbortedError('client_closed'));
    expect(primarySignal?.aborted).toBe(false);
  });
});

describe('CircuitBreakers', () => {
  const a = deployment('a');
  const b = deployment('b');

  it('a circuit opened by another replica skips the deployment for the cooldown, then lets one probe through', () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failures: 3, cooldownMs: 100 }, () => now);
    expect(breakers.anyOpen()).toBe(false);
    breakers.openedElsewhere(deploymentKey(a));
    expect(breakers.anyOpen()).toBe(true);
    expect(breakers.available(a)).toBe(false);
    expect(breakers.tryAcquire(a)).toBe(false);
    expect(breakers.available(b)).toBe(true);
    now = 100;
    expect(breakers.available(a)).toBe(true);
    expect(breakers.tryAcquire(a)).toBe(true);
    expect(breakers.available(a), 'the probe is taken').toBe(false);
    breakers.succeeded(a);
    expect(breakers.anyOpen()).toBe(false);
    expect(breakers.states()).toEqual([{ deployment: 'a/m', state: 'closed' }]);
  });

  it('an open circuit told again from elsewhere keeps its own opening time', () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failures: 1, cooldownMs: 100 }, () => now);
    breakers.failed(a, 'timeout');
    now = 60;
    breakers.openedElsewhere(deploymentKey(a));
    now = 100;
    expect(breakers.tryAcquire(a)).toBe(true);
  });

  it('counts open circuits: one closing does not hide another still open', () => {
    const breakers = new CircuitBreakers({ failures: 1, cooldownMs: 100 }, () => 0);
    breakers.failed(a, 'connection');
    breakers.failed(b, 'connection');
    breakers.failed(b, 'connection');
    breakers.succeeded(a);
    expect(breakers.anyOpen()).toBe(true);
    breakers.succeeded(b);
    expect(breakers.anyOpen()).toBe(false);
    breakers.succeeded(b);
    expect(breakers.anyOpen()).toBe(false);
  });

  it('tells who listens when a failure opens a circuit, with the deployment and cooldown', () => {
    const breakers = new CircuitBreakers({ failures: 2, cooldownMs: 250 }, () => 0);
    const opened: [string, number][] = [];
    breakers.onOpened = (deployment, cooldown) => opened.push([deployment, cooldown]);
    breakers.failed(a, 'server_error');
    expect(opened).toEqual([]);
    breakers.failed(a, 'server_error');
    expect(opened).toEqual([['a/m', 250]]);
    expect(breakers.snapshot()).toEqual([{ deployment: 'a/m', state: 'open', consecutiveFailures: 2 }]);
  });

  it('a probe that meets a rate limit or a client error shows the deployment is up: the circuit closes', () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failures: 1, cooldownMs: 100 }, () => now);
    breakers.failed(a, 'server_error');
    now = 100;
    expect(breakers.tryAcquire(a)).toBe(true);
    breakers.failed(a, 'rate_limit');
    expect(breakers.snapshot()).toEqual([]);
    expect(breakers.tryAcquire(a)).toBe(true);
    breakers.failed(a, 'server_error');
    now = 200;
    expect(breakers.tryAcquire(a)).toBe(true);
    breakers.failed(a, undefined);
    expect(breakers.anyOpen()).toBe(false);
  });

  it('a rate limit outside a probe leaves an open circuit open', () => {
    const breakers = new CircuitBreakers({ failures: 1, cooldownMs: 100 }, () => 0);
    breakers.failed(a, 'server_error');
    breakers.failed(a, 'rate_limit');
    expect(breakers.snapshot()).toEqual([{ deployment: 'a/m', state: 'open', consecutiveFailures: 1 }]);
  });

  it('a failed probe opens the circuit again at once, whatever the failure count', () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failures: 5, cooldownMs: 100 }, () => now);
    breakers.openedElsewhere(deploymentKey(a));
    now = 100;
    expect(breakers.tryAcquire(a)).toBe(true);
    breakers.failed(a, 'server_error');
    expect(breakers.snapshot()).toEqual([{ deployment: 'a/m', state: 'open', consecutiveFailures: 1 }]);
    now = 199;
    expect(breakers.tryAcquire(a)).toBe(false);
  });

  it('a released probe can be taken again; releasing an unknown deployment does nothing', () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failures: 1, cooldownMs: 100 }, () => now);
    breakers.released(b);
    breakers.succeeded(b);
    expect(breakers.states()).toEqual([]);
    breakers.failed(a, 'server_error');
    now = 100;
    expect(breakers.tryAcquire(a)).toBe(true);
    expect(breakers.tryAcquire(a)).toBe(false);
    breakers.released(a);
    expect(breakers.available(a)).toBe(true);
    expect(breakers.tryAcquire(a)).toBe(true);
    expect(breakers.snapshot()[0]?.state).toBe('half-open');
  });
});
