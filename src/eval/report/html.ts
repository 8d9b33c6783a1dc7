/**
 * The HTML report: one self-contained file (inline CSS, inline SVG, no scripts, fonts or
 * network) with the results table, cost–quality frontiers per category, latency box
 * plots, and per-category accuracy bars with 95 % intervals.
 */
import type { Metrics, RunReport } from './aggregate.js';
import { count, dollars, milliseconds, percent } from './format.js';
import { PALETTE, accuracyChart, escapeHtml, frontierChart, latencyChart, paretoOptimal, type AccuracyBar, type FrontierPoint } from './svg-charts.js';

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1e293b; margin: 24px auto; max-width: 1320px; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 32px; border-bottom: 1px solid #e2e8f0; padding-bottom: 4px; }
.meta { color: #64748b; } table { border-collapse: collapse; font-size: 12.5px; font-variant-numeric: tabular-nums; }
.table-box { overflow-x: auto; max-width: 100%; margin: 12px 0; border: 1px solid #e2e8f0; border-radius: 6px; }
th, td { padding: 4px 5px; border-bottom: 1px solid #e2e8f0; text-align: right; white-space: nowrap; } th { background: #f8fafc; position: sticky; top: 0; }
td.served { white-space: normal; min-width: 130px; max-width: 220px; text-align: left; }
td.name, th.name { text-align: left; } tr.overall td { font-weight: 600; background: #f8fafc; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; } svg { background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; max-width: 100%; height: auto; }
svg .grid { stroke: #e2e8f0; } svg .tick { font-size: 11px; fill: #64748b; } svg .axis { font-size: 12px; fill: #475569; }
svg .title { font-size: 13px; font-weight: 600; fill: #0f172a; } svg .label { font-size: 11px; fill: #0f172a; }
svg .whisker { stroke-width: 1.5; } svg .ci { stroke: #0f172a; stroke-width: 1.2; } svg .frontier { fill: none; stroke: #94a3b8; stroke-dasharray: 4 3; stroke-width: 1.5; } svg .leader { stroke: #94a3b8; stroke-width: 0.8; }
.note { color: #64748b; font-size: 12px; }
.warning { color: #92400e; background: #fef3c7; padding: 6px 10px; border-radius: 4px; }
`;

function metricCells(metrics: Metrics): string {
  const cells = [
    `${metrics.graded}${metrics.unscorable > 0 ? ` (+${metrics.unscorable} undecided)` : ''}`,
    metrics.accuracy === null ? '-' : `${percent(metrics.accuracy)} [${percent(metrics.accuracyLow)}, ${percent(metrics.accuracyHigh)}]`,
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
  return cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('');
}

function resultsTable(report: RunReport): string {
  const header = ['target', 'category', 'n', 'accuracy [95% CI]', 'refusal', 'errors', 'mean', 'p50', 'p95', 'p99', 'tokens in', 'tokens out', 'cost', 'cost / correct', 'served by'];
  const rows: string[] = [];
  for (const target of report.targets) {
    // A model that served all its own calls needs no "served by"; fallbacks and routes do.
    const shares = (metrics: Metrics): string =>
      target.kind === 'model' && (metrics.servedShare[target.target] ?? 0) === 1
        ? ''
        : escapeHtml(
        Object.entries(metrics.servedShare)
          .map(([model, share]) => `${model} ${percent(share, 0)}`)
          .join(', '),
      );
    rows.push(`<tr class="overall"><td class="name">${escapeHtml(target.target)}${target.kind === 'route' ? ' (route)' : ''}</td><td class="name">all</td>${metricCells(target.overall)}<td class="served">${shares(target.overall)}</td></tr>`);
    for (const [category, metrics] of Object.entries(target.categories)) {
      rows.push(`<tr><td class="name"></td><td class="name">${escapeHtml(category)}</td>${metricCells(metrics)}<td class="served">${target.kind === 'route' ? shares(metrics) : ''}</td></tr>`);
    }
  }
  const head = header.map((title, index) => `<th${index < 2 || index === header.length - 1 ? ' class="name"' : ''}>${escapeHtml(title)}</th>`).join('');
  // The box scrolls sideways when the table is wider than the page; the page never does.
  return `<div class="table-box"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function colorOf(report: RunReport): Map<string, string> {
  return new Map(report.targets.map((target, index) => [target.target, PALETTE[index % PALETTE.length] as string]));
}

function frontiers(report: RunReport, colors: Map<string, string>): string {
  const charts: string[] = [];
  const scopes: Array<[string, (target: RunReport['targets'][number]) => Metrics | undefined]> = [
    ['all categories', (target) => target.overall],
    ...report.categories.map((category): [string, (target: RunReport['targets'][number]) => Metrics | undefined] => [category, (target) => target.categories[category]]),
  ];
  const summaries: string[] = [];
  for (const [scope, pick] of scopes) {
    const points: FrontierPoint[] = [];
    for (const target of report.targets) {
      const metrics = pick(target);
      if (!metrics || metrics.accuracy === null || metrics.calls === 0) continue;
      points.push({ label: target.target, costUsd: metrics.costUsd / metrics.calls, accuracy: metrics.accuracy, low: metrics.accuracyLow ?? 0, high: metrics.accuracyHigh ?? 1, color: colors.get(target.target) ?? '#333' });
    }
    if (points.length === 0) continue;
    charts.push(frontierChart(`Cost vs quality: ${scope}`, points));
    summaries.push(`<li>${escapeHtml(scope)}: ${escapeHtml(paretoOptimal(points).map((point) => point.label).join(', '))}</li>`);
  }
  return `<div class="charts">${charts.join('')}</div><p class="note">Filled, starred points are Pareto-optimal: they answered some cases right, and no other target is both cheaper (or as cheap) and more (or as) accurate. Whiskers are 95 % Wilson intervals.</p><ul>${summaries.join('')}</ul>`;
}

export function renderHtml(report: RunReport): string {
  const colors = colorOf(report);
  const { run } = report;
  const boxes = report.targets.flatMap((target) => (target.overall.latencyMs ? [{ label: target.target, summary: target.overall.latencyMs, color: colors.get(target.target) ?? '#333' }] : []));
  const bars: AccuracyBar[] = report.targets.flatMap((target) =>
    Object.entries(target.categories).flatMap(([category, metrics]) =>
      metrics.accuracy === null ? [] : [{ category, label: target.target, accuracy: metrics.accuracy, low: metrics.accuracyLow ?? 0, high: metrics.accuracyHigh ?? 1, color: colors.get(target.target) ?? '#333' }],
    ),
  );
  const labels = report.targets.map((target) => ({ label: target.target, color: colors.get(target.target) ?? '#333' }));
  const scoring =
    report.scoring.calls + report.scoring.cacheHits > 0
      ? `<p>Scoring calls (judge ${escapeHtml(run.judge ?? '-')}, embeddings ${escapeHtml(run.embeddingModel ?? '-')}): ${report.scoring.calls} made, ${report.scoring.cacheHits} from cache, ${escapeHtml(dollars(report.scoring.costUsd))}, not included in the models' cost.</p>`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchyard evaluation ${escapeHtml(run.name)}</title><style>${STYLE}</style></head>
<body>
<h1>Evaluation ${escapeHtml(run.name)}</h1>
<p class="meta">Run ${escapeHtml(run.id)} · dataset ${escapeHtml(run.dataset)} (${run.cases} cases × ${run.runs} runs) · ${escapeHtml(run.status)} · ${run.stored}/${run.planned} results · started ${escapeHtml(run.createdAt)}</p>
${scoring}
${report.warnings.map((warning) => `<p class="warning">Warning: ${escapeHtml(warning)}</p>`).join('\n')}
<h2>Results</h2>
${resultsTable(report)}
<p class="note">Accuracy counts failed calls as wrong and leaves out results the scorer could not decide. Latency is the whole non-streamed call as the client saw it, for successful calls. Cost per correct answer is the total cost divided by the correct answers.</p>
<h2>Cost vs quality</h2>
${frontiers(report, colors)}
<h2>Latency</h2>
<div class="charts">${boxes.length > 0 ? latencyChart('Latency per target', boxes) : '<p>No successful calls.</p>'}</div>
<h2>Accuracy per category</h2>
<div class="charts">${bars.length > 0 ? accuracyChart('Accuracy per category (95 % Wilson interval)', report.categories, bars, labels) : '<p>No scored results.</p>'}</div>
</body></html>
`;
}
