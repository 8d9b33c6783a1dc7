/**
 * Turning `eval run` options into a stored run: a new one (dataset checked line by line,
 * models and routes checked against the config, judge and embedding models checked), or
 * the run to resume (`--resume ID`, or the same `--name` again), whose stored cases and
 * targets are authoritative.
 */
import { randomBytes } from 'node:crypto';
import type { GatewayConfig } from '../config/load.js';
import { loadDataset, type Dataset, type EvalCase } from './dataset.js';
import { sameFamilyConflicts } from './judge/family.js';
import type { EvalStore, EvalTarget, StoredRun } from './store.js';

export class EvalSetupError extends Error {
  constructor(
    message: string,
    /** 1: the dataset is invalid; 2: the command is (usage, unknown names, a same-family judge). */
    readonly exitCode: 1 | 2,
  ) {
    super(message);
    this.name = 'EvalSetupError';
  }
}

export interface RunRequest {
  datasetPath?: string;
  models: string[];
  routes: string[];
  runs?: number;
  judge?: string;
  embeddingModel?: string;
  allowSameFamily: boolean;
  name?: string;
  resume?: string;
}

export interface PreparedRun {
  run: StoredRun;
  resumed: boolean;
  warnings: string[];
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${stamp}-${randomBytes(2).toString('hex')}`;
}

export function datasetProblemReport(dataset: Dataset): string {
  const lines = dataset.problems.map((problem) => `  ${problem.line > 0 ? `line ${problem.line}` : dataset.source}: ${problem.message}`);
  return `invalid dataset ${dataset.source} (${dataset.problems.length} problem${dataset.problems.length === 1 ? '' : 's'}); the run does not start:\n${lines.join('\n')}`;
}

export function prepareRun(request: RunRequest, store: EvalStore, config: GatewayConfig, now = new Date()): PreparedRun {
  const existing = request.resume ? store.findRun(request.resume) : request.name ? store.findRun(request.name) : undefined;
  if (request.resume && !existing) throw new EvalSetupError(`no evaluation run "${request.resume}" in ${config.store.sqlitePath}`, 2);
  if (existing) return resumeRun(existing, request, config);
  return createRun(request, store, config, now);
}

function requestedTargets(request: RunRequest, config: GatewayConfig): EvalTarget[] {
  const targets: EvalTarget[] = [];
  for (const name of request.models) targets.push({ name, kind: config.routes.has(name) && !config.models.has(name) ? 'route' : 'model' });
  for (const name of request.routes) targets.push({ name, kind: 'route' });
  const names = targets.map((target) => target.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new EvalSetupError(`"${duplicate}" is listed twice`, 2);
  return targets;
}

function resumeRun(run: StoredRun, request: RunRequest, config: GatewayConfig): PreparedRun {
  const warnings: string[] = [];
  if (request.datasetPath) {
    const dataset = loadDataset(request.datasetPath);
    if (dataset.hash !== run.datasetHash) throw new EvalSetupError(`the dataset ${request.datasetPath} differs from the one run ${run.id} started with (${run.datasetSource}); use a new --name for a new run`, 2);
  }
  if (request.models.length > 0 || request.routes.length > 0) {
    const given = requestedTargets(request, config).map((target) => target.name).sort().join(',');
    const stored = run.targets.map((target) => target.name).sort().join(',');
    if (given !== stored) throw new EvalSetupError(`run ${run.id} evaluates ${stored}; it cannot be resumed with ${given} (use a new --name)`, 2);
  }
  if (request.runs !== undefined && request.runs !== run.runs) throw new EvalSetupError(`run ${run.id} has --runs ${run.runs}; it cannot be resumed with --runs ${request.runs}`, 2);
  if (request.judge !== undefined && request.judge !== run.options.judge) throw new EvalSetupError(`run ${run.id} is judged by ${run.options.judge ?? '(no judge)'}; it cannot be resumed with --judge ${request.judge}`, 2);
  checkTargets(run.targets, config);
  warnings.push(...checkScoringModels(run.cases, run.targets, run.options.judge, run.options.embeddingModel, run.options.allowSameFamily ?? false, config));
  return { run, resumed: true, warnings };
}

function createRun(request: RunRequest, store: EvalStore, config: GatewayConfig, now: Date): PreparedRun {
  if (!request.datasetPath) throw new EvalSetupError('give the dataset: --dataset FILE (or --resume RUN_ID)', 2);
  const dataset = loadDataset(request.datasetPath);
  if (dataset.problems.length > 0) throw new EvalSetupError(datasetProblemReport(dataset), 1);
  const targets = requestedTargets(request, config);
  if (targets.length === 0) throw new EvalSetupError('give the models to evaluate: --models a,b (and/or --routes r)', 2);
  checkTargets(targets, config);
  const warnings = checkScoringModels(dataset.cases, targets, request.judge, request.embeddingModel, request.allowSameFamily, config);
  const id = newRunId(now);
  const run: StoredRun = {
    id,
    name: request.name ?? id,
    createdAt: now.getTime(),
    updatedAt: now.getTime(),
    status: 'running',
    datasetSource: dataset.source,
    datasetHash: dataset.hash,
    cases: dataset.cases,
    targets,
    runs: request.runs ?? 1,
    options: {
      configSource: config.source,
      ...(request.judge ? { judge: request.judge } : {}),
      ...(request.embeddingModel ? { embeddingModel: request.embeddingModel } : {}),
      ...(request.allowSameFamily ? { allowSameFamily: true } : {}),
    },
  };
  store.createRun(run);
  return { run, resumed: false, warnings };
}

/** A chat model, a route, or `provider/model` for a configured provider. */
function checkChatTarget(name: string, kind: EvalTarget['kind'], config: GatewayConfig, role: string): void {
  if (kind === 'route' || config.routes.has(name)) {
    if (!config.routes.has(name)) throw new EvalSetupError(`unknown route "${name}" (known: ${[...config.routes.keys()].join(', ') || 'none'})`, 2);
    return;
  }
  const model = config.models.get(name);
  if (model) {
    if (model.kind !== 'chat') throw new EvalSetupError(`${role} "${name}" is an ${model.kind} model, not a chat model`, 2);
    return;
  }
  const slash = name.indexOf('/');
  if (slash > 0 && config.providers.has(name.slice(0, slash))) return;
  const known = [...config.models.values()].filter((candidate) => candidate.kind === 'chat').map((candidate) => candidate.name);
  throw new EvalSetupError(`unknown ${role} "${name}" (known models: ${known.join(', ') || 'none'}; routes: ${[...config.routes.keys()].join(', ') || 'none'})`, 2);
}

function checkTargets(targets: readonly EvalTarget[], config: GatewayConfig): void {
  for (const target of targets) checkChatTarget(target.name, target.kind, config, target.kind === 'route' ? 'route' : 'model');
}

/** Judge and embedding models the dataset needs; a judge of a judged model's family is refused unless allowed. */
function checkScoringModels(
  cases: readonly EvalCase[],
  targets: readonly EvalTarget[],
  judge: string | undefined,
  embeddingModel: string | undefined,
  allowSameFamily: boolean,
  config: GatewayConfig,
): string[] {
  const warnings: string[] = [];
  const judgeCases = cases.filter((evalCase) => evalCase.expected.scorer === 'judge');
  const references = [...new Set(judgeCases.flatMap((evalCase) => (evalCase.expected.scorer === 'judge' && evalCase.expected.pairwise_against ? [evalCase.expected.pairwise_against] : [])))];
  if (judgeCases.length > 0 && !judge) throw new EvalSetupError(`${judgeCases.length} case(s) use the judge scorer (e.g. "${judgeCases[0]?.id}"): give the judge model with --judge MODEL`, 2);
  if (judge) {
    checkChatTarget(judge, 'model', config, 'judge model');
    for (const reference of references) checkChatTarget(reference, 'model', config, 'pairwise_against model');
    const conflicts = sameFamilyConflicts(judge, [...targets.map((target) => target.name), ...references], config);
    if (conflicts.length > 0) {
      const list = conflicts.map((conflict) => `${conflict.judged} (${conflict.family})`).join(', ');
      const message = `the judge ${judge} is of the same family as ${list}: judges favour their own family's answers`;
      if (!allowSameFamily) throw new EvalSetupError(`${message}. Choose a judge of another family, or pass --allow-same-family to proceed anyway.`, 2);
      warnings.push(`WARNING: ${message}; proceeding because of --allow-same-family. Treat judge scores for these models with suspicion.`);
    }
  }
  const embeddingCases = cases.filter((evalCase) => evalCase.expected.scorer === 'embedding');
  if (embeddingCases.length > 0) {
    const embeddingModels = [...config.models.values()].filter((model) => model.kind === 'embedding').map((model) => model.name);
    if (!embeddingModel) throw new EvalSetupError(`${embeddingCases.length} case(s) use the embedding scorer: give the model with --embedding-model (configured: ${embeddingModels.join(', ') || 'none'})`, 2);
    const model = config.models.get(embeddingModel);
    if (model && model.kind !== 'embedding') throw new EvalSetupError(`--embedding-model ${embeddingModel} is a chat model (embedding models: ${embeddingModels.join(', ') || 'none'})`, 2);
    if (!model && !(embeddingModel.includes('/') && config.providers.has(embeddingModel.split('/')[0] ?? ''))) {
      throw new EvalSetupError(`unknown embedding model "${embeddingModel}" (configured: ${embeddingModels.join(', ') || 'none'})`, 2);
    }
  }
  return warnings;
}
