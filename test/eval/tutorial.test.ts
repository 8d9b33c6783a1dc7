/**
 * The tutorial in docs/eval.md, end to end through the CLI on the simulator: measure four
 * models and `auto` on examples/eval/tutorial.jsonl, tune `auto` in place, measure it again,
 * send traffic through it and read the savings. Tuned `auto` must cost less than the most
 * accurate model at an accuracy not significantly lower. (The simulator runs without delays
 * here, so the whole loop takes seconds; the tutorial itself uses the built-in defaults.)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import { GatewayClient } from '../../src/eval/gateway-client.js';
import { startGateway } from '../../src/server/start.js';
import { tempDirectory } from './helpers.js';

const bin = fileURLToPath(new URL('../../bin/switchyard.js', import.meta.url));
const dataset = fileURLToPath(new URL('../../examples/eval/tutorial.jsonl', import.meta.url));
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/_API_KEY$|^OLLAMA_HOST$|_BASE_URL$/.test(name)));

function cli(directory: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args, '--config', 'switchyard.yaml'], { cwd: directory, env: cleanEnv, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const MODELS = ['gpt-5.4', 'claude-sonnet-4.6', 'gpt-5.4-mini', 'deepseek-v4-flash'];

interface Side {
  accuracy: number;
  costPerCallUsd: number;
}

interface ComparisonRow {
  category: string;
  before: Side;
  after: Side;
  pValue: number;
  regression: boolean;
}

describe('the eval tutorial on the simulator', () => {
  it('measure → tune auto in place → measure again → traffic → savings: cheaper than the strongest model at accuracy not significantly lower', async () => {
    const directory = tempDirectory();
    writeFileSync(
      join(directory, 'switchyard.yaml'),
      `# The built-in simulated models and auto route, without simulated delays.
store:
  sqlite: { path: ${JSON.stringify(join(directory, 'switchyard.db'))} }
  flush_interval_ms: 10
providers:
  sim:
    type: simulator
    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }
models:
  gpt-5.4: { provider: sim, price: { input: 1.75, output: 14 } }
  claude-sonnet-4.6: { provider: sim, price: { input: 3, output: 15 } }
  gpt-5.4-mini: { provider: sim, price: { input: 0.25, output: 2 } }
  deepseek-v4-flash: { provider: sim, price: { input: 0.14, output: 0.28 } }
routes:
  auto:
    strategy: cheapest
    quality_floor: 0.85
    description: the cheapest model whose quality for the task category clears 0.85
`,
    );

    // 1. Measure.
    const before = cli(directory, ['eval', 'run', '--dataset', dataset, '--models', MODELS.join(','), '--routes', 'auto', '--runs', '1', '--concurrency', '16', '--name', 'before']);
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toMatch(/^target\s+category\s+n\s+accuracy \[95% CI\]/m);
    expect(before.stdout).toMatch(/^auto \(route\)\s+\(all\)\s+40\s/m);

    // 2. The report (HTML, and JSON to find the most accurate model).
    const report = cli(directory, ['eval', 'report', 'before', '--html', 'before.html', '--json']);
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(join(directory, 'before.html'), 'utf8')).toContain('<div class="table-box">');
    const measured = JSON.parse(report.stdout) as { targets: Array<{ target: string; kind: string; overall: { accuracy: number } }> };
    const strongest = measured.targets.filter((target) => target.kind === 'model').sort((left, right) => right.overall.accuracy - left.overall.accuracy)[0]!.target;

    // 3. Tune auto in place: the proposal and its expected effect, then the diff, then the file.
    const written = cli(directory, ['eval', 'tune', '--run', 'before', '--route', 'auto', '--write']);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toMatch(/Expected effect on the cases of this run/);
    expect(written.stdout).toMatch(/^current auto\s+\d/m);
    expect(written.stdout).toMatch(/^\+\s+strategy: table$/m);
    expect(written.stdout.indexOf('Expected effect')).toBeLessThan(written.stdout.indexOf('+++ '));
    expect(readFileSync(join(directory, 'switchyard.yaml'), 'utf8')).toMatch(/auto:\n(?:.*\n)*? {4}strategy: table\n(?:.*\n)*? {4}table_fallbacks:/);

    // 4. Measure the tuned route on the same cases.
    const after = cli(directory, ['eval', 'run', '--dataset', dataset, '--routes', 'auto', '--runs', '1', '--concurrency', '16', '--name', 'after']);
    expect(after.code, after.stderr).toBe(0);

    // 5. Compare it with the most accurate model of the first run.
    const compared = cli(directory, ['eval', 'compare', `before:${strongest}`, 'after:auto', '--json']);
    expect(compared.code, compared.stderr).toBe(0);
    const overall = (JSON.parse(compared.stdout) as { rows: ComparisonRow[] }).rows.find((row) => row.category === 'all')!;
    expect(overall.regression).toBe(false);
    expect(overall.after.accuracy >= overall.before.accuracy || overall.pValue >= 0.05).toBe(true);
    expect(overall.after.costPerCallUsd).toBeLessThan(overall.before.costPerCallUsd);
    // And no dearer than auto was before tuning.
    const untuned = JSON.parse(cli(directory, ['eval', 'compare', 'before:auto', 'after:auto', '--json']).stdout) as { rows: ComparisonRow[] };
    const untunedAll = untuned.rows.find((row) => row.category === 'all')!;
    expect(untunedAll.after.costPerCallUsd).toBeLessThanOrEqual(untunedAll.before.costPerCallUsd);
    expect(untunedAll.regression).toBe(false);

    // 6. Traffic through the tuned route (the same gateway `serve` starts), then savings.
    const config = loadConfig({ path: join(directory, 'switchyard.yaml') });
    const gateway = await startGateway({ config, logger: silentLogger(), port: 0, host: '127.0.0.1', schedules: false });
    try {
      const client = new GatewayClient(gateway.url, 'unused-on-loopback');
      const prompts = readFileSync(dataset, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { prompt: string }).prompt);
      for (const prompt of prompts) {
        const outcome = await client.chat({ model: 'auto', messages: [{ role: 'user', content: prompt }] });
        expect(outcome.error).toBeNull();
      }
    } finally {
      await gateway.stop(2000);
    }
    for (const mode of ['measured', 'tokens']) {
      const savings = cli(directory, ['spend', '--savings', '--baseline', strongest, '--baseline-mode', mode]);
      expect(savings.code, savings.stderr).toBe(0);
      expect(savings.stdout).toContain(`baseline mode "${mode}"`);
      expect(savings.stdout).toContain('Evaluation calls (key eval:…) are left out');
      const total = /^total: (\d+) requests, \$[\d.]+ actual vs \$[\d.]+ on \S+: saved \$[\d.]+ \((-?[\d.]+) %\)$/m.exec(savings.stdout);
      expect(total, savings.stdout).not.toBeNull();
      expect(Number(total![1])).toBe(40);
      expect(Number(total![2])).toBeGreaterThan(0);
    }
  }, 120_000);
});
