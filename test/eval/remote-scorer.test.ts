/**
 * The scorers that call models, through a real gateway and simulator: embeddings, a
 * grading judge, a pairwise judge in both orders; cached, costed apart, and unreadable
 * verdicts marked unscorable rather than wrong.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText, type GatewayConfig } from '../../src/config/load.js';
import { startEvalGateway, supportsStructuredOutput } from '../../src/eval/eval-gateway.js';
import { GatewayClient } from '../../src/eval/gateway-client.js';
import { ModelScorer } from '../../src/eval/judge/remote-scorer.js';
import { metricsOf } from '../../src/eval/report/aggregate.js';
import { prepareRun } from '../../src/eval/run-setup.js';
import { executeRun } from '../../src/eval/runner.js';
import { EvalStore, type ResultRow } from '../../src/eval/store.js';
import type { RunningGateway } from '../../src/server/start.js';
import { fastConfigText, tempDirectory, writeFile } from './helpers.js';

const DATASET = [
  { id: 'similar', category: 'qa', prompt: 'What is a prime number? Explain briefly.', expected: { scorer: 'embedding', reference: 'A prime number is a whole number above 1 whose only divisors are 1 and itself.', threshold: 0.1 } },
  { id: 'graded', category: 'qa', prompt: 'Explain why the sky is blue.', expected: { scorer: 'judge', rubric: 'Mentions Rayleigh scattering of shorter wavelengths.' } },
  { id: 'versus', category: 'qa', prompt: 'Explain how tides work.', expected: { scorer: 'judge', rubric: 'Mentions the Moon and the Sun.', pairwise_against: 'deepseek-v4-flash' } },
]
  .map((line) => JSON.stringify(line))
  .join('\n');

describe('judge and embedding scorers', () => {
  const directory = tempDirectory();
  const datasetPath = writeFile(directory, 'scored.jsonl', DATASET);
  let config: GatewayConfig;
  let gateway: RunningGateway;
  let store: EvalStore;
  let client: GatewayClient;

  const evaluate = async (name: string, judge: string): Promise<ResultRow[]> => {
    const { run } = prepareRun({ datasetPath, models: ['gpt-5.4-mini'], routes: [], judge, embeddingModel: 'text-embedding-3-small', allowSameFamily: false, name }, store, config);
    const scorer = new ModelScorer({ client, store, judge, embeddingModel: 'text-embedding-3-small', structuredJudge: supportsStructuredOutput(judge, config) });
    await executeRun({ store, client, run, scorer, concurrency: 3 });
    return store.results(run.id);
  };

  beforeAll(async () => {
    config = parseConfigText(fastConfigText(join(directory, 'scored.db')), {}, 'test');
    gateway = await startEvalGateway(config);
    store = new EvalStore(config.store.sqlitePath);
    client = new GatewayClient(gateway.url, 'unused');
  });

  afterAll(async () => {
    store?.close();
    await gateway?.stop(1000);
  });

  it('scores through the models, with the scoring cost kept apart', async () => {
    const rows = await evaluate('structured', 'claude-sonnet-4.6');
    const byCase = new Map(rows.map((row) => [row.caseId, row]));

    const similar = byCase.get('similar');
    expect(similar?.scoreStatus).toBe('scored');
    expect(similar?.scoreDetail).toMatch(/^cosine -?[01]\.\d{3}$/);
    expect(similar?.rawScore).toBeGreaterThan(-1);
    expect(similar?.scoringCalls).toBe(1);

    const graded = byCase.get('graded');
    expect(graded?.scoreStatus).toBe('scored');
    expect(graded?.scoreDetail).toMatch(/^judge: (PASS|FAIL), score \d+$/);
    expect(graded?.scoringCalls).toBe(1);

    const versus = byCase.get('versus');
    expect(versus?.scoreStatus).toBe('scored');
    expect(versus?.scoreDetail).toMatch(/^vs deepseek-v4-flash: (A|B|tie) \(judged first\), (A|B|tie) \(judged second\)$/);
    // The reference answer, then the judge in both orders.
    expect(versus?.scoringCalls).toBe(3);
    expect([0, 0.25, 0.5, 0.75, 1]).toContain(versus?.rawScore);
    expect(versus?.correct).toBe((versus?.rawScore ?? 0) >= 0.5);

    for (const row of rows) {
      expect(row.costUsd).toBeGreaterThan(0);
      expect(row.scoringCostUsd).toBeGreaterThan(0);
    }
    const metrics = metricsOf(rows);
    expect(metrics.scoringCostUsd).toBeCloseTo(rows.reduce((sum, row) => sum + row.scoringCostUsd, 0), 12);
    expect(metrics.costUsd).toBeCloseTo(rows.reduce((sum, row) => sum + row.costUsd, 0), 12);
  });

  it('answers the same judge questions from the cache', async () => {
    const rows = await evaluate('structured-again', 'claude-sonnet-4.6');
    expect(rows.map((row) => row.scoringCalls)).toEqual([0, 0, 0]);
    expect(rows.reduce((sum, row) => sum + row.scoringCacheHits, 0)).toBe(2 + 1 + 3);
    expect(rows.every((row) => row.scoringCostUsd === 0)).toBe(true);
  });

  it("marks a verdict it cannot read as unscorable, not as the judged model's failure", async () => {
    const rows = await evaluate('prose-judge', 'claude-text-judge');
    const graded = rows.find((row) => row.caseId === 'graded');
    expect(graded?.scoreStatus).toBe('unscorable');
    expect(graded?.scoreDetail).toMatch(/^no verdict in the judge's answer/);
    const metrics = metricsOf(rows);
    expect(metrics.unscorable).toBeGreaterThanOrEqual(1);
    expect(metrics.graded).toBe(rows.length - metrics.unscorable);
  });
});
