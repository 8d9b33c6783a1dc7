/**
 * `switchyard cache stats|clear` talk to a running gateway's admin API (the memory cache lives
 * in its process); `switchyard cache eval` measures the configured semantic setup in this
 * process on {"origin", "similar"} pairs: half the origins cached, every paraphrase asked,
 * true and false hits counted over a threshold sweep (see cache/evaluate.ts).
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type GatewayConfig } from '../config/load.js';
import { createEmbedder } from '../cache/embedders.js';
import { evaluatePairs, type EvaluationReport, type Pair } from '../cache/evaluate.js';
import { evaluateOverHttp, type HttpEvaluationReport } from '../cache/evaluate-http.js';
import type { Embedder } from '../cache/types.js';
import { silentLogger } from '../core/logger.js';
import { CliError, UsageError } from './arguments.js';

type Values = Record<string, string | boolean | undefined>;

function configOf(values: Values): GatewayConfig {
  return loadConfig(typeof values.config === 'string' ? { path: values.config } : {});
}

async function admin(values: Values, method: 'GET' | 'DELETE', query: URLSearchParams): Promise<Record<string, unknown>> {
  const config = typeof values.url === 'string' && typeof values['admin-key'] === 'string' ? undefined : configOf(values);
  const base = typeof values.url === 'string' ? values.url.replace(/\/+$/, '') : `http://${config!.server.host === '0.0.0.0' ? '127.0.0.1' : config!.server.host}:${config!.server.port}`;
  const key = typeof values['admin-key'] === 'string' ? values['admin-key'] : config!.server.adminKey;
  if (!key) throw new UsageError('the admin API needs a key: --admin-key, or server.admin_key in the config');
  const url = `${base}/admin/cache${query.size > 0 ? `?${query}` : ''}`;
  let response: Response;
  try {
    response = await fetch(url, { method, headers: { authorization: `Bearer ${key}` } });
  } catch (error) {
    throw new CliError(`cannot reach the gateway at ${base} (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}); is it running? (--url)`);
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown> & { error?: { message?: string } };
  if (!response.ok) throw new CliError(`${method} ${url}: ${response.status} ${body.error?.message ?? ''}`.trim());
  return body;
}

function readPairs(path: string): Pair[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read --pairs ${path}: ${(error as Error).message}`);
  }
  const pairs: Pair[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new UsageError(`${path} line ${index + 1}: not JSON (${(error as Error).message})`);
    }
    const pair = value as Partial<Pair> | null;
    if (typeof pair?.origin !== 'string' || typeof pair.similar !== 'string') throw new UsageError(`${path} line ${index + 1}: expected {"origin": string, "similar": string}`);
    pairs.push({ origin: pair.origin, similar: pair.similar });
  });
  if (pairs.length < 4) throw new UsageError(`${path}: need at least 4 pairs, found ${pairs.length}`);
  return pairs;
}

/** The configured embedder; an embedding model is called through a gateway started in this process. */
async function embedderOf(config: GatewayConfig): Promise<{ embedder: Embedder; stop: () => Promise<void> }> {
  const name = config.cache.embedder;
  if (name === 'local' || name.startsWith('onnx:')) {
    const embedder = createEmbedder(name, { models: config.models, executor: undefined as never, breakers: undefined });
    return { embedder, stop: async () => embedder.close?.() };
  }
  const { startGateway } = await import('../server/start.js');
  config.store.sqlitePath = join(mkdtempSync(join(tmpdir(), 'switchyard-cache-eval-')), 'log.db');
  const semanticConfig: GatewayConfig = { ...config, cache: { ...config.cache, enabled: true, policy: { ...config.cache.policy, mode: 'semantic' } } };
  const running = await startGateway({ config: semanticConfig, logger: silentLogger(), port: 0, host: '127.0.0.1' });
  const embedder = running.gateway.services.cache?.semantic?.embedder;
  if (!embedder) throw new CliError('the configured embedder could not be built');
  return { embedder, stop: async () => void (await running.stop(1000)) };
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

function printReport(report: EvaluationReport): void {
  console.log(`embedder ${report.embedder}, near-miss check ${report.nearMiss ? 'on' : 'off'}: ${report.pairs} pairs, ${report.cached} origins cached, ${report.unrelatedQueries} unrelated paraphrases`);
  console.log(`at the configured threshold ${report.configuredThreshold}: true hits ${percent(report.configured.trueHitRate)}, false hits ${percent(report.configured.falseHitRate)}, wrong hits ${percent(report.configured.wrongHitRate)}`);
  console.log(report.bestAtOnePercent ? `best at ≤ 1 % false hits: threshold ${report.bestAtOnePercent.threshold} → true hits ${percent(report.bestAtOnePercent.trueHitRate)}` : 'no threshold keeps false hits at or below 1 %');
  console.log('\nthreshold  true hits  false hits  wrong hits');
  for (const point of report.sweep) console.log(`${point.threshold.toFixed(3).padStart(9)}  ${percent(point.trueHitRate).padStart(9)}  ${percent(point.falseHitRate).padStart(10)}  ${percent(point.wrongHitRate).padStart(10)}`);
  const rejections = Object.entries(report.nearMissRejections);
  if (rejections.length > 0) console.log(`\nnear-miss rejections of the best candidate: ${rejections.map(([reason, count]) => `${reason} ${count}`).join(', ')}`);
}

function printHttpReport(report: HttpEvaluationReport): void {
  console.log(`gateway ${report.url}, model ${report.model}: ${report.pairs} pairs, ${report.cached} origins stored, ${report.unrelatedQueries} unrelated paraphrases (run ${report.run})`);
  console.log(`as served: true hits ${percent(report.served.trueHitRate)}, false hits ${percent(report.served.falseHitRate)}, wrong hits ${percent(report.served.wrongHitRate)}`);
  console.log(`responses: ${Object.entries(report.statuses).map(([status, count]) => `${status} ${count}`).join(', ')}; upstream calls: ${report.upstreamCalls.origins} storing the origins, ${report.upstreamCalls.questions} for the paraphrases`);
  if (report.notStored > 0) console.log(`${report.notStored} origins were not stored (their request was not a plain miss)`);
  if (report.ambiguousAnswers > 0) console.log(`${report.ambiguousAnswers} origins share their answer with another: a hit on one counts as right for both`);
  console.log(report.bestAtOnePercent ? `best at ≤ 1 % false hits: threshold ${report.bestAtOnePercent.threshold} → true hits ${percent(report.bestAtOnePercent.trueHitRate)}` : 'no threshold keeps false hits at or below 1 %');
  console.log(`\nthreshold  true hits  false hits  wrong hits   (below ${report.lowestHitSimilarity ?? 'the gateway threshold'}: only what the gateway served)`);
  for (const point of report.sweep) console.log(`${point.threshold.toFixed(3).padStart(9)}  ${percent(point.trueHitRate).padStart(9)}  ${percent(point.falseHitRate).padStart(10)}  ${percent(point.wrongHitRate).padStart(10)}`);
}

export async function runCache(values: Values, positionals: string[]): Promise<number> {
  const [subcommand] = positionals;
  switch (subcommand) {
    case 'stats': {
      const stats = await admin(values, 'GET', new URLSearchParams());
      if (values.json) console.log(JSON.stringify(stats));
      else if (stats.enabled === false) console.log('the cache is off (every mode is off in the config)');
      else {
        const semantic = stats.semantic as { embedder: string; scopes: number; entries: number } | undefined;
        console.log(`backend ${String(stats.backend)}: ${String(stats.entries)} answers, ${(Number(stats.bytes) / 1024 / 1024).toFixed(2)} MiB of ${(Number(stats.maxBytes) / 1024 / 1024).toFixed(0)} MiB (at most ${String(stats.maxEntries)} answers); ${String(stats.evictions)} evicted, ${String(stats.expirations)} expired`);
        if (semantic) console.log(`semantic index (${semantic.embedder}): ${semantic.entries} questions in ${semantic.scopes} scopes`);
      }
      return 0;
    }
    case 'clear': {
      const query = new URLSearchParams();
      for (const name of ['key', 'route', 'model'] as const) if (typeof values[name] === 'string') query.set(name, values[name]);
      const result = await admin(values, 'DELETE', query);
      console.log(values.json ? JSON.stringify(result) : `deleted ${String(result.deleted)} cached answers`);
      return 0;
    }
    case 'eval': {
      if (typeof values.pairs !== 'string') throw new UsageError('cache eval needs --pairs FILE.jsonl');
      const pairs = readPairs(values.pairs);
      if (typeof values.url === 'string') {
        // Through a running gateway's chat API, as a client sees it.
        if (!/^https?:\/\/[^/]/.test(values.url)) throw new UsageError(`--url must be an http:// or https:// URL, got "${values.url}"`);
        const model = typeof values.model === 'string' ? values.model : typeof values.route === 'string' ? values.route : undefined;
        if (model === undefined) throw new UsageError('cache eval --url needs --model NAME (the model or route to ask)');
        const seed = values.seed !== undefined ? Number(values.seed) : 1;
        if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got "${String(values.seed)}"`);
        const apiKey = typeof values['api-key'] === 'string' ? values['api-key'] : process.env.SWITCHYARD_API_KEY;
        let report: HttpEvaluationReport;
        try {
          report = await evaluateOverHttp(pairs, { url: values.url, model, seed, ...(apiKey ? { apiKey } : {}) });
        } catch (error) {
          throw new CliError((error as Error).message);
        }
        if (values.json) console.log(JSON.stringify(report));
        else printHttpReport(report);
        return 0;
      }
      const config = configOf(values);
      const route = typeof values.route === 'string' ? values.route : undefined;
      if (route !== undefined && !config.routes.has(route)) throw new UsageError(`--route: no route "${route}" in the config`);
      const policy = (route !== undefined ? config.cache.routes.get(route) : undefined) ?? config.cache.policy;
      const threshold = values.threshold !== undefined ? Number(values.threshold) : policy.threshold;
      if (threshold !== undefined && (!Number.isFinite(threshold) || threshold < 0 || threshold > 1)) throw new UsageError(`--threshold must be a number from 0 to 1, got "${String(values.threshold)}"`);
      const seed = values.seed !== undefined ? Number(values.seed) : 1;
      if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got "${String(values.seed)}"`);
      const { embedder, stop } = await embedderOf(config);
      try {
        const report = await evaluatePairs(pairs, embedder, { nearMiss: values['no-near-miss'] ? false : policy.nearMiss, seed, ...(threshold !== undefined ? { threshold } : {}) });
        if (values.json) console.log(JSON.stringify(report));
        else printReport(report);
      } finally {
        await stop();
      }
      return 0;
    }
    default:
      throw new UsageError(subcommand ? `unknown subcommand "${subcommand}" (stats, clear, eval)` : 'cache needs a subcommand: stats, clear or eval');
  }
}
