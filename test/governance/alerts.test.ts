/** Alerts: fired once per period (recorded, claimed across replicas), to the log and a webhook; error-rate spikes. */
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../src/core/logger.js';
import { AlertNotifier, ErrorRateWatch, type AlertEvent } from '../../src/governance/alerts.js';

const HOUR = Date.UTC(2026, 10, 22, 10, 0, 0);

function databasePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'switchyard-alerts-')), 'log.db');
}

function event(alert = 'budget_ab12:0.8', periodStart = HOUR): AlertEvent {
  return { type: 'budget_threshold', alert, periodStart, message: `budget ${alert} crossed`, details: { budget: 'ab12', spent: 8 } };
}

/** A logger whose lines are kept (level 40 warn, 50 error). */
function recordingLogger(): { logger: ReturnType<typeof createLogger>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { logger: createLogger({ level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } }), lines };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A loopback webhook answering `status`, keeping each body it receives. */
async function webhook(status: number): Promise<{ url: string; bodies: Array<Record<string, unknown>>; requests: IncomingMessage[] }> {
  const bodies: Array<Record<string, unknown>> = [];
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      requests.push(request);
      bodies.push(JSON.parse(text) as Record<string, unknown>);
      response.writeHead(status).end('ok');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, requests };
}

describe('AlertNotifier', () => {
  it('fires once per alert and period, also after a restart on the same database, and logs each firing', () => {
    const path = databasePath();
    const { logger, lines } = recordingLogger();
    const first = new AlertNotifier(path, logger, undefined, () => HOUR + 5);
    expect(first.fire(event())).toBe(true);
    expect(first.fire(event())).toBe(false);
    expect(first.fire(event('budget_ab12:1'))).toBe(true);
    expect(first.fire(event('budget_ab12:0.8', HOUR + 3_600_000))).toBe(true);
    first.close();
    const restarted = new AlertNotifier(path, silentLogger(), undefined);
    expect(restarted.fire(event())).toBe(false);
    restarted.close();
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings.map((line) => line.msg)).toEqual(['budget budget_ab12:0.8 crossed', 'budget budget_ab12:1 crossed', 'budget budget_ab12:0.8 crossed']);
    expect(warnings[0]).toMatchObject({ alert: 'budget_ab12:0.8', type: 'budget_threshold', budget: 'ab12', spent: 8 });
  });

  it('posts each firing to the webhook as JSON, and logs a refusal', async () => {
    const hook = await webhook(200);
    const notifier = new AlertNotifier(databasePath(), silentLogger(), hook.url, () => HOUR + 90_000);
    expect(notifier.fire(event())).toBe(true);
    expect(notifier.fire(event())).toBe(false);
    await notifier.settled();
    expect(hook.bodies).toEqual([
      { type: 'budget_threshold', alert: 'budget_ab12:0.8', message: 'budget budget_ab12:0.8 crossed', period_start: new Date(HOUR).toISOString(), at: new Date(HOUR + 90_000).toISOString(), budget: 'ab12', spent: 8 },
    ]);
    expect(hook.requests[0]?.method).toBe('POST');
    expect(hook.requests[0]?.headers['content-type']).toBe('application/json');
    notifier.close();

    const refusing = await webhook(300);
    const { logger, lines } = recordingLogger();
    const refused = new AlertNotifier(databasePath(), logger, refusing.url);
    refused.fire(event());
    await refused.settled();
    expect(refusing.bodies).toHaveLength(1);
    expect(lines.filter((line) => line.level === 50).map((line) => [line.msg, line.status])).toEqual([['alert webhook refused the alert', 300]]);
    refused.close();
  });

  it('logs a webhook that cannot be reached, and a 2xx answer is no refusal', async () => {
    const accepting = await webhook(299);
    const { logger, lines } = recordingLogger();
    const notifier = new AlertNotifier(databasePath(), logger, accepting.url);
    notifier.fire(event());
    await notifier.settled();
    expect(lines.filter((line) => line.level === 50)).toEqual([]);
    notifier.close();

    const unreachable = recordingLogger();
    const closed = await webhook(200);
    await new Promise((resolve) => (servers.pop() as Server).close(resolve));
    const failing = new AlertNotifier(databasePath(), unreachable.logger, closed.url);
    failing.fire(event());
    await failing.settled();
    expect(unreachable.lines.filter((line) => line.level === 50).map((line) => [line.msg, line.alert])).toEqual([['alert webhook failed', 'budget_ab12:0.8']]);
    failing.close();
  });

  it('raises an alert it cannot record once per process, and logs that it could not record it', () => {
    const { logger, lines } = recordingLogger();
    const notifier = new AlertNotifier(databasePath(), logger, undefined);
    notifier.close(); // the database is gone: every insert throws
    expect(notifier.fire(event())).toBe(true);
    expect(notifier.fire(event())).toBe(false);
    expect(notifier.fire(event('budget_ab12:1'))).toBe(true);
    expect(lines.filter((line) => line.level === 50).map((line) => [line.msg, line.alert])).toEqual([
      ['could not record that an alert fired; raising it anyway', 'budget_ab12:0.8'],
      ['could not record that an alert fired; raising it anyway', 'budget_ab12:1'],
    ]);
    expect(lines.filter((line) => line.level === 40)).toHaveLength(2);
  });

  it('with shared state, fires only the firings this replica claims (a failed claim fires), for 40 days per claim', async () => {
    const claims: Array<[string, number]> = [];
    const answers = new Map<string, boolean | Error>([
      ['alert:won:1000', true],
      ['alert:lost:1000', false],
      ['alert:broken:1000', new Error('redis gone')],
    ]);
    const shared = {
      available: () => true,
      claimOnce: async (name: string, ttlMs: number): Promise<boolean> => {
        claims.push([name, ttlMs]);
        const answer = answers.get(name);
        if (answer instanceof Error) throw answer;
        return answer ?? false;
      },
    };
    const { logger, lines } = recordingLogger();
    const notifier = new AlertNotifier(databasePath(), logger, undefined, Date.now, shared);
    for (const name of ['won', 'lost', 'broken']) expect(notifier.fire(event(name, 1000))).toBe(true);
    await notifier.settled();
    expect(claims).toEqual([
      ['alert:won:1000', 40 * 86_400_000],
      ['alert:lost:1000', 40 * 86_400_000],
      ['alert:broken:1000', 40 * 86_400_000],
    ]);
    expect(lines.filter((line) => line.level === 40).map((line) => line.alert)).toEqual(['won', 'broken']);
    // Shared state down: the local database alone decides.
    const alone = new AlertNotifier(databasePath(), silentLogger(), undefined, Date.now, { available: () => false, claimOnce: shared.claimOnce });
    expect(alone.fire(event('lost', 1000))).toBe(true);
    expect(alone.fire(event('lost', 1000))).toBe(false);
    expect(claims).toHaveLength(3);
    notifier.close();
    alone.close();
  });

  it('with PostgreSQL, its record decides; when it fails, shared state does, else the alert fires', async () => {
    const recorded: Array<[string, number, number]> = [];
    const record = {
      available: () => true,
      recordAlert: async (alert: string, periodStart: number, firedAt: number): Promise<boolean> => {
        recorded.push([alert, periodStart, firedAt]);
        if (alert.startsWith('broken')) throw new Error('postgres gone');
        return alert === 'won';
      },
    };
    const claimed: string[] = [];
    const shared = {
      available: () => true,
      claimOnce: async (name: string): Promise<boolean> => {
        claimed.push(name);
        return name.includes('broken-claimed');
      },
    };
    const { logger, lines } = recordingLogger();
    const notifier = new AlertNotifier(databasePath(), logger, undefined, () => 77, shared, record);
    for (const name of ['won', 'lost', 'broken-claimed', 'broken-unclaimed']) expect(notifier.fire(event(name, 1000))).toBe(true);
    await notifier.settled();
    expect(recorded.map((entry) => entry.join(' '))).toEqual(['won 1000 77', 'lost 1000 77', 'broken-claimed 1000 77', 'broken-unclaimed 1000 77']);
    expect(claimed).toEqual(['alert:broken-claimed:1000', 'alert:broken-unclaimed:1000']);
    expect(lines.filter((line) => line.level === 40).map((line) => line.alert)).toEqual(['won', 'broken-claimed']);
    notifier.close();

    const withoutShared = recordingLogger();
    const alone = new AlertNotifier(databasePath(), withoutShared.logger, undefined, () => 77, undefined, record);
    expect(alone.fire(event('broken', 1000))).toBe(true);
    await alone.settled();
    expect(withoutShared.lines.filter((line) => line.level === 40).map((line) => line.alert)).toEqual(['broken']);
    alone.close();
  });
});

describe('ErrorRateWatch', () => {
  function watching(policy: { threshold: number; windowMs: number; minRequests: number }, start: number) {
    let now = start;
    const notifier = new AlertNotifier(databasePath(), silentLogger(), undefined, () => now);
    const fired: AlertEvent[] = [];
    const original = notifier.fire.bind(notifier);
    notifier.fire = (alert) => {
      const result = original(alert);
      if (result) fired.push(alert);
      return result;
    };
    const watch = new ErrorRateWatch(policy, notifier, () => now);
    return { watch, fired, notifier, advance: (ms: number) => (now += ms) };
  }

  it('alerts once when the error rate over the window reaches the threshold, and not below the minimum volume', () => {
    const { watch, fired, notifier, advance } = watching({ threshold: 0.5, windowMs: 60_000, minRequests: 10 }, HOUR);
    for (let index = 0; index < 9; index++) watch.observe(502);
    expect(fired).toHaveLength(0); // nine requests: under the minimum volume
    watch.observe(200);
    expect(fired).toHaveLength(1);
    expect(fired[0]?.message).toBe('error rate 90.0 % over the last 60 s (9 of 10 requests) reached the 50 % alert threshold');
    expect(fired[0]).toMatchObject({ type: 'error_rate', alert: 'error_rate:0.5', periodStart: HOUR, details: { error_rate: 0.9, failed: 9, requests: 10 } });
    for (let index = 0; index < 20; index++) watch.observe(500);
    expect(fired).toHaveLength(1); // once per hour
    advance(3_600_000);
    for (let index = 0; index < 10; index++) watch.observe(200);
    expect(fired).toHaveLength(1); // the window moved on: 0 % errors
    for (let index = 0; index < 12; index++) watch.observe(503);
    expect(fired).toHaveLength(2);
    expect(fired[1]?.periodStart).toBe(HOUR + 3_600_000);
    notifier.close();
  });

  it('fires at exactly the threshold, counts 500 and not 499 as failed, and drops outcomes exactly one window old', () => {
    const exact = watching({ threshold: 0.5, windowMs: 60_000, minRequests: 4 }, HOUR + 1_800_000);
    exact.watch.observe(499);
    exact.watch.observe(499);
    exact.watch.observe(500);
    expect(exact.fired).toHaveLength(0); // three requests
    exact.watch.observe(500);
    expect(exact.fired.map((alert) => alert.details)).toEqual([{ error_rate: 0.5, failed: 2, requests: 4 }]);
    // Within the hour the period is the hour's start.
    expect(exact.fired[0]?.periodStart).toBe(HOUR);
    exact.notifier.close();

    const sliding = watching({ threshold: 1, windowMs: 60_000, minRequests: 2 }, HOUR);
    sliding.watch.observe(200);
    sliding.advance(59_999);
    sliding.watch.observe(500);
    expect(sliding.fired).toHaveLength(0); // the 200 is 59.999 s old: still in the window
    sliding.advance(1);
    sliding.watch.observe(500);
    // The 200 is now exactly one window old and gone: two 5xx of two.
    expect(sliding.fired.map((alert) => alert.details)).toEqual([{ error_rate: 1, failed: 2, requests: 2 }]);
    sliding.notifier.close();
  });
});
