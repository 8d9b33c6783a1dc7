/** Shared by the evaluation tests: a fast simulated config, arithmetic datasets, synthetic results. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TASK_CATEGORIES } from '../../src/core/categories.js';
import { metricsOf, type RunReport } from '../../src/eval/report/aggregate.js';
import type { ResultRow } from '../../src/eval/store.js';

export function tempDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'switchyard-eval-'));
}

/** Catalog models served by a simulator without delays; they get the catalog's quality profiles. */
export function fastConfigText(dbPath: string): string {
  return `store:
  sqlite: { path: ${JSON.stringify(dbPath)} }
  flush_interval_ms: 10
resilience:
  circuit_breaker: { enabled: false }
providers:
  sim:
    type: simulator
    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }
  # Every call fails with a 500.
  flaky:
    type: simulator
    behaviour: { ttft_ms: 0, tokens_per_second: 100000, error_rate: 1, error_status: 500 }
models:
  broken-mini:
    provider: flaky
    upstream_model: gpt-5.4-mini
    price: { input: 0.25, output: 2 }
  gpt-5.4:
    provider: sim
    price: { input: 1.75, output: 14 }
  gpt-5.4-mini:
    provider: sim
    price: { input: 0.25, output: 2 }
  deepseek-v4-flash:
    provider: sim
    price: { input: 0.14, output: 0.28 }
  claude-sonnet-4.6:
    provider: sim
    price: { input: 3, output: 15 }
  # A judge without structured output: it answers in prose (which the simulator does not make a verdict of).
  claude-text-judge:
    provider: sim
    upstream_model: claude-sonnet-4.6
    price: { input: 3, output: 15 }
    capabilities: { json_schema: false }
  text-embedding-3-small:
    kind: embedding
    provider: sim
    price: { input: 0.02, output: 0 }
routes:
  # Half the traffic to each model, at random: a route served by two models.
  split:
    experiment:
      sticky: none
      variants:
        - { name: mini, weight: 1, model: gpt-5.4-mini }
        - { name: flash, weight: 1, model: deepseek-v4-flash }
`;
}

/** A deterministic arithmetic dataset ("What is 417 * 38?") with numeric expectations. */
export function arithmeticDataset(count: number, seed = 7): string {
  let state = seed;
  const next = (max: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % max;
  };
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    const left = 12 + next(988);
    const right = 2 + next(98);
    const [operator, value] = index % 3 === 0 ? ['+', left + right] : index % 3 === 1 ? ['-', left - right] : ['*', left * right];
    lines.push(JSON.stringify({ id: `arith-${index + 1}`, category: 'math', prompt: `What is ${left} ${operator} ${right}?`, expected: { scorer: 'numeric', value } }));
  }
  return `${lines.join('\n')}\n`;
}

export function writeFile(directory: string, name: string, content: string): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

/** `total` results of one target in one category, the first `correct` of them right. */
export function syntheticRows(target: string, category: ResultRow['category'], correct: number, total: number, costUsd: number, latencyMs: number): ResultRow[] {
  return Array.from({ length: total }, (_, index) => ({
    runId: 'r',
    caseId: `${category}-${index}`,
    target,
    runIndex: 0,
    targetKind: 'model',
    category,
    servedModel: target,
    status: 200,
    error: null,
    latencyMs,
    inputTokens: 10,
    outputTokens: 10,
    costUsd,
    answer: '',
    finishReason: 'stop',
    refusal: false,
    scoreStatus: 'scored',
    correct: index < correct,
    rawScore: null,
    scoreDetail: '',
    scoringCostUsd: 0,
    scoringCalls: 0,
    scoringCacheHits: 0,
    createdAt: 0,
  }));
}

export function syntheticReport(id: string, targets: Record<string, ResultRow[]>): RunReport {
  const present = new Set(Object.values(targets).flatMap((own) => own.map((row) => row.category)));
  const categories = TASK_CATEGORIES.filter((category) => present.has(category));
  return {
    run: { id, name: id, status: 'complete', createdAt: '', dataset: 'd', datasetHash: '', cases: 0, runs: 1, judge: null, embeddingModel: null, planned: 0, stored: 0 },
    categories,
    targets: Object.entries(targets).map(([target, own]) => ({
      target,
      kind: 'model',
      overall: metricsOf(own),
      categories: Object.fromEntries(
        categories.flatMap((category) => {
          const inCategory = own.filter((row) => row.category === category);
          return inCategory.length > 0 ? [[category, metricsOf(inCategory)]] : [];
        }),
      ),
    })),
    scoring: { costUsd: 0, calls: 0, cacheHits: 0 },
    warnings: [],
  };
}
