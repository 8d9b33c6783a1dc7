/**
 * Prometheus metrics (prom-client), served at GET /metrics. Counters and histograms are
 * updated once per finished request from its log record — never per chunk — and the
 * gauges describing live state (circuit breakers, calls in flight, moving TTFT per
 * deployment) are read from that state only when Prometheus scrapes.
 */
import type { DependencyHealth } from '../state/types.js';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CircuitBreakers } from '../resilience/circuit-breaker.js';
import type { DeploymentLoad } from '../resilience/load-balancer.js';
import type { AttemptRecord, RequestLog, RequestRecord } from '../store/types.js';

const CIRCUIT_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;
const LOG_WRITING_VALUE = { ok: 0, database_failing: 1, journal_failing: 2 } as const;

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'endpoint' | 'route' | 'model' | 'status'>;
  private readonly latency: Histogram<'endpoint' | 'stream'>;
  private readonly attempts: Counter<'provider' | 'model' | 'outcome'>;
  private readonly tokens: Counter<'model' | 'direction'>;
  private readonly cost: Counter<'model'>;
  private readonly hedges: Counter<'winner'>;
  private readonly seams: Counter<'method'>;
  private readonly guardVerdicts: Counter<'guard' | 'type' | 'action' | 'phase'>;
  private readonly cacheRequests: Counter<'status'>;
  private readonly cacheAvoided: Counter;
  private readonly decisions: Counter<'route' | 'strategy' | 'category' | 'variant' | 'model' | 'status'>;

  constructor(sources: { breakers: CircuitBreakers | undefined; load: DeploymentLoad; log?: Pick<RequestLog, 'health'>; dependencies?: () => DependencyHealth[] }) {
    const registers = [this.registry];
    const dependencies = sources.dependencies;
    new Gauge({
      name: 'switchyard_dependency_up',
      help: 'Whether each external dependency the gateway uses can be reached: 1 up, 0 down (e.g. redis for state.redis).',
      labelNames: ['dependency'],
      registers,
      collect() {
        this.reset();
        for (const dependency of dependencies?.() ?? []) this.set({ dependency: dependency.name }, dependency.state === 'ok' ? 1 : 0);
      },
    });
    this.requests = new Counter({ name: 'switchyard_requests_total', help: 'Client requests by endpoint, route, serving model and HTTP status.', labelNames: ['endpoint', 'route', 'model', 'status'], registers });
    this.latency = new Histogram({
      name: 'switchyard_request_duration_seconds',
      help: 'Time from request to the end of the response (whole stream for streams).',
      labelNames: ['endpoint', 'stream'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.attempts = new Counter({
      name: 'switchyard_upstream_attempts_total',
      help: 'Upstream calls by provider, model and outcome (ok, an error code, client_closed, hedge_lost).',
      labelNames: ['provider', 'model', 'outcome'],
      registers,
    });
    this.tokens = new Counter({ name: 'switchyard_tokens_total', help: 'Tokens of every upstream call, by model and direction (input, output).', labelNames: ['model', 'direction'], registers });
    this.cost = new Counter({ name: 'switchyard_cost_usd_total', help: 'Cost of every upstream call in USD, by model.', labelNames: ['model'], registers });
    this.hedges = new Counter({ name: 'switchyard_hedges_total', help: 'Hedged requests by which side answered first (primary, backup, none).', labelNames: ['winner'], registers });
    this.guardVerdicts = new Counter({
      name: 'switchyard_guard_verdicts_total',
      help: 'Guard verdicts (findings grouped per request by guard, type, rule and action), by guard, type, action and phase (request, response, stream).',
      labelNames: ['guard', 'type', 'action', 'phase'],
      registers,
    });
    this.seams = new Counter({ name: 'switchyard_stream_recoveries_total', help: 'Streams continued on a backup after breaking mid-answer, by method (prefill, instruction).', labelNames: ['method'], registers });

    this.cacheRequests = new Counter({ name: 'switchyard_cache_requests_total', help: 'Chat requests by cache outcome: hit-exact, hit-semantic, miss, bypass.', labelNames: ['status'], registers });
    this.cacheAvoided = new Counter({ name: 'switchyard_cache_avoided_usd_total', help: 'What the answers served from the cache cost when they were produced: the spend the cache avoided, in USD.', registers });
    this.decisions = new Counter({
      name: 'switchyard_route_decisions_total',
      help: 'Routing decisions by route, strategy, task category, experiment variant, chosen model and the request status (per-variant outcomes of experiments).',
      labelNames: ['route', 'strategy', 'category', 'variant', 'model', 'status'],
      registers,
    });
    const breakers = sources.breakers;
    const load = sources.load;
    const log = sources.log;
    if (log) this.requestLogMetrics(log);
    new Gauge({
      name: 'switchyard_circuit_state',
      help: 'Circuit breaker state per deployment: 0 closed, 1 half-open, 2 open.',
      labelNames: ['deployment'],
      registers,
      collect() {
        this.reset();
        for (const circuit of breakers?.states() ?? []) this.set({ deployment: circuit.deployment }, CIRCUIT_STATE_VALUE[circuit.state]);
      },
    });
    new Gauge({
      name: 'switchyard_deployment_in_flight',
      help: 'Upstream calls in flight per deployment.',
      labelNames: ['deployment'],
      registers,
      collect() {
        this.reset();
        for (const entry of load.snapshot()) this.set({ deployment: `${entry.provider}/${entry.upstreamModel}` }, entry.outstanding);
      },
    });
    new Gauge({
      name: 'switchyard_deployment_ttft_ewma_seconds',
      help: 'Moving average of time to first token per deployment (what lowest_latency balancing uses).',
      labelNames: ['deployment'],
      registers,
      collect() {
        this.reset();
        for (const entry of load.snapshot()) if (entry.ewmaTtftMs !== null) this.set({ deployment: `${entry.provider}/${entry.upstreamModel}` }, entry.ewmaTtftMs / 1000);
      },
    });
  }

  /** The request log's writing, read from it when Prometheus scrapes. */
  private requestLogMetrics(log: Pick<RequestLog, 'health'>): void {
    const registers = [this.registry];
    new Gauge({
      name: 'switchyard_request_log_writing',
      help: 'Request log writing: 0 ok, 1 the database cannot be written (rows wait in the journal), 2 the journal cannot be written (rows wait in memory).',
      registers,
      collect() {
        this.set(LOG_WRITING_VALUE[log.health().writing]);
      },
    });
    new Gauge({
      name: 'switchyard_request_log_unwritten_rows',
      help: 'Requests recorded and not yet in the database.',
      registers,
      collect() {
        this.set(log.health().unwrittenRows);
      },
    });
    new Gauge({
      name: 'switchyard_request_log_buffered_bytes',
      help: 'Memory used for request log rows not yet written, against store.write_buffer_mb.',
      registers,
      collect() {
        this.set(log.health().bufferedBytes);
      },
    });
    new Counter({
      name: 'switchyard_request_log_dropped_rows_total',
      help: 'Request log rows dropped because writing failed and the write buffer was full.',
      registers,
      collect() {
        this.reset();
        this.inc(log.health().droppedRows);
      },
    });
    // store.postgres only (the log knows from its start whether it ships there).
    if (log.health().postgres) this.postgresMetrics(log);
  }

  private postgresMetrics(log: Pick<RequestLog, 'health'>): void {
    const registers = [this.registry];
    new Gauge({
      name: 'switchyard_postgres_up',
      help: 'store.postgres: 1 when the last shipment to PostgreSQL succeeded, 0 while it fails or before the first (rows wait in the local log). Absent without store.postgres.',
      registers,
      collect() {
        const postgres = log.health().postgres;
        if (postgres) this.set(postgres.state === 'ok' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'switchyard_postgres_backlog_rows',
      help: 'store.postgres: request rows in the local log not yet confirmed by PostgreSQL.',
      registers,
      collect() {
        const postgres = log.health().postgres;
        if (postgres) this.set(postgres.backlog);
      },
    });
  }

  /**
   * Label-bound children, cached by their label values: prom-client hashes a label object
   * on every inc(), a bound child does not (measured on the request path).
   */
  private readonly children = new Map<string, { inc(value?: number): void } | { observe(value: number): void }>();

  private child<T extends { inc(value?: number): void } | { observe(value: number): void }>(key: string, make: () => T): T {
    let found = this.children.get(key) as T | undefined;
    if (!found) {
      found = make();
      this.children.set(key, found);
    }
    return found;
  }

  /** One finished request with its attempts (called where the request is logged). */
  observe(record: RequestRecord, attempts: readonly AttemptRecord[]): void {
    const route = record.route ?? '';
    const model = record.model ?? '';
    const status = String(record.status);
    this.child(`r\u0001${record.endpoint}\u0001${route}\u0001${model}\u0001${status}`, () => this.requests.labels({ endpoint: record.endpoint, route, model, status })).inc();
    const stream = record.stream ? 'true' : 'false';
    this.child(`l\u0001${record.endpoint}\u0001${stream}`, () => this.latency.labels({ endpoint: record.endpoint, stream })).observe(record.latencyMs / 1000);
    for (const attempt of attempts) {
      const outcome = attempt.errorCode ?? 'ok';
      this.child(`a\u0001${attempt.provider}\u0001${attempt.model}\u0001${outcome}`, () => this.attempts.labels({ provider: attempt.provider, model: attempt.model, outcome })).inc();
      if (attempt.inputTokens) this.child(`ti\u0001${attempt.model}`, () => this.tokens.labels({ model: attempt.model, direction: 'input' })).inc(attempt.inputTokens);
      if (attempt.outputTokens) this.child(`to\u0001${attempt.model}`, () => this.tokens.labels({ model: attempt.model, direction: 'output' })).inc(attempt.outputTokens);
      if (attempt.costUsd) this.child(`c\u0001${attempt.model}`, () => this.cost.labels({ model: attempt.model })).inc(attempt.costUsd);
    }
    const details = record.details;
    if (!details) return;
    if (details.cache) {
      this.cacheRequests.inc({ status: details.cache.status });
      if (details.cache.avoided_usd) this.cacheAvoided.inc(details.cache.avoided_usd);
    }
    for (const hedge of details.hedges ?? []) this.hedges.inc({ winner: hedge.winner });
    for (const seam of details.seams ?? []) this.seams.inc({ method: seam.method });
    for (const verdict of details.guards ?? []) this.guardVerdicts.inc({ guard: verdict.guard, type: verdict.type, action: verdict.action, phase: verdict.phase });
    const decision = details.decision;
    if (decision) {
      const category = (decision.category as { category?: string } | undefined)?.category ?? '';
      this.decisions.inc({
        route: String(decision.route ?? ''),
        strategy: String(decision.strategy ?? ''),
        category,
        variant: String(decision.variant ?? ''),
        model: String(decision.model ?? ''),
        status,
      });
    }
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
