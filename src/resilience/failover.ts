/**
 * Retries and fallback chains. A failed upstream call is classified (rate_limit,
 * server_error, timeout, connection); the model's retry policy may try it again after an
 * exponential backoff with full jitter — or exactly the upstream's Retry-After — and the
 * primary model's fallback_on decides whether the next fallback model takes over.
 * Client errors (400, 401, 404, 422) and a client that went away are never retried.
 * Every call is its own attempt (the executor records each one). The primary model's
 * retry.deadline_ms bounds the whole chain: no attempt starts after it, no backoff sleeps
 * past it, and each call's total timeout is cut to what is left. A model with a hedge
 * policy races a backup call when the first token is late (see hedge.ts).
 */
import type { Deployment, FailureClass, ModelConfig, RetryPolicy, Timeouts } from '../config/load.js';
import type { AttemptControl } from '../router/executor.js';
import { GatewayError } from '../core/errors.js';
import { abortReason, CallerAbortedError } from '../providers/http-client.js';
import type { CircuitBreakers } from './circuit-breaker.js';
import { hedgeThresholdMs, raceHedged, type HedgeEvent } from './hedge.js';
import type { DeploymentLoad } from './load-balancer.js';

/**
 * A call that answered with a content-filter refusal, raised only when the primary model
 * falls back on content_filter. It carries the answer, so when no fallback does better the
 * client still gets the refusal itself.
 */
export class ContentFilteredError<T> extends GatewayError {
  constructor(
    readonly served: Served<T>,
  ) {
    super('content_filtered', `${served.model.name} refused with a content-filter finish`);
  }
}

export function failureClass(error: unknown): FailureClass | undefined {
  if (!(error instanceof GatewayError)) return undefined;
  switch (error.code) {
    case 'upstream_rate_limited':
      return 'rate_limit';
    case 'upstream_error':
    case 'upstream_bad_response':
      return 'server_error';
    case 'upstream_timeout':
      return 'timeout';
    case 'upstream_connection_error':
      return 'connection';
    case 'context_length_exceeded':
      return 'context_length';
    case 'content_filtered':
      return 'content_filter';
    default:
      return undefined;
  }
}

/** Milliseconds to wait before retry number `retry` (0-based), or undefined when Retry-After is too long to wait. */
export function backoffMs(policy: Pick<RetryPolicy, 'initialBackoffMs' | 'maxBackoffMs'>, retry: number, retryAfterSeconds: number | undefined, random: () => number): number | undefined {
  if (retryAfterSeconds !== undefined) {
    const wanted = retryAfterSeconds * 1000;
    return wanted <= policy.maxBackoffMs ? wanted : undefined;
  }
  const ceiling = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  if (milliseconds <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}


export type AttemptCall<T> = (model: ModelConfig, deployment: Deployment, control: AttemptControl) => Promise<T>;

export interface FailoverOptions<T> {
  signal: AbortSignal;
  /** Observed load and latency per deployment: load balancing and hedge thresholds. */
  load: DeploymentLoad;
  /** Whether a fallback model can serve this request at all (capabilities). */
  canServe?: (model: ModelConfig) => boolean;
  /** Models tried after the primary's own fallbacks (a route's fallback list). */
  extraFallbacks?: readonly ModelConfig[];
  /** A route's timeouts, over each deployment's. */
  timeouts?: Partial<Timeouts>;
  /** Deployments with an open circuit get no traffic. */
  breakers?: CircuitBreakers;
  random?: () => number;
  now?: () => number;
  /** Release a value that lost a hedge race after it had already arrived (close its stream). */
  discard?: (value: T) => void;
  onHedge?: (event: HedgeEvent) => void;
}

export interface Served<T> {
  value: T;
  model: ModelConfig;
  deployment: Deployment;
}

/**
 * A deployment of `model` whose circuit lets a call through, picked by the model's
 * load-balancing strategy, or undefined when none does. `exclude` keeps a hedge off the
 * deployment it is hedging.
 */
export function acquireDeployment(
  model: ModelConfig,
  load: DeploymentLoad,
  random: () => number,
  breakers: CircuitBreakers | undefined,
  exclude?: Deployment,
): Deployment | undefined {
  let candidates: readonly Deployment[] = model.deployments;
  if (exclude) candidates = candidates.filter((deployment) => deployment !== exclude);
  if (candidates.length === 0) return undefined;
  // The common case, every circuit closed, allocates nothing (measured: the filtered copy cost ~5% throughput).
  if (!breakers?.anyOpen()) return load.pick(model.loadBalancing, candidates, random);
  const open = candidates.filter((deployment) => breakers.available(deployment));
  if (open.length === 0) return undefined;
  const deployment = load.pick(model.loadBalancing, open, random);
  return breakers.tryAcquire(deployment) ? deployment : undefined;
}

export function deadlineError(deadlineMs: number, attempts: number): GatewayError {
  return new GatewayError('upstream_timeout', `the request deadline (retry.deadline_ms=${deadlineMs}) passed after ${attempts} attempt${attempts === 1 ? '' : 's'}`);
}

export async function withFailover<T>(primary: ModelConfig, call: AttemptCall<T>, options: FailoverOptions<T>): Promise<Served<T>> {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const canServe = options.canServe ?? (() => true);
  const deadlineMs = primary.retry.deadlineMs;
  const deadlineAt = now() + deadlineMs;
  const chain = [primary, ...primary.fallbacks.filter(canServe)];
  for (const model of options.extraFallbacks ?? []) if (!chain.includes(model) && canServe(model)) chain.push(model);
  let lastError: unknown;
  let calls = 0;

  const override = options.timeouts && Object.keys(options.timeouts).length > 0 ? options.timeouts : undefined;
  const control = (deployment: Deployment, signal: AbortSignal, hedged: boolean): AttemptControl => {
    const timeouts = override ? { ...deployment.timeouts, ...override } : deployment.timeouts;
    // The first call of a request whose deadline is no shorter than total_ms needs no cut (the common case allocates nothing).
    if (calls === 0 && deadlineMs >= timeouts.totalMs && !hedged) return { signal, timeouts };
    const left = deadlineAt - now();
    return { signal, timeouts: left < timeouts.totalMs ? { ...timeouts, totalMs: Math.max(1, left) } : timeouts, ...(hedged ? { hedged } : {}) };
  };
  const tracked = async (model: ModelConfig, deployment: Deployment, signal: AbortSignal, hedged = false): Promise<T> => {
    const attemptControl = control(deployment, signal, hedged);
    calls++;
    try {
      const value = await call(model, deployment, attemptControl);
      options.breakers?.succeeded(deployment);
      return value;
    } catch (error) {
      if (error instanceof CallerAbortedError) options.breakers?.released(deployment);
      else options.breakers?.failed(deployment, failureClass(error));
      throw error;
    }
  };

  let tooLongFor = Number.POSITIVE_INFINITY;
  for (const [position, model] of chain.entries()) {
    if (tooLongFor !== Number.POSITIVE_INFINITY && (model.contextWindow ?? Number.POSITIVE_INFINITY) <= tooLongFor) continue;
    for (let retry = 0; ; retry++) {
      if (now() >= deadlineAt) throw lastError !== undefined && calls > 0 ? withDeadlineNote(lastError, deadlineMs, calls) : deadlineError(deadlineMs, calls);
      const deployment = acquireDeployment(model, options.load, random, options.breakers);
      if (!deployment) {
        lastError = new GatewayError('upstream_error', `every deployment of ${model.name} is paused by its circuit breaker after repeated failures`);
        break;
      }
      try {
        if (model.hedge) {
          const backup = hedgeBackup(model, deployment, chain.slice(position + 1), options.load, random, options.breakers);
          if (backup) {
            const after = hedgeThresholdMs(model.hedge, options.load, deployment);
            return await raceHedged(
              { model, deployment, start: (signal) => tracked(model, deployment, signal, true) },
              { model: backup.model, deployment: backup.deployment, start: (signal) => tracked(backup.model, backup.deployment, signal, true) },
              { afterMs: after, signal: options.signal, ...(options.discard ? { discard: options.discard } : {}), ...(options.onHedge ? { onHedge: options.onHedge } : {}) },
            );
          }
        }
        return { value: await tracked(model, deployment, options.signal), model, deployment };
      } catch (error) {
        const kind = failureClass(error);
        if (kind === undefined || options.signal.aborted) throw error;
        lastError = error;
        if (retry >= model.retry.attempts || !model.retry.on.includes(kind)) break;
        const wait = backoffMs(model.retry, retry, (error as GatewayError).retryAfterSeconds, random);
        if (wait === undefined) break;
        if (now() + wait >= deadlineAt) throw withDeadlineNote(error, deadlineMs, calls);
        await sleep(wait, options.signal);
      }
    }
    const kind = failureClass(lastError);
    if (kind === undefined || !primary.fallbackOn.includes(kind)) break;
    // A prompt too long for this model is only worth sending to a model with a longer window.
    if (kind === 'context_length') tooLongFor = Math.min(tooLongFor, model.contextWindow ?? Number.POSITIVE_INFINITY);
  }
  throw lastError;
}

/** Where a hedge goes: another deployment of the same model, else the next model in the chain with a free deployment. */
function hedgeBackup(
  model: ModelConfig,
  primary: Deployment,
  rest: readonly ModelConfig[],
  load: DeploymentLoad,
  random: () => number,
  breakers: CircuitBreakers | undefined,
): { model: ModelConfig; deployment: Deployment } | undefined {
  const sibling = acquireDeployment(model, load, random, breakers, primary);
  if (sibling) return { model, deployment: sibling };
  for (const candidate of rest) {
    const deployment = acquireDeployment(candidate, load, random, breakers);
    if (deployment) return { model: candidate, deployment };
  }
  return undefined;
}

function withDeadlineNote(error: unknown, deadlineMs: number, calls: number): unknown {
  if (!(error instanceof GatewayError)) return error;
  return new GatewayError(error.code, `${error.message}; no further attempt: the request deadline (retry.deadline_ms=${deadlineMs}) would pass (after ${calls} attempt${calls === 1 ? '' : 's'})`, {
    cause: error,
    ...(error.param ? { param: error.param } : {}),
  });
}
