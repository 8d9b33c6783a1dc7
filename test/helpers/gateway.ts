/** Starts a real gateway on a random loopback port with a fast simulator and a temp SQLite log. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { parseConfigText } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import { startGateway, type RunningGateway, type StartOptions } from '../../src/server/start.js';

/** Breakers off: these tests script bursts of upstream errors that would otherwise open circuits. */
export const FAST_SIMULATOR_CONFIG = `
resilience:
  circuit_breaker: { enabled: false }
providers:
  sim:
    type: simulator
    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }
    timeouts: { first_token_ms: 2000, idle_ms: 2000, total_ms: 10000 }
models:
  gpt-5.4:
    provider: sim
    price: { input: 1.75, output: 14, cached_input: 0.175 }
  gpt-5.4-mini:
    provider: sim
    price: { input: 0.25, output: 2 }
  deepseek-v4-flash:
    provider: sim
    price: { input: 0.14, output: 0.28 }
    capabilities: { vision: false }
  text-embedding-3-small:
    kind: embedding
    provider: sim
    price: { input: 0.02, output: 0 }
routes:
  auto:
    model: gpt-5.4-mini
`;

export interface TestGateway {
  running: RunningGateway;
  client: OpenAI;
  dbPath: string;
  stop(): Promise<void>;
}

export async function startTestGateway(configText = FAST_SIMULATOR_CONFIG, env: Record<string, string> = {}, options: Pick<StartOptions, 'accessLog'> = {}): Promise<TestGateway> {
  const directory = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
  const dbPath = join(directory, 'log.db');
  const config = parseConfigText(`store:\n  sqlite: { path: ${JSON.stringify(dbPath)} }\n  flush_interval_ms: 10\n${configText}`, env, 'test');
  const running = await startGateway({ config, logger: silentLogger(), port: 0, host: '127.0.0.1', ...options });
  const client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: env.SWITCHYARD_API_KEY ?? 'unused', maxRetries: 0, timeout: 10_000 });
  return {
    running,
    client,
    dbPath,
    stop: async () => {
      await running.stop(1000);
    },
  };
}
