/**
 * createGateway assembles the request pipeline from explicit dependencies (config,
 * request log, logger) — no global registries — and returns the HTTP handler together
 * with drain and close. Path dispatch and authentication live here; each endpoint's
 * pipeline lives in its handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayConfig, ModelConfig } from '../config/load.js';
import { loadLocalClassifier } from '../router/local-classifier.js';
import { Router, type RouterOptions } from '../router/router.js';
import { Governance, type GovernanceState } from '../governance/governance.js';
import { postgresPool } from '../store/postgres-schema.js';
import { PostgresReports } from '../store/postgres-reports.js';
import type { GovernanceSync } from '../store/postgres-governance.js';
import type { DependencyHealth } from '../state/types.js';
import { KEY_PREFIX, keyState, type VirtualKey } from '../governance/keys.js';
import { handleAdmin } from './handlers/admin.js';
import { QualityEstimates } from '../router/quality-estimates.js';
import { GatewayError, toGatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { createAdapter, type ProviderAdapter } from '../providers/index.js';
import { UpstreamClient } from '../providers/http-client.js';
import { CircuitBreakers } from '../resilience/circuit-breaker.js';
import { DeploymentLoad } from '../resilience/load-balancer.js';
import { GuardSet } from '../guards/pipeline.js';
import { createResponseCache } from '../cache/index.js';
import type { ResponseCache } from '../cache/response-cache.js';
import { GatewayMetrics } from '../observability/metrics.js';
import { accessLine, type LineSink } from '../observability/access-log.js';
import type { Tracing } from '../observability/tracing.js';
import { Executor } from '../router/executor.js';
import { ModelResolver } from '../router/resolve.js';
import type { KeyPolicy } from '../router/signals.js';
import type { RequestLog } from '../store/types.js';
import { createExchange, sendError, sendJson, type Exchange } from './exchange.js';
import { anthropicMessagesFormat } from '../api/anthropic/messages-format.js';
import { renderAnthropicError } from '../api/anthropic/errors.js';
import { openAIChatFormat } from '../api/openai/chat-format.js';
import { handleChat } from './handlers/chat.js';
import { handleCreateResponse, handleStoredResponse } from './handlers/responses.js';
import { handleCountTokens } from './handlers/count-tokens.js';
import { SqliteResponseStore } from '../store/response-store.js';
import { handleEmbeddings } from './handlers/embeddings.js';
import { handleRouteExplain } from './handlers/route-explain.js';
import { handleFeedback } from './handlers/feedback.js';
import { handleBatchApi, type BatchService } from './handlers/batches.js';
import { handleMessageBatches } from './handlers/message-batches.js';
import { BATCH_OWNER_HEADER } from '../batch/runner.js';
import { handleGetModel, handleListModels } from './handlers/models.js';
import type { Services } from './services.js';
import { Dashboard } from '../dashboard/handler.js';

export interface GatewayDependencies {
  config: GatewayConfig;
  log: RequestLog;
  logger: Logger;
  /** Replaces the shipped task classifier (tests). */
  localClassifier?: RouterOptions['localClassifier'];
  /**
   * In-process callers (scheduled evaluation runs): secret → key id. Their requests are
   * logged under that key id and belong to no user's key or team (no key or team budget).
   */
  internalKeys?: ReadonlyMap<string, string>;
  /** OpenTelemetry tracing (loaded by startGateway when telemetry.otlp is configured). */
  tracing?: Tracing;
  /** Where access-log lines go when log.access is on (default: stdout). */
  accessLog?: LineSink;
  /** The Files and Batches APIs, and the secret with which the batch runner calls as a batch's owner. */
  batch?: { service: BatchService; secret: string };
  /** Shared state for workers and replicas (state.redis, or the cluster primary); absent: this process alone. */
  state?: GovernanceState;
  /** Replaces the cache the config describes (tests: an injected clock); null for none. */
  cache?: ResponseCache | null;
  /** store.postgres: keys, teams, budgets, alerts and eval runs in PostgreSQL (started by startGateway). */
  governanceStore?: GovernanceSync;
}

/** The best p95 time to first token the gateway has observed across a model's deployments. */
function observedLatencyP95(load: DeploymentLoad, model: ModelConfig): number | undefined {
  let best: number | undefined;
  for (const deployment of model.deployments) {
    const p95 = load.ttftPercentile(deployment, 95);
    if (p95 !== undefined && (best === undefined || p95 < best)) best = p95;
  }
  return best;
}

export interface Gateway {
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** Requests currently being served. */
  inFlight(): number;
  /** Milliseconds since the last request that was not a batch line arrived (Infinity before the first). */
  sinceClientRequestMs(): number;
  /** Stop taking new requests (503) and wait for in-flight ones, up to the deadline. */
  drain(deadlineMs: number): Promise<{ completed: boolean; abandoned: number }>;
  /** Release upstream connections. Call after drain. */
  close(): Promise<void>;
  readonly services: Services;
}

function presentedKey(exchange: Exchange): string | undefined {
  const header = exchange.request.headers.authorization;
  const presented = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : exchange.request.headers['x-api-key'];
  return typeof presented === 'string' && presented !== '' ? presented : undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function useVirtualKey(exchange: Exchange, key: VirtualKey): void {
  exchange.keyId = key.id;
  exchange.team = key.team ?? undefined;
  exchange.virtualKey = key;
  exchange.keyPolicy = { id: key.id, private: key.metadata?.private === 'true', ...(key.allowedModels ? { allowModels: new Set(key.allowedModels) } : {}) };
}

function expectMethodOn(method: string, path: string, allowed: string): void {
  if (method !== allowed) throw new GatewayError('method_not_allowed', `${method} is not allowed on ${path}; use ${allowed}.`);
}

/**
 * The request log failing is alerted on (once per episode: writes failing, rows dropped),
 * besides readiness and /metrics saying so.
 */
function watchRequestLog(log: RequestLog, governance: Governance, logger: Logger): void {
  let failingSince: number | undefined;
  let droppedSince: number | undefined;
  log.watch((health) => {
    if (health.writing === 'ok') failingSince = undefined;
    else if (failingSince === undefined) {
      failingSince = Date.now();
      governance.alerts.fire({
        type: 'request_log',
        alert: 'request_log:failing',
        periodStart: failingSince,
        message: `the request log cannot be written (${health.writing === 'journal_failing' ? 'journal' : 'database'}): ${health.error ?? 'unknown error'}; rows are kept and written when it recovers`,
        details: { writing: health.writing, error: health.error, unwritten_rows: health.unwrittenRows },
      });
    }
    if (health.droppedRows > 0 && droppedSince === undefined) {
      droppedSince = Date.now();
      governance.alerts.fire({
        type: 'request_log',
        alert: 'request_log:dropped',
        periodStart: droppedSince,
        message: `request log rows are being dropped: writing fails and the write buffer (store.write_buffer_mb) is full`,
        details: { dropped_rows: health.droppedRows, error: health.error },
      });
    }
    if (health.writing === 'ok' && health.heldRows === 0) droppedSince = undefined;
    logger.debug({ requestLog: health }, 'request log health changed');
  });
}

/** The longest one replica's half-open probe holds the lease (a replica that dies mid-probe frees it then). */
const PROBE_LEASE_MS = 30_000;

export function createGateway(dependencies: GatewayDependencies): Gateway {
  const { config, log, logger } = dependencies;
  const client = new UpstreamClient();
  const adapters = new Map<string, ProviderAdapter>();
  for (const provider of config.providers.values()) adapters.set(provider.name, createAdapter(provider, client, config.secrets));
  const breakerPolicy = config.resilience.circuitBreaker;
  const breakers = breakerPolicy.enabled ? new CircuitBreakers({ failures: breakerPolicy.failures, cooldownMs: breakerPolicy.cooldownMs }) : undefined;
  const load = new DeploymentLoad();
  const sharedState = dependencies.state?.shared;
  // A circuit opened here is opened in every replica (and worker): all skip the deployment until their probe.
  if (breakers && sharedState) {
    const origin = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    breakers.onOpened = (deployment, cooldownMs) => sharedState.publish({ type: 'circuit_opened', deployment, cooldownMs, origin });
    // After a cooldown one replica probes: the one holding the lease; the others skip the
    // deployment until the probe closes the circuit (circuit_closed) or opens it again.
    breakers.probeLease = (deployment) => (sharedState.available() ? sharedState.claimOnce(`probe:${deployment}`, PROBE_LEASE_MS) : Promise.resolve(true));
    breakers.onProbed = (deployment, closed, cooldownMs) => {
      // Opened again: the lease is kept for a cooldown, so no replica probes before it is over.
      sharedState.releaseClaim(`probe:${deployment}`, closed ? 0 : cooldownMs).catch((error: unknown) => logger.warn({ err: error, deployment }, 'could not free the probe lease; it expires by itself'));
      if (closed) sharedState.publish({ type: 'circuit_closed', deployment, origin });
    };
    sharedState.subscribe((event) => {
      if (event.type === 'circuit_opened' && event.origin !== origin) breakers.openedElsewhere(event.deployment);
      if (event.type === 'circuit_closed' && event.origin !== origin) breakers.closedElsewhere(event.deployment);
    });
  }
  const governanceStore = dependencies.governanceStore;
  const dependencyHealth = (): DependencyHealth[] => [...(sharedState ? [sharedState.health()] : []), ...(governanceStore ? [governanceStore.health()] : [])];
  const metrics = new GatewayMetrics({ breakers, load, log, dependencies: dependencyHealth });
  const resolver = new ModelResolver(config);
  const qualityEstimates = new QualityEstimates(log.feedbackSummary());
  const router = new Router(config, resolver, {
    localClassifier: dependencies.localClassifier ?? ((route) => loadLocalClassifier(route.classify.modelFile, (reason) => logger.warn(reason))),
    latencyP95: (model) => observedLatencyP95(load, model) ?? model.latencyP95Ms,
    quality: (model, category) => qualityEstimates.quality(model, category),
  });
  const governance = new Governance(config, log, logger, dependencies.state, governanceStore);
  const guards = config.guards
    ? new GuardSet(config.guards.policies, config.guards.routePolicies, config.guards.defaultPolicy, (name) =>
        logger.warn(`a virtual key names guard policy "${name}", which the config does not define; the default policy applies to it`),
      )
    : undefined;
  watchRequestLog(log, governance, logger);
  const responses = new SqliteResponseStore(config.store.sqlitePath);
  const executor = new Executor(adapters, load);
  const cache = dependencies.cache !== undefined ? (dependencies.cache ?? undefined) : createResponseCache(config, { executor, breakers });
  // With store.postgres, spend reports read PostgreSQL: every replica's rows, not this process's alone.
  const reportsPool = config.store.postgresUrl !== undefined ? postgresPool(config.store.postgresUrl, { max: 2 }) : undefined;
  const reports = reportsPool ? new PostgresReports(reportsPool) : governance.reports;
  const services: Services = { config, log, logger, breakers, metrics, resolver, router, qualityEstimates, governance, reports, guards, responses, executor, tracing: dependencies.tracing, cache };
  cache?.start().catch((error: unknown) => logger.error({ err: error }, 'loading the semantic cache index failed; it starts empty'));
  const accessLog = config.log.access ? (dependencies.accessLog ?? ((line: string) => void process.stdout.write(line))) : undefined;
  const keyDigests = config.server.apiKeys.map((key, index) => ({ policy: config.server.keyPolicies[index] as KeyPolicy, digest: digest(key) }));
  const internalDigests = [...(dependencies.internalKeys ?? new Map<string, string>())].map(([secret, keyId]) => ({ keyId, digest: digest(secret) }));
  const adminDigest = config.server.adminKey !== undefined ? digest(config.server.adminKey) : undefined;
  const batchDigest = dependencies.batch ? digest(dependencies.batch.secret) : undefined;

  const active = new Set<Exchange>();

  /** What /health/ready says (and the dashboard's health page shows). */
  const readiness = (): { refusing: boolean; body: Record<string, unknown> } => {
    const logHealth = log.health();
    // Not ready when new requests would be refused: draining, or the log cannot take rows and the config says reject.
    const refusing = draining || (logHealth.saturated && config.store.onWriteFailure === 'reject');
    const body = {
      status: draining
        ? 'draining'
        : refusing
          ? 'request_log_unavailable'
          : logHealth.writing !== 'ok' || logHealth.droppedRows > 0 || logHealth.postgres?.state === 'failing' || (sharedState && !sharedState.available()) || (governanceStore && !governanceStore.available())
            ? 'degraded'
            : 'ready',
      simulated: config.simulatedOnly,
      providers: [...config.providers.values()].map((provider) => ({ name: provider.name, type: provider.type, simulated: provider.simulated })),
      in_flight: active.size,
      open_circuits: breakers?.snapshot() ?? [],
      deployments: load.snapshot(),
      request_log: {
        writing: logHealth.writing,
        error: logHealth.error,
        unwritten_rows: logHealth.unwrittenRows,
        held_rows: logHealth.heldRows,
        buffered_bytes: logHealth.bufferedBytes,
        max_buffered_bytes: logHealth.maxBufferedBytes,
        dropped_rows: logHealth.droppedRows,
        on_write_failure: config.store.onWriteFailure,
        // store.postgres: rows are shipped there from the local log; failing means they wait locally.
        ...(logHealth.postgres
          ? { postgres: { state: logHealth.postgres.state, error: logHealth.postgres.error, backlog_rows: logHealth.postgres.backlog, shipped_rows: logHealth.postgres.shippedRows } }
          : {}),
      },
      // Each external dependency and its state; requests under limits or hard budgets follow on_unavailable while one is down.
      dependencies: [
        ...(sharedState ? [{ ...sharedState.health(), role: 'shared state', on_unavailable: config.state.onUnavailable }] : []),
        // Requests keep using the local copy while it is away; changes to keys, teams and budgets are refused (503).
        ...(governanceStore ? [{ ...governanceStore.health(), role: 'keys, teams, budgets, alerts, eval runs (store.postgres)' }] : []),
      ],
    };
    return { refusing, body };
  };
  let lastClientRequestAt = -Infinity;
  let draining = false;
  let drained: (() => void) | undefined;

  /**
   * Who is calling: a virtual key (sk-sy-…), a static key from the config, or — when no
   * keys are required (no static keys, no admin key) — anyone. Never echoes the key.
   */
  const authenticate = (exchange: Exchange): void => {
    const presented = presentedKey(exchange);
    // Hashed once, when a comparison needs it (it was hashed again for every candidate).
    let hashed: Buffer | undefined;
    const presentedDigest = (secret: string): Buffer => (hashed ??= digest(secret));
    if (batchDigest && presented !== undefined && timingSafeEqual(batchDigest, presentedDigest(presented))) return actAsBatchOwner(exchange);
    const internal = presented !== undefined && internalDigests.length > 0 ? internalDigests.find((candidate) => timingSafeEqual(candidate.digest, presentedDigest(presented))) : undefined;
    if (internal) {
      exchange.keyId = internal.keyId;
      exchange.keyPolicy = { id: internal.keyId, private: false };
      return;
    }
    if (presented?.startsWith(KEY_PREFIX)) {
      const key = governance.authenticateVirtualKey(presented, hashed?.toString('hex'));
      useVirtualKey(exchange, key);
      return;
    }
    if (!governance.keysRequired) return;
    if (presented === undefined) throw new GatewayError('missing_api_key', 'You did not provide an API key. Send it as Authorization: Bearer <key>.');
    const keyDigest = presentedDigest(presented);
    const match = keyDigests.find((candidate) => timingSafeEqual(candidate.digest, keyDigest));
    if (!match) {
      if (adminDigest && timingSafeEqual(adminDigest, keyDigest)) throw new GatewayError('permission_denied', 'The admin key is for /admin/* only; use an API key for model requests.');
      throw new GatewayError('invalid_api_key', 'Incorrect API key provided.');
    }
    exchange.keyId = match.policy.id;
    exchange.keyPolicy = match.policy;
  };

  /**
   * A batch line, sent by the batch runner: it runs under the key that created the batch,
   * as that key is now (a key revoked or disabled since fails its remaining lines).
   */
  const actAsBatchOwner = (exchange: Exchange): void => {
    const owner = exchange.request.headers[BATCH_OWNER_HEADER];
    if (typeof owner !== 'string' || owner === '') {
      if (governance.keysRequired) throw new GatewayError('missing_api_key', 'This batch was created without an API key, and the gateway now requires one.');
      return;
    }
    const key = governance.keys.get(owner);
    if (key) {
      const state = keyState(key, Date.now());
      if (state !== 'active') throw new GatewayError('invalid_api_key', `The API key that created this batch (${key.prefix}…) is ${state}.`);
      useVirtualKey(exchange, key);
      return;
    }
    const policy = config.server.keyPolicies.find((candidate) => candidate.id === owner);
    if (!policy) throw new GatewayError('invalid_api_key', 'The API key that created this batch is no longer configured.');
    exchange.keyId = policy.id;
    exchange.keyPolicy = policy;
  };

  /** /admin/*: the admin key, or (for a key's own usage only) the caller's own key. */
  const authenticateAdmin = (exchange: Exchange): 'admin' | 'key' => {
    if (!adminDigest) throw new GatewayError('admin_disabled', 'The admin API is disabled: set server.admin_key in the config.');
    const presented = presentedKey(exchange);
    if (presented === undefined) throw new GatewayError('missing_api_key', 'You did not provide an API key. Send the admin key as Authorization: Bearer <key>.');
    if (timingSafeEqual(adminDigest, digest(presented))) return 'admin';
    authenticate(exchange);
    return 'key';
  };

  const dashboard = new Dashboard({ services, authenticateBearer: authenticateAdmin, health: () => readiness().body });

  const dispatch = async (exchange: Exchange, method: string, path: string, query: string): Promise<void> => {
    // While draining, every answer closes its connection so clients move to another replica.
    if (draining) exchange.response.setHeader('connection', 'close');
    if (path === '/health/live') {
      sendJson(exchange.response, 200, '{"status":"live"}');
      return;
    }
    if (path === '/metrics') {
      expectMethodOn(method, path, 'GET');
      const { contentType, body } = await metrics.render();
      exchange.response.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
      exchange.response.end(body);
      return;
    }
    if (path === '/health/ready') {
      const { refusing, body } = readiness();
      sendJson(exchange.response, refusing ? 503 : 200, JSON.stringify(body));
      return;
    }
    if (draining) throw new GatewayError('shutting_down', 'The gateway is shutting down; retry on another replica.', { retryAfterSeconds: 1 });
    const apiPath = path.startsWith('/v1/') ? path.slice(3) : path;
    const expectMethod = (allowed: string): void => expectMethodOn(method, path, allowed);
    /** store.on_write_failure: reject — no model call while its row could not be kept. */
    const expectLogWritable = (): void => {
      if (config.store.onWriteFailure === 'reject' && log.saturated()) {
        throw new GatewayError('request_log_unavailable', 'The request log cannot be written at the moment and its buffer is full (store.on_write_failure: reject); retry later.', { retryAfterSeconds: 5 });
      }
    };
    switch (apiPath) {
      case '/chat/completions':
        expectMethod('POST');
        authenticate(exchange);
        expectLogWritable();
        return handleChat(exchange, services, openAIChatFormat);
      case '/messages':
        expectMethod('POST');
        authenticate(exchange);
        expectLogWritable();
        return handleChat(exchange, services, anthropicMessagesFormat);
      case '/messages/count_tokens':
        expectMethod('POST');
        authenticate(exchange);
        return handleCountTokens(exchange, services);
      case '/responses':
        // Codex CLI tries the Responses WebSocket mode first; a 426 makes it fall back to HTTP at once, without retries.
        if (method === 'GET' && exchange.request.headers.upgrade?.toLowerCase() === 'websocket') {
          throw new GatewayError('upgrade_required', 'The Responses API WebSocket mode is not served here; send POST /v1/responses over HTTP (streamed with stream: true).');
        }
        expectMethod('POST');
        authenticate(exchange);
        expectLogWritable();
        return handleCreateResponse(exchange, services);
      case '/feedback':
        expectMethod('POST');
        authenticate(exchange);
        return handleFeedback(exchange, services);
      case '/route/explain':
        expectMethod('POST');
        authenticate(exchange);
        return handleRouteExplain(exchange, services);
      case '/embeddings':
        expectMethod('POST');
        authenticate(exchange);
        expectLogWritable();
        return handleEmbeddings(exchange, services);
      case '/models':
        expectMethod('GET');
        authenticate(exchange);
        return handleListModels(exchange, services);
    }
    if (dependencies.batch && (apiPath === '/files' || apiPath.startsWith('/files/') || apiPath === '/batches' || apiPath.startsWith('/batches/'))) {
      authenticate(exchange);
      return handleBatchApi(exchange, dependencies.batch.service, method, apiPath, config.server.maxBodyBytes);
    }
    if (dependencies.batch && (apiPath === '/messages/batches' || apiPath.startsWith('/messages/batches/'))) {
      authenticate(exchange);
      return handleMessageBatches(exchange, dependencies.batch.service, method, apiPath, new URLSearchParams(query), config.server.maxBodyBytes);
    }
    if (path === '/ui' || path.startsWith('/ui/')) return dashboard.handle(exchange, method, path, query);
    if (path === '/admin' || path.startsWith('/admin/')) {
      const role = authenticateAdmin(exchange);
      return handleAdmin(exchange, services, method, path, role);
    }
    if (apiPath.startsWith('/responses/')) {
      authenticate(exchange);
      return handleStoredResponse(exchange, services, method, apiPath.slice('/responses/'.length), new URLSearchParams(query));
    }
    if (apiPath.startsWith('/models/')) {
      expectMethod('GET');
      authenticate(exchange);
      return handleGetModel(exchange, services, decodeURIComponent(apiPath.slice('/models/'.length)));
    }
    throw new GatewayError('not_found', `Unknown endpoint ${method} ${path}.`);
  };

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const exchange = createExchange(request, response);
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    // Dashboard views (a live one stays open) are not in-flight calls: drain does not wait for them.
    const tracked = !path.startsWith('/ui');
    if (tracked && request.headers[BATCH_OWNER_HEADER] === undefined) lastClientRequestAt = exchange.startedAt;
    if (tracked) active.add(exchange);
    const method = request.method ?? 'GET';
    // The access line goes out once the response is closed and the handler has finished (so a client that left is logged with the row's outcome).
    let pendingLine = accessLog ? 2 : 0;
    const lineStep = (): void => {
      if (--pendingLine === 0) accessLog?.(accessLine(exchange, method, path));
    };
    if (accessLog) response.once('close', lineStep);
    dispatch(exchange, method, path, query === -1 ? '' : url.slice(query + 1))
      .catch((error: unknown) => {
        const failure = toGatewayError(error);
        if (failure.status >= 500 && failure.code === 'internal_error') logger.error({ err: error, requestId: exchange.id }, 'request failed');
        // Errors before a handler took over answer in the format of the API the path belongs to.
        if (!response.headersSent) sendError(response, failure, path.endsWith('/messages') || path.includes('/messages/') ? renderAnthropicError : undefined);
        else if (!response.writableEnded) response.destroy();
      })
      .finally(() => {
        if (pendingLine > 0) lineStep();
        active.delete(exchange);
        if (draining && active.size === 0) drained?.();
      });
  };

  return {
    handle,
    services,
    inFlight: () => active.size,
    sinceClientRequestMs: () => performance.now() - lastClientRequestAt,
    async drain(deadlineMs) {
      draining = true;
      dashboard.endLive();
      if (active.size > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, deadlineMs);
          drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      const abandoned = active.size;
      for (const exchange of active) exchange.response.destroy();
      // Give the handlers of destroyed exchanges a turn to record their rows.
      if (abandoned > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      log.flush();
      return { completed: abandoned === 0, abandoned };
    },
    async close() {
      dashboard.close();
      await cache?.close();
      await governance.alerts.settled();
      governance.close();
      await reportsPool?.end().catch(() => undefined);
      responses.close();
      await client.close();
      await dependencies.tracing?.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'exporting the last traces failed'));
    },
  };
}
