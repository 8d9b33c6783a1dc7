/**
 * A real run: the gateway in-process, simulated catalog models with known quality
 * profiles, 60 arithmetic cases × 3 runs. The measured accuracies must agree with the
 * profiles, tune must pick what the profiles say, and an interrupted run must resume
 * without repeating a single upstream call.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText, type GatewayConfig } from '../../src/config/load.js';
import { startEvalGateway } from '../../src/eval/eval-gateway.js';
import { outcomeLines } from '../../src/eval/export-outcomes.js';
import { GatewayClient } from '../../src/eval/gateway-client.js';
import { ModelScorer } from '../../src/eval/judge/remote-scorer.js';
import { buildReport, type RunReport } from '../../src/eval/report/aggregate.js';
import { renderTable } from '../../src/eval/report/table.js';
import { prepareRun, type RunRequest } from '../../src/eval/run-setup.js';
import { executeRun } from '../../src/eval/runner.js';
import { EvalStore, type StoredRun } from '../../src/eval/store.js';
import { applyTuning, proposeTuning } from '../../src/eval/tune.js';
import type { RunningGateway } from '../../src/server/start.js';
import { SIMULATED_CATALOG } from '../../src/simulator/index.js';
import { arithmeticDataset, fastConfigText, tempDirectory, writeFile } from './helpers.js';

const MODELS = ['gpt-5.4-mini', 'deepseek-v4-flash'];
const CASES = 60;
const RUNS = 3;

function profile(name: string): (typeof SIMULATED_CATALOG)[number] {
  const model = SIMULATED_CATALOG.find((candidate) => candidate.name === name);
  if (!model) throw new Error(`no catalog model ${name}`);
  return model;
}

describe('eval run against simulated models', () => {
  const directory = tempDirectory();
  const configText = fastConfigText(join(directory, 'switchyard.db'));
  const datasetPath = writeFile(directory, 'arithmetic.jsonl', arithmeticDataset(CASES));
  let config: GatewayConfig;
  let gateway: RunningGateway;
  let store: EvalStore;
  let client: GatewayClient;
  let run: StoredRun;
  let report: RunReport;
  const request: RunRequest = { datasetPath, models: MODELS, routes: ['split'], runs: RUNS, allowSameFamily: false, name: 'arithmetic' };
  const upstreamCalls = (): number => gateway.simulators.reduce((sum, simulator) => sum + simulator.stats().requests, 0);
  const execute = (options: { limit?: number; signal?: AbortSignal; onTick?: () => void } = {}) =>
    executeRun({
      store,
      client,
      run,
      scorer: new ModelScorer({ client, store, structuredJudge: false }),
      concurrency: 8,
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      progress: () => ({ tick: () => options.onTick?.(), done: () => undefined }),
    });

  beforeAll(async () => {
    config = parseConfigText(configText, {}, 'test');
    gateway = await startEvalGateway(config);
    store = new EvalStore(config.store.sqlitePath);
    client = new GatewayClient(gateway.url, 'unused');
  });

  afterAll(async () => {
    store?.close();
    await gateway?.stop(1000);
  });

  it('stops at --limit, then when interrupted, and resumes without repeating a call', async () => {
    run = prepareRun(request, store, config).run;
    const planned = CASES * (MODELS.length + 1) * RUNS;

    const first = await execute({ limit: 100 });
    expect(first).toEqual({ planned, alreadyDone: 0, executed: 100, remaining: planned - 100 });
    expect(store.findRun(run.id)?.status).toBe('interrupted');

    // Interrupt mid-way, as Ctrl-C does: calls under way finish and are stored.
    const controller = new AbortController();
    let ticks = 0;
    const second = await execute({ signal: controller.signal, onTick: () => ++ticks === 50 && controller.abort() });
    expect(second.executed).toBeGreaterThanOrEqual(50);
    expect(second.remaining).toBeGreaterThan(0);
    expect(upstreamCalls()).toBe(100 + second.executed);

    // Re-running with the same name resumes the same run.
    const resumed = prepareRun(request, store, config);
    expect(resumed.resumed).toBe(true);
    expect(resumed.run.id).toBe(run.id);
    const third = await execute();
    expect(third.alreadyDone).toBe(100 + second.executed);
    expect(third.remaining).toBe(0);
    expect(store.findRun(run.id)?.status).toBe('complete');
    expect(upstreamCalls()).toBe(planned);
    expect(store.results(run.id)).toHaveLength(planned);

    const again = await execute();
    expect(again.executed).toBe(0);
    expect(upstreamCalls()).toBe(planned);
    report = buildReport(store.findRun(run.id) as StoredRun, store.results(run.id));
  });

  it("measures each model's math accuracy with a 95 % interval that contains its profile", () => {
    for (const model of MODELS) {
      const target = report.targets.find((candidate) => candidate.target === model);
      const math = target?.categories.math;
      expect(math?.graded).toBe(CASES * RUNS);
      expect(math?.errors).toBe(0);
      expect(math?.refusals).toBe(0);
      const quality = profile(model).quality.math;
      expect(math?.accuracyLow).toBeLessThanOrEqual(quality);
      expect(math?.accuracyHigh).toBeGreaterThanOrEqual(quality);
      expect(math?.costUsd).toBeGreaterThan(0);
      expect(math?.costPerCorrectUsd).toBeCloseTo((math?.costUsd ?? 0) / (math?.correct ?? 1), 12);
      expect(math?.latencyMs?.count).toBe(CASES * RUNS);
      expect(target?.overall.servedShare).toEqual({ [model]: 1 });
    }
  });

  it("reports which model served a route's calls", () => {
    const split = report.targets.find((candidate) => candidate.target === 'split');
    expect(split?.kind).toBe('route');
    const share = split?.overall.servedShare ?? {};
    expect(Object.keys(share).sort()).toEqual([...MODELS].sort());
    expect(Object.values(share).reduce((sum, value) => sum + value, 0)).toBeCloseTo(1);
    for (const value of Object.values(share)) expect(value).toBeGreaterThan(0.3);
    const table = renderTable(report);
    expect(table).toContain('split (route) served by: ');
    expect(table).toMatch(/gpt-5\.4-mini\s+\(all\)\s+180\s+\d+\.\d% \[\d+\.\d%, \d+\.\d%\]/);
  });

  it('tune picks the cheapest model whose profile clears the floor (the floor alone), and with equal quality stays within the best model’s interval', () => {
    const configModels = new Set(MODELS);
    for (const floor of [0.8, 0.7]) {
      const expected = MODELS.map(profile)
        .filter((model) => model.quality.math >= floor)
        .sort((left, right) => left.price.output - right.price.output)[0]?.name;
      const proposal = proposeTuning(report, configModels, { qualityFloor: floor, routeName: 'tuned', matchBest: false });
      expect(proposal.route.table.math).toBe(expected);
      const equal = proposeTuning(report, configModels, { qualityFloor: floor, routeName: 'tuned' });
      expect(equal.effect.proposed.accuracy).toBeGreaterThanOrEqual(equal.effect.reference?.figures.accuracyLow ?? 1);
      expect(proposal.skipped).toEqual(['split (a route)']);
      const tuned = parseConfigText(applyTuning(configText, proposal), {}, 'tuned');
      expect(tuned.routes.get('tuned')?.table.get('math')?.name).toBe(expected);
      const measured = report.targets.find((target) => target.target === 'deepseek-v4-flash')?.categories.math?.accuracy ?? 0;
      expect(tuned.models.get('deepseek-v4-flash')?.quality.math).toBeCloseTo(measured, 3);
      expect(tuned.models.get('deepseek-v4-flash')?.latencyP95Ms).toBeGreaterThan(0);
    }
  });

  it('counts failed calls as errors (and wrong), and makes them again only with retryErrors', async () => {
    const { run: failing } = prepareRun({ datasetPath, models: ['broken-mini'], routes: [], runs: 1, allowSameFamily: false, name: 'failing' }, store, config);
    const scorer = new ModelScorer({ client, store, structuredJudge: false });
    const before = upstreamCalls();
    expect((await executeRun({ store, client, run: failing, scorer, concurrency: 8 })).executed).toBe(CASES);
    const metrics = buildReport(failing, store.results(failing.id)).targets[0]?.overall;
    expect(metrics).toMatchObject({ calls: CASES, errors: CASES, errorRate: 1, graded: CASES, correct: 0, accuracy: 0, latencyMs: null, refusalRate: null });
    expect(store.results(failing.id)[0]).toMatchObject({ status: 502, scoreStatus: 'error', correct: false });
    expect((await executeRun({ store, client, run: failing, scorer, concurrency: 8 })).executed).toBe(0);
    expect((await executeRun({ store, client, run: failing, scorer, concurrency: 8, retryErrors: true })).executed).toBe(CASES);
    expect(store.results(failing.id)).toHaveLength(CASES);
    expect(upstreamCalls() - before).toBe(2 * CASES);
  });

  it('exports one outcome line per case, a majority over the runs', () => {
    const lines = outcomeLines(store.findRun(run.id) as StoredRun, store.results(run.id));
    expect(lines).toHaveLength(CASES);
    expect(lines[0]).toMatchObject({ id: 'arith-1', category: 'math', prompt: expect.stringMatching(/^What is \d+ \+ \d+\?$/) });
    expect(Object.keys(lines[0]?.outcomes ?? {}).sort()).toEqual([...MODELS].sort());
    const results = store.results(run.id).filter((row) => row.caseId === 'arith-2' && row.target === 'gpt-5.4-mini');
    const majority = results.filter((row) => row.correct).length >= 2 ? 1 : 0;
    expect(lines[1]?.outcomes['gpt-5.4-mini']).toBe(majority);
  });
});
