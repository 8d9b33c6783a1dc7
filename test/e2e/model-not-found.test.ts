/**
 * Naming a model that cannot be reached, as a new user does on the zero-config gateway:
 * the 404 says what is missing and how to add it, and nothing the request named turns up
 * as a deployment in /health/ready.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';
import { SIMULATED_CATALOG, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';

function temporaryDatabase(): string {
  return join(mkdtempSync(join(tmpdir(), 'switchyard-notfound-')), 'log.db');
}

async function deployments(gateway: RunningGateway): Promise<string[]> {
  const ready = (await (await fetch(`${gateway.url}/health/ready`)).json()) as { deployments: { provider: string; upstreamModel: string }[] };
  return ready.deployments.map((deployment) => `${deployment.provider}/${deployment.upstreamModel}`).sort();
}

describe('the zero-config gateway', () => {
  let gateway: RunningGateway;
  let openai: OpenAI;
  beforeAll(async () => {
    const config = loadConfig({ env: {}, cwd: mkdtempSync(join(tmpdir(), 'switchyard-empty-')) });
    config.store.sqlitePath = temporaryDatabase();
    gateway = await startGateway({ config, logger: silentLogger(), port: 0, host: '127.0.0.1' });
    openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.stop(1000);
  });

  it('openai/gpt-4.1: no provider named openai is configured, and how to add one', async () => {
    const error = await openai.chat.completions.create({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    const message = (error as Error).message;
    expect(message).toContain("No provider named 'openai' is configured (configured providers: simulator, simulator-anthropic, simulator-gemini)");
    expect(message).toContain('set OPENAI_API_KEY');
    expect(message).toContain('providers:');
    expect(message).not.toContain('Use <provider>/<model>');
  });

  it('says the same to an Anthropic client, in its format', async () => {
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: 'unused', maxRetries: 0 });
    const error = await anthropic.messages.create({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as Error).message).toContain("No provider named 'anthropic' is configured");
    expect((error as Error).message).toContain('set ANTHROPIC_API_KEY');
  });

  it('a provider nobody configures by environment: add it to the config', async () => {
    const error = await openai.chat.completions.create({ model: 'acme/frontier-1', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain("No provider named 'acme' is configured");
    expect((error as Error).message).toContain('add it under providers: in the config file');
  });

  it('simulator/<anything>: a 404 listing what the simulator serves, and no phantom deployment', async () => {
    const before = await deployments(gateway);
    for (const name of ['simulator/ghost-1', 'simulator/ghost-2', 'simulator-anthropic/ghost-3']) {
      const error = await openai.chat.completions.create({ model: name, messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect((error as Error).message).toMatch(/The simulated provider 'simulator(-anthropic)?' has no model 'ghost-\d'; it serves .*gpt-5\.4-mini/);
    }
    const served = await openai.chat.completions.create({ model: 'simulator/gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(served.choices[0]?.message.content).toBeTruthy();
    const after = await deployments(gateway);
    expect(after.filter((deployment) => deployment.includes('ghost'))).toEqual([]);
    expect(after.filter((deployment) => !before.includes(deployment))).toEqual(['simulator/gpt-5.4-mini']);
  });
});

describe('a real provider that does not have the model', () => {
  let upstream: RunningSimulator;
  let gateway: RunningGateway;
  beforeAll(async () => {
    upstream = await startSimulator({ models: SIMULATED_CATALOG.slice(0, 1), behaviour: { ttftMs: 0, tokensPerSecond: 100_000 } });
    const config = parseConfigText(
      `store: { sqlite: { path: ${JSON.stringify(temporaryDatabase())} } }\nproviders:\n  upstream: { type: openai-compatible, base_url: ${upstream.url}/v1 }\nmodels:\n  main: { provider: upstream, upstream_model: ${SIMULATED_CATALOG[0]?.name} }\n`,
      {},
      'test',
    );
    gateway = await startGateway({ config, logger: silentLogger(), port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await gateway.stop(1000);
    await upstream.close();
  });

  it('leaves no deployment behind for names the upstream refused', async () => {
    for (let index = 0; index < 5; index++) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: `upstream/typo-${index}`, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
    }
    expect((await deployments(gateway)).filter((deployment) => deployment.includes('typo'))).toEqual([]);
  });
});
