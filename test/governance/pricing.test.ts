/**
 * Cost figures against hand-computed values: list price per million tokens, cached input
 * at its own price, per-request fees; through a real upstream that reports cached tokens.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf, formatUsd, worstCaseCost } from '../../src/governance/pricing.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('costOf', () => {
  it('prices uncached input, cached input, output and per-request fees separately', () => {
    const price = { input: 1.75, output: 14, cachedInput: 0.175, perRequest: 0.001 };
    // 200 uncached × 1.75 + 800 cached × 0.175 + 50 × 14 = 350 + 140 + 700 = 1190 micro-dollars, + $0.001
    expect(costOf(price, { inputTokens: 1000, cachedInputTokens: 800, outputTokens: 50 })).toBeCloseTo(0.00119 + 0.001, 12);
    // Without a cached price, cached input costs the input price.
    expect(costOf({ input: 2, output: 4 }, { inputTokens: 100, cachedInputTokens: 100, outputTokens: 10 })).toBeCloseTo((100 * 2 + 10 * 4) / 1e6, 12);
    expect(costOf(undefined, { inputTokens: 100, outputTokens: 10 })).toBe(0);
  });
});

describe('costOf without usage, worst cases with fees, and dollar text', () => {
  it('a call that reported no usage costs its per-request fee alone', () => {
    expect(costOf({ input: 1, output: 2, perRequest: 0.01 }, undefined)).toBe(0.01);
    expect(costOf({ input: 1, output: 2 }, undefined)).toBe(0);
  });

  it('the worst case adds the per-request fee to the tokens at their dearest price', () => {
    // 1000 input × $1 + 100 output × max($2, $3 reasoning) = 1300 micro-dollars, + $0.5.
    expect(worstCaseCost({ input: 1, output: 2, reasoning: 3, perRequest: 0.5 }, { input: 1000, output: 100 })).toBeCloseTo(0.5013, 12);
  });

  it('prints dollars with up to eight decimals, trailing zeros cut, at least one decimal', () => {
    expect(formatUsd(0.1)).toBe('0.1');
    expect(formatUsd(0.00012)).toBe('0.00012');
    expect(formatUsd(1)).toBe('1.0');
    expect(formatUsd(0)).toBe('0.0');
    expect(formatUsd(10.5)).toBe('10.5');
    expect(formatUsd(0.123456789)).toBe('0.12345679');
  });
});

describe('costOf by token class', () => {
  const price = { input: 3, output: 15, cachedInput: 0.3, cacheWrite5m: 3.75, cacheWrite1h: 6, audioInput: 10, imageInput: 4, reasoning: 20 };

  it('prices each class at its own price, and plain input and output at theirs', () => {
    const usage = { inputTokens: 1000, cachedInputTokens: 400, cacheWrite5mTokens: 200, cacheWrite1hTokens: 100, audioInputTokens: 50, imageInputTokens: 50, outputTokens: 300, reasoningTokens: 100 };
    // plain input 200 × 3 + 400 × 0.3 + 200 × 3.75 + 100 × 6 + 50 × 10 + 50 × 4 + 200 × 15 + 100 × 20
    // = 600 + 120 + 750 + 600 + 500 + 200 + 3000 + 2000 = 7770 micro-dollars
    expect(costOf(price, usage)).toBeCloseTo(0.00777, 12);
  });

  it('falls back class by class: 1-hour writes to the 5-minute price, writes to input, reasoning to output', () => {
    const usage = { inputTokens: 100, cacheWrite1hTokens: 100, outputTokens: 10, reasoningTokens: 10 };
    expect(costOf({ input: 2, output: 4, cacheWrite5m: 2.5 }, usage)).toBeCloseTo((100 * 2.5 + 10 * 4) / 1e6, 12);
    expect(costOf({ input: 2, output: 4 }, usage)).toBeCloseTo((100 * 2 + 10 * 4) / 1e6, 12);
  });

  it('never bills more tokens than the totals: overlapping or oversized parts are cut', () => {
    // 80 cached + 80 audio of 100 input: 80 cached, the 20 left as audio; 50 reasoning of 30 output: 30.
    const usage = { inputTokens: 100, cachedInputTokens: 80, audioInputTokens: 80, outputTokens: 30, reasoningTokens: 50 };
    expect(costOf(price, usage)).toBeCloseTo((80 * 0.3 + 20 * 10 + 30 * 20) / 1e6, 12);
  });

  it('reserves for the dearest class a request may be billed at', () => {
    const tokens = { input: 1000, output: 100 };
    expect(worstCaseCost(price, tokens)).toBeCloseTo((1000 * 3 + 100 * 20) / 1e6, 12);
    expect(worstCaseCost(price, tokens, { cacheWrites: true })).toBeCloseTo((1000 * 6 + 100 * 20) / 1e6, 12);
    expect(worstCaseCost(price, tokens, { images: true })).toBeCloseTo((1000 * 4 + 100 * 20) / 1e6, 12);
    expect(worstCaseCost(undefined, tokens)).toBe(0);
  });
});

describe('cached-input pricing through the gateway', () => {
  let upstream: Server;
  let gateway: TestGateway;
  beforeAll(async () => {
    upstream = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({
            id: 'chatcmpl-cached',
            object: 'chat.completion',
            created: 1,
            model: 'gpt-5.4',
            choices: [{ index: 0, message: { role: 'assistant', content: 'cached answer' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 1000, completion_tokens: 50, total_tokens: 1050, prompt_tokens_details: { cached_tokens: 800 } },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as AddressInfo).port;
    gateway = await startTestGateway(`
providers:
  stub: { type: openai-compatible, base_url: http://127.0.0.1:${port}/v1 }
models:
  gpt-5.4: { provider: stub, price: { input: 1.75, output: 14, cached_input: 0.175, as_of: 2026-11-01 } }
`);
  });
  afterAll(async () => {
    await gateway.stop();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('bills cached tokens at the cached price, in the header, the log and /v1/models', async () => {
    const { response } = await gateway.client.chat.completions.create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).toBeCloseTo(0.00119, 12);
    gateway.running.log.flush();
    const row = gateway.running.log.recent({ last: 1 })[0];
    expect(row).toMatchObject({ inputTokens: 1000, cachedInputTokens: 800, outputTokens: 50 });
    expect(row?.costUsd).toBeCloseTo(0.00119, 12);
    const models = (await (await fetch(`${gateway.running.url}/v1/models/gpt-5.4`)).json()) as { pricing: Record<string, unknown> };
    expect(models.pricing).toEqual({ input: 1.75, output: 14, cached_input: 0.175, as_of: '2026-11-01' });
  });
});
