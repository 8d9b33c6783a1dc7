/**
 * The semantic cache through the real gateway with the built-in embedder: a paraphrase is a
 * hit-semantic with its similarity; near-misses (numbers, names, negation, language, code) and
 * other tenants never are. And the near-miss check on its own, on pairs of both kinds.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nearMissReason } from '../../src/cache/near-miss.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const CONFIG = `
server:
  api_keys:
    - { key: env:KEY_A, name: tenant-a }
    - { key: env:KEY_B, name: tenant-b }
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
routes:
  auto:
    model: gpt-5.4-mini
  faq:
    model: gpt-5.4-mini
    cache: { shared: true }
`;

const ENV = { KEY_A: 'sk-test-semantic-a', KEY_B: 'sk-test-semantic-b' };
let gateway: TestGateway;

async function ask(key: string, content: string, model = 'gpt-5.4-mini') {
  const client = new OpenAI({ baseURL: `${gateway.running.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
  const { data, response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content }] }).withResponse();
  return { text: data.choices[0]?.message.content, cache: response.headers.get('x-switchyard-cache'), similarity: response.headers.get('x-switchyard-cache-similarity'), attempts: Number(response.headers.get('x-switchyard-attempts')) };
}

beforeAll(async () => {
  gateway = await startTestGateway(CONFIG, ENV);
});
afterAll(async () => {
  await gateway.stop();
});

describe('semantic cache over HTTP', () => {
  it('answers a paraphrase from the cache with its similarity', async () => {
    const stored = await ask(ENV.KEY_A, 'How do I reset the password of my home router?');
    expect(stored.cache).toBe('miss');
    const paraphrase = await ask(ENV.KEY_A, 'how can I reset my home router password');
    expect(paraphrase.cache).toBe('hit-semantic');
    expect(paraphrase.attempts).toBe(0);
    expect(Number(paraphrase.similarity)).toBeGreaterThanOrEqual(0.75);
    expect(Number(paraphrase.similarity)).toBeLessThanOrEqual(1);
    expect(paraphrase.text).toBe(stored.text);
  });

  it('never answers a near-miss', async () => {
    const pairs: [string, string][] = [
      ['What is 17 × 23?', 'What is 17 × 24?'],
      ['What is the capital city of France?', 'What is the capital city of Germany?'],
      ['Is it safe to eat raw chicken eggs?', 'Is it not safe to eat raw chicken eggs?'],
      ['Translate "good morning friends" into French', 'Translate "good morning friends" into Spanish'],
      ['How do I call load_dataset() with streaming enabled?', 'How do I call load_from_disk() with streaming enabled?'],
      ['Convert 5 kilograms of flour into pounds', 'Convert 5 pounds of flour into kilograms'],
      ['What happened in Paris on 14 July 1789?', 'What happened in Paris on 14 July 1790?'],
    ];
    for (const [first, second] of pairs) {
      expect((await ask(ENV.KEY_A, first)).cache, first).toBe('miss');
      const other = await ask(ENV.KEY_A, second);
      expect(other.cache, second).toBe('miss');
      expect(other.attempts, second).toBe(1);
    }
  });

  it('never answers across tenants, semantically or exactly, unless the route shares its cache', async () => {
    await ask(ENV.KEY_A, 'What are the opening hours of the city library?');
    expect((await ask(ENV.KEY_A, 'what are the opening hours of the city library')).cache).toBe('hit-semantic');
    expect((await ask(ENV.KEY_B, 'what are the opening hours of the city library')).cache).toBe('miss');
    await ask(ENV.KEY_A, 'Where is the nearest train station to the airport?', 'faq');
    const shared = await ask(ENV.KEY_B, 'where is the nearest train station to the airport', 'faq');
    expect(shared.cache).toMatch(/^hit-/);
  });
});

describe('near-miss check', () => {
  it('rejects pairs that differ in numbers, operators, names, negation, language, units, dates or code', () => {
    const rejected: [string, string][] = [
      ['What is 17 × 23?', 'What is 17 × 24?'],
      ['What is 17 + 23?', 'What is 17 × 23?'],
      ['What is seven plus two?', 'What is 7 plus 3?'],
      ['Who wrote Hamlet?', 'Who wrote Macbeth?'],
      ['Is coffee bad for you?', "Isn't coffee bad for you?"],
      ['Translate hello into German', 'Translate hello into Italian'],
      ['Reverse a list in Python', 'Reverse a list in Rust'],
      ['Convert 5 kg to lb', 'Convert 5 lb to kg'],
      ['What happened on March 3?', 'What happened on April 3?'],
      ['What does `drop` do?', 'What does `remove_column` do?'],
      ['Что такое кэш?', 'What is a cache?'],
    ];
    for (const [a, b] of rejected) expect(nearMissReason(a, b), `${a} / ${b}`).toBeDefined();
  });

  it('lets paraphrases through', () => {
    const accepted: [string, string][] = [
      ['What is 17 × 23?', 'what is 17 * 23'],
      ['What is seven times three?', 'What is 7 × 3?'],
      ['Yes, you can share your dataset on the Hugging Face Hub.', 'It is possible to share your dataset on the Hugging Face Hub.'],
      ['The `drop` method drops one or more columns.', 'The `drop` method eliminates one or more columns.'],
      ['Tasks provide demos for ML tasks.', 'Tasks provide demos for Machine Learning projects.'],
      ["If the dataset doesn't have metadata, a label column is created.", 'In the absence of metadata, a label column is created.'],
    ];
    for (const [a, b] of accepted) expect(nearMissReason(a, b), `${a} / ${b}`).toBeUndefined();
  });
});
