import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(async () => {
  await gateway.stop();
});

describe('OpenAI SDK against the gateway', () => {
  it('answers a plain completion with the switchyard headers', async () => {
    const { data, response } = await gateway.client.chat.completions
      .create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'What is 17 * 23?' }], seed: 1 })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.role).toBe('assistant');
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(data.id).toBe(`chatcmpl-${response.headers.get('x-request-id')}`);
    expect(response.headers.get('x-switchyard-model')).toBe('gpt-5.4');
    expect(response.headers.get('x-switchyard-provider')).toBe('sim');
    expect(response.headers.get('x-switchyard-simulated')).toBe('true');
    const expectedCost = ((data.usage?.prompt_tokens ?? 0) * 1.75 + (data.usage?.completion_tokens ?? 0) * 14) / 1e6;
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).toBeCloseTo(expectedCost, 8);
  });

  it('resolves the auto route to its model', async () => {
    const { response } = await gateway.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(response.headers.get('x-switchyard-route')).toBe('auto');
    expect(response.headers.get('x-switchyard-model')).toBe('gpt-5.4-mini');
  });

  it('reaches a catalog model through provider/model passthrough', async () => {
    const { response } = await gateway.client.chat.completions.create({ model: 'sim/claude-sonnet-4.6', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(response.headers.get('x-switchyard-model')).toBe('sim/claude-sonnet-4.6');
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).toBeGreaterThan(0);
  });

  it('streams chunks, a usage chunk with cost when asked, and [DONE]', async () => {
    const stream = await gateway.client.chat.completions.create({
      model: 'gpt-5.4',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Summarise the history of the printing press.' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: (OpenAI.CompletionUsage & { cost_usd?: number }) | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text.length).toBeGreaterThan(10);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage?.cost_usd).toBeCloseTo(((usage?.prompt_tokens ?? 0) * 1.75 + (usage?.completion_tokens ?? 0) * 14) / 1e6, 10);
  });

  it('omits the usage chunk when the client did not ask for it', async () => {
    const stream = await gateway.client.chat.completions.create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'hello' }], stream: true });
    for await (const chunk of stream) {
      expect(chunk.usage ?? null).toBeNull();
      expect(chunk.choices.length).toBe(1);
    }
  });

  const weatherTool: OpenAI.ChatCompletionTool = {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  };

  it('returns tool calls, then answers from the tool result', async () => {
    const first = await gateway.client.chat.completions.create({
      model: 'gpt-5.4',
      messages: [{ role: 'user', content: 'Check the weather in Paris using the get_weather tool.' }],
      tools: [weatherTool],
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toHaveProperty('city');
    const second = await gateway.client.chat.completions.create({
      model: 'gpt-5.4',
      messages: [
        { role: 'user', content: 'Check the weather in Paris using the get_weather tool.' },
        first.choices[0]!.message,
        { role: 'tool', tool_call_id: call.id, content: '{"temperature_c": 21, "sky": "clear"}' },
      ],
      tools: [weatherTool],
    });
    expect(second.choices[0]?.finish_reason).toBe('stop');
    expect(second.choices[0]?.message.content?.length).toBeGreaterThan(0);
  });

  it('streams tool-call deltas that reassemble to valid arguments', async () => {
    const stream = await gateway.client.chat.completions.create({
      model: 'gpt-5.4',
      messages: [{ role: 'user', content: 'Use the get_weather tool for Berlin.' }],
      tools: [weatherTool],
      tool_choice: 'required',
      stream: true,
    });
    let name = '';
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.tool_calls?.[0];
      if (delta?.function?.name) name = delta.function.name;
      args += delta?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toHaveProperty('city');
    expect(finish).toBe('tool_calls');
  });

  it('returns JSON that matches a json_schema response format', async () => {
    const response = await gateway.client.chat.completions.create({
      model: 'gpt-5.4',
      messages: [{ role: 'user', content: 'Extract the person: Ada Lovelace, born 1815.' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          strict: true,
          schema: { type: 'object', properties: { name: { type: 'string' }, born: { type: 'integer' } }, required: ['name', 'born'], additionalProperties: false },
        },
      },
    });
    const parsed = JSON.parse(response.choices[0]?.message.content ?? '') as { name: unknown; born: unknown };
    expect(typeof parsed.name).toBe('string');
    expect(Number.isInteger(parsed.born)).toBe(true);
  });

  it('accepts every documented parameter and multi-part content', async () => {
    const response = await gateway.client.chat.completions.create({
      model: 'gpt-5.4',
      messages: [
        { role: 'developer', content: 'Answer briefly.' },
        { role: 'user', content: [{ type: 'text', text: 'Describe this picture.' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } }] },
      ],
      temperature: 0.3,
      top_p: 0.9,
      max_completion_tokens: 50,
      stop: ['\n\n\n'],
      seed: 42,
      user: 'user-123',
      metadata: { feature: 'captions' },
      response_format: { type: 'json_object' },
    });
    expect(() => JSON.parse(response.choices[0]?.message.content ?? '')).not.toThrow();
  });

  it('embeds text with the embeddings endpoint', async () => {
    const { data, response } = await gateway.client.embeddings.create({ model: 'text-embedding-3-small', input: ['the cat sat', 'a cat sat down', 'stock prices fell'] }).withResponse();
    expect(data.data).toHaveLength(3);
    expect(data.data[0]?.embedding.length).toBe(1536);
    const [a, b, c] = data.data.map((item) => item.embedding);
    const cosine = (x: number[], y: number[]) => x.reduce((sum, value, index) => sum + value * (y[index] ?? 0), 0);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!));
    expect(data.usage.prompt_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-cost-usd')).not.toBeNull();
  });

  it('decodes base64 embeddings through the SDK', async () => {
    const response = await gateway.client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'base64', dimensions: 64 });
    expect(typeof response.data[0]?.embedding).toBe('string');
    expect(Buffer.from(response.data[0]?.embedding as unknown as string, 'base64').length).toBe(64 * 4);
  });

  it('lists the configured models and routes', async () => {
    const ids: string[] = [];
    for await (const model of gateway.client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['auto', 'gpt-5.4', 'gpt-5.4-mini', 'text-embedding-3-small']));
    const one = await gateway.client.models.retrieve('gpt-5.4');
    expect(one.owned_by).toBe('sim');
  });
});

describe('error classes raised by the OpenAI SDK', () => {
  it('400 BadRequestError with the offending param', async () => {
    const error = await gateway.client.chat.completions
      .create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'x' }], temperature: 7 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('temperature');
  });

  it('404 NotFoundError for an unknown model', async () => {
    const error = await gateway.client.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as Error).message).toContain("The model 'gpt-9' does not exist");
  });

  it('422 UnprocessableEntityError for a capability the model lacks', async () => {
    const error = await gateway.client.chat.completions
      .create({ model: 'deepseek-v4-flash', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.invalid/cat.png' } }] }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.UnprocessableEntityError);
  });

  it('429 RateLimitError with retry-after when the upstream rate limits', async () => {
    const error = await gateway.client.chat.completions
      .create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-switchyard-sim': 'error_rate=1;error_status=429;retry_after=3' } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('3');
  });

  it('502 InternalServerError when the upstream fails', async () => {
    const error = await gateway.client.chat.completions
      .create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-switchyard-sim': 'error_rate=1;error_status=500' } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(502);
  });

  it('504 when the upstream hangs past first_token_ms', async () => {
    const started = Date.now();
    const error = await gateway.client.chat.completions
      .create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-switchyard-sim': 'hang=1' } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(504);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a stream that breaks upstream ends with an error event, never a clean end', async () => {
    const stream = await gateway.client.chat.completions.create(
      { model: 'gpt-5.4', messages: [{ role: 'user', content: 'Write a long story about a lighthouse keeper.' }], stream: true },
      { headers: { 'x-switchyard-sim': 'break_after=5;tps=500' } },
    );
    let text = '';
    const consume = async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    };
    await expect(consume()).rejects.toThrow(/ended the stream before the answer was complete|connection/);
    expect(text.length).toBeGreaterThan(0);
  });
});

describe('authentication', () => {
  it('401 AuthenticationError without a valid key when keys are configured', async () => {
    const secured = await startTestGateway(`server:\n  api_keys: [env:SWITCHYARD_API_KEY]\nproviders:\n  sim: { type: simulator }\nmodels:\n  m: { provider: sim }\n`, {
      SWITCHYARD_API_KEY: 'sy-test-key-123456',
    });
    try {
      const ok = await secured.client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-switchyard-sim': 'ttft_ms=0;tps=100000' } });
      expect(ok.choices).toHaveLength(1);
      const wrong = new OpenAI({ baseURL: `${secured.running.url}/v1`, apiKey: 'sy-wrong', maxRetries: 0 });
      const error = await wrong.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(JSON.stringify((error as InstanceType<typeof OpenAI.AuthenticationError>).error)).not.toContain('sy-wrong');
    } finally {
      await secured.stop();
    }
  });
});
