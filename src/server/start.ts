/**
 * Starts a gateway: simulators for simulated providers (real HTTP servers on loopback),
 * the request log, the pipeline, and the HTTP server. Used by `switchyard serve` and by
 * the end-to-end tests alike.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayConfig, ModelConfig, ProviderConfig } from '../config/load.js';
import { TASK_CATEGORIES, type TaskCategory } from '../core/categories.js';
import type { Logger } from '../core/logger.js';
import { SIMULATED_CATALOG, findCatalogModel, startSimulator, type RunningSimulator, type SimBehaviour, type SimulatedModel } from '../simulator/index.js';
import { SqliteRequestLog } from '../store/sqlite-request-log.js';
import type { RequestLog } from '../store/types.js';
import { createGateway, type Gateway } from './gateway.js';
import { simulatedAuth } from './simulated-providers.js';
import { EvalScheduler, evalKeyId } from '../eval/scheduler.js';
import type { LineSink } from '../observability/access-log.js';
import { loadTracing } from '../observability/tracing.js';
import { BatchStore } from '../batch/store.js';
import { BatchRunner } from '../batch/runner.js';
import { NativeForwarder } from '../batch/native.js';
import { RedisState } from '../state/redis-state.js';
import type { SharedState } from '../state/types.js';
import { GovernanceSync } from '../store/postgres-governance.js';

/** How long a start waits for Redis before serving without it. */
const REDIS_START_WAIT_MS = 10_000;
/** How long a start waits to read keys, teams and budgets from PostgreSQL before serving the local copy. */
const POSTGRES_START_WAIT_MS = 10_000;

export interface StartOptions {
  config: GatewayConfig;
  logger: Logger;
  /** Overrides config.server.port / host (tests use port 0). */
  port?: number;
  host?: string;
  /** Use this log instead of opening config.store.sqlitePath. */
  log?: RequestLog;
  /** Run config eval.schedules in this process (default true; `eval run`'s own gateway: false). */
  schedules?: boolean;
  /** Where access-log lines go when log.access is on (default: stdout). */
  accessLog?: LineSink;
  /** Serve the Files and Batches APIs and work batches (default: config batch.enabled, unless schedules is false). */
  batches?: boolean;
  /** Shared state to use instead of the one config.state describes (the cluster primary's, for workers). */
  state?: SharedState;
  /** More in-process keys (secret → key id), e.g. an interactive eval run's `eval:<run>`. */
  internalKeys?: ReadonlyMap<string, string>;
}

export interface RunningGateway {
  url: string;
  port: number;
  server: Server;
  gateway: Gateway;
  log: RequestLog;
  simulators: RunningSimulator[];
  /** Scheduled evaluation runs (config eval.schedules), when there are any. */
  scheduler: EvalScheduler | undefined;
  /** The batch runner, when batches are on. */
  batches: BatchRunner | undefined;
  /** Graceful stop: refuse new requests, finish in-flight ones (up to the grace period), flush the log. */
  stop(graceMs?: number): Promise<{ completed: boolean; abandoned: number }>;
}

export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const { config, logger } = options;
  const simulators: RunningSimulator[] = [];
  for (const provider of config.providers.values()) {
    if (provider.type !== 'simulator') continue;
    const auth = await simulatedAuth(provider, config.secrets);
    const simulator = await startSimulator({ models: simulatedModelsOf(config, provider), behaviour: behaviourOf(provider), credentials: auth.credentials });
    auth.attach(simulator.url);
    simulators.push(simulator);
  }

  const log =
    options.log ??
    new SqliteRequestLog({
      path: config.store.sqlitePath,
      flushIntervalMs: config.store.flushIntervalMs,
      maxBufferedBytes: config.store.writeBufferBytes,
      retention: { retentionDays: config.store.retentionDays, maxSizeBytes: config.store.maxSizeBytes },
      ...(config.store.postgresUrl !== undefined ? { postgresUrl: config.store.postgresUrl } : {}),
      onWriterError: (message) => logger.error({ path: config.store.sqlitePath }, message),
    });
  const schedules = options.schedules !== false ? config.eval.schedules : [];
  // Scheduled eval runs call this gateway with in-process keys (key id eval:<schedule>).
  const evalKeys = new Map(schedules.map((schedule) => [schedule.name, `sy-internal-${randomBytes(24).toString('hex')}`]));
  // The OpenTelemetry SDK is imported only when tracing is configured.
  const tracing = await loadTracing(config, (message) => logger.warn(message));
  const batchesOn = options.batches ?? (config.batch.enabled && options.schedules !== false);
  const batchStore = batchesOn ? new BatchStore(config.batch.dir) : undefined;
  let runner: BatchRunner | undefined;
  const batchSecret = `sy-batch-${randomBytes(24).toString('hex')}`;
  const internalKeys = new Map([...evalKeys].map(([name, secret]) => [secret, evalKeyId(name)]));
  for (const [secret, keyId] of options.internalKeys ?? []) internalKeys.set(secret, keyId);
  // state.redis: budgets, limits, key changes, circuits and alerts shared with every replica.
  let shared = options.state;
  if (!shared && config.state.redis) {
    const redis = new RedisState({ ...config.state.redis, logger });
    // Start serving once Redis answers, or after a while without it (it keeps trying; on_unavailable applies meanwhile).
    if (!(await redis.connected(REDIS_START_WAIT_MS))) logger.warn({ waitedMs: REDIS_START_WAIT_MS }, 'starting without Redis (state.redis): it did not answer in time; reconnecting in the background');
    shared = redis;
  }
  // store.postgres: keys, teams, budgets, alerts and eval runs follow PostgreSQL; this process's
  // SQLite file is their local copy. Serve once everything is read, or after a while without it.
  let governanceStore: GovernanceSync | undefined;
  if (config.store.postgresUrl !== undefined) {
    governanceStore = new GovernanceSync(config.store.postgresUrl, config.store.sqlitePath, logger, { drainOutbox: true });
    if (!(await governanceStore.start(POSTGRES_START_WAIT_MS))) {
      logger.warn({ waitedMs: POSTGRES_START_WAIT_MS }, 'starting without PostgreSQL (store.postgres): keys, teams and budgets are served from the local copy and cannot be changed until it answers');
    }
  }
  const gateway = createGateway({
    config,
    log,
    logger,
    ...(governanceStore ? { governanceStore } : {}),
    ...(shared ? { state: { shared, onUnavailable: config.state.onUnavailable } } : {}),
    ...(tracing ? { tracing } : {}),
    ...(options.accessLog ? { accessLog: options.accessLog } : {}),
    internalKeys,
    ...(batchStore ? { batch: { secret: batchSecret, service: { store: batchStore, settings: config.batch, poke: () => runner?.poke() } } } : {}),
  });
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000 }, gateway.handle);
  const host = options.host ?? config.server.host;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? config.server.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // Nothing may keep the process alive after a failed start (a port in use is an exit, not a hang).
    await gateway.close();
    await governanceStore?.close(0);
    if (!options.state) await shared?.close();
    await Promise.all(simulators.map((simulator) => simulator.close()));
    batchStore?.close();
    if (!options.log) log.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${urlHost}:${port}`;
  // A scheduled firing is claimed once across replicas: in Redis when it answers, else in PostgreSQL.
  const store = governanceStore;
  const claim =
    shared || store
      ? async (name: string, ttlMs: number): Promise<boolean> => {
          if (shared?.available() || !store) return shared ? shared.claimOnce(name, ttlMs) : true;
          return store.claimOnce(name, ttlMs);
        }
      : undefined;
  const scheduler =
    schedules.length > 0
      ? new EvalScheduler({
          config,
          baseUrl: url,
          keyFor: (name) => evalKeys.get(name) ?? '',
          alerts: gateway.services.governance.alerts,
          logger,
          ...(claim ? { claim } : {}),
        })
      : undefined;
  scheduler?.start();
  if (batchStore) {
    const governance = gateway.services.governance;
    const native = [...config.models.values()].some((model) => model.batch === 'native')
      ? new NativeForwarder({ store: batchStore, log, models: config.models, pollMs: config.batch.nativePollMs, teamOf: (owner) => (owner ? (governance.keys.get(owner)?.team ?? null) : null), logger })
      : undefined;
    runner = new BatchRunner({
      store: batchStore,
      log,
      settings: config.batch,
      baseUrl: url,
      secret: batchSecret,
      inFlight: () => gateway.inFlight(),
      sinceClientRequestMs: () => gateway.sinceClientRequestMs(),
      maxLineBytes: config.server.maxBodyBytes,
      logger,
      ...(native ? { native } : {}),
    });
    runner.start();
  }

  let stopping: Promise<{ completed: boolean; abandoned: number }> | undefined;
  const stop = (graceMs = config.server.shutdownGraceMs) => {
    stopping ??= (async () => {
      // Keep listening while draining, so a new request gets a clear 503 (with
      // connection: close) rather than a refused connection; idle keep-alive sockets go now.
      server.closeIdleConnections();
      // Scheduled eval runs stop first: no new calls; the ones in flight drain with the rest.
      const schedulerStopped = scheduler?.stop(graceMs);
      // The batch runner sends no new line; lines in flight drain with the rest, the others resume at the next start.
      const runnerStopped = runner?.stop();
      const result = await gateway.drain(graceMs);
      await schedulerStopped;
      await runnerStopped;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await gateway.close();
      await governanceStore?.close();
      if (!options.state) await shared?.close();
      await Promise.all(simulators.map((simulator) => simulator.close()));
      batchStore?.close();
      if (!options.log) log.close();
      else log.flush();
      return result;
    })();
    return stopping;
  };

  return { url, port, server, gateway, log, simulators, scheduler, batches: runner, stop };
}

function behaviourOf(provider: ProviderConfig): Partial<SimBehaviour> {
  const settings = provider.simulator ?? {};
  const behaviour: Partial<SimBehaviour> = {};
  if (settings.ttftMs !== undefined) behaviour.ttftMs = settings.ttftMs;
  if (settings.tokensPerSecond !== undefined) behaviour.tokensPerSecond = settings.tokensPerSecond;
  if (settings.maxAnswerTokens !== undefined) behaviour.maxAnswerTokens = settings.maxAnswerTokens;
  if (settings.errorRate !== undefined) behaviour.errorRate = settings.errorRate;
  if (settings.errorStatus !== undefined) behaviour.errorStatus = settings.errorStatus;
  if (settings.retryAfterSeconds !== undefined) behaviour.retryAfterSeconds = settings.retryAfterSeconds;
  if (settings.breakAfterTokens !== undefined) behaviour.breakAfterTokens = settings.breakAfterTokens;
  if (settings.hang !== undefined) behaviour.hang = settings.hang;
  if (settings.slowRate !== undefined) behaviour.slowRate = settings.slowRate;
  if (settings.slowTtftMs !== undefined) behaviour.slowTtftMs = settings.slowTtftMs;
  if (settings.safetyBlock !== undefined) behaviour.safetyBlock = settings.safetyBlock;
  return behaviour;
}

/** The simulated models a simulator provider serves: catalog profiles, or a generic one for other names. */
function simulatedModelsOf(config: GatewayConfig, provider: ProviderConfig): SimulatedModel[] {
  const served = new Map<string, SimulatedModel>();
  for (const model of config.models.values()) {
    for (const deployment of model.deployments) {
      if (deployment.provider !== provider || served.has(deployment.upstreamModel)) continue;
      const known = findCatalogModel(deployment.upstreamModel);
      served.set(deployment.upstreamModel, known ? { ...known, name: deployment.upstreamModel } : genericProfile(deployment.upstreamModel, model));
    }
  }
  // `simulator/<name>` reaches any catalog model even when the config does not list it.
  for (const model of SIMULATED_CATALOG) if (!served.has(model.name)) served.set(model.name, model);
  return [...served.values()];
}

function genericProfile(name: string, model: ModelConfig): SimulatedModel {
  const quality = Object.fromEntries(TASK_CATEGORIES.map((category) => [category, 0.8])) as Record<TaskCategory, number>;
  return {
    name,
    kind: model.kind,
    family: 'openai',
    price: { input: model.price?.input ?? 0, output: model.price?.output ?? 0 },
    contextWindow: model.contextWindow ?? 128_000,
    maxOutputTokens: model.maxOutputTokens ?? 16_384,
    capabilities: { tools: model.capabilities.tools, vision: model.capabilities.vision, jsonSchema: model.capabilities.jsonSchema },
    private: model.private,
    quality,
    behaviour: {},
    ...(model.kind === 'embedding' ? { dimensions: 1536 } : {}),
  };
}
