/**
 * Scheduled evaluation runs inside the server (config `eval.schedules`). Each schedule
 * fires on its cron expression (UTC), runs its dataset through the server's own gateway
 * with the same machinery as `switchyard eval run` (stored as `<schedule>-<timestamp>`,
 * resumable), compares the finished run with the schedule's previous complete run on the
 * same dataset, and raises one alert (log + webhook) when a target/category dropped
 * significantly. Calls present an in-process key, so the request log shows them under
 * key id `eval:<schedule>` and no user's key or team budget is charged.
 * Never two runs of one schedule at once; on drain the run under way is aborted (calls
 * in flight finish and are stored) and left `interrupted`; the next firing, or the next
 * start of the server, resumes it without repeating a call.
 */
import type { GatewayConfig } from '../config/load.js';
import type { Logger } from '../core/logger.js';
import type { AlertNotifier } from '../governance/alerts.js';
import { compareReports, type ComparisonRow } from './compare.js';
import { nextFire } from './cron.js';
import { runScorer } from './eval-gateway.js';
import { GatewayClient } from './gateway-client.js';
import { buildReport } from './report/aggregate.js';
import { prepareRun } from './run-setup.js';
import { executeRun } from './runner.js';
import type { EvalSchedule } from './schedule-config.js';
import { openEvalStore, type EvalStore, type StoredRun } from './store.js';

/** setTimeout cannot wait longer than this; longer waits re-arm. */
const MAX_TIMER_MS = 2_147_483_647;

export interface SchedulerTimers {
  set(callback: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: SchedulerTimers = {
  set: (callback, delayMs) => {
    const handle = setTimeout(callback, delayMs);
    handle.unref();
    return handle;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SchedulerOptions {
  config: GatewayConfig;
  /** The gateway the runs call (the server's own URL). */
  baseUrl: string;
  /** The in-process secret a schedule's calls present (mapped to key id `eval:<name>`). */
  keyFor(schedule: string): string;
  alerts: AlertNotifier;
  logger: Logger;
  /**
   * With several replicas: true for exactly one of them per firing (shared state's
   * claimOnce), so a scheduled run happens once, not once per replica. Default: always.
   */
  claim?: (name: string, ttlMs: number) => Promise<boolean>;
  now?: () => number;
  timers?: SchedulerTimers;
}

export interface ScheduledRunOutcome {
  schedule: string;
  status: 'complete' | 'interrupted' | 'failed' | 'skipped';
  runId?: string;
  runName?: string;
  resumed?: boolean;
  executed?: number;
  /** The run this one was compared with. */
  comparedWith?: string;
  regressions: ComparisonRow[];
  alerted: boolean;
  error?: string;
}

export function evalKeyId(schedule: string): string {
  return `eval:${schedule}`;
}

/** `nightly-20261122T030000Z`: the schedule's name and the firing time in UTC. */
export function scheduledRunName(schedule: string, at: number): string {
  return `${schedule}-${new Date(at).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

/** The stamp, with `-2`, `-3`… when a schedule was triggered twice in one second. */
const RUN_STAMP = /^\d{8}T\d{6}Z(-\d+)?$/;

/** Runs of a schedule, oldest first. */
export function runsOfSchedule(store: EvalStore, schedule: string): StoredRun[] {
  const prefix = `${schedule}-`;
  return store
    .listRuns()
    .filter((run) => run.name.startsWith(prefix) && RUN_STAMP.test(run.name.slice(prefix.length)))
    .sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name));
}

function percentText(value: number | null): string {
  return value === null ? '-' : `${(value * 100).toFixed(1)} %`;
}

export function regressionMessage(schedule: string, previous: string, current: string, rows: readonly ComparisonRow[]): string {
  const parts = rows.map(
    (row) =>
      `${row.target} / ${row.category}: ${percentText(row.before.accuracy)} → ${percentText(row.after.accuracy)} (${row.before.correct}/${row.before.graded} → ${row.after.correct}/${row.after.graded}, p = ${row.pValue === null ? '-' : row.pValue < 0.0001 ? row.pValue.toExponential(1) : row.pValue.toFixed(4)})`,
  );
  return `scheduled eval "${schedule}": significant accuracy regression in ${current} versus ${previous}: ${parts.join('; ')}`;
}

function uniqueRunName(store: EvalStore, name: string): string {
  let candidate = name;
  for (let suffix = 2; store.findRun(candidate); suffix++) candidate = `${name}-${suffix}`;
  return candidate;
}

/** How long one replica's claim on resuming an unfinished run holds. */
const RESUME_CLAIM_MS = 3_600_000;

export class EvalScheduler {
  private readonly now: () => number;
  private readonly timers: SchedulerTimers;
  private readonly schedules: Map<string, EvalSchedule>;
  private readonly armed = new Map<string, { handle: unknown; at: number }>();
  private readonly running = new Map<string, { promise: Promise<ScheduledRunOutcome>; controller: AbortController }>();
  private store: EvalStore | undefined;
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? realTimers;
    this.schedules = new Map(options.config.eval.schedules.map((schedule) => [schedule.name, schedule]));
  }

  private openStore(): EvalStore {
    this.store ??= openEvalStore(this.options.config.store);
    return this.store;
  }

  /** Arm every schedule; a run a previous server left unfinished is resumed at once. */
  start(): void {
    for (const schedule of this.schedules.values()) {
      this.arm(schedule);
      const latest = runsOfSchedule(this.openStore(), schedule.name).at(-1);
      if (latest && latest.status !== 'complete') void this.resume(schedule.name, latest.id);
    }
  }

  /**
   * A run left unfinished is resumed by one replica: the one that claims it (every one when
   * nothing is shared). The claim holds for an hour; a replica that dies while resuming
   * leaves the run to the schedule's next firing, which resumes it too.
   */
  private async resume(name: string, runId: string): Promise<void> {
    const claim = this.options.claim;
    if (claim) {
      let won: boolean;
      try {
        won = await claim(`eval-resume:${runId}`, RESUME_CLAIM_MS);
      } catch (error) {
        this.options.logger.warn({ schedule: name, run: runId, err: error }, 'could not claim the unfinished scheduled eval run in shared state; this replica resumes it');
        won = true;
      }
      if (!won) {
        this.options.logger.info({ schedule: name, run: runId }, 'unfinished scheduled eval run resumed by another replica');
        return;
      }
    }
    this.options.logger.info({ schedule: name, run: runId }, 'resuming an unfinished scheduled eval run');
    await this.trigger(name);
  }

  /** When the schedule fires next (epoch ms), while the scheduler runs. */
  nextFireAt(schedule: string): number | undefined {
    return this.armed.get(schedule)?.at;
  }

  isRunning(schedule: string): boolean {
    return this.running.has(schedule);
  }

  private arm(schedule: EvalSchedule): void {
    if (this.stopped) return;
    const at = nextFire(schedule.cron, this.now());
    if (at === undefined) return;
    const wake = (): void => {
      if (this.stopped) return;
      if (this.now() < at) {
        // Woken early (a long wait is split, or the clock moved): wait for the rest.
        this.armed.set(schedule.name, { handle: this.timers.set(wake, Math.min(MAX_TIMER_MS, at - this.now())), at });
        return;
      }
      this.armed.delete(schedule.name);
      void this.claimFiring(schedule.name, at);
      this.arm(schedule);
    };
    this.armed.set(schedule.name, { handle: this.timers.set(wake, Math.min(MAX_TIMER_MS, Math.max(0, at - this.now()))), at });
  }

  /** One firing runs in one replica: the one that claims it (every one when nothing is shared). */
  private async claimFiring(name: string, at: number): Promise<void> {
    const claim = this.options.claim;
    if (claim) {
      let won: boolean;
      try {
        // Held for a day: long enough that no replica with a late timer takes the same firing.
        won = await claim(`eval:${name}:${at}`, 86_400_000);
      } catch (error) {
        this.options.logger.warn({ schedule: name, err: error }, 'could not claim a scheduled eval run in shared state; this replica runs it');
        won = true;
      }
      if (!won) {
        this.options.logger.info({ schedule: name }, 'scheduled eval run taken by another replica');
        return;
      }
    }
    await this.trigger(name);
  }

  /** Resolves when the schedule's current run (if any) has ended, however it ended. */
  async idle(name: string): Promise<void> {
    await this.running.get(name)?.promise;
  }

  /** Run a schedule now (a firing, or a test); skipped while its previous run is still going. */
  trigger(name: string): Promise<ScheduledRunOutcome> {
    const schedule = this.schedules.get(name);
    if (!schedule) return Promise.reject(new Error(`no eval schedule "${name}"`));
    if (this.stopped) return Promise.resolve({ schedule: name, status: 'skipped', regressions: [], alerted: false, error: 'the server is shutting down' });
    const current = this.running.get(name);
    if (current) {
      this.options.logger.warn({ schedule: name }, 'scheduled eval run skipped: the previous run of this schedule is still going');
      return Promise.resolve({ schedule: name, status: 'skipped', regressions: [], alerted: false, error: 'the previous run is still going' });
    }
    const controller = new AbortController();
    const promise = this.execute(schedule, controller.signal)
      .catch((error: unknown): ScheduledRunOutcome => {
        this.options.logger.error({ schedule: name, err: error }, 'scheduled eval run failed');
        return { schedule: name, status: 'failed', regressions: [], alerted: false, error: (error as Error).message };
      })
      .finally(() => this.running.delete(name));
    this.running.set(name, { promise, controller });
    return promise;
  }

  private async execute(schedule: EvalSchedule, signal: AbortSignal): Promise<ScheduledRunOutcome> {
    const { config, logger } = this.options;
    const store = this.openStore();
    const previousRuns = runsOfSchedule(store, schedule.name);
    const unfinished = previousRuns.at(-1)?.status !== 'complete' ? previousRuns.at(-1) : undefined;
    const started = this.now();
    const prepared = prepareRun(
      unfinished
        ? { models: [], routes: [], allowSameFamily: false, resume: unfinished.id }
        : {
            datasetPath: schedule.dataset,
            models: schedule.models,
            routes: schedule.routes,
            runs: schedule.runs,
            allowSameFamily: false,
            name: uniqueRunName(store, scheduledRunName(schedule.name, started)),
            ...(schedule.judge ? { judge: schedule.judge } : {}),
            ...(schedule.embeddingModel ? { embeddingModel: schedule.embeddingModel } : {}),
          },
      store,
      config,
      new Date(started),
    );
    for (const warning of prepared.warnings) logger.warn({ schedule: schedule.name }, warning);
    const { run } = prepared;
    logger.info({ schedule: schedule.name, run: run.id, name: run.name, resumed: prepared.resumed, cases: run.cases.length, targets: run.targets.map((target) => target.name) }, 'scheduled eval run started');
    const client = new GatewayClient(this.options.baseUrl, this.options.keyFor(schedule.name));
    const scorer = runScorer(run, client, store, config);
    const summary = await executeRun({ store, client, run, scorer, concurrency: schedule.concurrency, signal, now: this.now });
    const base = { schedule: schedule.name, runId: run.id, runName: run.name, resumed: prepared.resumed, executed: summary.executed };
    if (summary.remaining > 0) {
      logger.warn({ schedule: schedule.name, run: run.id, remaining: summary.remaining }, 'scheduled eval run interrupted; it resumes at the next firing or server start');
      return { ...base, status: 'interrupted', regressions: [], alerted: false };
    }
    logger.info({ schedule: schedule.name, run: run.id, calls: summary.executed }, 'scheduled eval run complete');
    if (schedule.compareWith === 'none') return { ...base, status: 'complete', regressions: [], alerted: false };

    const previous = previousRuns.filter((candidate) => candidate.id !== run.id && candidate.status === 'complete').at(-1);
    if (!previous) return { ...base, status: 'complete', regressions: [], alerted: false };
    if (previous.datasetHash !== run.datasetHash) {
      logger.info({ schedule: schedule.name, run: run.id, previous: previous.id }, 'scheduled eval run not compared: the dataset changed since the previous run');
      return { ...base, status: 'complete', regressions: [], alerted: false };
    }
    const comparison = compareReports(buildReport(previous, store.results(previous.id)), buildReport(run, store.results(run.id)), schedule.alpha);
    const regressions = comparison.regressions.filter((row) => -(row.accuracyChange ?? 0) >= schedule.minDrop);
    let alerted = false;
    if (regressions.length > 0) {
      alerted = this.options.alerts.fire({
        type: 'eval_regression',
        alert: `eval_regression:${schedule.name}`,
        // One alert per run: a restart that re-compares the same run stays quiet.
        periodStart: run.createdAt,
        message: regressionMessage(schedule.name, previous.name, run.name, regressions),
        details: {
          schedule: schedule.name,
          run: run.id,
          run_name: run.name,
          previous_run: previous.id,
          previous_run_name: previous.name,
          method: comparison.method,
          alpha: schedule.alpha,
          min_drop: schedule.minDrop,
          regressions: regressions.map((row) => ({
            target: row.target,
            category: row.category,
            accuracy_before: row.before.accuracy,
            accuracy_after: row.after.accuracy,
            correct_before: row.before.correct,
            graded_before: row.before.graded,
            correct_after: row.after.correct,
            graded_after: row.after.graded,
            p_value: row.pValue,
          })),
        },
      });
    } else {
      logger.info({ schedule: schedule.name, run: run.id, previous: previous.id }, 'scheduled eval run: no significant regression versus the previous run');
    }
    return { ...base, status: 'complete', comparedWith: previous.id, regressions, alerted };
  }

  /**
   * Stop firing and abort the runs under way (their calls in flight finish; the run is
   * left interrupted). Resolves when they have settled, or after `waitMs`.
   */
  async stop(waitMs = 10_000): Promise<void> {
    this.stopped = true;
    for (const { handle } of this.armed.values()) this.timers.clear(handle);
    this.armed.clear();
    const under = [...this.running.values()];
    for (const { controller } of under) controller.abort();
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      Promise.all(under.map((entry) => entry.promise)).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), waitMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    // A run still going after the wait keeps its store open; the process is about to exit.
    if (settled) {
      this.store?.close();
      this.store = undefined;
    }
  }
}
