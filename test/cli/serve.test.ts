/**
 * `switchyard serve` as a new user meets it: a port that is taken, and what the start banner
 * says about simulation, the config and guards.
 */
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot, runCli, startServe, tempDir } from '../helpers/cli.js';

describe('switchyard serve on a port that is taken', () => {
  it('exits 1 at once, suggesting --port, without a stack trace', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = runCli(['serve', '--port', String(port)], { cwd: tempDir(), env: { SWITCHYARD_LOG_LEVEL: 'warn' } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the port is already in use`);
      expect(result.stderr).toContain(`--port ${port + 1}`);
      expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
      expect(result.stdout).not.toContain('listening on');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('says the same for the port from the config file', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const directory = tempDir();
    writeFileSync(join(directory, 'switchyard.yaml'), `server: { port: ${port} }\nproviders:\n  sim: { type: simulator }\nmodels:\n  m: { provider: sim }\n`);
    try {
      const result = runCli(['serve'], { cwd: directory, env: { SWITCHYARD_LOG_LEVEL: 'warn' } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`127.0.0.1:${port}: the port is already in use`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('the start banner', () => {
  it('in zero-config mode: simulated, how to use real providers, and which guards run', async () => {
    const served = await startServe(['--port', '0'], { cwd: tempDir() });
    try {
      const banner = served.banner();
      expect(banner).toContain('SIMULATED');
      expect(banner).toContain('write switchyard.yaml');
      expect(banner).toMatch(/guards: +none/);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });

  it('with --simulate: every provider replaced and labelled with its protocol, and the example answers', async () => {
    const served = await startServe(['--port', '0', '--simulate', '--config', join(repositoryRoot, 'examples', 'routing-table.yaml')], { cwd: tempDir() });
    try {
      const banner = served.banner();
      expect(banner).toContain('SIMULATED (--simulate)');
      expect(banner).toMatch(/protocol: openai \(openai\), anthropic \(anthropic\)/);
      expect(banner).not.toContain('write switchyard.yaml');
      const response = await fetch(`${served.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-switchyard-sim': 'ttft_ms=0;tps=100000' },
        body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Write a Python function that reverses a string.' }] }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-switchyard-simulated')).toBe('true');
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });

  it('names the guard policies that run', async () => {
    const served = await startServe(['--port', '0', '--simulate', '--config', join(repositoryRoot, 'examples', 'guards.yaml')], { cwd: tempDir(), env: { SWITCHYARD_API_KEY: 'sk-example-client-key-0123456789' } });
    try {
      expect(served.banner()).toMatch(/guards: +every route: default \(request: injection block, pii redact, secrets block, 1 deny rule\(s\); answer: secrets redact, 1 deny rule\(s\), json_schema\); route support: strict/);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });

  it('with --config naming an all-simulator file: says so, and not "write switchyard.yaml"', async () => {
    const directory = tempDir();
    writeFileSync(join(directory, 'sim.yaml'), 'providers:\n  sim: { type: simulator }\nmodels:\n  m: { provider: sim }\n');
    const served = await startServe(['--port', '0', '--config', 'sim.yaml'], { cwd: directory });
    try {
      expect(served.banner()).toContain(`SIMULATED: every provider in ${join(directory, 'sim.yaml')} is the built-in simulator`);
      expect(served.banner()).not.toContain('write switchyard.yaml');
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });
});
