/** Structured logging (pino). Secrets are scrubbed by the callers; headers are never logged. */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const level = options.level ?? process.env.SWITCHYARD_LOG_LEVEL ?? 'info';
  return options.destination ? pino({ level, base: undefined }, options.destination) : pino({ level, base: undefined });
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
