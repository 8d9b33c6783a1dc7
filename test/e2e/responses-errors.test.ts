/**
 * Bad input to the Responses API: each is a clear 4xx in OpenAI's error format naming the
 * field; another key's response is a 404 exactly like a missing one; a stream that breaks
 * ends with `error` and `response.failed`, never response.completed.
 */
import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const KEY_A = 'sy-test-key-alpha-0123456789';
const KEY_B = 'sy-test-key-bravo-0123456789';

const CONFIG = `
server:
  api_keys: [ env:KEY_A, env:KEY_B ]
resilience:
  circuit_breaker: { enabled: false }
  stream_recovery: error
providers:
  sim:
    type: simulator
    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }
models:
  gpt-5.4:
    provider: sim
    price: { input: 1.75, output: 14 }
`;

let gateway: TestGateway;
let alpha: OpenAI;
let bravo: OpenAI;

beforeAll(async () => {
  gateway = await startTestGateway(CONFIG, { KEY_A, KEY_B });
  alpha = new OpenAI({ baseURL: `${gateway.running.url}/v1`, apiKey: KEY_A, maxRetries: 0, timeout: 10_000 });
  bravo = new OpenAI({ baseURL: `${gateway.running.url}/v1`, apiKey: KEY_B, maxRetries: 0, timeout: 10_000 });
});
afterAll(async () => {
  await gateway.stop();
});

async function post(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: { error: { message: string; type: string; param: string | null; code: string } }; headers: Headers }> {
  const response = await fetch(`${gateway.running.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_A}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as never, headers: response.headers };
}

describe('bad input to /v1/responses', () => {
  const cases: { name: string; body: Record<string, unknown>; status: number; param: string; message: RegExp }[] = [
    // Upstream (the simulator) speaks Chat Completions: what only the Responses API carries and the model must see is refused.
    { name: 'an unknown input item type', body: { model: 'gpt-5.4', input: [{ type: 'computer_call_output', call_id: 'x' }] }, status: 400, param: 'input[0]', message: /computer_call_output/ },
    { name: 'an input_file part', body: { model: 'gpt-5.4', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] }] }, status: 400, param: 'input[0].content[0]', message: /input_file/ },
    { name: 'an input item without a type or role', body: { model: 'gpt-5.4', input: [{ content: 'hi' }] }, status: 400, param: 'input[0].type', message: /needs a type/ },
    { name: 'a function tool with a bad name', body: { model: 'gpt-5.4', input: 'hi', tools: [{ type: 'function', name: 'has spaces' }] }, status: 400, param: 'tools[0].name', message: /tool names/ },
    { name: 'tool_choice naming a function not among the tools', body: { model: 'gpt-5.4', input: 'hi', tool_choice: { type: 'function', name: 'nope' } }, status: 400, param: 'tool_choice.name', message: /nope/ },
    { name: 'no input', body: { model: 'gpt-5.4' }, status: 400, param: 'input', message: /input/ },
    { name: 'empty input items', body: { model: 'gpt-5.4', input: [] }, status: 400, param: 'input', message: /at least one/ },
    { name: 'an image by file_id', body: { model: 'gpt-5.4', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] }] }, status: 400, param: 'input[0].content[0].image_url', message: /file_id/ },
    { name: 'a function_call_output without call_id', body: { model: 'gpt-5.4', input: [{ type: 'function_call_output', output: 'x' }] }, status: 400, param: 'input[0].call_id', message: /call_id/ },
    { name: 'a role that does not exist', body: { model: 'gpt-5.4', input: [{ role: 'robot', content: 'x' }] }, status: 400, param: 'input[0].role', message: /role/ },
    { name: 'max_output_tokens of zero', body: { model: 'gpt-5.4', input: 'x', max_output_tokens: 0 }, status: 400, param: 'max_output_tokens', message: /max_output_tokens/ },
    { name: 'text.format json_schema without a schema', body: { model: 'gpt-5.4', input: 'x', text: { format: { type: 'json_schema', name: 's' } } }, status: 400, param: 'text.format.schema', message: /schema/ },
    { name: 'background mode', body: { model: 'gpt-5.4', input: 'x', background: true }, status: 400, param: 'background', message: /Background/ },
    { name: 'a previous_response_id that does not exist', body: { model: 'gpt-5.4', input: 'x', previous_response_id: 'resp_0000' }, status: 404, param: 'previous_response_id', message: /resp_0000/ },
    { name: 'a model that does not exist', body: { model: 'gpt-404', input: 'x' }, status: 404, param: 'model', message: /gpt-404/ },
  ];
  it.each(cases)('$name → $status naming $param', async ({ body, status, param, message }) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    expect(response.json.error.param).toBe(param);
    expect(response.json.error.message).toMatch(message);
    expect(typeof response.json.error.type).toBe('string');
    expect(typeof response.json.error.code).toBe('string');
  });

  it('makes the SDK raise BadRequestError for an input item the upstream cannot carry', async () => {
    await expect(alpha.responses.create({ model: 'gpt-5.4', input: [{ type: 'computer_call_output', call_id: 'x', output: { type: 'computer_screenshot' } }] } as never)).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
  });

  it('drops fields, hosted tools and tool choices the upstream cannot carry with a warning instead of failing', async () => {
    const response = await post({
      model: 'gpt-5.4',
      input: 'hi',
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'abc',
      some_future_field: 1,
      tools: [{ type: 'function', name: 'f', parameters: {} }, { type: 'custom', name: 'apply_patch' }, { type: 'web_search' }],
      tool_choice: { type: 'file_search' },
    });
    expect(response.status).toBe(200);
    const warnings = response.headers.get('x-switchyard-warnings') ?? '';
    for (const name of ['include dropped', 'some_future_field dropped', 'tools[*] (custom) dropped', 'tools[*] (web_search) dropped', 'tool_choice dropped']) expect(warnings).toContain(name);
  });

  it('answers a WebSocket upgrade with 426, so a client that tries one first falls back to HTTP at once', async () => {
    // fetch will not send an Upgrade header: node:http does, as a WebSocket client's handshake.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const handshake = httpRequest(`${gateway.running.url}/v1/responses`, {
        headers: { authorization: `Bearer ${KEY_A}`, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      handshake.on('upgrade', () => reject(new Error('the gateway switched protocols')));
      handshake.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      handshake.on('error', reject);
      handshake.end();
    });
    expect(status).toBe(426);
    expect((JSON.parse(body) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'upgrade_required', message: expect.stringContaining('POST /v1/responses') });
  });
});

describe('responses belong to the key that created them', () => {
  it('answers another key with 404 on GET, DELETE, input_items and previous_response_id, and keeps the response', async () => {
    const mine = await alpha.responses.create({ model: 'gpt-5.4', input: 'A secret plan: buy low, sell high.' });
    await expect(bravo.responses.retrieve(mine.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(bravo.responses.inputItems.list(mine.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(bravo.responses.delete(mine.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const continued = bravo.responses.create({ model: 'gpt-5.4', input: 'Repeat the plan.', previous_response_id: mine.id });
    await expect(continued).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(continued).rejects.not.toHaveProperty('message', expect.stringContaining('buy low'));
    // The owner still has it, untouched.
    expect((await alpha.responses.retrieve(mine.id)).output_text).toBe(mine.output_text);
  });
});

describe('a stream that breaks', () => {
  it('ends with error and response.failed, never response.completed', async () => {
    const response = await fetch(`${gateway.running.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_A}`, 'x-switchyard-sim': 'break_after=5;answer_tokens=200' },
      body: JSON.stringify({ model: 'gpt-5.4', input: 'Write a long story about a lighthouse.', stream: true }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    const types = [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1]);
    expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
    expect(types).toContain('response.output_text.delta');
    expect(types.slice(-2)).toEqual(['error', 'response.failed']);
    expect(types).not.toContain('response.completed');
    const failed = JSON.parse(text.trim().split('\n').at(-1)!.slice('data: '.length)) as { response: { status: string; error: { code: string } }; sequence_number: number };
    expect(failed.response.status).toBe('failed');
    expect(failed.response.error.code).toMatch(/upstream/);
    expect(failed.sequence_number).toBe(types.length - 1);
  });
});
