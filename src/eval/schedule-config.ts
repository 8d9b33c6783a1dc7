/**
 * `eval.schedules` in the config: evaluation runs the server starts on a cron schedule,
 * compared with the schedule's previous run; a significant drop raises an alert. The
 * zod schema (merged into the config schema) and the resolution with cross-checks
 * (cron expression, dataset file, models and routes) reported with config paths.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { z } from 'zod';
import { CronError, nextFire, parseCron, type CronSchedule } from './cron.js';

const scheduleName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "." and "-" (at most 64, starting with a letter or digit)');

export const evalScheduleSchema = z
  .strictObject({
    name: scheduleName.describe('Names the schedule; its runs are stored as `<name>-<UTC timestamp>` and the request log shows its calls under key id `eval:<name>`.'),
    cron: z.string().min(1).describe('When to run: five cron fields (minute hour day-of-month month day-of-week) in UTC, or @hourly / @daily / @weekly / @monthly / @yearly.'),
    dataset: z.string().min(1).describe('JSONL dataset (see docs/eval.md); a relative path is resolved from the working directory the server starts in (as classify.model_file).'),
    models: z.array(z.string().min(1)).optional().describe('Models to evaluate (names from `models`, or `provider/model`).'),
    routes: z.array(z.string().min(1)).optional().describe('Routes to evaluate as if they were models (names from `routes`).'),
    runs: z.number().int().positive().max(100).optional().describe('Repetitions of every case per target (default 1).'),
    concurrency: z.number().int().positive().max(256).optional().describe('Calls in flight at once (default 4).'),
    judge: z.string().min(1).optional().describe('Judge model for cases with the `judge` scorer.'),
    embedding_model: z.string().min(1).optional().describe('Embedding model for cases with the `embedding` scorer.'),
    compare_with: z.enum(['previous', 'none']).optional().describe('`previous` (default): compare each finished run with the schedule\'s previous complete run and alert on a significant regression; `none`: only store the runs.'),
    alpha: z.number().gt(0).lt(1).optional().describe('Significance level of the Fisher exact test per target and category (default 0.05).'),
    min_drop: z.number().min(0).max(1).optional().describe('Smallest accuracy drop (0..1, e.g. 0.05 = 5 points) that counts as a regression, besides being significant (default 0).'),
  })
  .describe('A scheduled evaluation run.');

export const evalConfigSchema = z
  .strictObject({
    schedules: z.array(evalScheduleSchema).optional().describe('Evaluation runs the server starts on a schedule (cron syntax), each compared with its previous run; a significant regression raises an alert (log + governance.alerts.webhook_url).'),
  })
  .describe('Evaluation (see docs/eval.md).');

export type RawEvalConfig = z.infer<typeof evalConfigSchema>;

export interface EvalSchedule {
  name: string;
  cron: CronSchedule;
  /** Absolute path of the dataset. */
  dataset: string;
  models: string[];
  routes: string[];
  runs: number;
  concurrency: number;
  judge: string | undefined;
  embeddingModel: string | undefined;
  compareWith: 'previous' | 'none';
  alpha: number;
  minDrop: number;
}

export interface EvalSettings {
  schedules: EvalSchedule[];
}

interface Known {
  models: ReadonlyMap<string, { kind: string }>;
  routes: ReadonlyMap<string, unknown>;
  providers: ReadonlyMap<string, unknown>;
}

export function resolveEvalSettings(raw: RawEvalConfig | undefined, known: Known, baseDirectory: string, issues: { path: string; message: string }[]): EvalSettings {
  const schedules: EvalSchedule[] = [];
  const seen = new Set<string>();
  (raw?.schedules ?? []).forEach((entry, index) => {
    const path = `eval.schedules[${index}]`;
    const before = issues.length;
    if (seen.has(entry.name)) issues.push({ path: `${path}.name`, message: `a schedule named "${entry.name}" is already defined` });
    seen.add(entry.name);
    let cron: CronSchedule | undefined;
    try {
      cron = parseCron(entry.cron);
      if (nextFire(cron, Date.UTC(2000, 0, 1)) === undefined) issues.push({ path: `${path}.cron`, message: `"${entry.cron}" never fires` });
    } catch (error) {
      if (!(error instanceof CronError)) throw error;
      issues.push({ path: `${path}.cron`, message: `invalid cron expression "${entry.cron}": ${error.message}` });
    }
    const dataset = resolvePath(baseDirectory, entry.dataset);
    if (!existsSync(dataset) || !statSync(dataset).isFile()) issues.push({ path: `${path}.dataset`, message: `dataset file ${dataset} does not exist` });
    const models = entry.models ?? [];
    const routes = entry.routes ?? [];
    if (models.length + routes.length === 0) issues.push({ path, message: 'give at least one of models or routes' });
    models.forEach((name, position) => {
      const problem = chatTargetProblem(name, known);
      if (problem) issues.push({ path: `${path}.models[${position}]`, message: problem });
    });
    routes.forEach((name, position) => {
      if (!known.routes.has(name)) issues.push({ path: `${path}.routes[${position}]`, message: `unknown route "${name}" (known: ${[...known.routes.keys()].join(', ') || 'none'})` });
    });
    if (entry.judge) {
      const problem = chatTargetProblem(entry.judge, known);
      if (problem) issues.push({ path: `${path}.judge`, message: problem });
    }
    if (entry.embedding_model) {
      const model = known.models.get(entry.embedding_model);
      if (model ? model.kind !== 'embedding' : !isProviderModel(entry.embedding_model, known)) {
        issues.push({ path: `${path}.embedding_model`, message: model ? `"${entry.embedding_model}" is not an embedding model` : `unknown embedding model "${entry.embedding_model}"` });
      }
    }
    if (issues.length > before || !cron) return;
    schedules.push({
      name: entry.name,
      cron,
      dataset,
      models,
      routes,
      runs: entry.runs ?? 1,
      concurrency: entry.concurrency ?? 4,
      judge: entry.judge,
      embeddingModel: entry.embedding_model,
      compareWith: entry.compare_with ?? 'previous',
      alpha: entry.alpha ?? 0.05,
      minDrop: entry.min_drop ?? 0,
    });
  });
  return { schedules };
}

function isProviderModel(name: string, known: Known): boolean {
  const slash = name.indexOf('/');
  return slash > 0 && known.providers.has(name.slice(0, slash));
}

function chatTargetProblem(name: string, known: Known): string | undefined {
  const model = known.models.get(name);
  if (model) return model.kind === 'chat' ? undefined : `"${name}" is an ${model.kind} model, not a chat model`;
  if (known.routes.has(name) || isProviderModel(name, known)) return undefined;
  const chat = [...known.models.entries()].filter(([, candidate]) => candidate.kind === 'chat').map(([key]) => key);
  return `unknown model "${name}" (known: ${chat.join(', ') || 'none'})`;
}
