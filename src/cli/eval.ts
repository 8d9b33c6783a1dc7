/**
 * `switchyard eval run|report|tune|compare|export-outcomes|list`: evaluate models and
 * routes on a dataset through the gateway, and feed the measurements back into routing.
 * The work lives in src/eval; this file reads flags and prints.
 */
import { writeFileSync } from 'node:fs';
import { loadConfig, type GatewayConfig } from '../config/load.js';
import { compareReports, renderComparison } from '../eval/compare.js';
import { evaluationApiKey, runScorer, startEvalGateway } from '../eval/eval-gateway.js';
import { outcomeLines, toJsonl } from '../eval/export-outcomes.js';
import { GatewayClient } from '../eval/gateway-client.js';
import { createProgress } from '../eval/progress.js';
import { buildReport, type RunReport } from '../eval/report/aggregate.js';
import { renderHtml } from '../eval/report/html.js';
import { renderTable } from '../eval/report/table.js';
import { EvalSetupError, prepareRun } from '../eval/run-setup.js';
import { executeRun } from '../eval/runner.js';
import { EvalStore, openEvalStore } from '../eval/store.js';
import { openGovernanceStore } from './postgres.js';
import { readConfigSource, validateEditedConfig } from '../eval/tune-config.js';
import { applyTuning, proposeTuning, type EffectFigures, type TuneProposal } from '../eval/tune.js';
import { unifiedDiff } from '../eval/unified-diff.js';
import { dollars, milliseconds, percent, textTable } from '../eval/report/format.js';
import { UsageError } from './arguments.js';
import type { Values } from './help.js';

const SUBCOMMANDS = 'run, report, tune, compare, export-outcomes, list';

function text(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function list(values: Values, name: string): string[] {
  return (text(values, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function integerOption(values: Values, name: string, minimum: number): number | undefined {
  const value = text(values, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < minimum) throw new UsageError(`--${name} must be an integer of at least ${minimum}, got "${value}"`);
  return Number(value);
}

function fractionOption(values: Values, name: string): number | undefined {
  const value = text(values, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 1) throw new UsageError(`--${name} must be a number between 0 and 1, got "${value}"`);
  return number;
}

function configOf(values: Values): GatewayConfig {
  const path = text(values, 'config');
  return loadConfig(path ? { path } : {});
}

function openStore(values: Values, config?: GatewayConfig): EvalStore {
  const db = text(values, 'db');
  return db !== undefined ? new EvalStore(db) : openEvalStore((config ?? configOf(values)).store);
}

function reportFor(store: EvalStore, idOrName: string): RunReport {
  const run = store.findRun(idOrName);
  if (!run) throw new UsageError(`no evaluation run "${idOrName}" (see switchyard eval list)`);
  return buildReport(run, store.results(run.id));
}

export async function runEval(values: Values, positionals: string[]): Promise<number> {
  const [subcommand, ...rest] = positionals;
  // store.postgres: runs of every replica are read into the local file first (`eval run`'s own gateway follows PostgreSQL itself).
  if (subcommand !== undefined && subcommand !== 'run' && text(values, 'db') === undefined) await (await openGovernanceStore(configOf(values)))?.close();
  try {
    switch (subcommand) {
      case 'run':
        return await evalRun(values);
      case 'report':
        return evalReport(values, rest);
      case 'tune':
        return evalTune(values, rest);
      case 'compare':
        return evalCompare(values, rest);
      case 'export-outcomes':
        return evalExport(values, rest);
      case 'list':
        return evalList(values);
      default:
        throw new UsageError(subcommand ? `unknown subcommand "${subcommand}" (known: ${SUBCOMMANDS})` : `usage: switchyard eval <${SUBCOMMANDS.replace(/, /g, '|')}> ... (see docs/eval.md)`);
    }
  } catch (error) {
    if (error instanceof EvalSetupError) {
      console.error(`switchyard eval: ${error.message}`);
      return error.exitCode;
    }
    throw error;
  }
}

async function evalRun(values: Values): Promise<number> {
  const config = configOf(values);
  if (config.server.adminKey !== undefined && config.server.apiKeys.length === 0 && !process.env.SWITCHYARD_API_KEY) {
    throw new EvalSetupError('this gateway requires API keys (server.admin_key is set): set SWITCHYARD_API_KEY to a virtual key (switchyard keys create) for the evaluation calls', 2);
  }
  const store = openStore(values, config);
  try {
    const runs = integerOption(values, 'runs', 1);
    const prepared = prepareRun(
      {
        models: list(values, 'models'),
        routes: list(values, 'routes'),
        allowSameFamily: values['allow-same-family'] === true,
        ...(text(values, 'dataset') ? { datasetPath: text(values, 'dataset') } : {}),
        ...(runs !== undefined ? { runs } : {}),
        ...(text(values, 'judge') ? { judge: text(values, 'judge') } : {}),
        ...(text(values, 'embedding-model') ? { embeddingModel: text(values, 'embedding-model') } : {}),
        ...(text(values, 'name') ? { name: text(values, 'name') } : {}),
        ...(text(values, 'resume') ? { resume: text(values, 'resume') } : {}),
      },
      store,
      config,
    );
    for (const warning of prepared.warnings) console.error(warning);
    const { run } = prepared;
    console.error(`${prepared.resumed ? 'resuming' : 'starting'} eval run ${run.id}${run.name !== run.id ? ` "${run.name}"` : ''}: ${run.cases.length} cases × ${run.targets.length} target(s) × ${run.runs} run(s)`);

    const gateway = await startEvalGateway(config, run.name);
    const controller = new AbortController();
    const onSignal = (): void => {
      if (controller.signal.aborted) process.exit(130);
      console.error('\nstopping: calls under way finish and are stored (Ctrl-C again to quit at once)');
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    let summary;
    try {
      const client = new GatewayClient(gateway.url, gateway.runKey ?? evaluationApiKey(config));
      const scorer = runScorer(run, client, store, config);
      const limit = integerOption(values, 'limit', 1);
      summary = await executeRun({
        store,
        client,
        run,
        scorer,
        concurrency: integerOption(values, 'concurrency', 1) ?? 8,
        signal: controller.signal,
        retryErrors: values['retry-errors'] === true,
        progress: (total) => createProgress(total),
        ...(limit !== undefined ? { limit } : {}),
      });
    } finally {
      process.off('SIGINT', onSignal);
      await gateway.stop(5000);
    }
    if (summary.alreadyDone > 0) console.error(`${summary.alreadyDone} of ${summary.planned} results were already stored and not repeated`);
    const report = reportFor(store, run.id);
    console.log(values.json ? JSON.stringify(report, null, 2) : renderTable(report));
    if (summary.remaining > 0) {
      console.error(`\n${summary.remaining} of ${summary.planned} calls still to make: switchyard eval run --resume ${run.id}${text(values, 'config') ? ` --config ${text(values, 'config')}` : ''}`);
      return controller.signal.aborted ? 130 : 0;
    }
    return 0;
  } finally {
    store.close();
  }
}

function evalReport(values: Values, rest: string[]): number {
  const id = rest[0] ?? text(values, 'run');
  if (!id) throw new UsageError('usage: switchyard eval report RUN_ID [--json] [--html FILE]');
  const store = openStore(values);
  try {
    const report = reportFor(store, id);
    const html = text(values, 'html');
    if (html) {
      writeFileSync(html, renderHtml(report));
      console.error(`wrote ${html}`);
    }
    console.log(values.json ? JSON.stringify(report, null, 2) : renderTable(report));
    return 0;
  } finally {
    store.close();
  }
}

function renderProposal(proposal: TuneProposal): string {
  const { options } = proposal;
  const lines = [
    `Route ${options.routeName} (table) from run ${proposal.runId} (quality floor ${options.qualityFloor}${options.latencyBudgetMs !== undefined ? `, latency budget ${options.latencyBudgetMs} ms` : ''}):`,
    '',
  ];
  lines.push(
    textTable(
      ['category', 'model', 'accuracy [95% CI]', 'n', 'cost/call', 'cost/correct', 'p95', 'fallbacks', 'note'],
      proposal.choices.map((choice) => [
        choice.category,
        choice.model,
        `${percent(choice.accuracy)} [${percent(choice.accuracyLow)}, ${percent(choice.accuracyHigh)}]`,
        String(choice.graded),
        dollars(choice.costPerCallUsd),
        dollars(choice.costPerCorrectUsd),
        milliseconds(choice.latencyP95Ms),
        choice.fallbacks.join(', ') || '-',
        choice.note ?? '',
      ]),
      [0, 1, 7, 8],
    ),
  );
  lines.push('', ...renderEffect(proposal));
  if (proposal.skipped.length > 0) lines.push('', `Not tuned: ${proposal.skipped.join(', ')}`);
  return lines.join('\n');
}

function effectCells(label: string, figures: EffectFigures, comparedWith?: EffectFigures): string[] {
  let change = '';
  if (comparedWith && comparedWith.costPerCallUsd && figures.costPerCallUsd !== null && comparedWith.accuracy !== null && figures.accuracy !== null) {
    const points = (100 * (comparedWith.accuracy - figures.accuracy)).toFixed(1);
    change = `proposed: ${(comparedWith.costPerCallUsd / figures.costPerCallUsd).toFixed(2)}× the cost, ${Number(points) >= 0 ? '+' : ''}${points} points`;
  }
  return [label, `${percent(figures.accuracy)} [${percent(figures.accuracyLow)}, ${percent(figures.accuracyHigh)}]`, String(figures.graded), dollars(figures.costPerCallUsd), dollars(figures.costUsd), change];
}

/** The proposed route on this run's cases, against the route it replaces and the most accurate model. */
function renderEffect(proposal: TuneProposal): string[] {
  const { effect, options } = proposal;
  const rows = [effectCells(`proposed ${options.routeName}`, effect.proposed)];
  if (effect.current) rows.push(effectCells(`current ${options.routeName}`, effect.current, effect.proposed));
  if (effect.reference) rows.push(effectCells(`most accurate: ${effect.reference.model}`, effect.reference.figures, effect.proposed));
  const lines = ['Expected effect on the cases of this run (each category answered by its table entry):', '', textTable(['', 'accuracy [95% CI]', 'n', 'cost/call', 'cost', 'vs proposed'], rows, [0, 5])];
  if (!effect.current) lines.push('', `The run did not evaluate route ${options.routeName}: add --routes ${options.routeName} to eval run to see the change against it.`);
  else {
    const changed = effect.categories.filter((entry) => entry.current);
    lines.push(
      '',
      textTable(
        ['category', `current ${options.routeName}`, 'cost/call', 'proposed', 'cost/call'],
        changed.map((entry) => [
          entry.category,
          `${percent(entry.current?.accuracy ?? null)} (n=${entry.current?.graded ?? 0})`,
          dollars(entry.current?.costPerCallUsd ?? null),
          `${percent(entry.proposed.accuracy)} (n=${entry.proposed.graded})`,
          dollars(entry.proposed.costPerCallUsd),
        ]),
        1,
      ),
    );
  }
  return lines;
}

function evalTune(values: Values, rest: string[]): number {
  const id = text(values, 'run') ?? rest[0];
  if (!id) throw new UsageError('usage: switchyard eval tune --run RUN_ID [--quality-floor 0.9] [--latency-budget-ms N] [--config PATH] [--route NAME] [--write]');
  const source = readConfigSource(text(values, 'config'));
  const store = openStore(values, source.config);
  try {
    const report = reportFor(store, id);
    const latencyBudgetMs = integerOption(values, 'latency-budget-ms', 1);
    const routeName = text(values, 'route') ?? 'tuned';
    const proposal = proposeTuning(report, new Set([...source.config.models.values()].filter((model) => model.kind === 'chat').map((model) => model.name)), {
      // Rewriting an existing route keeps its floor unless told otherwise.
      qualityFloor: fractionOption(values, 'quality-floor') ?? source.config.routes.get(routeName)?.qualityFloor ?? 0.9,
      routeName,
      ...(latencyBudgetMs !== undefined ? { latencyBudgetMs } : {}),
    });
    if (proposal.measurements.length === 0) {
      console.error(`switchyard eval tune: run ${report.run.id} measured no model of ${source.label}; nothing to tune`);
      return 1;
    }
    const edited = applyTuning(source.text, proposal);
    validateEditedConfig(edited, source.path);
    if (values.json) {
      console.log(JSON.stringify({ proposal, diff: unifiedDiff(source.text, edited, source.label, source.path) }, null, 2));
    } else {
      console.log(renderProposal(proposal));
      console.log('');
      console.log(unifiedDiff(source.text, edited, source.label, source.path) || '(the config already says this)');
    }
    if (values.write) {
      writeFileSync(source.path, edited);
      console.error(`wrote ${source.path}`);
    } else if (!values.json) {
      console.error('(dry run: --write applies it)');
    }
    return 0;
  } finally {
    store.close();
  }
}

/** `RUN` or `RUN:TARGET` (a run's id or name, then optionally one of its targets). */
function compareSide(store: EvalStore, spec: string): { report: RunReport; target?: string } {
  if (store.findRun(spec)) return { report: reportFor(store, spec) };
  const colon = spec.indexOf(':');
  if (colon > 0) {
    const run = spec.slice(0, colon);
    const target = spec.slice(colon + 1);
    const report = reportFor(store, run);
    if (!report.targets.some((candidate) => candidate.target === target)) {
      throw new UsageError(`run "${run}" has no target "${target}" (its targets: ${report.targets.map((candidate) => candidate.target).join(', ')})`);
    }
    return { report, target };
  }
  return { report: reportFor(store, spec) };
}

function evalCompare(values: Values, rest: string[]): number {
  const [first, second] = rest;
  if (!first || !second) throw new UsageError('usage: switchyard eval compare A B (each RUN or RUN:TARGET) [--json] [--alpha 0.05] [--fail-on-regression]');
  const alpha = fractionOption(values, 'alpha') ?? 0.05;
  const store = openStore(values);
  try {
    const sideA = compareSide(store, first);
    const sideB = compareSide(store, second);
    const comparison = compareReports(sideA.report, sideB.report, alpha, {
      ...(sideA.target !== undefined ? { targetA: sideA.target } : {}),
      ...(sideB.target !== undefined ? { targetB: sideB.target } : {}),
    });
    console.log(values.json ? JSON.stringify(comparison, null, 2) : renderComparison(comparison));
    if (!values['fail-on-regression']) return 0;
    // Nothing compared proves nothing: a gate must not pass on it.
    return comparison.regressions.length > 0 || comparison.rows.length === 0 ? 1 : 0;
  } finally {
    store.close();
  }
}

function evalExport(values: Values, rest: string[]): number {
  const id = rest[0] ?? text(values, 'run');
  if (!id) throw new UsageError('usage: switchyard eval export-outcomes RUN_ID [--out FILE]');
  const store = openStore(values);
  try {
    const run = store.findRun(id);
    if (!run) throw new UsageError(`no evaluation run "${id}" (see switchyard eval list)`);
    const lines = outcomeLines(run, store.results(run.id));
    const out = text(values, 'out');
    if (out) {
      writeFileSync(out, toJsonl(lines));
      console.error(`wrote ${lines.length} case(s) to ${out}`);
    } else {
      process.stdout.write(toJsonl(lines));
    }
    return 0;
  } finally {
    store.close();
  }
}

function evalList(values: Values): number {
  const store = openStore(values);
  try {
    const runs = store.listRuns();
    if (values.json) {
      console.log(JSON.stringify(runs.map(({ cases, ...run }) => ({ ...run, cases: cases.length })), null, 2));
      return 0;
    }
    if (runs.length === 0) {
      console.log('(no evaluation runs yet)');
      return 0;
    }
    const rows = runs.map((run) => [run.id, run.name, new Date(run.createdAt).toISOString().slice(0, 19).replace('T', ' '), run.status, run.datasetSource, String(run.cases.length), String(run.runs), run.targets.map((target) => target.name).join(',')]);
    console.log(textTable(['id', 'name', 'created', 'status', 'dataset', 'cases', 'runs', 'targets'], rows, [0, 1, 2, 3, 4, 7]));
    return 0;
  } finally {
    store.close();
  }
}
