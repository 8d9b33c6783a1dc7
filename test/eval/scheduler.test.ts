/**
 * Scheduled evaluation runs: the cron parser and next-fire computation (hand-computed
 * dates, an injected clock — nothing waits for real time), config validation with paths,
 * and runs inside a real server against simulated models: stored as <schedule>-<stamp>,
 * logged under key id eval:<schedule>, one alert (log + webhook) on a regression and none
 * without, and a drain during a run that leaves it interrupted and resumable.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText, type GatewayConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/core/logger.js';
import { CronError, nextFire, parseCron } from '../../src/eval/cron.js';
import { EvalScheduler, runsOfSchedule, scheduledRunName, type SchedulerTimers } from '../../src/eval/scheduler.js';
import { EvalStore } from '../../src/eval/store.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';
import { arithmeticDataset, tempDirectory, writeFile } from './helpers.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('cron expressions', () => {
  it('parses fields, lists, ranges, steps, names and shorthands', () => {
    const schedule = parseCron('*/15 9-17 1,15 jan-mar mon-fri');
    expect([...schedule.minutes]).toEqual([0, 15, 30, 45]);
    expect([...schedule.hours]).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect([...schedule.daysOfMonth]).toEqual([1, 15]);
    expect([...schedule.months]).toEqual([1, 2, 3]);
    expect([...schedule.daysOfWeek]).toEqual([1, 2, 3, 4, 5]);
    expect([...parseCron('0 0 * * 7').daysOfWeek]).toEqual([0]);
    expect([...parseCron('5/20 * * * *').minutes]).toEqual([5, 25, 45]);
    expect([...parseCron('@daily').hours]).toEqual([0]);
  });

  it.each([
    ['0 3 * *', /expected 5 fields/],
    ['60 * * * *', /minute: 60 is outside 0-59/],
    ['* 24 * * *', /hour: 24 is outside 0-23/],
    ['* * 0 * *', /day of month: 0 is outside 1-31/],
    ['* * * 13 *', /month: 13 is outside 1-12/],
    ['* * * * funday', /day of week: "funday" is not a number/],
    ['*/0 * * * *', /step "0"/],
    ['10-5 * * * *', /runs backwards/],
    ['1,,2 * * * *', /empty list item/],
    ['@fortnightly', /unknown shorthand/],
  ])('rejects %s', (expression, message) => {
    expect(() => parseCron(expression)).toThrow(CronError);
    expect(() => parseCron(expression)).toThrow(message);
  });

  it('computes the next firing in UTC, strictly after the given time', () => {
    // 2026-11-22 is a Sunday.
    expect(iso(nextFire(parseCron('0 3 * * *'), at('2026-11-22T20:02:00Z')))).toBe('2026-11-23T03:00:00.000Z');
    expect(iso(nextFire(parseCron('0 3 * * *'), at('2026-11-23T03:00:00Z')))).toBe('2026-11-24T03:00:00.000Z');
    expect(iso(nextFire(parseCron('*/15 * * * *'), at('2026-11-22T10:07:31Z')))).toBe('2026-11-22T10:15:00.000Z');
    expect(iso(nextFire(parseCron('0 9 * * mon-fri'), at('2026-11-27T10:00:00Z')))).toBe('2026-11-30T09:00:00.000Z');
    expect(iso(nextFire(parseCron('30 23 31 12 *'), at('2026-11-22T00:00:00Z')))).toBe('2026-12-31T23:30:00.000Z');
    expect(iso(nextFire(parseCron('0 0 29 2 *'), at('2026-03-01T00:00:00Z')))).toBe('2028-02-29T00:00:00.000Z');
    // Day of month and day of week both restricted: either matches (the 13th, or a Friday).
    expect(iso(nextFire(parseCron('0 0 13 * fri'), at('2026-11-22T00:00:00Z')))).toBe('2026-11-27T00:00:00.000Z');
    expect(iso(nextFire(parseCron('0 0 13 * fri'), at('2026-12-10T00:00:00Z')))).toBe('2026-12-11T00:00:00.000Z');
    expect(iso(nextFire(parseCron('0 0 13 * fri'), at('2026-12-11T00:00:00Z')))).toBe('2026-12-13T00:00:00.000Z');
    expect(nextFire(parseCron('0 0 31 2 *'), at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('names runs after the schedule and the UTC time', () => {
    expect(scheduledRunName('nightly', at('2026-11-23T03:00:00.123Z'))).toBe('nightly-20261123T030000Z');
  });
});

function simConfig(directory: string, options: { candidate: string; webhook?: string; ttftMs?: number; cron?: string; alpha?: number; cases?: string }): string {
  return `store:
  sqlite: { path: ${JSON.stringify(join(directory, 'switchyard.db'))} }
  flush_interval_ms: 10
resilience:
  circuit_breaker: { enabled: false }
providers:
  sim:
    type: simulator
    behaviour: { ttft_ms: ${options.ttftMs ?? 0}, tokens_per_second: 100000 }
models:
  candidate:
    provider: sim
    upstream_model: ${options.candidate}
    price: { input: 1, output: 2 }
  gpt-5.4-mini:
    provider: sim
    price: { input: 0.25, output: 2 }
${options.webhook ? `governance:\n  alerts:\n    webhook_url: ${options.webhook}\n` : ''}eval:
  schedules:
    - name: nightly
      cron: "${options.cron ?? '0 3 * * *'}"
      dataset: ${JSON.stringify(join(directory, options.cases ?? 'arithmetic.jsonl'))}
      models: [candidate]
      concurrency: 4
      alpha: ${options.alpha ?? 0.05}
`;
}

describe('eval.schedules in the config', () => {
  const directory = tempDirectory();
  writeFile(directory, 'arithmetic.jsonl', arithmeticDataset(5));
  const source = join(directory, 'switchyard.yaml');

  it('resolves a schedule with its defaults', () => {
    const config = parseConfigText(simConfig(directory, { candidate: 'gpt-5.4' }), {}, source);
    expect(config.eval.schedules).toHaveLength(1);
    const [schedule] = config.eval.schedules;
    expect(schedule?.dataset).toBe(join(directory, 'arithmetic.jsonl'));
    expect(schedule).toMatchObject({ name: 'nightly', models: ['candidate'], routes: [], runs: 1, concurrency: 4, compareWith: 'previous', alpha: 0.05, minDrop: 0 });
  });

  it('reports a bad cron expression, unknown models and routes and a missing dataset with their paths', () => {
    const text = simConfig(directory, { candidate: 'gpt-5.4', cron: '0 25 * * *', cases: 'missing.jsonl' }).replace(
      'models: [candidate]',
      `models: [candidate, no-such-model]\n      routes: [no-such-route]\n    - name: never\n      cron: "0 0 31 2 *"\n      dataset: ${JSON.stringify(join(directory, 'arithmetic.jsonl'))}\n      models: [candidate]`,
    );
    let error: unknown;
    try {
      parseConfigText(text, {}, source);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(issues).toContainEqual(expect.stringMatching(/^eval\.schedules\[0\]\.cron: invalid cron expression "0 25 \* \* \*": hour: 25 is outside 0-23/));
    expect(issues).toContainEqual(expect.stringMatching(/^eval\.schedules\[0\]\.dataset: dataset file .*missing\.jsonl does not exist/));
    expect(issues).toContainEqual(expect.stringMatching(/^eval\.schedules\[0\]\.models\[1\]: unknown model "no-such-model"/));
    expect(issues).toContainEqual(expect.stringMatching(/^eval\.schedules\[0\]\.routes\[0\]: unknown route "no-such-route"/));
    expect(issues).toContainEqual(expect.stringMatching(/^eval\.schedules\[1\]\.cron: "0 0 31 2 \*" never fires/));
  });

  it('rejects unknown fields and bad names through the schema', () => {
    expect(() => parseConfigText(simConfig(directory, { candidate: 'gpt-5.4' }).replace('concurrency: 4', 'concurency: 4'), {}, source)).toThrow(/eval\.schedules\.0|eval\.schedules\[0\]/);
    expect(() => parseConfigText(simConfig(directory, { candidate: 'gpt-5.4' }).replace('name: nightly', 'name: "night ly"'), {}, source)).toThrow(/name/);
  });
});

class FakeTimers implements SchedulerTimers {
  readonly pending = new Map<number, { callback: () => void; delayMs: number }>();
  private next = 1;
  set(callback: () => void, delayMs: number): unknown {
    const handle = this.next++;
    this.pending.set(handle, { callback, delayMs });
    return handle;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Run every pending callback (as if their time had come). */
  fireAll(): void {
    const due = [...this.pending.entries()];
    for (const [handle, { callback }] of due) {
      this.pending.delete(handle);
      callback();
    }
  }
}

interface Webhook {
  url: string;
  bodies: Record<string, unknown>[];
  close(): Promise<void>;
}

async function webhookReceiver(): Promise<Webhook> {
  const bodies: Record<string, unknown>[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      bodies.push(JSON.parse(text) as Record<string, unknown>);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, bodies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { logger: createLogger({ level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } }), lines };
}

function keyIdsInLog(path: string): Map<string | null, number> {
  const database = new Database(path, { readonly: true });
  try {
    const rows = database.prepare('SELECT key_id AS keyId, COUNT(*) AS calls FROM requests GROUP BY key_id').all() as { keyId: string | null; calls: number }[];
    return new Map(rows.map((row) => [row.keyId, row.calls]));
  } finally {
    database.close();
  }
}

describe('scheduled runs inside the server', () => {
  const CASES = 40;
  const directory = tempDirectory();
  writeFile(directory, 'arithmetic.jsonl', arithmeticDataset(CASES));
  const source = join(directory, 'switchyard.yaml');
  const dbPath = join(directory, 'switchyard.db');
  let webhook: Webhook;
  const gateways: RunningGateway[] = [];

  const start = async (candidate: string, logger = capturingLogger().logger, extra: { ttftMs?: number } = {}): Promise<{ gateway: RunningGateway; config: GatewayConfig }> => {
    const config = parseConfigText(simConfig(directory, { candidate, webhook: webhook.url, alpha: 0.01, ...extra }), {}, source);
    const gateway = await startGateway({ config, logger, port: 0, host: '127.0.0.1' });
    gateways.push(gateway);
    return { gateway, config };
  };

  beforeAll(async () => {
    webhook = await webhookReceiver();
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop(1000);
    await webhook.close();
  });

  it('fires on the injected clock: next firing computed, run stored as <schedule>-<stamp>', async () => {
    const { gateway, config } = await start('gpt-5.4');
    expect(gateway.scheduler?.nextFireAt('nightly')).toBeDefined();
    let now = at('2020-11-22T20:02:00Z');
    const timers = new FakeTimers();
    const { logger, lines } = capturingLogger();
    const internal = new Map<string, string>();
    const scheduler = new EvalScheduler({
      config,
      baseUrl: gateway.url,
      // This gateway requires no key: the secret only has to be presented.
      keyFor: (name) => internal.get(name) ?? 'unused',
      alerts: gateway.gateway.services.governance.alerts,
      logger,
      now: () => now,
      timers,
    });
    scheduler.start();
    expect(iso(scheduler.nextFireAt('nightly'))).toBe('2020-11-23T03:00:00.000Z');
    const [armed] = [...timers.pending.values()];
    expect(armed?.delayMs).toBe(at('2020-11-23T03:00:00Z') - now);

    // Woken before the time (e.g. a split long wait): nothing runs, the wait is re-armed.
    now = at('2020-11-23T02:59:00Z');
    timers.fireAll();
    expect(scheduler.isRunning('nightly')).toBe(false);
    expect([...timers.pending.values()][0]?.delayMs).toBe(60_000);

    now = at('2020-11-23T03:00:00Z');
    timers.fireAll();
    expect(scheduler.isRunning('nightly')).toBe(true);
    expect(iso(scheduler.nextFireAt('nightly'))).toBe('2020-11-24T03:00:00.000Z');
    // A second trigger while the run is going is skipped: never two runs of one schedule.
    const skipped = await scheduler.trigger('nightly');
    expect(skipped.status).toBe('skipped');
    await scheduler.stop(60_000);
    // Flushes the request log.
    await gateway.stop(1000);

    const store = new EvalStore(dbPath);
    try {
      const runs = runsOfSchedule(store, 'nightly');
      expect(runs.map((run) => run.name)).toEqual(['nightly-20201123T030000Z']);
      expect(lines.some((line) => line.msg === 'scheduled eval run started' && line.name === 'nightly-20201123T030000Z')).toBe(true);
    } finally {
      store.close();
    }
  });

  it('a complete run, then a regression (the model behind `candidate` got worse): one alert, logged and posted', async () => {
    // The previous test's hand-built scheduler presented no configured key (logged as null).
    const manualCalls = keyIdsInLog(dbPath).get(null) ?? 0;
    // Finish the run the previous test left interrupted (the server resumes it at start).
    const first = await start('gpt-5.4');
    const scheduler = first.gateway.scheduler as EvalScheduler;
    // The server resumes the unfinished run at start-up: let it end, then run afresh.
    await scheduler.idle('nightly');
    const resumedOrFresh = await scheduler.trigger('nightly');
    expect(resumedOrFresh.status).toBe('complete');
    const baseline = resumedOrFresh.resumed ? await scheduler.trigger('nightly') : resumedOrFresh;
    expect(baseline.status).toBe('complete');
    expect(baseline.alerted).toBe(false);
    await first.gateway.stop(1000);

    const store = new EvalStore(dbPath);
    const before = runsOfSchedule(store, 'nightly');
    store.close();
    expect(before.every((run) => run.status === 'complete')).toBe(true);

    const { logger, lines } = capturingLogger();
    const worse = await start('llama-4-maverick', logger);
    const outcome = await (worse.gateway.scheduler as EvalScheduler).trigger('nightly');
    expect(outcome.status).toBe('complete');
    expect(outcome.executed).toBe(CASES);
    expect(outcome.comparedWith).toBe(before.at(-1)?.id);
    expect(outcome.regressions.map((row) => `${row.target}/${row.category}`).sort()).toEqual(['candidate/all', 'candidate/math']);
    expect(outcome.alerted).toBe(true);
    await worse.gateway.gateway.services.governance.alerts.settled();

    expect(webhook.bodies).toHaveLength(1);
    const alert = webhook.bodies[0] as Record<string, unknown>;
    expect(alert.type).toBe('eval_regression');
    expect(alert.schedule).toBe('nightly');
    expect(String(alert.message)).toMatch(/scheduled eval "nightly": significant accuracy regression .* candidate \/ math: \d+\.\d % → \d+\.\d % \(\d+\/40 → \d+\/40, p = /);
    const regressions = alert.regressions as { accuracy_before: number; accuracy_after: number; p_value: number }[];
    for (const row of regressions) {
      expect(row.accuracy_after).toBeLessThan(row.accuracy_before);
      expect(row.p_value).toBeLessThan(0.01);
    }
    expect(lines.filter((line) => line.type === 'eval_regression')).toHaveLength(1);

    // The calls are identifiable in the request log and belong to no user key.
    await worse.gateway.stop(1000);
    const keys = keyIdsInLog(dbPath);
    expect(new Set(keys.keys())).toEqual(new Set(manualCalls > 0 ? [null, 'eval:nightly'] : ['eval:nightly']));
    expect(keys.get(null) ?? 0).toBe(manualCalls);
    // The baseline and the worse run at least (plus the resumed remainder of the first).
    expect(keys.get('eval:nightly')).toBeGreaterThanOrEqual(2 * CASES);
  });

  it('no alert when nothing regressed', async () => {
    const { gateway } = await start('llama-4-maverick');
    const outcome = await (gateway.scheduler as EvalScheduler).trigger('nightly');
    expect(outcome.status).toBe('complete');
    expect(outcome.comparedWith).toBeDefined();
    expect(outcome.regressions).toEqual([]);
    expect(outcome.alerted).toBe(false);
    await gateway.stop(1000);
    expect(webhook.bodies).toHaveLength(1);
  });

  it('drain during a scheduled run: stop returns promptly, the run is interrupted, the next start resumes it without repeating calls', async () => {
    const { gateway } = await start('gpt-5.4', undefined, { ttftMs: 40 });
    const scheduler = gateway.scheduler as EvalScheduler;
    const running = scheduler.trigger('nightly');
    const store = new EvalStore(dbPath);
    try {
      // Wait until some (not all) results are stored.
      for (let attempt = 0; attempt < 400; attempt++) {
        const latest = runsOfSchedule(store, 'nightly').at(-1);
        if (latest && latest.status === 'running' && store.results(latest.id).length >= 4) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const stopped = await gateway.stop(5000);
      expect(stopped.completed).toBe(true);
      const outcome = await running;
      expect(outcome.status).toBe('interrupted');
      const interrupted = runsOfSchedule(store, 'nightly').at(-1);
      expect(interrupted?.status).toBe('interrupted');
      const storedBefore = store.results(interrupted?.id ?? '').length;
      expect(storedBefore).toBeGreaterThan(0);
      expect(storedBefore).toBeLessThan(CASES);
      expect(store.results(interrupted?.id ?? '').every((row) => row.scoreStatus !== 'error')).toBe(true);

      // The next server start resumes it: exactly the missing calls are made.
      const callsBefore = keyIdsInLog(dbPath).get('eval:nightly') ?? 0;
      const restarted = await start('gpt-5.4');
      // The start-up resume (or, if it has not begun, this trigger) finishes the run.
      const restartedScheduler = restarted.gateway.scheduler as EvalScheduler;
      await restartedScheduler.idle('nightly');
      const resumed = store.findRun(interrupted?.id ?? '')?.status === 'complete' ? undefined : await restartedScheduler.trigger('nightly');
      if (resumed) expect(resumed.resumed).toBe(true);
      await restarted.gateway.stop(1000);
      const done = store.findRun(interrupted?.id ?? '');
      expect(done?.status).toBe('complete');
      expect(store.results(done?.id ?? '')).toHaveLength(CASES);
      const callsAfter = keyIdsInLog(dbPath).get('eval:nightly') ?? 0;
      expect(callsAfter - callsBefore).toBe(CASES - storedBefore);
    } finally {
      store.close();
    }
  });
});

describe('switchyard serve with a schedule under way', () => {
  it('SIGTERM during a scheduled run exits 0 and leaves the run interrupted (or complete), never running', async () => {
    const { spawn } = await import('node:child_process');
    const directory = tempDirectory();
    writeFile(directory, 'arithmetic.jsonl', arithmeticDataset(40));
    const dbPath = join(directory, 'switchyard.db');
    const configPath = writeFile(directory, 'switchyard.yaml', simConfig(directory, { candidate: 'gpt-5.4', ttftMs: 150 }));
    // Leave an unfinished run behind, so the server resumes it as soon as it starts.
    const seeded = await startGateway({ config: parseConfigText(simConfig(directory, { candidate: 'gpt-5.4', ttftMs: 150 }), {}, configPath), logger: capturingLogger().logger, port: 0, host: '127.0.0.1' });
    const first = (seeded.scheduler as EvalScheduler).trigger('nightly');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await seeded.stop(5000);
    expect((await first).status).toBe('interrupted');

    const child = spawn(process.execPath, [join(process.cwd(), 'bin/switchyard.js'), 'serve', '--config', configPath, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'info' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let attempt = 0; attempt < 1000 && !output.includes('scheduled eval run started'); attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(output).toContain('resuming an unfinished scheduled eval run');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const store = new EvalStore(dbPath);
    try {
      const [run] = runsOfSchedule(store, 'nightly');
      expect(['interrupted', 'complete']).toContain(run?.status);
      expect(store.results(run?.id ?? '').every((row) => row.scoreStatus !== 'error')).toBe(true);
    } finally {
      store.close();
    }
  }, 30_000);
});

describe('a run stopped while calls are failing', () => {
  it('does not store a call that failed after the stop (the resume makes it again)', async () => {
    const { executeRun } = await import('../../src/eval/runner.js');
    const { parseDataset } = await import('../../src/eval/dataset.js');
    const directory = tempDirectory();
    const store = new EvalStore(join(directory, 'eval.db'));
    const dataset = parseDataset(arithmeticDataset(6));
    const run = { id: 'run-x', name: 'x', createdAt: 1, updatedAt: 1, status: 'running' as const, datasetSource: 'd', datasetHash: dataset.hash, cases: dataset.cases, targets: [{ name: 'm', kind: 'model' as const }], runs: 1, options: { configSource: 'test' } };
    store.createRun(run);
    const controller = new AbortController();
    let calls = 0;
    const outcome = (error: string | null) => ({ status: error ? 0 : 200, latencyMs: 1, answer: error ? '' : '0', finishReason: 'stop', inputTokens: 1, outputTokens: 1, costUsd: 0, servedModel: 'm', error });
    const client = {
      chat: () => {
        calls += 1;
        // The second call is under way when the run is stopped, and its connection is cut.
        if (calls === 2) {
          controller.abort();
          return Promise.resolve(outcome('connection failed: socket hang up'));
        }
        return Promise.resolve(outcome(null));
      },
    };
    try {
      const summary = await executeRun({ store, client: client as never, run, scorer: { score: () => Promise.reject(new Error('unused')) } as never, concurrency: 1, signal: controller.signal });
      expect(calls).toBe(2);
      expect(summary.executed).toBe(1);
      expect(summary.remaining).toBe(5);
      expect(store.results('run-x').map((row) => row.scoreStatus)).toEqual(['scored']);
      expect(store.findRun('run-x')?.status).toBe('interrupted');
    } finally {
      store.close();
    }
  });
});

describe('an unfinished scheduled run with two replicas on one Redis', () => {
  it('is resumed by one replica, not by each', async () => {
    const { deleteKeys, SHARED_REDIS_URL, testPrefix } = await import('../helpers/replicas.js');
    const prefix = testPrefix();
    const directory = tempDirectory();
    writeFile(directory, 'arithmetic.jsonl', arithmeticDataset(40));
    const text = `${simConfig(directory, { candidate: 'gpt-5.4', ttftMs: 150 })}\nstate:\n  redis: { url: env:SWITCHYARD_REDIS_URL, key_prefix: "${prefix}" }\n`;
    const configPath = writeFile(directory, 'switchyard.yaml', text);
    const config = (): GatewayConfig => parseConfigText(text, { SWITCHYARD_REDIS_URL: SHARED_REDIS_URL }, configPath);
    const gateways: RunningGateway[] = [];
    try {
      // Leave an unfinished run behind.
      const seeded = await startGateway({ config: config(), logger: capturingLogger().logger, port: 0, host: '127.0.0.1' });
      const first = (seeded.scheduler as EvalScheduler).trigger('nightly');
      await new Promise((resolve) => setTimeout(resolve, 200));
      await seeded.stop(5000);
      expect((await first).status).toBe('interrupted');
      // Two replicas start on it at once.
      const logs = [capturingLogger(), capturingLogger()];
      gateways.push(...(await Promise.all(logs.map(({ logger }) => startGateway({ config: config(), logger, port: 0, host: '127.0.0.1' })))));
      const said = (message: string): number => logs.reduce((sum, { lines }) => sum + lines.filter((line) => line.msg === message).length, 0);
      for (let attempt = 0; attempt < 2000 && said('resuming an unfinished scheduled eval run') + said('unfinished scheduled eval run resumed by another replica') < 2; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(said('resuming an unfinished scheduled eval run')).toBe(1);
      expect(said('unfinished scheduled eval run resumed by another replica')).toBe(1);
      expect(gateways.filter((gateway) => (gateway.scheduler as EvalScheduler).isRunning('nightly'))).toHaveLength(1);
    } finally {
      await Promise.all(gateways.map((gateway) => gateway.stop(5000)));
      await deleteKeys(SHARED_REDIS_URL, prefix);
    }
  }, 60_000);
});
