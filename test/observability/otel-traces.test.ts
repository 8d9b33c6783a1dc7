/**
 * OpenTelemetry traces end to end: a real gateway exports over OTLP/HTTP to a receiver in
 * this process; spans carry the GenAI semantic-convention attributes, upstream calls are
 * children of the request's span, and the client's trace id reaches the upstream.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fixturePath } from '../helpers/fixture-server.js';
import { OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';

const SERVER = 2;
const CLIENT = 3;
const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

/** An OpenAI-shaped upstream that fails every first call of a request with a 500 and records each call's headers. */
class FlakyUpstream {
  readonly calls: IncomingHttpHeaders[] = [];
  private server: Server | undefined;
  url = '';
  async start(): Promise<this> {
    const answer = readFileSync(fixturePath('openai/chat-basic.json'), 'utf8');
    this.server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        this.calls.push(request.headers);
        if (this.calls.length % 2 === 1) {
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end('{"error":{"message":"upstream hiccup","type":"server_error"}}');
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(answer);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

function config(receiverUrl: string | undefined, upstreamUrl: string): string {
  return `
telemetry:
  otlp: { ${receiverUrl ? `endpoint: "${receiverUrl}", ` : ''}service_name: switchyard-under-test }
providers:
  up: { type: openai, base_url: "${upstreamUrl}/v1", api_key: env:UP_KEY }
  sim:
    type: simulator
    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }
models:
  flaky:
    provider: up
    retry: { attempts: 1, initial_backoff_ms: 1, max_backoff_ms: 2 }
    price: { input: 2, output: 8 }
  gpt-5.4-mini: { provider: sim, price: { input: 0.25, output: 2 } }
  deepseek-v4-flash: { provider: sim, price: { input: 0.14, output: 0.28 } }
  text-embedding-3-small: { kind: embedding, provider: sim, price: { input: 0.02, output: 0 } }
guards:
  default: default
  policies:
    default:
      request:
        pii: { action: redact }
routes:
  auto: { strategy: cheapest, quality_floor: 0, candidates: [gpt-5.4-mini, deepseek-v4-flash] }
`;
}

const byRequest = (spans: ReceivedSpan[], id: string): ReceivedSpan | undefined => spans.find((span) => span.attributes['switchyard.request_id'] === id);
const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan): ReceivedSpan[] =>
  spans.filter((span) => span.parentSpanId === parent.spanId && span.traceId === parent.traceId).sort((a, b) => Number(a.attributes['switchyard.attempt']) - Number(b.attributes['switchyard.attempt']));

describe('OpenTelemetry traces over OTLP/HTTP', () => {
  let receiver: OtlpReceiver;
  let upstream: FlakyUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    receiver = await new OtlpReceiver().start();
    upstream = await new FlakyUpstream().start();
    gateway = await startTestGateway(config(receiver.url, upstream.url), { UP_KEY: 'sk-upstream-test' });
  });
  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
    await receiver.close();
  });

  it('a request span continuing the client traceparent, a child per upstream attempt, the attempt span sent upstream', async () => {
    const response = await fetch(`${gateway.running.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'otel-flaky-1', traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` },
      body: JSON.stringify({ model: 'flaky', messages: [{ role: 'user', content: 'Hello there' }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
    await receiver.waitFor((spans) => {
      const request = byRequest(spans, 'otel-flaky-1');
      return request !== undefined && childrenOf(spans, request).length === 2;
    });
    const request = byRequest(receiver.spans, 'otel-flaky-1') as ReceivedSpan;
    expect(request.traceId).toBe(CLIENT_TRACE);
    expect(request.parentSpanId).toBe(CLIENT_SPAN);
    expect(request.kind).toBe(SERVER);
    expect(request.name).toBe('chat');
    expect(request.resource['service.name']).toBe('switchyard-under-test');
    expect(request.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'flaky',
      'gen_ai.response.model': 'flaky',
      'gen_ai.usage.input_tokens': 19,
      'gen_ai.usage.output_tokens': 10,
      'gen_ai.response.finish_reasons': ['stop'],
      'http.response.status_code': 200,
      'switchyard.attempts': 2,
      'switchyard.model': 'flaky',
      'switchyard.guard.outcome': 'pass',
    });
    expect(request.attributes['switchyard.cost_usd']).toBeCloseTo((19 * 2 + 10 * 8) / 1e6, 12);

    const [failed, served] = childrenOf(receiver.spans, request) as [ReceivedSpan, ReceivedSpan];
    for (const attempt of [failed, served]) {
      expect(attempt.kind).toBe(CLIENT);
      expect(attempt.name).toBe('chat flaky');
      expect(attempt.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'flaky', 'switchyard.provider': 'up' });
      expect(attempt.startMs).toBeGreaterThanOrEqual(request.startMs);
      expect(attempt.endMs).toBeLessThanOrEqual(request.endMs);
    }
    expect(failed.attributes['http.response.status_code']).toBe(502);
    expect(failed.attributes['error.type']).toBe('upstream_error');
    expect(failed.status.code).toBe(2);
    expect(served.attributes).toMatchObject({ 'http.response.status_code': 200, 'gen_ai.response.model': 'flaky', 'gen_ai.usage.input_tokens': 19, 'gen_ai.usage.output_tokens': 10 });

    // Each upstream call carried its own span's context: the client's trace id, the attempt span as parent.
    const sent = upstream.calls.slice(-2).map((headers) => headers.traceparent);
    expect(sent).toEqual([`00-${CLIENT_TRACE}-${failed.spanId}-01`, `00-${CLIENT_TRACE}-${served.spanId}-01`]);
  });

  it('a routed, streamed request: route, category and finish reason; a new trace without a client traceparent', async () => {
    const response = await fetch(`${gateway.running.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'otel-routed-1' },
      body: JSON.stringify({ model: 'auto', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Write a Python function that reverses a string.' }] }),
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    await receiver.waitFor((spans) => byRequest(spans, 'otel-routed-1') !== undefined);
    const request = byRequest(receiver.spans, 'otel-routed-1') as ReceivedSpan;
    expect(request.traceId).not.toBe(CLIENT_TRACE);
    expect(request.parentSpanId).toBeUndefined();
    expect(request.attributes['switchyard.route']).toBe('auto');
    expect(request.attributes['switchyard.category']).toBe('code');
    expect(request.attributes['switchyard.stream']).toBe(true);
    expect(request.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    expect(['gpt-5.4-mini', 'deepseek-v4-flash']).toContain(request.attributes['switchyard.model']);
    expect(request.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    const attempts = childrenOf(receiver.spans, request);
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    expect(attempts.at(-1)?.attributes['gen_ai.response.model']).toBe(request.attributes['switchyard.model']);
  });

  it('embeddings get an embeddings span; a failed request is an error span', async () => {
    const embedded = await fetch(`${gateway.running.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'otel-embed-1' },
      body: JSON.stringify({ model: 'text-embedding-3-small', input: 'hello' }),
    });
    expect(embedded.status).toBe(200);
    const failed = await fetch(`${gateway.running.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'otel-unknown-1' },
      body: JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(failed.status).toBe(404);
    await receiver.waitFor((spans) => byRequest(spans, 'otel-embed-1') !== undefined && byRequest(spans, 'otel-unknown-1') !== undefined);
    const embed = byRequest(receiver.spans, 'otel-embed-1') as ReceivedSpan;
    expect(embed.name).toBe('embeddings');
    expect(embed.attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3-small', 'gen_ai.response.model': 'text-embedding-3-small' });
    expect(embed.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    const unknown = byRequest(receiver.spans, 'otel-unknown-1') as ReceivedSpan;
    expect(unknown.status.code).toBe(2);
    expect(unknown.attributes['error.type']).toBe('model_not_found');
    expect(unknown.attributes['http.response.status_code']).toBe(404);
    expect(childrenOf(receiver.spans, unknown)).toEqual([]);
  });

  it('the guard outcome: redact when a request had PII redacted, pass when the policy found nothing', async () => {
    for (const [id, content] of [
      ['otel-guard-redact', 'Email jane.doe@example.com about the invoice.'],
      ['otel-guard-pass', 'What is the capital of France?'],
    ] as const) {
      const response = await fetch(`${gateway.running.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content }] }),
      });
      expect(response.status).toBe(200);
    }
    await receiver.waitFor((spans) => byRequest(spans, 'otel-guard-redact') !== undefined && byRequest(spans, 'otel-guard-pass') !== undefined);
    expect(byRequest(receiver.spans, 'otel-guard-redact')?.attributes['switchyard.guard.outcome']).toBe('redact');
    expect(byRequest(receiver.spans, 'otel-guard-pass')?.attributes['switchyard.guard.outcome']).toBe('pass');
    // The span says what was done, never the value found.
    expect(JSON.stringify(receiver.spans)).not.toContain('jane.doe@example.com');
  });
});

describe('OpenTelemetry traces with the response cache', () => {
  it('say whether the cache answered: miss, then hit-exact with no upstream attempt', async () => {
    const receiver = await new OtlpReceiver().start();
    const upstream = await new FlakyUpstream().start();
    const gateway = await startTestGateway(`cache: { mode: exact }\n${config(receiver.url, upstream.url)}`, { UP_KEY: 'sk-upstream-test' });
    try {
      for (const id of ['otel-cache-first', 'otel-cache-second']) {
        const response = await fetch(`${gateway.running.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': id },
          body: JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'What is the boiling point of water at sea level?' }] }),
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('x-switchyard-cache')).toBe(id === 'otel-cache-first' ? 'miss' : 'hit-exact');
      }
      await receiver.waitFor((spans) => byRequest(spans, 'otel-cache-first') !== undefined && byRequest(spans, 'otel-cache-second') !== undefined);
      const first = byRequest(receiver.spans, 'otel-cache-first') as ReceivedSpan;
      const second = byRequest(receiver.spans, 'otel-cache-second') as ReceivedSpan;
      expect(first.attributes['switchyard.cache']).toBe('miss');
      expect(childrenOf(receiver.spans, first)).toHaveLength(1);
      expect(second.attributes['switchyard.cache']).toBe('hit-exact');
      expect(childrenOf(receiver.spans, second)).toHaveLength(0);
    } finally {
      await gateway.stop();
      await upstream.close();
      await receiver.close();
    }
  });
});

describe('OTEL_EXPORTER_OTLP_* variables', () => {
  it('with no endpoint in the config, the standard variables choose the endpoint and add headers', async () => {
    const receiver = await new OtlpReceiver().start();
    const upstream = await new FlakyUpstream().start();
    const saved = { endpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT, headers: process.env.OTEL_EXPORTER_OTLP_HEADERS };
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-collector-token=abc123';
    const gateway = await startTestGateway(config(undefined, upstream.url), { UP_KEY: 'sk-upstream-test' });
    try {
      const response = await fetch(`${gateway.running.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'otel-env-1' },
        body: JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBe(200);
      await receiver.waitFor((spans) => byRequest(spans, 'otel-env-1') !== undefined);
      expect(receiver.requests[0]?.path).toBe('/v1/traces');
      expect(receiver.requests[0]?.headers['x-collector-token']).toBe('abc123');
    } finally {
      await gateway.stop();
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved.endpoint;
      process.env.OTEL_EXPORTER_OTLP_HEADERS = saved.headers;
      if (saved.endpoint === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      if (saved.headers === undefined) delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
      await upstream.close();
      await receiver.close();
    }
  });
});
