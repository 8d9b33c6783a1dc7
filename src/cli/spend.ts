/**
 * `switchyard spend [--by key|team|route|model|day] [--since 7d] [--until DATE] [--json]`
 * and `switchyard spend --savings [--baseline MODEL] [--baseline-mode measured|tokens]`: cost reports from the request log,
 * evaluation calls (key id `eval:…`) left out unless --include-eval.
 */
import { loadConfig } from '../config/load.js';
import { formatUsd } from '../governance/pricing.js';
import { parseSince, SpendReports, type BaselineLengths, type SpendGrouping, type SpendReader } from '../governance/spend.js';
import { PostgresReports } from '../store/postgres-reports.js';
import { openPostgres, reading } from './postgres.js';
import { SqliteRequestLog } from '../store/sqlite-request-log.js';
import { textTable } from '../eval/report/format.js';
import { UsageError } from './arguments.js';

function describeRange(range: { since?: number; until?: number }): string {
  const at = (time: number): string => new Date(time).toISOString().slice(0, 16).replace('T', ' ');
  return `${range.since !== undefined ? ` since ${at(range.since)} UTC` : ''}${range.until !== undefined ? ` until ${at(range.until)} UTC` : ''}`;
}

export async function runSpend(values: Record<string, string | boolean | undefined>): Promise<number> {
  const config = loadConfig(typeof values.config === 'string' ? { path: values.config } : {});
  let range: { since?: number; until?: number };
  try {
    const since = parseSince(typeof values.since === 'string' ? values.since : undefined);
    const until = parseSince(typeof values.until === 'string' ? values.until : undefined);
    range = { ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  // With store.postgres the reports cover every replica's rows, from PostgreSQL; else the local SQLite log.
  const url = config.store.postgresUrl;
  const log = url === undefined ? new SqliteRequestLog({ path: config.store.sqlitePath, flushIntervalMs: 1000, inline: true }) : undefined;
  const pool = url !== undefined ? openPostgres(url) : undefined;
  const reports: SpendReader & { close?: () => void } = pool ? new PostgresReports(pool) : new SpendReports(config.store.sqlitePath, () => log?.flush());
  try {
    if (values.savings) {
      const mode = values['baseline-mode'];
      if (mode !== undefined && mode !== 'measured' && mode !== 'tokens') throw new UsageError(`--baseline-mode must be measured or tokens, got "${String(mode)}"`);
      const baselineName = typeof values.baseline === 'string' ? values.baseline : 'gpt-5.4';
      const baseline = config.models.get(baselineName);
      if (!baseline?.price) throw new UsageError(`--baseline must name a configured model with a price ("${baselineName}" ${baseline ? 'has no price' : 'is unknown'})`);
      // Answer lengths come from evaluation runs, which are stored in the local SQLite file.
      const evalReports = reports instanceof SpendReports ? reports : new SpendReports(config.store.sqlitePath, () => undefined);
      let lengths: BaselineLengths | null;
      try {
        lengths = mode === 'tokens' ? null : evalReports.baselineLengths(baselineName);
      } finally {
        if (evalReports !== reports) evalReports.close();
      }
      if (mode === 'measured' && !lengths) throw new UsageError(`--baseline-mode measured needs evaluation runs that measured ${baselineName} (switchyard eval run --models ${baselineName} ...); none are stored in ${config.store.sqlitePath}`);
      const rows = await reading(url, reports.savings(baseline.price, range, { includeEval: values['include-eval'] === true }, lengths));
      if (values.json) {
        console.log(JSON.stringify({ baseline: baselineName, baseline_mode: lengths ? 'measured' : 'tokens', baseline_lengths: lengths, rows }));
        return 0;
      }
      if (rows.length === 0) {
        console.log(`(no requests${describeRange(range)}: nothing to compare with ${baselineName})`);
        return 0;
      }
      if (lengths) {
        const measuredCategories = Object.entries(lengths.categories).map(([category, figures]) => `${category} ${Math.round(figures.meanOutputTokens)}`);
        console.log(
          `Savings against ${baselineName}, baseline mode "measured": each request's own input tokens, and as many output tokens as ${baselineName} wrote per answer in the request's category in evaluation runs (${lengths.runs.join(', ')}: ${measuredCategories.join(', ')} tokens per answer), at ${baselineName}'s list price — what the traffic would have cost had ${baselineName} answered it. Rows marked "tokens" (no category, or one the runs did not measure) price the request's own tokens.`,
        );
      } else {
        console.log(`Savings against ${baselineName}, baseline mode "tokens": each request's own tokens (input, cached, cache writes, output) priced at ${baselineName}'s list price — what the same traffic would have cost had every request gone to ${baselineName} and produced as many tokens.${mode === undefined ? ` (No evaluation run measured ${baselineName}; after one, the baseline writes its own measured answer lengths.)` : ''}`);
      }
      if (values['include-eval'] !== true) console.log('Evaluation calls (key eval:…) are left out; --include-eval counts them.');
      console.log(
        textTable(
          ['route', 'category', 'requests', 'actual $', 'baseline $', 'saved $', 'saved', 'baseline'],
          rows.map((row) => [row.route ?? '(model)', row.category ?? '-', String(row.requests), formatUsd(row.actualUsd), formatUsd(row.baselineUsd), formatUsd(row.savedUsd), `${(row.savedShare * 100).toFixed(1)} %`, row.baselineMode]),
          [0, 1, 7],
        ),
      );
      const actual = rows.reduce((sum, row) => sum + row.actualUsd, 0);
      const total = rows.reduce((sum, row) => sum + row.baselineUsd, 0);
      const requests = rows.reduce((sum, row) => sum + row.requests, 0);
      const share = total > 0 ? ((total - actual) / total) * 100 : 0;
      console.log(`total: ${requests} requests, $${formatUsd(actual)} actual vs $${formatUsd(total)} on ${baselineName}: saved $${formatUsd(total - actual)} (${share.toFixed(1)} %)`);
      const hits = rows.reduce((sum, row) => sum + row.cacheHits, 0);
      if (hits > 0) console.log(`response cache: ${hits} answers served from the cache, avoiding $${formatUsd(rows.reduce((sum, row) => sum + row.cacheAvoidedUsd, 0))}`);
      return 0;
    }
    const by = (typeof values.by === 'string' ? values.by : 'model') as SpendGrouping;
    if (!['key', 'team', 'route', 'model', 'day'].includes(by)) throw new UsageError('--by must be key, team, route, model or day');
    const rows = await reading(url, reports.spend(by, range, { includeEval: values['include-eval'] === true }));
    if (values.json) {
      for (const row of rows) console.log(JSON.stringify(row));
      return 0;
    }
    if (rows.length === 0) {
      console.log(`(no requests${describeRange(range)})`);
      return 0;
    }
    // input and output are totals; cached (read), cache write (5-minute and 1-hour) and reasoning are parts of them.
    console.log(
      textTable(
        [by, 'requests', 'input', 'cached', 'cache write', 'output', 'reasoning', 'cost $'],
        rows.map((row) => [row.group ?? '-', ...[row.requests, row.inputTokens, row.cachedInputTokens, row.cacheWrite5mTokens + row.cacheWrite1hTokens, row.outputTokens, row.reasoningTokens].map(String), formatUsd(row.costUsd)]),
        1,
      ),
    );
    return 0;
  } finally {
    reports.close?.();
    log?.close();
    await pool?.end().catch(() => undefined);
  }
}
