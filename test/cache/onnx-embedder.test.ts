/**
 * The semantic cache with `embedder: onnx:<folder>` through the real gateway: a sentence-embedding
 * export of the right shape (input_ids, attention_mask, token_type_ids → last_hidden_state),
 * generated with random weights by scripts/onnx-test-model.mjs, and BERT's real tokenizer.json.
 * Random weights say nothing about meaning, so the test computes each similarity with the
 * embedder itself and checks that the gateway serves exactly the hits those numbers and the
 * threshold call for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTestModel } from '../../scripts/onnx-test-model.mjs';
import { OnnxEmbedder } from '../../src/cache/embedders.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const TOKENIZER = fileURLToPath(new URL('../fixtures/onnx/bert-base-uncased-tokenizer.json', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'switchyard-onnx-cache-'));
const folder = writeTestModel(join(root, 'minilm-shaped'), { tokenizer: TOKENIZER, task: 'embedding', hidden: 32, seed: 7 });
const gateways: TestGateway[] = [];
afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  rmSync(root, { recursive: true, force: true });
});

function cosine(left: Float32Array, right: Float32Array): number {
  let dot = 0;
  for (let index = 0; index < left.length; index++) dot += (left[index] as number) * (right[index] as number);
  return dot;
}

async function ask(gateway: TestGateway, content: string): Promise<{ cache: string | null; similarity: string | null; attempts: number }> {
  const response = await fetch(`${gateway.running.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content }] }),
  });
  await response.json();
  return { cache: response.headers.get('x-switchyard-cache'), similarity: response.headers.get('x-switchyard-cache-similarity'), attempts: Number(response.headers.get('x-switchyard-attempts')) };
}

describe('semantic cache with an ONNX embedder', () => {
  it('embeds with the model folder: unit vectors, the same tokens give the same vector', async () => {
    const embedder = new OnnxEmbedder(`onnx:${folder}`);
    const [upper, lower, other] = (await embedder.embed(['How Do I Reset My Router?', 'how do i reset my router?', 'Which river is the longest?'])) as Float32Array[];
    expect(upper).toHaveLength(32);
    expect(cosine(upper!, upper!)).toBeCloseTo(1, 5);
    // The uncased tokenizer folds case: the same tokens, the same vector.
    expect(cosine(upper!, lower!)).toBeCloseTo(1, 5);
    expect(cosine(upper!, other!)).toBeLessThan(0.9999);
    await embedder.close();
  });

  it('serves the hits its similarities and the threshold call for, with the similarity in the header', async () => {
    const stored = 'How do I reset my router password?';
    const [near, far] = ['How can I reset the password of my router?', 'What is the boiling point of water at sea level?'];
    const embedder = new OnnxEmbedder(`onnx:${folder}`);
    const [storedVector, nearVector, farVector] = (await embedder.embed([stored, near, far])) as Float32Array[];
    await embedder.close();
    const nearSimilarity = cosine(storedVector!, nearVector!);
    const farSimilarity = cosine(storedVector!, farVector!);
    // Random weights decide which of the two is closer: the threshold goes between them.
    const [above, below] = nearSimilarity >= farSimilarity ? [{ text: near, similarity: nearSimilarity }, { text: far, similarity: farSimilarity }] : [{ text: far, similarity: farSimilarity }, { text: near, similarity: nearSimilarity }];
    expect(above.similarity - below.similarity).toBeGreaterThan(0.001);
    const threshold = (above.similarity + below.similarity) / 2;
    const gateway = await startTestGateway(`
cache:
  mode: semantic
  embedder: onnx:${folder}
  threshold: ${threshold.toFixed(6)}
  near_miss: false
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
models:
  gpt-5.4-mini: { provider: sim, price: { input: 1, output: 2 } }
`);
    gateways.push(gateway);
    expect(await ask(gateway, stored)).toMatchObject({ cache: 'miss', attempts: 1 });
    const hit = await ask(gateway, above.text);
    expect(hit).toMatchObject({ cache: 'hit-semantic', attempts: 0 });
    expect(Number(hit.similarity)).toBeCloseTo(above.similarity, 3);
    expect(await ask(gateway, below.text)).toMatchObject({ cache: 'miss', similarity: null, attempts: 1 });
  }, 60_000);
});
