import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { SIMULATED_CATALOG, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { clientFor, postJson, readRawStream, startFastSimulator } from './helpers.js';

const started: RunningSimulator[] = [];
async function simulatorWith(...args: Parameters<typeof startFastSimulator>): Promise<RunningSimulator> {
  const simulator = await startFastSimulator(...args);
  started.push(simulator);
  return simulator;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((simulator) => simulator.close()));
});

const question = { model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'Explain how tides work in detail' }] };

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200 && !condition(); attempt++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition not reached');
}


describe('break_after', () => {
  it('cuts a stream after N tokens: no finish chunk, no [DONE]', async () => {
    const simulator = await simulatorWith();
    const response = await postJson(simulator, '/v1/chat/completions', { ...question, stream: true }, { 'x-switchyard-sim': 'break_after=5' });
    expect(response.status).toBe(200);
    const { events, done, broken } = await readRawStream(response);
    expect(broken).toBe(true);
    expect(done).toBe(false);
    const deltas = events.map((event) => (event.choices as Array<{ delta: { content?: string }; finish_reason: string | null }>)[0]);
    expect(deltas.every((choice) => choice?.finish_reason === null)).toBe(true);
    expect(deltas.slice(1).map((choice) => choice?.delta.content ?? '').join('').length).toBeGreaterThan(0);
  });

  it('destroys the socket before responding when not streaming', async () => {
    const simulator = await simulatorWith({ breakAfterTokens: 0 });
    const error = await clientFor(simulator)
      .chat.completions.create(question as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
  });
});

describe('errors', () => {
  it('answers 429 with retry-after and an OpenAI error body (SDK raises RateLimitError)', async () => {
    const simulator = await simulatorWith();
    const raw = await postJson(simulator, '/v1/chat/completions', question, { 'x-switchyard-sim': 'error_rate=1;error_status=429;retry_after=2' });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('2');
    expect(await raw.json()).toEqual({ error: { message: expect.any(String), type: 'requests', param: null, code: 'rate_limit_exceeded' } });

    const client = clientFor(simulator, { 'x-switchyard-sim': 'error_rate=1;error_status=429;retry_after=2' });
    const error = await client.chat.completions.create(question as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('2');
  });

  it('uses the server-wide error behaviour for 5xx', async () => {
    const simulator = await simulatorWith({ errorRate: 1, errorStatus: 503, retryAfterSeconds: 1 });
    const error = await clientFor(simulator)
      .chat.completions.create(question as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(503);
  });

  it('fails about errorRate of the requests', async () => {
    const simulator = await simulatorWith({ errorRate: 0.5 });
    const statuses = await Promise.all(Array.from({ length: 40 }, () => postJson(simulator, '/v1/chat/completions', question).then((response) => response.status)));
    const failures = statuses.filter((status) => status === 500).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(35);
    expect(simulator.stats().requests).toBe(40);
  });
});

describe('hang and disconnects', () => {
  it('hangs until the client aborts, then closes promptly', async () => {
    const simulator = await startSimulator({ models: SIMULATED_CATALOG, behaviour: { ttftMs: 0 } });
    const controller = new AbortController();
    const pending = clientFor(simulator, { 'x-switchyard-sim': 'hang=1' })
      .chat.completions.create(question as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming, { signal: controller.signal })
      .catch((caught: unknown) => caught);
    await waitFor(() => simulator.stats().requests === 1);
    controller.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    const closing = performance.now();
    await simulator.close();
    expect(performance.now() - closing).toBeLessThan(1000);
  });

  it('closes promptly while a request still hangs', async () => {
    const simulator = await startSimulator({ models: SIMULATED_CATALOG, behaviour: { hang: true } });
    const pending = postJson(simulator, '/v1/chat/completions', question).catch((caught: unknown) => caught);
    await waitFor(() => simulator.stats().requests === 1);
    await simulator.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('stops generating when a slow stream is abandoned', async () => {
    const simulator = await simulatorWith({ tokensPerSecond: 20 });
    const response = await postJson(simulator, '/v1/chat/completions', { ...question, stream: true });
    const reader = response.body!.getReader();
    await reader.read();
    expect(simulator.stats().active).toBe(1);
    await reader.cancel();
    // The pacing loop ends at once (its timer is cleared on abort) instead of running to the last token.
    await waitFor(() => simulator.stats().active === 0);
  });

  it('waits ttft before answering', async () => {
    const simulator = await simulatorWith();
    const begin = performance.now();
    const response = await postJson(simulator, '/v1/chat/completions', question, { 'x-switchyard-sim': 'ttft_ms=60' });
    await response.json();
    expect(performance.now() - begin).toBeGreaterThanOrEqual(55);
  });
});
