/**
 * `switchyard serve`: load the config, start the gateway, print the banner, and on
 * SIGTERM/SIGINT drain gracefully (readiness 503 at once, in-flight requests finish,
 * the log is flushed) before exiting 0.
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { isLoopbackHost, loadConfig, type GatewayConfig } from '../config/load.js';
import { MemoryLedger } from '../state/memory-ledger.js';
import { PrimaryState, servePrimaryState } from '../state/primary-state.js';
import { LogDestination } from '../core/log-destination.js';
import { createLogger } from '../core/logger.js';
import { countTokens } from '../core/tokens.js';
import { startGateway, type RunningGateway } from '../server/start.js';
import { CliError, portOption, UsageError } from './arguments.js';
import { bannerLines } from './banner.js';
import { VERSION } from './version.js';

/** After SIGTERM, the process exits at most this long after the grace period, whatever hangs. */
const SHUTDOWN_MARGIN_MS = 5000;
/** How long shutdown waits for the gateway's own log lines to reach stdout. */
const LOG_FLUSH_MS = 1000;

export async function runServe(values: Record<string, string | boolean | undefined>): Promise<number> {
  const config = loadConfig({ ...(typeof values.config === 'string' ? { path: values.config } : {}), simulate: values.simulate === true });
  const host = typeof values.host === 'string' ? values.host : config.server.host;
  const insecure = values['insecure-no-auth'] === true || config.server.insecureNoAuth;
  if (!isLoopbackHost(host) && config.server.apiKeys.length === 0 && !config.server.adminKey && !insecure) {
    throw new UsageError(`refusing to listen on ${host} without API keys: set server.api_keys in the config, or pass --insecure-no-auth`);
  }
  const workers = workersOption(values.workers);
  if (workers > 1 && cluster.isPrimary) return runPrimary(config, workers, { host, insecure });
  const worker = cluster.isWorker ? workerIndex() : undefined;
  // Logging never holds the gateway up: a reader that went away (`serve | head -1`, a dead
  // log shipper) turns stdout writes into EPIPE errors, which are ignored.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const destination = new LogDestination(1);
  const logger = createLogger({ destination });
  const port = values.port !== undefined ? portOption(values.port) : undefined;
  let running: RunningGateway;
  try {
    // Access-log lines share stdout's non-blocking destination with the gateway's own log.
    running = await startGateway({
      config,
      logger,
      host,
      accessLog: (line) => destination.write(line),
      ...(port !== undefined ? { port } : {}),
      // A worker without Redis shares its state through the primary process.
      ...(worker !== undefined && !config.state.redis ? { state: new PrimaryState() } : {}),
      // Scheduled eval runs happen in the first worker only (with Redis each firing is also claimed there).
      ...(worker !== undefined && worker > 0 ? { schedules: false, batches: config.batch.enabled } : {}),
    });
  } catch (error) {
    throw listenError(error, host, port ?? config.server.port);
  }
  // Load the tokenizer now rather than on the first request that needs it.
  setImmediate(() => countTokens('warm up'));

  let exiting = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (exiting) return;
    exiting = true;
    // Whatever happens below, the process ends: the grace period, then a little for the log.
    setTimeout(() => {
      try {
        running.log.flush();
      } finally {
        process.exit(1);
      }
    }, config.server.shutdownGraceMs + SHUTDOWN_MARGIN_MS).unref();
    logger.info({ signal, inFlight: running.gateway.inFlight() }, 'draining');
    const result = await running.stop(config.server.shutdownGraceMs);
    logger.info(result, 'stopped');
    await destination.flush(LOG_FLUSH_MS);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; flushing the request log and exiting');
    try {
      running.log.flush();
    } finally {
      void destination.flush(LOG_FLUSH_MS).then(() => process.exit(1));
    }
  });
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection');
  });
  if (worker !== undefined) {
    // The primary prints the banner once every worker listens; a worker whose primary is gone stops.
    process.on('disconnect', () => void shutdown('primary exited'));
    process.send?.({ sy: 'listening', url: running.url });
    return new Promise<number>(() => undefined);
  }
  // The banner comes last: whoever reads it may signal at once, and the handlers are in place.
  console.log(bannerLines({ url: running.url, version: VERSION, config, host, insecure: insecure && config.server.apiKeys.length === 0 }).join('\n'));
  return new Promise<number>(() => undefined);
}

/** --workers N|auto: a count of processes (auto: one per core the machine offers). */
function workersOption(value: string | boolean | undefined): number {
  if (value === undefined || value === false) return 1;
  if (value === 'auto') return Math.max(1, availableParallelism());
  const count = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(count) || count < 1 || count > 256) throw new UsageError(`--workers must be a whole number from 1 to 256, or auto (got ${String(value)})`);
  return count;
}

function workerIndex(): number {
  return Number(process.env[WORKER_INDEX_ENV] ?? '0');
}

const WORKER_INDEX_ENV = 'SWITCHYARD_WORKER_INDEX';

/**
 * The primary of `serve --workers N`: forks N workers that listen on one port (node:cluster
 * hands connections to them in turn), holds their shared state when there is no Redis
 * (state/primary-state.ts), replaces a worker that dies, prints the banner once all
 * listen, and on SIGTERM/SIGINT lets every worker drain before exiting.
 */
async function runPrimary(config: GatewayConfig, count: number, facts: { host: string; insecure: boolean }): Promise<number> {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const logger = createLogger({ destination: new LogDestination(1) });
  const ledger = config.state.redis ? undefined : new MemoryLedger();
  const listening = new Map<number, string>();
  let stopping = false;
  let bannerShown = false;
  const everyWorker = (): Worker[] => Object.values(cluster.workers ?? {}).filter((each): each is Worker => each !== undefined);
  let failedStart: ((code: number) => void) | undefined;
  const startFailed = new Promise<number>((resolve) => (failedStart = resolve));
  const fork = (index: number): void => {
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index) });
    if (ledger) servePrimaryState(ledger, worker, everyWorker);
    worker.on('message', (message: { sy?: string; url?: string }) => {
      if (message?.sy !== 'listening' || typeof message.url !== 'string') return;
      listening.set(index, message.url);
      if (!bannerShown && listening.size === count) {
        bannerShown = true;
        const lines = bannerLines({ url: message.url, version: VERSION, config, host: facts.host, insecure: facts.insecure && config.server.apiKeys.length === 0 });
        lines.splice(1, 0, `  workers:  ${count} processes on one port; shared state: ${config.state.redis ? 'Redis (state.redis)' : 'this primary process'}`);
        console.log(lines.join('\n'));
      }
    });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      if (!listening.has(index)) {
        // It never listened (a port in use, a config it cannot load): it said why; stop them all.
        failedStart?.(code ?? 1);
        return;
      }
      logger.error({ worker: index, code, signal }, 'a worker exited; starting another');
      listening.delete(index);
      setTimeout(() => {
        if (!stopping) fork(index);
      }, 200);
    });
  };
  const stopAll = async (): Promise<void> => {
    stopping = true;
    const exits = everyWorker().map((worker) => new Promise<void>((resolve) => (worker.isDead() ? resolve() : worker.once('exit', () => resolve()))));
    for (const worker of everyWorker()) if (!worker.isDead()) worker.process.kill('SIGTERM');
    await Promise.all(exits);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      logger.info({ signal, workers: count }, 'draining every worker');
      void stopAll().then(() => process.exit(0));
    });
  }
  for (let index = 0; index < count; index++) fork(index);
  const code = await startFailed;
  await stopAll();
  return code;
}

/** Why the gateway could not listen, and what to do about it; other errors pass through. */
function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const other = port === 65535 ? port - 1 : port + 1;
  if (code === 'EADDRINUSE') return new CliError(`cannot listen on ${host}:${port}: the port is already in use (is another gateway running?). Start on another port with --port ${other}, or set server.port in the config.`);
  if (code === 'EACCES') return new CliError(`cannot listen on ${host}:${port}: permission denied (ports below 1024 need privileges). Start on another port with --port ${other > 1024 ? other : 4040}.`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new CliError(`cannot listen on ${host}:${port}: this machine has no such address. Choose another with --host (127.0.0.1 for this machine only).`);
  return error;
}
