import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway(`server:\n  max_body_bytes: 100000\n${(await import('../helpers/gateway.js')).FAST_SIMULATOR_CONFIG}`);
});
afterAll(async () => {
  await gateway.stop();
});

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

async function post(path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<{ status: number; body: ErrorBody }> {
  const response = await fetch(`${gateway.running.url}${path}`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as ErrorBody };
}

const chat = (body: unknown) => post('/v1/chat/completions', JSON.stringify(body));

describe('malformed requests get a clear 4xx in OpenAI format', () => {
  it('invalid JSON', async () => {
    const { status, body } = await post('/v1/chat/completions', '{"model": "gpt-5.4", "messages": [');
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_json');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/could not parse the JSON body/);
  });

  it('an empty body and a non-object body', async () => {
    expect((await post('/v1/chat/completions', '')).body.error.code).toBe('invalid_json');
    const array = await post('/v1/chat/completions', '[1,2]');
    expect(array.status).toBe(400);
    expect(array.body.error.message).toMatch(/must be a JSON object/);
  });

  it.each([
    [{ messages: [{ role: 'user', content: 'x' }] }, 'model', 'missing_parameter'],
    [{ model: 'gpt-5.4' }, 'messages', 'missing_parameter'],
    [{ model: 'gpt-5.4', messages: [] }, 'messages', 'invalid_request'],
    [{ model: 42, messages: [{ role: 'user', content: 'x' }] }, 'model', 'invalid_request'],
    [{ model: 'gpt-5.4', messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role', 'invalid_request'],
    [{ model: 'gpt-5.4', messages: [{ role: 'user', content: 5 }] }, 'messages[0].content', 'invalid_request'],
    [{ model: 'gpt-5.4', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id', 'missing_parameter'],
    [{ model: 'gpt-5.4', messages: [{ role: 'user', content: 'x' }], max_tokens: -1 }, 'max_tokens', 'invalid_request'],
    [{ model: 'gpt-5.4', messages: [{ role: 'user', content: 'x' }], stream: 'yes' }, 'stream', 'invalid_request'],
    [{ model: 'gpt-5.4', messages: [{ role: 'user', content: 'x' }], stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop', 'invalid_request'],
    [{ model: 'gpt-5.4', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'bad name!' } }] }, 'tools[0].function.name', 'invalid_request'],
    [{ model: 'gpt-5.4', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'yaml' } }, 'response_format.type', 'invalid_request'],
  ])('%j → 400 naming %s', async (request, param, code) => {
    const { status, body } = await chat(request);
    expect(status).toBe(400);
    expect(body.error.param).toBe(param);
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
  });

  it('a body over the limit by Content-Length → 413', async () => {
    const { status, body } = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'x'.repeat(200_000) }] }));
    expect(status).toBe(413);
    expect(body.error.code).toBe('body_too_large');
  });

  it('a chunked body over the limit → 413 without reading it all', async () => {
    const url = new URL(gateway.running.url);
    const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest({ host: url.hostname, port: url.port, path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
      const piece = 'x'.repeat(16_384);
      let sent = 0;
      const pump = () => {
        while (sent < 40) {
          sent++;
          if (!request.write(piece)) {
            request.once('drain', pump);
            return;
          }
        }
        request.end();
      };
      pump();
    });
    expect(result.status).toBe(413);
    expect((JSON.parse(result.body) as ErrorBody).error.code).toBe('body_too_large');
  });

  it('malformed embeddings requests', async () => {
    const empty = await post('/v1/embeddings', JSON.stringify({ model: 'text-embedding-3-small', input: [] }));
    expect(empty.status).toBe(400);
    expect(empty.body.error.param).toBe('input');
    const wrongKind = await post('/v1/embeddings', JSON.stringify({ model: 'gpt-5.4', input: 'x' }));
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.error.message).toMatch(/chat model/);
  });

  it('a bad simulator header → 400 from the upstream, mapped', async () => {
    const { status } = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'x' }] }), {
      'content-type': 'application/json',
      'x-switchyard-sim': 'ttft_ms=banana',
    });
    expect(status).toBe(400);
  });

  it('unknown paths → 404, wrong methods → 405', async () => {
    const missing = await fetch(`${gateway.running.url}/v1/completions-please`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.type).toBe('not_found_error');
    const wrongMethod = await fetch(`${gateway.running.url}/v1/chat/completions`);
    expect(wrongMethod.status).toBe(405);
  });

  it('the server keeps serving after all of the above', async () => {
    const response = await gateway.client.chat.completions.create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'still there?' }] });
    expect(response.choices[0]?.message.content).toBeTruthy();
  });

  it('health endpoints answer', async () => {
    expect((await fetch(`${gateway.running.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${gateway.running.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { simulated: boolean }).simulated).toBe(true);
  });
});
