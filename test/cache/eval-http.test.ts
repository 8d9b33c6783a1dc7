/**
 * `switchyard cache eval --url`: hit quality measured through a running gateway's chat API (the
 * simulator behind it). Origins are stored with `refresh`, paraphrases asked with `no-store`;
 * hits make no upstream call, misses make one, and nothing the evaluation asked is stored.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { evaluateOverHttp } from '../../src/cache/evaluate-http.js';
import { runCache } from '../../src/cli/cache.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const CONFIG = `
server:
  api_keys:
    - { key: env:EVAL_KEY, name: evaluator }
cache:
  mode: semantic
providers:
  sim:
    type: simulator
    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }
models:
  gpt-5.4-mini:
    provider: sim
    price: { input: 0.25, output: 2 }
`;
const KEY = 'sk-test-cache-eval-http';

/** Written for this test: questions on unrelated topics, each with a close rewording. */
const PAIRS = [
  ['How do I reset the password of my home router?', 'How can I reset my home router password?'],
  ['What is the boiling point of water at sea level?', 'At sea level, what is the boiling point of water?'],
  ['How long should I boil an egg for a soft yolk?', 'For a soft yolk, how long should an egg be boiled?'],
  ['Which planet in the solar system has the most moons?', 'What planet of the solar system has the most moons?'],
  ['How do I remove a red wine stain from a carpet?', 'How can I get a red wine stain out of a carpet?'],
  ['What causes the seasons on Earth?', 'What is the cause of the seasons on Earth?'],
  ['How often should a cactus be watered indoors?', 'How frequently should an indoor cactus be watered?'],
  ['Why is the sky blue during the day?', 'During the day, why is the sky blue?'],
  ['What is the difference between a virus and a bacterium?', 'How does a virus differ from a bacterium?'],
  ['How do I sharpen a kitchen knife with a whetstone?', 'How can I sharpen a kitchen knife using a whetstone?'],
  ['What are good exercises for lower back pain?', 'Which exercises are good for lower back pain?'],
  ['How does compound interest work on a savings account?', 'How does compound interest work for a savings account?'],
  ['What is the tallest mountain in Africa?', 'Which mountain is the tallest in Africa?'],
  ['How do I fix a leaking kitchen faucet?', 'How can I repair a kitchen faucet that leaks?'],
  ['What language is spoken in Brazil?', 'Which language do people speak in Brazil?'],
  ['How do bees make honey from nectar?', 'How is honey made from nectar by bees?'],
].map(([origin, similar]) => ({ origin: origin as string, similar: similar as string }));

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway(CONFIG, { EVAL_KEY: KEY });
});
afterAll(async () => {
  await gateway.stop();
});

async function chat(system: string, question: string): Promise<string | null> {
  const response = await fetch(`${gateway.running.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'system', content: system }, { role: 'user', content: question }] }),
  });
  await response.text();
  return response.headers.get('x-switchyard-cache');
}

describe('cache eval through the HTTP API', () => {
  it('stores the origins, reads hits and similarities from the headers, and stores nothing it asks', async () => {
    const report = await evaluateOverHttp(PAIRS, { url: gateway.running.url, apiKey: KEY, model: 'gpt-5.4-mini', seed: 3 });
    expect(report.cached).toBe(8);
    expect(report.unrelatedQueries).toBe(8);
    expect(report.notStored).toBe(0);
    expect(report.ambiguousAnswers).toBe(0);
    // One upstream call per stored origin; the paraphrases: one per miss, none per hit.
    expect(report.upstreamCalls.origins).toBe(8);
    const misses = report.statuses.miss ?? 0;
    const hits = (report.statuses['hit-semantic'] ?? 0) + (report.statuses['hit-exact'] ?? 0);
    expect(misses + hits).toBe(16);
    expect(report.upstreamCalls.questions).toBe(misses);
    expect(report.hitsWithUpstreamCalls).toBe(0);
    // Close rewordings of cached questions are hits with their own answer; unrelated ones are not.
    expect(report.served.trueHits).toBeGreaterThanOrEqual(6);
    expect(report.served.wrongHits).toBe(0);
    expect(report.served.falseHits).toBe(0);
    expect(report.lowestHitSimilarity).toBeGreaterThanOrEqual(0.7);
    // The sweep: fewer hits as the threshold rises, all of them below the lowest hit's similarity.
    for (let index = 1; index < report.sweep.length; index++) expect(report.sweep[index]!.trueHits).toBeLessThanOrEqual(report.sweep[index - 1]!.trueHits);
    expect(report.sweep.find((point) => point.threshold <= report.lowestHitSimilarity!)?.trueHits).toBe(report.served.trueHits);

    // The run's scope: an origin is cached there, an unrelated paraphrase was not stored (no-store).
    const system = `Answer the question. (Cache evaluation run ${report.run}.)`;
    const { cached, unrelated } = (await import('../../src/cache/evaluate.js')).splitPairs(PAIRS, 3);
    expect(await chat(system, cached[0]!.origin)).toBe('hit-exact');
    expect(await chat(system, unrelated[0]!.similar)).toBe('miss');
    // Another run (another system message) shares nothing with it.
    expect(await chat('Answer the question.', cached[0]!.origin)).toBe('miss');
  });

  it('runs from the CLI with --url, and says what is wrong without echoing the key', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-cache-eval-http-'));
    const file = join(directory, 'pairs.jsonl');
    writeFileSync(file, PAIRS.map((pair) => JSON.stringify(pair)).join('\n'));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await runCache({ pairs: file, url: gateway.running.url, model: 'gpt-5.4-mini', 'api-key': KEY, seed: '3', json: true }, ['eval'])).toBe(0);
      const report = JSON.parse(String(log.mock.calls.at(-1)?.[0])) as { cached: number; served: { trueHits: number } };
      expect(report.cached).toBe(8);
      expect(report.served.trueHits).toBeGreaterThanOrEqual(6);
    } finally {
      log.mockRestore();
    }
    await expect(runCache({ pairs: file, url: gateway.running.url }, ['eval'])).rejects.toThrow(/--model/);
    await expect(runCache({ pairs: file, url: 'localhost:1', model: 'gpt-5.4-mini' }, ['eval'])).rejects.toThrow(/--url must be/);
    const wrongKey = 'sk-wrong-key-for-eval';
    const failure = runCache({ pairs: file, url: gateway.running.url, model: 'gpt-5.4-mini', 'api-key': wrongKey }, ['eval']);
    await expect(failure).rejects.toThrow(/401/);
    await expect(failure).rejects.not.toThrow(new RegExp(wrongKey));
  });

  it('refuses an unknown x-switchyard-cache value, naming the ones it takes', async () => {
    const response = await fetch(`${gateway.running.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, 'x-switchyard-cache': 'sometimes' },
      body: JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'hello there' }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('off, refresh or no-store');
  });
});
