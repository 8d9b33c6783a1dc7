import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { readBodyText, startFastSimulator } from './helpers.js';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startFastSimulator();
});
afterAll(() => simulator.close());

const ANTHROPIC_HEADERS = { 'content-type': 'application/json', 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01' };

function post(body: unknown, headers: Record<string, string> = {}, path = '/v1/messages'): Promise<Response> {
  return fetch(`${simulator.url}${path}`, { method: 'POST', headers: { ...ANTHROPIC_HEADERS, ...headers }, body: JSON.stringify(body) });
}

interface TextBlock {
  type: 'text';
  text: string;
}
interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}
interface Message {
  id: string;
  type: string;
  role: string;
  model: string;
  content: Array<TextBlock | ToolUseBlock>;
  stop_reason: string;
  stop_sequence: string | null;
  usage: { input_tokens: number; output_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number };
}

async function create(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Message> {
  const response = await post(body, headers);
  expect(response.status).toBe(200);
  return (await response.json()) as Message;
}

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Parses `event: <name>\ndata: <json>\n\n` blocks, checking the name matches data.type. */
async function readEvents(response: Response): Promise<{ events: SseEvent[]; broken: boolean }> {
  const { text, broken } = await readBodyText(response);
  const blocks = text.split('\n\n').filter((block) => block.length > 0);
  const events = blocks.map((block) => {
    const match = /^event: (\w+)\ndata: (.*)$/s.exec(block);
    if (!match) throw new Error(`malformed SSE block: ${block}`);
    const data = JSON.parse(match[2] ?? '') as Record<string, unknown>;
    expect(data.type).toBe(match[1]);
    return { event: match[1] ?? '', data };
  });
  return { events, broken };
}

const question = { model: 'claude-sonnet-4.6', max_tokens: 1024, messages: [{ role: 'user', content: 'Tell me about tidal power in Scotland' }] };

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: {
    type: 'object',
    properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['location', 'unit'],
  },
};

describe('POST /v1/messages', () => {
  it('returns a well-formed Message, identical for identical requests', async () => {
    const response = await post(question);
    expect(response.status).toBe(200);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    const first = (await response.json()) as Message;
    const second = await create(question);
    expect(first.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
    expect(first).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-sonnet-4.6', stop_reason: 'end_turn', stop_sequence: null });
    expect(first.content).toHaveLength(1);
    expect(first.content[0]?.type).toBe('text');
    expect((first.content[0] as TextBlock).text).toContain('tidal');
    expect(first.usage).toEqual({ input_tokens: expect.any(Number), output_tokens: expect.any(Number), cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 } });
    expect(second.content).toEqual(first.content);
    expect(second.usage).toEqual(first.usage);
  });

  it('accepts bearer auth and a missing anthropic-version; refuses a request without credentials', async () => {
    const bearer = await fetch(`${simulator.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-key' },
      body: JSON.stringify(question),
    });
    expect(bearer.status).toBe(200);
    const anonymous = await fetch(`${simulator.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(question) });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: expect.any(String) }, request_id: expect.any(String) });
  });

  it('requires max_tokens, and reports bad bodies, unknown models and bad sim headers in Anthropic shape', async () => {
    const { max_tokens: _omitted, ...withoutMaxTokens } = question;
    const missing = await post(withoutMaxTokens);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });

    const badRole = await post({ ...question, messages: [{ role: 'system', content: 'hi' }] });
    expect(badRole.status).toBe(400);
    expect(((await badRole.json()) as { error: { message: string } }).error.message).toMatch(/^messages\.0\.role: /);

    const unknown = await post({ ...question, model: 'claude-nonexistent' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error', message: 'model: claude-nonexistent' } });

    const header = await post(question, { 'x-switchyard-sim': 'bogus=1' });
    expect(header.status).toBe(400);
    expect(await header.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('bogus') } });

    const tooMany = await post({ ...question, max_tokens: 10_000_000 });
    expect(tooMany.status).toBe(400);
  });

  it('accepts system as text blocks, identical to the string form, and image blocks', async () => {
    const asString = await create({ ...question, system: 'You are terse.' });
    const asBlocks = await create({ ...question, system: [{ type: 'text', text: 'You are terse.' }] });
    expect(asBlocks.content).toEqual(asString.content);
    const image = await create({
      ...question,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
            { type: 'text', text: 'What is in this picture?' },
          ],
        },
      ],
    });
    expect(image.stop_reason).toBe('end_turn');
    expect(image.usage.input_tokens).toBeGreaterThan(asString.usage.input_tokens - 20);
  });

  it('cuts at max_tokens with stop_reason max_tokens', async () => {
    const message = await create({ ...question, max_tokens: 4, messages: [{ role: 'user', content: 'Explain how glaciers form' }] });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(4);
  });

  it('stops at a stop sequence and names it', async () => {
    const full = await create(question);
    const text = (full.content[0] as TextBlock).text;
    const words = text.split(/\s+/);
    const sequence = words[Math.min(5, words.length - 1)] ?? '';
    const stopped = await create({ ...question, stop_sequences: ['#never#', sequence] });
    expect(stopped.stop_reason).toBe('stop_sequence');
    expect(stopped.stop_sequence).toBe(sequence);
    expect((stopped.content[0] as TextBlock).text).toBe(text.slice(0, text.indexOf(sequence)));
  });

  it('counts tokens as the Messages API bills them', async () => {
    const message = await create(question);
    const { max_tokens: _omitted, ...body } = question;
    const counted = await post(body, {}, '/v1/messages/count_tokens');
    expect(await counted.json()).toEqual({ input_tokens: message.usage.input_tokens });
  });
});

describe('tools', () => {
  it('calls a tool with stop_reason tool_use, then answers the tool_result in text', async () => {
    const request = { ...question, tools: [weatherTool], messages: [{ role: 'user', content: 'What is the weather in Paris right now?' }] };
    const message = await create(request, { 'x-switchyard-sim': 'correct=1' });
    expect(message.stop_reason).toBe('tool_use');
    const call = message.content[0] as ToolUseBlock;
    expect(call).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { location: 'Paris' } });
    expect(call.id).toMatch(/^toolu_/);
    expect(['celsius', 'fahrenheit']).toContain(call.input.unit);

    const followUp = await create({
      ...request,
      messages: [
        ...request.messages,
        { role: 'assistant', content: message.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '{"temperature_c":21,"sky":"clear"}' }] },
      ],
    });
    expect(followUp.stop_reason).toBe('end_turn');
    expect((followUp.content[0] as TextBlock).text).toContain('According to the get_weather result');
    expect((followUp.content[0] as TextBlock).text).toContain('21');
  });

  it('never calls a tool with tool_choice none; always with any', async () => {
    const none = await create({ ...question, tools: [weatherTool], tool_choice: { type: 'none' }, messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    expect(none.stop_reason).toBe('end_turn');
    const any = await create({ ...question, tools: [weatherTool], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'Write a haiku' }] });
    expect(any.stop_reason).toBe('tool_use');
  });

  it('gives a forced tool input that conforms to its input_schema (JSON output)', async () => {
    const schema = {
      type: 'object',
      properties: {
        title: { type: 'string' },
        year: { type: 'integer', minimum: 1900, maximum: 2030 },
        rating: { type: 'number' },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
        genre: { type: 'string', enum: ['poetry', 'history', 'travel'] },
        available: { type: 'boolean' },
      },
      required: ['title', 'year', 'rating', 'tags', 'genre', 'available'],
    };
    const message = await create({
      ...question,
      tools: [{ name: 'record_book', description: 'Record a book', input_schema: schema }],
      tool_choice: { type: 'tool', name: 'record_book' },
      messages: [{ role: 'user', content: 'Describe a fictional travel book about Lisbon' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toHaveLength(1);
    const input = (message.content[0] as ToolUseBlock).input;
    expect(typeof input.title).toBe('string');
    expect(Number.isInteger(input.year)).toBe(true);
    expect(input.year).toBeGreaterThanOrEqual(1900);
    expect(input.year).toBeLessThanOrEqual(2030);
    expect(typeof input.rating).toBe('number');
    expect(Array.isArray(input.tags) && input.tags.length >= 1 && input.tags.every((tag) => typeof tag === 'string')).toBe(true);
    expect(['poetry', 'history', 'travel']).toContain(input.genre);
    expect(typeof input.available).toBe('boolean');
  });

  it('refuses a forced tool that is not in tools', async () => {
    const response = await post({ ...question, tools: [weatherTool], tool_choice: { type: 'tool', name: 'missing' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});

describe('streaming', () => {
  it('follows the Anthropic event sequence and adds up to the non-streamed message', async () => {
    const plain = await create(question);
    const response = await post({ ...question, stream: true });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { events, broken } = await readEvents(response);
    expect(broken).toBe(false);
    const names = events.map((event) => event.event);
    expect(names.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(new Set(names.slice(3, -3))).toEqual(new Set(['content_block_delta']));

    const start = events[0]?.data.message as Message;
    expect(start).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-sonnet-4.6', content: [], stop_reason: null, stop_sequence: null });
    expect(start.id).toMatch(/^msg_/);
    expect(start.usage).toEqual({ input_tokens: plain.usage.input_tokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 } });
    expect(events[1]?.data).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    const text = events
      .filter((event) => event.event === 'content_block_delta')
      .map((event) => {
        const delta = event.data.delta as { type: string; text: string };
        expect(delta.type).toBe('text_delta');
        return delta.text;
      })
      .join('');
    expect(text).toBe((plain.content[0] as TextBlock).text);
    expect(events[events.length - 2]?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: plain.usage.output_tokens },
    });
  });

  it('streams tool_use blocks whose input_json_delta fragments reassemble to the non-streamed input', async () => {
    const request = { ...question, tools: [weatherTool], tool_choice: { type: 'tool', name: 'get_weather' }, messages: [{ role: 'user', content: 'Weather in Oslo?' }] };
    const plain = await create(request);
    const { events } = await readEvents(await post({ ...request, stream: true }));
    const start = events.find((event) => event.event === 'content_block_start');
    expect(start?.data.content_block).toEqual({ type: 'tool_use', id: (plain.content[0] as ToolUseBlock).id, name: 'get_weather', input: {} });
    const json = events
      .filter((event) => event.event === 'content_block_delta')
      .map((event) => (event.data.delta as { type: string; partial_json: string }).partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual((plain.content[0] as ToolUseBlock).input);
    expect(events.find((event) => event.event === 'message_delta')?.data.delta).toEqual({ stop_reason: 'tool_use', stop_sequence: null });
  });
});

describe('faults', () => {
  it('renders scripted errors with Anthropic types and statuses', async () => {
    const cases: Array<[number, string]> = [
      [529, 'overloaded_error'],
      [500, 'api_error'],
      [401, 'authentication_error'],
      [400, 'invalid_request_error'],
    ];
    for (const [status, type] of cases) {
      const response = await post(question, { 'x-switchyard-sim': `error_rate=1;error_status=${status}` });
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({ type: 'error', error: { type, message: expect.any(String) }, request_id: expect.stringMatching(/^req_/) });
    }
    const limited = await post(question, { 'x-switchyard-sim': 'error_rate=1;error_status=429;retry_after=2' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(await limited.json()).toMatchObject({ error: { type: 'rate_limit_error' } });
  });

  it('break_after ends a stream without message_stop, and drops a non-streamed answer', async () => {
    const { events, broken } = await readEvents(await post({ ...question, stream: true }, { 'x-switchyard-sim': 'break_after=3' }));
    expect(broken).toBe(true);
    const names = events.map((event) => event.event);
    expect(names).not.toContain('message_stop');
    expect(names).not.toContain('message_delta');
    expect(names.filter((name) => name === 'content_block_delta').length).toBeGreaterThan(0);
    await expect(post(question, { 'x-switchyard-sim': 'break_after=0' })).rejects.toThrow();
  });

  it('blocks the answer with stop_reason refusal and empty content when safety=1', async () => {
    const message = await create(question, { 'x-switchyard-sim': 'safety=1' });
    expect(message.stop_reason).toBe('refusal');
    expect(message.content).toEqual([]);
    expect(message.usage.output_tokens).toBe(0);
    const { events } = await readEvents(await post({ ...question, stream: true }, { 'x-switchyard-sim': 'safety=1' }));
    expect(events.map((event) => event.event)).toEqual(['message_start', 'ping', 'message_delta', 'message_stop']);
    expect(events[2]?.data.delta).toEqual({ stop_reason: 'refusal', stop_sequence: null });
  });

  it('honours correct, ttft_ms and hang', async () => {
    const math = { ...question, messages: [{ role: 'user', content: 'What is 17 * 23?' }] };
    const right = await create(math, { 'x-switchyard-sim': 'correct=1' });
    expect((right.content[0] as TextBlock).text).toMatch(/The answer is 391\.$/);

    const started = performance.now();
    await create(question, { 'x-switchyard-sim': 'ttft_ms=150' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);

    const controller = new AbortController();
    const hanging = fetch(`${simulator.url}/v1/messages`, {
      method: 'POST',
      headers: { ...ANTHROPIC_HEADERS, 'x-switchyard-sim': 'hang=1' },
      body: JSON.stringify(question),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    await expect(hanging).rejects.toThrow();
  });
});
