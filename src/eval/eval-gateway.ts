/**
 * The gateway an evaluation runs through: started in-process on a free loopback port
 * from the same config `serve` uses, so calls take the real adapters, routing, fallbacks
 * and pricing, and stopped (log flushed) when the run ends.
 */
import { randomBytes } from 'node:crypto';
import type { GatewayConfig } from '../config/load.js';
import { createLogger, silentLogger } from '../core/logger.js';
import { startGateway, type RunningGateway } from '../server/start.js';
import type { GatewayClient } from './gateway-client.js';
import { ModelScorer } from './judge/remote-scorer.js';
import type { EvalStore, StoredRun } from './store.js';

/** The key evaluation calls present: SWITCHYARD_API_KEY, else the config's first static key. */
export function evaluationApiKey(config: GatewayConfig, env: Record<string, string | undefined> = process.env): string {
  return env.SWITCHYARD_API_KEY ?? config.server.apiKeys[0] ?? 'unused-on-loopback';
}

/**
 * The gateway for one run. With `runName`, it accepts an in-process key (`runKey`) that the
 * request log records as key id `eval:<run>`, like a scheduled run's: the calls are told
 * apart from traffic, left out of spend and savings reports unless asked, and charged to
 * no user's key or team budget.
 */
export async function startEvalGateway(config: GatewayConfig, runName?: string): Promise<RunningGateway & { runKey?: string }> {
  // Quiet unless asked: the gateway logs every request, and the run prints its own progress.
  const logger = process.env.SWITCHYARD_LOG_LEVEL ? createLogger({ destination: process.stderr }) : silentLogger();
  const runKey = runName !== undefined ? `sy-internal-${randomBytes(24).toString('hex')}` : undefined;
  // The config's eval.schedules belong to `serve`, not to this gateway.
  const gateway = await startGateway({
    config,
    logger,
    port: 0,
    host: '127.0.0.1',
    schedules: false,
    ...(runKey !== undefined ? { internalKeys: new Map([[runKey, `eval:${runName}`]]) } : {}),
  });
  return runKey !== undefined ? Object.assign(gateway, { runKey }) : gateway;
}

/** Whether the judge can be asked for JSON through response_format. */
export function supportsStructuredOutput(name: string, config: GatewayConfig): boolean {
  return config.models.get(name)?.capabilities.jsonSchema ?? false;
}

/** The scorer for a run's model-backed scorers (judge, embedding), through `client`. */
export function runScorer(run: StoredRun, client: GatewayClient, store: EvalStore, config: GatewayConfig): ModelScorer {
  const judge = run.options.judge;
  return new ModelScorer({
    client,
    store,
    structuredJudge: judge !== undefined && supportsStructuredOutput(judge, config),
    ...(judge ? { judge } : {}),
    ...(run.options.embeddingModel ? { embeddingModel: run.options.embeddingModel } : {}),
  });
}
