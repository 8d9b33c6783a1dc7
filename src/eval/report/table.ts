/** The terminal report: one block per target, overall then per category, and the routes' traffic shares. */
import type { Metrics, RunReport } from './aggregate.js';
import { count, dollars, milliseconds, percent, textTable } from './format.js';

const HEADER = ['target', 'category', 'n', 'accuracy [95% CI]', 'refusal', 'errors', 'mean', 'p50', 'p95', 'p99', 'tok in', 'tok out', 'cost', 'cost/correct'];

function accuracyCell(metrics: Metrics): string {
  if (metrics.accuracy === null) return '-';
  return `${percent(metrics.accuracy)} [${percent(metrics.accuracyLow)}, ${percent(metrics.accuracyHigh)}]`;
}

function row(target: string, category: string, metrics: Metrics): string[] {
  return [
    target,
    category,
    `${metrics.graded}${metrics.unscorable > 0 ? `+${metrics.unscorable}?` : ''}`,
    accuracyCell(metrics),
    percent(metrics.refusalRate),
    percent(metrics.errorRate),
    milliseconds(metrics.latencyMs?.mean),
    milliseconds(metrics.latencyMs?.p50),
    milliseconds(metrics.latencyMs?.p95),
    milliseconds(metrics.latencyMs?.p99),
    count(metrics.inputTokens),
    count(metrics.outputTokens),
    dollars(metrics.costUsd),
    dollars(metrics.costPerCorrectUsd),
  ];
}

function share(metrics: Metrics): string {
  return Object.entries(metrics.servedShare)
    .map(([model, fraction]) => `${model} ${percent(fraction, 0)}`)
    .join(', ');
}

export function renderTable(report: RunReport): string {
  const { run } = report;
  const lines = [
    `Run ${run.id}${run.name !== run.id ? ` "${run.name}"` : ''}: ${run.dataset} (${run.cases} cases × ${run.runs} run${run.runs === 1 ? '' : 's'}), ${run.status}, ${run.stored}/${run.planned} results`,
  ];
  if (run.judge || report.scoring.calls > 0 || report.scoring.cacheHits > 0) {
    lines.push(`Scoring calls (judge ${run.judge ?? '-'}, embeddings ${run.embeddingModel ?? '-'}): ${report.scoring.calls} made, ${report.scoring.cacheHits} from cache, ${dollars(report.scoring.costUsd)} — not included in the models' cost`);
  }
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const target of report.targets) {
    const name = target.kind === 'route' ? `${target.target} (route)` : target.target;
    rows.push(row(name, '(all)', target.overall));
    for (const [category, metrics] of Object.entries(target.categories)) rows.push(row('', category, metrics));
    const servedModels = Object.keys(target.overall.servedShare);
    if (target.kind === 'route' || servedModels.some((model) => model !== target.target)) notes.push(`${name} served by: ${share(target.overall) || '-'}`);
    if (target.kind === 'route') {
      for (const [category, metrics] of Object.entries(target.categories)) notes.push(`  ${category}: ${share(metrics) || '-'}`);
    }
  }
  lines.push('', textTable(HEADER, rows));
  if (notes.length > 0) lines.push('', ...notes);
  if (report.warnings.length > 0) lines.push('', ...report.warnings.map((warning) => `WARNING ${warning}`));
  if (report.targets.some((target) => target.overall.unscorable > 0)) lines.push('', 'n+k?: k results the scorer could not decide (e.g. an unreadable judge verdict) are left out of the accuracy.');
  return lines.join('\n');
}
