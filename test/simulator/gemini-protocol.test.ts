import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { readBodyText, startFastSimulator } from './helpers.js';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startFastSimulator();
});
afterAll(() => simulator.close());

const MODEL = 'gemini-3.1-pro';

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${simulator.url}/v1beta/models/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key', ...headers },
    body: JSON.stringify(body),
  });
}

interface Part {
  text?: string;
  functionCall?: { name: string; args: Record<string, unknown> };
}
interface Candidate {
  content?: { role: string; parts?: Part[] };
  finishReason?: string;
  index: number;
  safetyRatings?: unknown[];
}
interface GenerateContentResponse {
  candidates: Candidate[];
  usageMetadata: { promptTokenCount: number; candidatesTokenCount: number; totalTokenCount: number };
  modelVersion: string;
  responseId: string;
}

async function generate(body: Record<string, unknown>, headers: Record<string, string> = {}, model = MODEL): Promise<GenerateContentResponse> {
  const response = await post(`${model}:generateContent`, body, headers);
  expect(response.status).toBe(200);
  return (await response.json()) as GenerateContentResponse;
}

/** Splits Google's `data: <json>\r\n\r\n` events; there is no [DONE]. */
async function readChunks(response: Response): Promise<{ chunks: GenerateContentResponse[]; broken: boolean; text: string }> {
  const { text, broken } = await readBodyText(response);
  const blocks = text.split('\r\n\r\n').filter((block) => block.length > 0);
  const chunks = blocks.map((block) => {
    expect(block.startsWith('data: ')).toBe(true);
    return JSON.parse(block.slice('data: '.length)) as GenerateContentResponse;
  });
  return { chunks, broken, text };
}

function textOf(response: GenerateContentResponse): string {
  return (response.candidates[0]?.content?.parts ?? []).map((part) => part.text ?? '').join('');
}

const question = { contents: [{ role: 'user', parts: [{ text: 'Tell me about tidal power in Scotland' }] }] };

const weatherDeclaration = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'OBJECT',
    properties: { location: { type: 'STRING' }, unit: { type: 'STRING', enum: ['celsius', 'fahrenheit'] } },
    required: ['location', 'unit'],
  },
};

describe('generateContent', () => {
  it('returns a well-formed GenerateContentResponse, identical for identical requests', async () => {
    const first = await generate(question);
    const second = await generate(question);
    expect(first.candidates).toHaveLength(1);
    expect(first.candidates[0]).toMatchObject({ content: { role: 'model' }, finishReason: 'STOP', index: 0 });
    expect(textOf(first)).toMatch(/tidal/i);
    expect(first.modelVersion).toBe(MODEL);
    expect(first.responseId).toMatch(/^[A-Za-z0-9]{20,}$/);
    const usage = first.usageMetadata;
    expect(usage.totalTokenCount).toBe(usage.promptTokenCount + usage.candidatesTokenCount);
    expect(usage.candidatesTokenCount).toBeGreaterThan(0);
    expect(textOf(second)).toBe(textOf(first));
    expect(second.usageMetadata).toEqual(first.usageMetadata);
  });

  it('takes the key from x-goog-api-key or ?key=, and refuses unregistered callers with 403', async () => {
    const byQuery = await fetch(`${simulator.url}/v1beta/models/${MODEL}:generateContent?key=test-key`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(question),
    });
    expect(byQuery.status).toBe(200);
    const anonymous = await fetch(`${simulator.url}/v1beta/models/${MODEL}:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(question),
    });
    expect(anonymous.status).toBe(403);
    expect(await anonymous.json()).toEqual({ error: { code: 403, message: expect.any(String), status: 'PERMISSION_DENIED' } });
  });

  it('reports bad bodies, unknown models and bad sim headers in Google shape', async () => {
    const empty = await post(`${MODEL}:generateContent`, { contents: [] });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({ error: { code: 400, message: '* GenerateContentRequest.contents: contents is not specified', status: 'INVALID_ARGUMENT' } });

    const unknown = await post('gemini-nonexistent:generateContent', question);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND', message: expect.stringContaining('models/gemini-nonexistent is not found') } });

    const header = await post(`${MODEL}:generateContent`, question, { 'x-switchyard-sim': 'bogus=1' });
    expect(header.status).toBe(400);
    expect(await header.json()).toMatchObject({ error: { status: 'INVALID_ARGUMENT', message: expect.stringContaining('bogus') } });

    const candidates = await post(`${MODEL}:generateContent`, { ...question, generationConfig: { candidateCount: 2 } });
    expect(candidates.status).toBe(400);
  });

  it('reads systemInstruction, and the same request spelled in snake_case', async () => {
    const camel = await generate({ ...question, systemInstruction: { parts: [{ text: 'You are terse.' }] }, generationConfig: { maxOutputTokens: 50 } });
    const snake = await generate({ ...question, system_instruction: { parts: [{ text: 'You are terse.' }] }, generation_config: { max_output_tokens: 50 } });
    expect(textOf(snake)).toBe(textOf(camel));
    expect(snake.usageMetadata).toEqual(camel.usageMetadata);
    const withoutSystem = await generate(question);
    expect(camel.usageMetadata.promptTokenCount).toBeGreaterThan(withoutSystem.usageMetadata.promptTokenCount);
  });

  it('cuts at maxOutputTokens with MAX_TOKENS, and stops at a stop sequence with STOP', async () => {
    const cut = await generate({ contents: [{ role: 'user', parts: [{ text: 'Explain how glaciers form' }] }], generationConfig: { maxOutputTokens: 4 } });
    expect(cut.candidates[0]?.finishReason).toBe('MAX_TOKENS');
    expect(cut.usageMetadata.candidatesTokenCount).toBe(4);

    const full = textOf(await generate(question));
    const sequence = full.split(/\s+/)[4] ?? '';
    const stopped = await generate({ ...question, generationConfig: { stopSequences: [sequence] } });
    expect(stopped.candidates[0]?.finishReason).toBe('STOP');
    expect(textOf(stopped)).toBe(full.slice(0, full.indexOf(sequence)));
  });

  it('accepts inlineData and fileData images', async () => {
    const response = await generate({
      contents: [
        {
          role: 'user',
          parts: [
            { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
            { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.jpg' } },
            { text: 'What is in this picture?' },
          ],
        },
      ],
    });
    expect(response.candidates[0]?.finishReason).toBe('STOP');
  });

  it('produces JSON conforming to an upper-case OpenAPI responseSchema', async () => {
    const response = await generate({
      contents: [{ role: 'user', parts: [{ text: 'Describe a fictional bookshop in Lisbon' }] }],
      generationConfig: {
        responseMimeType: 'application/json',
        responseSchema: {
          type: 'OBJECT',
          properties: {
            name: { type: 'STRING' },
            founded: { type: 'INTEGER' },
            genres: { type: 'ARRAY', items: { type: 'STRING', enum: ['poetry', 'history', 'travel'] } },
            open: { type: 'BOOLEAN' },
          },
          required: ['name', 'founded', 'genres', 'open'],
        },
      },
    });
    const parsed = JSON.parse(textOf(response)) as Record<string, unknown>;
    expect(typeof parsed.name).toBe('string');
    expect(Number.isInteger(parsed.founded)).toBe(true);
    expect(Array.isArray(parsed.genres) && parsed.genres.every((genre) => ['poetry', 'history', 'travel'].includes(genre as string))).toBe(true);
    expect(typeof parsed.open).toBe('boolean');

    const loose = await generate({ ...question, generationConfig: { responseMimeType: 'application/json' } });
    expect(() => JSON.parse(textOf(loose)) as unknown).not.toThrow();
  });
});

describe('function calling', () => {
  it('calls a declared function (OpenAPI upper-case types), then answers the functionResponse in text', async () => {
    const request = { contents: [{ role: 'user', parts: [{ text: 'What is the weather in Paris right now?' }] }], tools: [{ functionDeclarations: [weatherDeclaration] }] };
    const response = await generate(request, { 'x-switchyard-sim': 'correct=1' });
    expect(response.candidates[0]?.finishReason).toBe('STOP');
    const parts = response.candidates[0]?.content?.parts ?? [];
    expect(parts).toHaveLength(1);
    const call = parts[0]?.functionCall;
    expect(call).toMatchObject({ name: 'get_weather', args: { location: 'Paris' } });
    expect(['celsius', 'fahrenheit']).toContain(call?.args.unit);

    const followUp = await generate({
      ...request,
      contents: [
        ...request.contents,
        { role: 'model', parts },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temperature_c: 21, sky: 'clear' } } }] },
      ],
    });
    expect(textOf(followUp)).toContain('According to the get_weather result');
    expect(textOf(followUp)).toContain('21');
  });

  it('forces a call with mode ANY and allowedFunctionNames; never calls with NONE', async () => {
    const other = { name: 'find_books', description: 'Search books', parameters: { type: 'OBJECT', properties: { query: { type: 'STRING' } } } };
    const tools = [{ functionDeclarations: [weatherDeclaration, other] }];
    const forced = await generate({
      contents: [{ role: 'user', parts: [{ text: 'Write a haiku' }] }],
      tools,
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['find_books'] } },
    });
    expect(forced.candidates[0]?.content?.parts?.[0]?.functionCall?.name).toBe('find_books');
    const none = await generate({ contents: [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }], tools, toolConfig: { functionCallingConfig: { mode: 'NONE' } } });
    expect(none.candidates[0]?.content?.parts?.[0]?.functionCall).toBeUndefined();
    expect(textOf(none).length).toBeGreaterThan(0);
  });

  it('refuses tools the simulator does not run', async () => {
    const response = await post(`${MODEL}:generateContent`, { ...question, tools: [{ googleSearch: {} }] });
    expect(response.status).toBe(400);
  });
});

describe('streamGenerateContent', () => {
  it('sends CRLF-separated data events that add up to the non-streamed answer, finishReason only on the last', async () => {
    const plain = await generate(question);
    const response = await post(`${MODEL}:streamGenerateContent?alt=sse`, question);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { chunks, broken, text } = await readChunks(response);
    expect(broken).toBe(false);
    expect(text).not.toContain('[DONE]');
    expect(text.endsWith('\r\n\r\n')).toBe(true);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map(textOf).join('')).toBe(textOf(plain));
    expect(chunks.slice(0, -1).every((chunk) => chunk.candidates[0]?.finishReason === undefined)).toBe(true);
    const last = chunks[chunks.length - 1];
    expect(last?.candidates[0]?.finishReason).toBe('STOP');
    expect(last?.usageMetadata).toEqual(plain.usageMetadata);
    expect(new Set(chunks.map((chunk) => chunk.responseId)).size).toBe(1);
  });

  it('sends function calls whole in the final chunk', async () => {
    const request = { contents: [{ role: 'user', parts: [{ text: 'Weather in Oslo?' }] }], tools: [{ functionDeclarations: [weatherDeclaration] }] };
    const plain = await generate(request);
    const { chunks } = await readChunks(await post(`${MODEL}:streamGenerateContent?alt=sse`, request));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.candidates[0]).toEqual(plain.candidates[0]);
  });

  it('refuses the JSON-array stream (no alt=sse) with 400', async () => {
    const response = await post(`${MODEL}:streamGenerateContent`, question);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('alt=sse') } });
  });
});

describe('faults', () => {
  it('renders scripted errors with google.rpc statuses, RetryInfo when retry_after is scripted', async () => {
    const limited = await post(`${MODEL}:generateContent`, question, { 'x-switchyard-sim': 'error_rate=1;error_status=429;retry_after=2' });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({
      error: {
        code: 429,
        message: expect.any(String),
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }],
      },
    });
    const cases: Array<[number, string]> = [
      [500, 'INTERNAL'],
      [503, 'UNAVAILABLE'],
      [400, 'INVALID_ARGUMENT'],
      [404, 'NOT_FOUND'],
    ];
    for (const [status, name] of cases) {
      const response = await post(`${MODEL}:generateContent`, question, { 'x-switchyard-sim': `error_rate=1;error_status=${status}` });
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({ error: { code: status, message: expect.any(String), status: name } });
    }
  });

  it('break_after ends a stream without a finishReason chunk, and drops a non-streamed answer', async () => {
    const { chunks, broken } = await readChunks(await post(`${MODEL}:streamGenerateContent?alt=sse`, question, { 'x-switchyard-sim': 'break_after=3' }));
    expect(broken).toBe(true);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.every((chunk) => chunk.candidates[0]?.finishReason === undefined)).toBe(true);
    await expect(post(`${MODEL}:generateContent`, question, { 'x-switchyard-sim': 'break_after=0' })).rejects.toThrow();
  });

  it('blocks the answer with finishReason SAFETY and no text when safety=1', async () => {
    const blocked = await generate(question, { 'x-switchyard-sim': 'safety=1' });
    expect(blocked.candidates[0]?.finishReason).toBe('SAFETY');
    expect(blocked.candidates[0]?.content).toBeUndefined();
    expect(blocked.candidates[0]?.safetyRatings?.length).toBeGreaterThan(0);
    expect(blocked.usageMetadata.candidatesTokenCount).toBe(0);
    const { chunks } = await readChunks(await post(`${MODEL}:streamGenerateContent?alt=sse`, question, { 'x-switchyard-sim': 'safety=1' }));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.candidates[0]?.finishReason).toBe('SAFETY');
    expect(textOf(chunks[0] as GenerateContentResponse)).toBe('');
  });

  it('honours correct and ttft_ms', async () => {
    const right = await generate({ contents: [{ role: 'user', parts: [{ text: 'What is 17 * 23?' }] }] }, { 'x-switchyard-sim': 'correct=1' });
    expect(textOf(right)).toMatch(/The answer is 391\.$/);
    const started = performance.now();
    await generate(question, { 'x-switchyard-sim': 'ttft_ms=150' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('embeddings', () => {
  const EMBEDDER = 'text-embedding-3-small';
  const content = (text: string): Record<string, unknown> => ({ parts: [{ text }] });

  it('embeds one text, and a batch identically to single requests', async () => {
    const single = await post(`${EMBEDDER}:embedContent`, { content: content('tidal power') });
    expect(single.status).toBe(200);
    const { embedding } = (await single.json()) as { embedding: { values: number[] } };
    expect(embedding.values.length).toBeGreaterThan(0);
    const batch = await post(`${EMBEDDER}:batchEmbedContents`, {
      requests: [
        { model: `models/${EMBEDDER}`, content: content('tidal power') },
        { model: `models/${EMBEDDER}`, content: content('wind farms'), outputDimensionality: 64 },
      ],
    });
    expect(batch.status).toBe(200);
    const { embeddings } = (await batch.json()) as { embeddings: Array<{ values: number[] }> };
    expect(embeddings[0]?.values).toEqual(embedding.values);
    expect(embeddings[1]?.values).toHaveLength(64);
  });

  it('matches the OpenAI embeddings endpoint for the same text', async () => {
    const gemini = (await (await post(`${EMBEDDER}:embedContent`, { content: content('tidal power'), outputDimensionality: 32 })).json()) as { embedding: { values: number[] } };
    const openai = await fetch(`${simulator.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
      body: JSON.stringify({ model: EMBEDDER, input: 'tidal power', dimensions: 32, encoding_format: 'float' }),
    });
    const { data } = (await openai.json()) as { data: Array<{ embedding: number[] }> };
    expect(gemini.embedding.values).toEqual(data[0]?.embedding);
  });

  it('refuses chat models for embeddings and embedding models for generateContent with 404', async () => {
    expect((await post(`${MODEL}:embedContent`, { content: content('x') })).status).toBe(404);
    expect((await post(`${EMBEDDER}:generateContent`, question)).status).toBe(404);
  });

  it('lists the models', async () => {
    const response = await fetch(`${simulator.url}/v1beta/models?key=x`);
    const { models } = (await response.json()) as { models: Array<{ name: string; supportedGenerationMethods: string[] }> };
    expect(models.find((model) => model.name === `models/${MODEL}`)?.supportedGenerationMethods).toContain('generateContent');
  });
});
