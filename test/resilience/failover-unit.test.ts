/**
 * withFailover, acquireDeployment and the stream-recovery plan on their own: scripted calls
 * that fail or answer, a clock the test moves, no gateway. Each test pins what a caller
 * sees (which model and deployment answered, which error surfaced, what each attempt was
 * given), the behaviours the end-to-end files reach only through a running server.
 */
import { describe, expect, it } from 'vitest';
import type { Deployment, FailureClass, ModelConfig, ProviderConfig, Timeouts } from '../../src/config/load.js';
import { CONTINUATION_INSTRUCTION } from '../../src/core/continuation.js';
import { GatewayError } from '../../src/core/errors.js';
import type { ChatRequest } from '../../src/core/types.js';
import { CallerAbortedError } from '../../src/providers/http-client.js';
import type { AttemptControl, OpenedStream } from '../../src/router/executor.js';
import { CircuitBreakers } from '../../src/resilience/circuit-breaker.js';
import { acquireDeployment, backoffMs, ContentFilteredError, deadlineError, failureClass, withFailover } from '../../src/resilience/failover.js';
import { DeploymentLoad } from '../../src/resilience/load-balancer.js';
import { continuationRequest, openContinuation } from '../../src/resilience/stream-recovery.js';

/** The deployment timeouts (the config's defaults; a literal, so the test does not load the config module). */
const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, firstTokenMs: 60_000, idleMs: 30_000, totalMs: 600_000 };

function deployment(name: string, options: { protocol?: 'openai' | 'anthropic'; weight?: number; timeouts?: Timeouts } = {}): Deployment {
  const provider = { name, protocol: options.protocol ?? 'openai' } as ProviderConfig;
  return { provider, upstreamModel: 'm', weight: options.weight ?? 1, timeouts: options.timeouts ?? DEFAULT_TIMEOUTS };
}

function model(name: string, overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    name,
    kind: 'chat',
    deployments: [deployment(`${name}-d`)],
    fallbacks: [],
    fallbackOn: ['rate_limit', 'server_error', 'timeout', 'connection', 'context_length', 'content_filter'],
    retry: { attempts: 0, initialBackoffMs: 1, maxBackoffMs: 10, on: [], deadlineMs: 600_000 },
    price: undefined,
    contextWindow: undefined,
    maxOutputTokens: undefined,
    capabilities: { tools: true, vision: true, jsonSchema: true, streaming: true },
    private: false,
    loadBalancing: 'weighted',
    hedge: undefined,
    streamRecovery: 'continue',
    quality: {},
    qualityTrials: {},
    latencyP95Ms: undefined,
    safety: 0,
    rateLimits: undefined,
    batch: 'gateway',
    ...overrides,
  };
}

const fail = (code: ConstructorParameters<typeof GatewayError>[0], retryAfterSeconds?: number): GatewayError =>
  new GatewayError(code, `${code} from upstream`, retryAfterSeconds === undefined ? {} : { retryAfterSeconds });

interface Call {
  model: string;
  deployment: string;
  control: AttemptControl;
}

/** A call function answering from a script keyed by model name: an error to throw, or the text to return. */
function scripted(script: Record<string, (GatewayError | Error | string)[]>): { calls: Call[]; call: (model: ModelConfig, deployment: Deployment, control: AttemptControl) => Promise<string> } {
  const calls: Call[] = [];
  return {
    calls,
    call: async (target, chosen, control) => {
      calls.push({ model: target.name, deployment: chosen.provider.name, control });
      const next = script[target.name]?.shift();
      if (next === undefined) throw new Error(`no scripted answer left for ${target.name}`);
      if (typeof next !== 'string') throw next;
      return next;
    },
  };
}

const signal = new AbortController().signal;

describe('failureClass', () => {
  it('names context-length and content-filter failures, the two classes that pick a fallback by capability', () => {
    expect(failureClass(fail('upstream_bad_response'))).toBe('server_error');
    expect(failureClass(fail('context_length_exceeded'))).toBe('context_length');
    expect(failureClass(new ContentFilteredError({ value: 'refused', model: model('a'), deployment: deployment('d') }))).toBe('content_filter');
    expect(new ContentFilteredError({ value: 'refused', model: model('a'), deployment: deployment('d') }).message).toBe('a refused with a content-filter finish');
  });
});

describe('backoffMs', () => {
  const policy = { initialBackoffMs: 100, maxBackoffMs: 1000 };
  it('waits exactly Retry-After up to max_backoff_ms inclusive, and not at all past it', () => {
    expect(backoffMs(policy, 0, 1, () => 0.5)).toBe(1000);
    expect(backoffMs(policy, 0, 1.001, () => 0.5)).toBeUndefined();
    expect(backoffMs(policy, 3, 0, () => 0.5)).toBe(0);
  });
  it('otherwise full jitter under initial × 2^retry, capped at max_backoff_ms, in whole milliseconds', () => {
    expect(backoffMs(policy, 0, undefined, () => 0.999)).toBe(99);
    expect(backoffMs(policy, 1, undefined, () => 0.5)).toBe(100);
    expect(backoffMs(policy, 3, undefined, () => 0.5)).toBe(400);
    expect(backoffMs(policy, 4, undefined, () => 0.5), 'capped at 1000').toBe(500);
    expect(backoffMs(policy, 1, undefined, () => 0.0049)).toBe(0);
  });
});

describe('deadlineError', () => {
  it('says the deadline and the number of attempts, singular and plural', () => {
    expect(deadlineError(500, 1).message).toBe('the request deadline (retry.deadline_ms=500) passed after 1 attempt');
    expect(deadlineError(500, 3).message).toBe('the request deadline (retry.deadline_ms=500) passed after 3 attempts');
    expect(deadlineError(500, 0).code).toBe('upstream_timeout');
  });
});

describe('withFailover', () => {
  it('a first call that answers is served by the primary, and its control carries the deployment timeouts untouched', async () => {
    const primary = model('a');
    const { calls, call } = scripted({ a: ['hello'] });
    const served = await withFailover(primary, call, { signal, load: new DeploymentLoad() });
    expect(served).toEqual({ value: 'hello', model: primary, deployment: primary.deployments[0] });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.control).toEqual({ signal, timeouts: DEFAULT_TIMEOUTS });
  });

  it('retries only the classes in retry.on, as many times as retry.attempts, then falls back', async () => {
    const fallback = model('b');
    const primary = model('a', { fallbacks: [fallback], retry: { attempts: 2, initialBackoffMs: 1, maxBackoffMs: 10, on: ['server_error'], deadlineMs: 600_000 } });
    const { calls, call } = scripted({ a: [fail('upstream_error'), fail('upstream_error'), fail('upstream_error')], b: ['from b'] });
    const served = await withFailover(primary, call, { signal, load: new DeploymentLoad(), random: () => 0 });
    expect(served.value).toBe('from b');
    expect(served.model).toBe(fallback);
    expect(calls.map((entry) => entry.model)).toEqual(['a', 'a', 'a', 'b']);
  });

  it('a class not in retry.on is not retried: the fallback is next', async () => {
    const fallback = model('b');
    const primary = model('a', { fallbacks: [fallback], retry: { attempts: 3, initialBackoffMs: 1, maxBackoffMs: 10, on: ['server_error'], deadlineMs: 600_000 } });
    const { calls, call } = scripted({ a: [fail('upstream_timeout')], b: ['from b'] });
    await withFailover(primary, call, { signal, load: new DeploymentLoad(), random: () => 0 });
    expect(calls.map((entry) => entry.model)).toEqual(['a', 'b']);
  });

  it('a retried call that then answers is served by the primary', async () => {
    const primary = model('a', { retry: { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 10, on: ['rate_limit'], deadlineMs: 600_000 } });
    const { calls, call } = scripted({ a: [fail('upstream_rate_limited'), 'second time'] });
    const served = await withFailover(primary, call, { signal, load: new DeploymentLoad(), random: () => 0 });
    expect(served.value).toBe('second time');
    expect(calls).toHaveLength(2);
  });

  it('a Retry-After longer than max_backoff_ms ends the retries of that model at once', async () => {
    const fallback = model('b');
    const primary = model('a', { fallbacks: [fallback], retry: { attempts: 5, initialBackoffMs: 1, maxBackoffMs: 10, on: ['rate_limit'], deadlineMs: 600_000 } });
    const { calls, call } = scripted({ a: [fail('upstream_rate_limited', 30)], b: ['from b'] });
    await withFailover(primary, call, { signal, load: new DeploymentLoad(), random: () => 0 });
    expect(calls.map((entry) => entry.model)).toEqual(['a', 'b']);
  });

  it('client errors and unclassified errors are thrown as they are: no retry, no fallback', async () => {
    const primary = model('a', { fallbacks: [model('b')], retry: { attempts: 3, initialBackoffMs: 1, maxBackoffMs: 10, on: ['server_error'], deadlineMs: 600_000 } });
    const invalid = fail('invalid_request');
    const first = scripted({ a: [invalid], b: ['never'] });
    await expect(withFailover(primary, first.call, { signal, load: new DeploymentLoad() })).rejects.toBe(invalid);
    expect(first.calls).toHaveLength(1);
    const bug = new TypeError('bug');
    const second = scripted({ a: [bug], b: ['never'] });
    await expect(withFailover(primary, second.call, { signal, load: new DeploymentLoad() })).rejects.toBe(bug);
    expect(second.calls).toHaveLength(1);
  });

  it('a failure after the client went away is thrown without a retry or a fallback', async () => {
    const controller = new AbortController();
    const primary = model('a', { fallbacks: [model('b')], retry: { attempts: 3, initialBackoffMs: 1, maxBackoffMs: 10, on: ['server_error'], deadlineMs: 600_000 } });
    const error = fail('upstream_error');
    const calls: string[] = [];
    const call = async (target: ModelConfig): Promise<string> => {
      calls.push(target.name);
      controller.abort();
      throw error;
    };
    await expect(withFailover(primary, call, { signal: controller.signal, load: new DeploymentLoad() })).rejects.toBe(error);
    expect(calls).toEqual(['a']);
  });

  it('fallback_on decides whether the chain goes on: the primary failure class must be listed', async () => {
    const primary = model('a', { fallbacks: [model('b')], fallbackOn: ['rate_limit'] });
    const error = fail('upstream_error');
    const { calls, call } = scripted({ a: [error], b: ['never'] });
    await expect(withFailover(primary, call, { signal, load: new DeploymentLoad() })).rejects.toBe(error);
    expect(calls.map((entry) => entry.model)).toEqual(['a']);
  });

  it('the primary fallback_on governs the whole chain, not each fallback own list', async () => {
    const c = model('c');
    const b = model('b', { fallbackOn: [] });
    const primary = model('a', { fallbacks: [b, c], fallbackOn: ['server_error'] });
    const { calls, call } = scripted({ a: [fail('upstream_error')], b: [fail('upstream_error')], c: ['from c'] });
    const served = await withFailover(primary, call, { signal, load: new DeploymentLoad() });
    expect(served.model).toBe(c);
    expect(calls.map((entry) => entry.model)).toEqual(['a', 'b', 'c']);
  });

  it('when every model fails, the last failure is thrown', async () => {
    const primary = model('a', { fallbacks: [model('b')] });
    const last = fail('upstream_timeout');
    const { call } = scripted({ a: [fail('upstream_error')], b: [last] });
    await expect(withFailover(primary, call, { signal, load: new DeploymentLoad() })).rejects.toBe(last);
  });

  it('fallbacks that cannot serve the request are skipped; a route extra fallbacks come after, once each', async () => {
    const b = model('b');
    const c = model('c');
    const d = model('d');
    const primary = model('a', { fallbacks: [b, c] });
    const { calls, call } = scripted({ a: [fail('upstream_error')], c: [fail('upstream_error')], d: ['from d'] });
    const served = await withFailover(primary, call, { signal, load: new DeploymentLoad(), canServe: (target) => target !== b, extraFallbacks: [c, b, primary, d] });
    expect(served.model).toBe(d);
    expect(calls.map((entry) => entry.model)).toEqual(['a', 'c', 'd']);
  });

  it('an extra fallback that cannot serve the request is left out', async () => {
    const d = model('d');
    const primary = model('a');
    const error = fail('upstream_error');
    const { calls, call } = scripted({ a: [error], d: ['never'] });
    await expect(withFailover(primary, call, { signal, load: new DeploymentLoad(), canServe: (target) => target !== d, extraFallbacks: [d] })).rejects.toBe(error);
    expect(calls.map((entry) => entry.model)).toEqual(['a']);
  });

  it('a prompt too long for a model goes only to models with a longer context window', async () => {
    const small = model('small', { contextWindow: 8_000 });
    const same = model('same', { contextWindow: 16_000 });
    const unknown = model('unknown');
    const large = model('large', { contextWindow: 200_000 });
    const primary = model('a', { contextWindow: 16_000, fallbacks: [small, same, large, unknown] });
    const { calls, call } = scripted({ a: [fail('context_length_exceeded')], large: [fail('context_length_exceeded')], unknown: ['from unknown'] });
    const served = await withFailover(primary, call, { signal, load: new DeploymentLoad() });
    expect(calls.map((entry) => entry.model)).toEqual(['a', 'large', 'unknown']);
    expect(served.model).toBe(unknown);
  });

  it('a context-length failure of a model with no known window sets no bound: every fallback is still tried', async () => {
    const small = model('small', { contextWindow: 8_000 });
    const primary = model('a', { fallbacks: [small] });
    const { calls, call } = scripted({ a: [fail('context_length_exceeded')], small: ['from small'] });
    const served = await withFailover(primary, call, { signal, load: new DeploymentLoad() });
    expect(served.model).toBe(small);
    expect(calls.map((entry) => entry.model)).toEqual(['a', 'small']);
  });

  it('other failures after a context-length one keep the window bound: a smaller model is still skipped', async () => {
    const mid = model('mid', { contextWindow: 32_000 });
    const small = model('small', { contextWindow: 8_000 });
    const primary = model('a', { contextWindow: 16_000, fallbacks: [mid, small] });
    const last = fail('upstream_error');
    const { calls, call } = scripted({ a: [fail('context_length_exceeded')], mid: [last], small: ['never'] });
    await expect(withFailover(primary, call, { signal, load: new DeploymentLoad() })).rejects.toBe(last);
    expect(calls.map((entry) => entry.model)).toEqual(['a', 'mid']);
  });

  it('no attempt starts once the deadline has passed: the last error says so', async () => {
    let now = 1_000;
    const primary = model('a', { fallbacks: [model('b')], retry: { attempts: 0, initialBackoffMs: 1, maxBackoffMs: 10, on: [], deadlineMs: 500 } });
    const calls: string[] = [];
    const call = async (target: ModelConfig): Promise<string> => {
      calls.push(target.name);
      now += 500;
      throw fail('upstream_error');
    };
    const error = (await withFailover(primary, call, { signal, load: new DeploymentLoad(), now: () => now }).catch((caught: unknown) => caught)) as GatewayError;
    expect(calls).toEqual(['a']);
    expect(error.code).toBe('upstream_error');
    expect(error.message).toBe('upstream_error from upstream; no further attempt: the request deadline (retry.deadline_ms=500) would pass (after 1 attempt)');
    expect(error.cause).toBeInstanceOf(GatewayError);
  });

  it('one millisecond before the deadline the next model is still tried', async () => {
    let now = 1_000;
    const primary = model('a', { fallbacks: [model('b')], retry: { attempts: 0, initialBackoffMs: 1, maxBackoffMs: 10, on: [], deadlineMs: 500 } });
    const calls: string[] = [];
    const call = async (target: ModelConfig): Promise<string> => {
      calls.push(target.name);
      if (target.name === 'b') return 'from b';
      now += 499;
      throw fail('upstream_error');
    };
    const served = await withFailover(primary, call, { signal, load: new DeploymentLoad(), now: () => now });
    expect(served.value).toBe('from b');
    expect(calls).toEqual(['a', 'b']);
  });

  it('a deadline that has passed before any call is a deadline error with zero attempts', async () => {
    let now = 0;
    const primary = model('a', { retry: { attempts: 0, initialBackoffMs: 1, maxBackoffMs: 10, on: [], deadlineMs: 0 } });
    const { calls, call } = scripted({ a: ['never'] });
    const error = (await withFailover(primary, call, { signal, load: new DeploymentLoad(), now: () => now++ }).catch((caught: unknown) => caught)) as GatewayError;
    expect(calls).toHaveLength(0);
    expect(error.message).toBe('the request deadline (retry.deadline_ms=0) passed after 0 attempts');
  });

  it('the deadline note keeps the error parameter and names the attempts in the plural', async () => {
    let now = 0;
    const primary = model('a', { retry: { attempts: 3, initialBackoffMs: 1, maxBackoffMs: 10, on: ['server_error'], deadlineMs: 100 } });
    const calls: number[] = [];
    const call = async (): Promise<string> => {
      calls.push(now);
      now += 40;
      throw new GatewayError('upstream_error', 'boom', { param: 'model' });
    };
    const error = (await withFailover(primary, call, { signal, load: new DeploymentLoad(), now: () => now, random: () => 0 }).catch((caught: unknown) => caught)) as GatewayError;
    expect(calls).toEqual([0, 40, 80]);
    expect(error.param).toBe('model');
    expect(error.message).toBe('boom; no further attempt: the request deadline (retry.deadline_ms=100) would pass (after 3 attempts)');
  });

  it('a backoff that would end past the deadline is not slept: the error is thrown with the note', async () => {
    const now = 0;
    const primary = model('a', { retry: { attempts: 3, initialBackoffMs: 1000, maxBackoffMs: 1000, on: ['server_error'], deadlineMs: 999 } });
    const calls: string[] = [];
    const call = async (target: ModelConfig): Promise<string> => {
      calls.push(target.name);
      throw fail('upstream_error');
    };
    const error = (await withFailover(primary, call, { signal, load: new DeploymentLoad(), now: () => now, random: () => 0.9999 }).catch((caught: unknown) => caught)) as GatewayError;
    expect(calls).toEqual(['a']);
    expect(error.message).toContain('would pass (after 1 attempt)');
  });

  it('a content-filter refusal goes to the fallback, which answers', async () => {
    const b = model('b');
    const primary = model('a', { fallbacks: [b] });
    const refusal = new ContentFilteredError({ value: 'no', model: primary, deployment: primary.deployments[0] as Deployment });
    const { calls, call } = scripted({ a: [refusal], b: ['from b'] });
    const served = await withFailover(primary, call, { signal, load: new DeploymentLoad() });
    expect(served.model).toBe(b);
    expect(calls.map((entry) => entry.model)).toEqual(['a', 'b']);
  });

  it('after the first call, each call total timeout is cut to what is left of the deadline', async () => {
    let now = 0;
    const timeouts = { ...DEFAULT_TIMEOUTS, totalMs: 1_000 };
    const b = model('b', { deployments: [deployment('b-d', { timeouts })] });
    const primary = model('a', { deployments: [deployment('a-d', { timeouts })], fallbacks: [b], retry: { attempts: 0, initialBackoffMs: 1, maxBackoffMs: 10, on: [], deadlineMs: 1_500 } });
    const { calls, call } = scripted({ a: [fail('upstream_error')], b: ['from b'] });
    const clocked = async (target: ModelConfig, chosen: Deployment, control: AttemptControl): Promise<string> => {
      const result = call(target, chosen, control);
      now += 700;
      return result;
    };
    await withFailover(primary, clocked, { signal, load: new DeploymentLoad(), now: () => now });
    expect(calls[0]?.control.timeouts.totalMs).toBe(1_000);
    expect(calls[1]?.control.timeouts.totalMs).toBe(800);
    expect(calls[1]?.control.hedged).toBeUndefined();
  });

  it('the first call of a deadline shorter than total_ms is cut to the deadline; never below 1 ms', async () => {
    let now = 0;
    const primary = model('a', { retry: { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 10, on: ['server_error'], deadlineMs: 300 } });
    const { calls, call } = scripted({ a: [fail('upstream_error'), 'ok'] });
    const clocked = async (target: ModelConfig, chosen: Deployment, control: AttemptControl): Promise<string> => {
      const result = call(target, chosen, control);
      now += 299;
      return result;
    };
    await withFailover(primary, clocked, { signal, load: new DeploymentLoad(), now: () => now, random: () => 0 });
    expect(calls[0]?.control.timeouts).toEqual({ ...DEFAULT_TIMEOUTS, totalMs: 300 });
    expect(calls[1]?.control.timeouts).toEqual({ ...DEFAULT_TIMEOUTS, totalMs: 1 });
  });

  it('a later call with plenty of deadline left keeps its own total timeout', async () => {
    const primary = model('a', { fallbacks: [model('b')] });
    const { calls, call } = scripted({ a: [fail('upstream_error')], b: ['from b'] });
    await withFailover(primary, call, { signal, load: new DeploymentLoad(), now: () => 0 });
    expect(calls[1]?.control.timeouts).toBe(DEFAULT_TIMEOUTS);
  });

  it('a route timeouts override the deployment own, field by field', async () => {
    const primary = model('a');
    const { calls, call } = scripted({ a: ['ok'] });
    await withFailover(primary, call, { signal, load: new DeploymentLoad(), timeouts: { firstTokenMs: 1234 } });
    expect(calls[0]?.control.timeouts).toEqual({ ...DEFAULT_TIMEOUTS, firstTokenMs: 1234 });
    const empty = scripted({ a: ['ok'] });
    await withFailover(primary, empty.call, { signal, load: new DeploymentLoad(), timeouts: {} });
    expect(empty.calls[0]?.control.timeouts).toBe(DEFAULT_TIMEOUTS);
  });

  it('every deployment paused by its breaker: the next model is tried, and the error names the paused model', async () => {
    const breakers = new CircuitBreakers({ failures: 1, cooldownMs: 60_000 }, () => 0);
    const b = model('b');
    const primary = model('a', { fallbacks: [b] });
    breakers.failed(primary.deployments[0] as Deployment, 'server_error');
    const { calls, call } = scripted({ b: ['from b'] });
    const served = await withFailover(primary, call, { signal, load: new DeploymentLoad(), breakers });
    expect(served.model).toBe(b);
    expect(calls.map((entry) => entry.model)).toEqual(['b']);
    const alone = model('c');
    breakers.failed(alone.deployments[0] as Deployment, 'server_error');
    const error = (await withFailover(alone, call, { signal, load: new DeploymentLoad(), breakers }).catch((caught: unknown) => caught)) as GatewayError;
    expect(error.code).toBe('upstream_error');
    expect(error.message).toBe('every deployment of c is paused by its circuit breaker after repeated failures');
  });

  it('tells the breakers each outcome: a success closes, a counted failure opens, a client gone only frees the probe', async () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failures: 1, cooldownMs: 100 }, () => now);
    const primary = model('a');
    const target = primary.deployments[0] as Deployment;
    await expect(withFailover(primary, scripted({ a: [fail('upstream_error')] }).call, { signal, load: new DeploymentLoad(), breakers })).rejects.toThrow();
    expect(breakers.snapshot()).toEqual([{ deployment: 'a-d/m', state: 'open', consecutiveFailures: 1 }]);
    now = 100;
    await expect(withFailover(primary, scripted({ a: [new CallerAbortedError()] }).call, { signal, load: new DeploymentLoad(), breakers })).rejects.toBeInstanceOf(CallerAbortedError);
    expect(breakers.available(target), 'the probe is free again, the circuit not judged').toBe(true);
    expect(breakers.snapshot()[0]?.state).toBe('half-open');
    await withFailover(primary, scripted({ a: ['ok'] }).call, { signal, load: new DeploymentLoad(), breakers });
    expect(breakers.snapshot()).toEqual([]);
  });

  it('a caller that went away is never retried', async () => {
    const primary = model('a', { fallbacks: [model('b')], retry: { attempts: 3, initialBackoffMs: 1, maxBackoffMs: 10, on: ['server_error'], deadlineMs: 600_000 } });
    const aborted = new CallerAbortedError();
    const { calls, call } = scripted({ a: [aborted] });
    await expect(withFailover(primary, call, { signal, load: new DeploymentLoad() })).rejects.toBe(aborted);
    expect(calls).toHaveLength(1);
  });

  it('the backoff sleep ends early when the client goes away, with the client error', async () => {
    const controller = new AbortController();
    const primary = model('a', { retry: { attempts: 3, initialBackoffMs: 60_000, maxBackoffMs: 60_000, on: ['server_error'], deadlineMs: 600_000 } });
    const { calls, call } = scripted({ a: [fail('upstream_error'), 'never'] });
    const pending = withFailover(primary, call, { signal: controller.signal, load: new DeploymentLoad(), random: () => 0.5 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(new CallerAbortedError('client_closed'));
    await expect(pending).rejects.toBeInstanceOf(CallerAbortedError);
    expect(calls).toHaveLength(1);
  });

  it('hedges with a second deployment of the same model: both calls are marked hedged, the quick one is served', async () => {
    const slow = deployment('slow');
    const quick = deployment('quick');
    const primary = model('a', { deployments: [slow, quick], hedge: { afterMs: 5 } });
    const load = new DeploymentLoad();
    const controls: AttemptControl[] = [];
    const events: unknown[] = [];
    const call = (target: ModelConfig, chosen: Deployment, control: AttemptControl): Promise<string> => {
      controls.push(control);
      if (chosen === quick) return Promise.resolve('quick');
      return new Promise((_, reject) => control.signal.addEventListener('abort', () => reject(control.signal.reason as Error), { once: true }));
    };
    const served = await withFailover(primary, call, { signal, load, random: () => 0, onHedge: (event) => events.push(event) });
    expect(served.value).toBe('quick');
    expect(served.deployment).toBe(quick);
    expect(controls.map((control) => control.hedged)).toEqual([true, true]);
    expect(events).toEqual([{ afterMs: 5, primary: 'a@slow', backup: 'a@quick', winner: 'backup' }]);
  });

  it('with a single deployment the hedge goes to the next model of the chain that has a free deployment', async () => {
    const breakers = new CircuitBreakers({ failures: 1, cooldownMs: 60_000 }, () => 0);
    const paused = model('paused');
    breakers.failed(paused.deployments[0] as Deployment, 'server_error');
    const b = model('b');
    const primary = model('a', { fallbacks: [paused, b], hedge: { afterMs: 5 } });
    const called: string[] = [];
    const call = (target: ModelConfig, _chosen: Deployment, control: AttemptControl): Promise<string> => {
      called.push(target.name);
      if (target.name === 'b') return Promise.resolve('from b');
      return new Promise((_, reject) => control.signal.addEventListener('abort', () => reject(control.signal.reason as Error), { once: true }));
    };
    const served = await withFailover(primary, call, { signal, load: new DeploymentLoad(), breakers });
    expect(served.model).toBe(b);
    expect(called).toEqual(['a', 'b']);
  });

  it('a hedge policy with no backup anywhere is an ordinary call', async () => {
    const primary = model('a', { hedge: { afterMs: 1 } });
    const { calls, call } = scripted({ a: ['alone'] });
    const served = await withFailover(primary, call, { signal, load: new DeploymentLoad() });
    expect(served.value).toBe('alone');
    expect(calls[0]?.control.hedged).toBeUndefined();
  });

  it('the hedge threshold is the configured percentile of observed first-token times once there are enough', async () => {
    const slow = deployment('slow');
    const quick = deployment('quick');
    const primary = model('a', { deployments: [slow, quick], hedge: { afterMs: 60_000, percentile: 50 } });
    const load = new DeploymentLoad();
    for (let index = 0; index < 20; index++) load.observeTtft(slow, 3);
    for (let index = 0; index < 20; index++) load.observeTtft(quick, 3);
    const events: { afterMs: number }[] = [];
    const call = (_target: ModelConfig, chosen: Deployment, control: AttemptControl): Promise<string> => {
      if (chosen === quick) return Promise.resolve('quick');
      return new Promise((_, reject) => control.signal.addEventListener('abort', () => reject(control.signal.reason as Error), { once: true }));
    };
    const served = await withFailover(primary, call, { signal, load, random: () => 0, onHedge: (event) => events.push(event) });
    expect(served.value).toBe('quick');
    expect(events.map((event) => event.afterMs)).toEqual([3]);
  });
});

describe('acquireDeployment', () => {
  const a = deployment('a');
  const b = deployment('b');
  const target = model('m', { deployments: [a, b] });

  it('picks by the model strategy when every circuit is closed, keeping off the excluded deployment', () => {
    const load = new DeploymentLoad();
    expect(acquireDeployment(target, load, () => 0, undefined)).toBe(a);
    expect(acquireDeployment(target, load, () => 0, undefined, a)).toBe(b);
    expect(acquireDeployment(model('one', { deployments: [a] }), load, () => 0, undefined, a)).toBeUndefined();
  });

  it('skips deployments whose circuit is open, claims the half-open probe, and gives none when all are paused', () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failures: 1, cooldownMs: 100 }, () => now);
    const load = new DeploymentLoad();
    breakers.failed(a, 'server_error');
    expect(acquireDeployment(target, load, () => 0, breakers)).toBe(b);
    breakers.failed(b, 'server_error');
    expect(acquireDeployment(target, load, () => 0, breakers)).toBeUndefined();
    now = 100;
    expect(acquireDeployment(target, load, () => 0, breakers)).toBe(a);
    expect(acquireDeployment(target, load, () => 0, breakers), 'a is probing; b is the one probe left').toBe(b);
    expect(acquireDeployment(target, load, () => 0, breakers)).toBeUndefined();
  });
});

const request: ChatRequest = { model: 'a', messages: [{ role: 'user', content: 'Tell me a story.' }], stream: true, maxTokens: 100, toolChoice: 'auto' } as ChatRequest;

describe('continuationRequest', () => {
  it('Anthropic backups get the partial answer as a prefill without its trailing whitespace, held back for the client', () => {
    const plan = continuationRequest(request, 'Once upon a time \n', deployment('x', { protocol: 'anthropic' }), 30);
    expect(plan.method).toBe('prefill');
    expect(plan.heldWhitespace).toBe(' \n');
    expect(plan.request.messages).toEqual([...request.messages, { role: 'assistant', content: 'Once upon a time' }]);
    expect(plan.request.maxTokens).toBe(70);
    expect(plan.request.stream).toBe(true);
    expect(plan.request.includeUsage).toBe(true);
    expect(plan.request.n).toBe(1);
    expect('toolChoice' in plan.request).toBe(false);
    expect(request.toolChoice, 'the original request is left as it was').toBe('auto');
  });

  it('other protocols get the partial answer as an assistant turn and the continuation instruction', () => {
    const plan = continuationRequest({ ...request, stream: false }, 'Once upon a time ', deployment('x'), 30);
    expect(plan.method).toBe('instruction');
    expect(plan.heldWhitespace).toBe('');
    expect(plan.request.messages).toEqual([...request.messages, { role: 'assistant', content: 'Once upon a time ' }, { role: 'user', content: CONTINUATION_INSTRUCTION }]);
    expect(plan.request.stream).toBe(true);
  });

  it('max_tokens left never goes below one; a request without max_tokens gets none', () => {
    expect(continuationRequest(request, 'x', deployment('x'), 150).request.maxTokens).toBe(1);
    const { maxTokens: _dropped, ...unbounded } = request;
    expect('maxTokens' in continuationRequest(unbounded as ChatRequest, 'x', deployment('x'), 150).request).toBe(false);
  });
});

describe('openContinuation', () => {
  const opened = (target: ModelConfig, chosen: Deployment): OpenedStream => ({ model: target, deployment: chosen } as OpenedStream);
  const base = (overrides: Partial<Parameters<typeof openContinuation>[0]> & Pick<Parameters<typeof openContinuation>[0], 'model' | 'deployment' | 'open'>) => ({
    request,
    partial: 'Once upon ',
    outputTokensSoFar: 3,
    fallbacks: [],
    canServe: () => true,
    load: new DeploymentLoad(),
    breakers: undefined,
    random: () => 0,
    control: (chosen: Deployment): AttemptControl => ({ signal, timeouts: chosen.timeouts }),
    ...overrides,
  });

  it('tries another deployment of the same model first, then the fallbacks that can serve, skipping the broken model', async () => {
    const broken = deployment('broken');
    const sibling = deployment('sibling', { protocol: 'anthropic' });
    const current = model('a', { deployments: [broken, sibling] });
    const skipped = model('skipped');
    const b = model('b');
    const tried: string[] = [];
    const result = await openContinuation(
      base({
        model: current,
        deployment: broken,
        fallbacks: [current, skipped, b],
        canServe: (target) => target !== skipped,
        open: async (continued, target, chosen) => {
          tried.push(`${target.name}@${chosen.provider.name}:${continued.messages.length}`);
          if (chosen === sibling) throw fail('upstream_error');
          return opened(target, chosen);
        },
      }),
    );
    expect(tried).toEqual(['a@sibling:2', 'b@b-d:3']);
    expect(result?.opened.model).toBe(b);
    expect(result?.plan.method).toBe('instruction');
    expect(result?.plan.request.maxTokens).toBe(97);
  });

  it('no backup that answers: undefined, each failure told to the breakers', async () => {
    const breakers = new CircuitBreakers({ failures: 1, cooldownMs: 60_000 }, () => 0);
    const current = model('a');
    const b = model('b');
    const result = await openContinuation(
      base({
        model: current,
        deployment: current.deployments[0] as Deployment,
        fallbacks: [b],
        breakers,
        open: async () => {
          throw fail('upstream_error');
        },
      }),
    );
    expect(result).toBeUndefined();
    expect(breakers.snapshot()).toEqual([{ deployment: 'b-d/m', state: 'open', consecutiveFailures: 1 }]);
  });

  it('a fallback whose circuit is open is not asked; a backup that answers closes a half-open circuit', async () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failures: 1, cooldownMs: 100 }, () => now);
    const current = model('a');
    const paused = model('paused');
    const b = model('b');
    breakers.failed(b.deployments[0] as Deployment, 'server_error');
    now = 100;
    breakers.failed(paused.deployments[0] as Deployment, 'server_error');
    const tried: string[] = [];
    const result = await openContinuation(
      base({
        model: current,
        deployment: current.deployments[0] as Deployment,
        fallbacks: [paused, b],
        breakers,
        open: async (_continued, target, chosen) => {
          tried.push(target.name);
          return opened(target, chosen);
        },
      }),
    );
    expect(tried).toEqual(['b']);
    expect(result?.opened.model).toBe(b);
    expect(breakers.snapshot().map((entry) => entry.deployment)).toEqual(['paused-d/m']);
  });

  it('a client gone while a backup opens frees its probe and ends the recovery with the client error', async () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failures: 1, cooldownMs: 100 }, () => now);
    const current = model('a');
    const b = model('b');
    const c = model('c');
    breakers.failed(b.deployments[0] as Deployment, 'server_error');
    now = 100;
    const tried: string[] = [];
    const aborted = new CallerAbortedError();
    const pending = openContinuation(
      base({
        model: current,
        deployment: current.deployments[0] as Deployment,
        fallbacks: [b, c],
        breakers,
        open: async (_continued, target) => {
          tried.push(target.name);
          throw aborted;
        },
      }),
    );
    await expect(pending).rejects.toBe(aborted);
    expect(tried).toEqual(['b']);
    expect(breakers.available(b.deployments[0] as Deployment), 'the probe is free for the next request').toBe(true);
  });

  it('each backup is given the control made for its own deployment', async () => {
    const current = model('a');
    const b = model('b', { deployments: [deployment('b-d', { timeouts: { ...DEFAULT_TIMEOUTS, totalMs: 42 } })] });
    const seen: number[] = [];
    await openContinuation(
      base({
        model: current,
        deployment: current.deployments[0] as Deployment,
        fallbacks: [b],
        open: async (_continued, target, chosen, control) => {
          seen.push(control.timeouts.totalMs);
          return opened(target, chosen);
        },
      }),
    );
    expect(seen).toEqual([42]);
  });
});

/** FailureClass is used by name in the scripts above; this keeps the list honest. */
const classes: FailureClass[] = ['rate_limit', 'server_error', 'timeout', 'connection', 'context_length', 'content_filter'];
describe('failure classes covered', () => {
  it('every class the default fallback_on lists is one failureClass can return', () => {
    const returned = new Set(
      ['upstream_rate_limited', 'upstream_error', 'upstream_timeout', 'upstream_connection_error', 'context_length_exceeded', 'content_filtered'].map((code) =>
        failureClass(new GatewayError(code as ConstructorParameters<typeof GatewayError>[0], 'x')),
      ),
    );
    expect([...returned].sort()).toEqual([...classes].sort());
  });
});
