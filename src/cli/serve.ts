/**
 * `switchyard serve`: load the config, start the gateway, print the banner, and on
 * SIGTERM/SIGINT drain gracefully (readiness 503 at once, in-flight requests finish,
 * the log is flushed) before exiting 0.
 */
import { isLoopbackHost, loadConfig } from '../config/load.js';
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
  // Logging never holds the gateway up: a reader that went away (`serve | head -1`, a dead
  // log shipper) turns stdout writes into EPIPE errors, which are ignored.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const destination = new LogDestination(1);
  const logger = createLogger({ destination });
  const port = values.port !== undefined ? portOption(values.port) : undefined;
  let running: RunningGateway;
  try {
    // Access-log lines share stdout's non-blocking destination with the gateway's own log.
    running = await startGateway({ config, logger, host, accessLog: (line) => destination.write(line), ...(port !== undefined ? { port } : {}) });
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
  // The banner comes last: whoever reads it may signal at once, and the handlers are in place.
  console.log(bannerLines({ url: running.url, version: VERSION, config, host, insecure: insecure && config.server.apiKeys.length === 0 }).join('\n'));
  return new Promise<number>(() => undefined);
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
