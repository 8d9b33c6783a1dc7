/**
 * The savings report's two baselines, with numbers worked out by hand: the same tokens at the
 * baseline's price, and the baseline answering at its own measured length per category.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvalStore } from '../../src/eval/store.js';
import { SpendReports } from '../../src/governance/spend.js';
import { openDatabase } from '../../src/store/sqlite-schema.js';
import { syntheticRows, tempDirectory } from '../eval/helpers.js';

// USD per 1M tokens.
const BASELINE = { input: 2, output: 10 };

function requestRow(database: ReturnType<typeof openDatabase>, id: string, fields: { route: string | null; category: string | null; input: number; output: number; costUsd: number; keyId?: string; cacheHit?: boolean }): void {
  const details = JSON.stringify({
    ...(fields.category ? { decision: { category: { category: fields.category } } } : {}),
    ...(fields.cacheHit ? { cache: { status: 'hit-exact', avoided_usd: 0.001 } } : {}),
  });
  database
    .prepare(
      `INSERT INTO requests (id, created_at, endpoint, key_id, route, requested_model, model, provider, stream, status, latency_ms, input_tokens, output_tokens, cached_input_tokens, cost_usd, simulated, attempts, details)
       VALUES (?, ?, 'chat', ?, ?, 'auto', 'cheap', 'sim', 0, 200, 10, ?, ?, 0, ?, 1, 1, ?)`,
    )
    .run(id, 1_000, fields.keyId ?? null, fields.route, fields.input, fields.output, fields.costUsd, details);
}

function setUp(withEval: boolean): SpendReports {
  const path = join(tempDirectory(), 'savings.db');
  const database = openDatabase(path);
  // auto/math: 2 requests, 100 + 300 input, 50 + 70 output, $0.0001 in all.
  requestRow(database, 'r1', { route: 'auto', category: 'math', input: 100, output: 50, costUsd: 0.00004 });
  requestRow(database, 'r2', { route: 'auto', category: 'math', input: 300, output: 70, costUsd: 0.00006 });
  // auto/qa: 1 request and 1 answered from the cache (no tokens, no cost).
  requestRow(database, 'r3', { route: 'auto', category: 'qa', input: 200, output: 20, costUsd: 0.00002 });
  requestRow(database, 'r4', { route: 'auto', category: 'qa', input: 0, output: 0, costUsd: 0, cacheHit: true });
  // A request to a model by name: no category.
  requestRow(database, 'r5', { route: null, category: null, input: 1000, output: 100, costUsd: 0.0005 });
  // An evaluation call: left out.
  requestRow(database, 'r6', { route: 'auto', category: 'math', input: 999, output: 999, costUsd: 1, keyId: 'eval:bench' });
  database.close();
  if (withEval) {
    const store = new EvalStore(path);
    store.createRun({ id: 'run-1', name: 'bench', createdAt: 0, updatedAt: 0, status: 'complete', datasetSource: 'd.jsonl', datasetHash: 'h', cases: [], targets: [{ name: 'big', kind: 'model' }], runs: 1, options: { configSource: 'test' } });
    // big writes 400 tokens per math answer (300 and 500), 30 per qa answer; a failed call does not count; a route's calls do not either.
    const rows = [
      ...syntheticRows('big', 'math', 2, 2, 0, 10).map((row, index) => ({ ...row, runId: 'run-1', outputTokens: index === 0 ? 300 : 500 })),
      ...syntheticRows('big', 'qa', 1, 1, 0, 10).map((row) => ({ ...row, runId: 'run-1', caseId: 'qa-x', outputTokens: 30 })),
      ...syntheticRows('big', 'qa', 0, 1, 0, 10).map((row) => ({ ...row, runId: 'run-1', caseId: 'qa-failed', status: 500, error: 'upstream', outputTokens: 9999 })),
      ...syntheticRows('big', 'math', 1, 1, 0, 10).map((row) => ({ ...row, runId: 'run-1', caseId: 'via-route', target: 'auto', targetKind: 'route' as const, outputTokens: 9999 })),
    ];
    for (const row of rows) store.saveResult(row);
    store.close();
  }
  return new SpendReports(path, () => undefined);
}

describe('savings baselines', () => {
  it('tokens: each request’s own tokens at the baseline’s price', () => {
    const reports = setUp(false);
    try {
      expect(reports.baselineLengths('big')).toBeNull();
      const rows = reports.savings(BASELINE, {}, {}, null);
      const math = rows.find((row) => row.category === 'math')!;
      // 400 input × $2 + 120 output × $10 per 1M = $0.002
      expect(math.baselineUsd).toBeCloseTo(0.002, 12);
      expect(math.savedUsd).toBeCloseTo(0.0019, 12);
      expect(math.baselineMode).toBe('tokens');
      // qa: 200 × 2 + 20 × 10 = 600 → $0.0006
      expect(rows.find((row) => row.category === 'qa')!.baselineUsd).toBeCloseTo(0.0006, 12);
      expect(rows.reduce((sum, row) => sum + row.requests, 0)).toBe(5);
    } finally {
      reports.close();
    }
  });

  it('measured: the same input, and the baseline’s own mean answer length per category from evaluation runs', () => {
    const reports = setUp(true);
    try {
      const lengths = reports.baselineLengths('big')!;
      expect(lengths.runs).toEqual(['bench']);
      expect(lengths.categories).toEqual({ math: { meanOutputTokens: 400, answers: 2 }, qa: { meanOutputTokens: 30, answers: 1 } });
      const rows = reports.savings(BASELINE, {}, {}, lengths);
      const math = rows.find((row) => row.category === 'math')!;
      // 400 input × $2 + 2 answers × 400 output × $10 per 1M = 800 + 8,000 = $0.0088
      expect(math.baselineMode).toBe('measured');
      expect(math.baselineUsd).toBeCloseTo(0.0088, 12);
      expect(math.savedUsd).toBeCloseTo(0.0087, 12);
      expect(math.savedShare).toBeCloseTo(0.0087 / 0.0088, 12);
      // qa: 200 input × $2 + 1 answered (the cache hit asked nobody) × 30 × $10 = 400 + 300 = $0.0007
      const qa = rows.find((row) => row.category === 'qa')!;
      expect(qa.baselineUsd).toBeCloseTo(0.0007, 12);
      expect(qa.cacheHits).toBe(1);
      // No category: the same tokens, 1000 × 2 + 100 × 10 = $0.003, and it says so.
      const byName = rows.find((row) => row.category === null)!;
      expect(byName.baselineMode).toBe('tokens');
      expect(byName.baselineUsd).toBeCloseTo(0.003, 12);
    } finally {
      reports.close();
    }
  });

  it('a model no run measured has no lengths', () => {
    const reports = setUp(true);
    try {
      expect(reports.baselineLengths('unmeasured')).toBeNull();
    } finally {
      reports.close();
    }
  });
});
