/**
 * The stream relay's edges, end to end: a real gateway in front of an upstream that writes
 * raw SSE bytes in scripted pieces, each piece its own socket write a few milliseconds
 * apart (so the gateway reads them separately). The relay batches the events of one
 * upstream read into one client write and reads common chunks without the schema
 * validator; these tests pin that nothing is lost, reordered or left unscanned by either:
 * many events in one read, an event cut mid-line and mid-character, usage in the same
 * chunk as the finish, a stream cut short, and a secret split across events and reads.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { ALPHANUMERIC, token } from '../guards/helpers.js';

const base = { id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1, model: 'relay-up' };
const event = (payload: unknown): string => `data: ${JSON.stringify(payload)}\n\n`;
const content = (text: string): string => event({ ...base, choices: [{ index: 0, delta: { content: text }, finish_reason: null }] });
const role = event({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
const finish = event({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
const usage = event({ ...base, choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } });
const DONE = 'data: [DONE]\n\n';

/** Upstream scripts by model name: each entry is one socket write; `cut` destroys the socket after the last piece. */
const scripts = new Map<string, { pieces: (string | Buffer)[]; cut?: boolean }>();

class RawUpstream {
  url = '';
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string };
        const script = scripts.get(body.model);
        if (!script) {
          response.writeHead(404, { 'content-type': 'application/json' });
          response.end('{"error":{"message":"no script"}}');
          return;
        }
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.flushHeaders();
        let at = 0;
        const next = (): void => {
          if (at < script.pieces.length) {
            response.write(script.pieces[at++] as string | Buffer);
            setTimeout(next, 5);
          } else if (script.cut) response.socket?.destroy();
          else response.end();
        };
        next();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/v1`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const upstream = new RawUpstream();
let gateway: TestGateway;

const MODELS = ['many', 'split', 'last-usage', 'cut', 'secret', 'long-secret', 'cut-late', 'left'];

beforeAll(async () => {
  await upstream.start();
  const models = MODELS.map((name) => `  ${name}: { provider: raw, price: { input: 1, output: 2 } }`).join('\n');
  gateway = await startTestGateway(`
resilience:
  circuit_breaker: { enabled: false }
providers:
  raw:
    type: openai-compatible
    base_url: ${upstream.url}
    timeouts: { first_token_ms: 2000, idle_ms: 2000, total_ms: 10000 }
models:
${models}
guards:
  policies:
    answer-redact:
      response:
        secrets: { action: redact }
routes:
  guarded: { model: secret, guards: answer-redact }
  guarded-long: { model: long-secret, guards: answer-redact }
`);
});

afterAll(async () => {
  await gateway?.stop();
  await upstream.close();
});

interface Relayed {
  status: number;
  events: string[];
  text: string;
  chunks: Record<string, unknown>[];
}

async function stream(model: string, requestId: string): Promise<Relayed> {
  const response = await fetch(`${gateway.running.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify({ model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'go' }] }),
  });
  const raw = await response.text();
  const events = raw
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice(6));
  const chunks = events.filter((data) => data !== '[DONE]').map((data) => JSON.parse(data) as Record<string, unknown>);
  const text = chunks
    .flatMap((chunk) => (chunk.choices as { delta?: { content?: string } }[] | undefined) ?? [])
    .map((choice) => choice.delta?.content ?? '')
    .join('');
  return { status: response.status, events, text, chunks };
}

interface Row {
  status: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  error_code: string | null;
  response_body: string | null;
}

async function storedRow(id: string): Promise<Row> {
  gateway.running.log.flush();
  const db = new Database(gateway.dbPath, { readonly: true });
  try {
    const deadline = Date.now() + 5000;
    for (;;) {
      const row = db.prepare('SELECT * FROM requests WHERE id = ?').get(id) as Row | undefined;
      if (row) return row;
      if (Date.now() > deadline) throw new Error(`no row for ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    db.close();
  }
}

describe('stream relay', () => {
  it('relays every event of one upstream read, in order, each a whole SSE event', async () => {
    const words = Array.from({ length: 120 }, (_, index) => ` w${index}`);
    scripts.set('many', { pieces: [role + words.map(content).join('') + finish + usage + DONE] });
    const relayed = await stream('many', 'relay-many');
    expect(relayed.status).toBe(200);
    expect(relayed.text).toBe(words.join(''));
    expect(relayed.events.at(-1)).toBe('[DONE]');
    // Every event parsed on its own (no two glued together), one per content word plus role, finish and usage.
    expect(relayed.chunks.filter((chunk) => (chunk.choices as { delta?: { content?: string } }[]).some((choice) => choice.delta?.content))).toHaveLength(words.length);
    expect(relayed.chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 7 } });
    const row = await storedRow('relay-many');
    expect(row).toMatchObject({ status: 200, input_tokens: 11, output_tokens: 7 });
    expect(JSON.parse(row.response_body ?? '{}').content).toBe(words.join(''));
  });

  it('joins an event cut mid-line and mid-character across upstream reads', async () => {
    const whole = role + content('Grüße ') + content('aus Köln') + finish + usage + DONE;
    const bytes = Buffer.from(whole, 'utf8');
    const umlaut = bytes.indexOf(Buffer.from('ü', 'utf8'));
    const cuts = [10, umlaut + 1, bytes.indexOf(Buffer.from('Köln', 'utf8')) + 2, bytes.length - 3];
    const pieces = [0, ...cuts].map((from, index) => bytes.subarray(from, cuts[index] ?? bytes.length));
    scripts.set('split', { pieces });
    const relayed = await stream('split', 'relay-split');
    expect(relayed.text).toBe('Grüße aus Köln');
    expect(relayed.events.at(-1)).toBe('[DONE]');
  });

  it('reads usage sent in the same chunk as the finish reason, and bills it', async () => {
    const last = event({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 40, completion_tokens: 3, total_tokens: 43 } });
    scripts.set('last-usage', { pieces: [role, content('one'), content(' two') + last + DONE] });
    const relayed = await stream('last-usage', 'relay-last-usage');
    expect(relayed.text).toBe('one two');
    const usageChunk = relayed.chunks.at(-1) as { usage: { prompt_tokens: number; completion_tokens: number; cost_usd: number } };
    expect(usageChunk.usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 3 });
    // price: input 1, output 2 per million tokens
    expect(usageChunk.usage.cost_usd).toBeCloseTo((40 * 1 + 3 * 2) / 1e6, 12);
    const row = await storedRow('relay-last-usage');
    expect(row).toMatchObject({ status: 200, input_tokens: 40, output_tokens: 3 });
    expect(row.cost_usd).toBeCloseTo((40 * 1 + 3 * 2) / 1e6, 12);
  });

  it('ends a stream cut short with an error event and no end marker, and logs the failure', async () => {
    scripts.set('cut', { pieces: [role + content('half an ans'), content('wer')], cut: true });
    const relayed = await stream('cut', 'relay-cut');
    expect(relayed.status).toBe(200);
    expect(relayed.text).toBe('half an answer');
    expect(relayed.events).not.toContain('[DONE]');
    expect(relayed.chunks.at(-1)).toMatchObject({ error: { code: 'upstream_connection_error' } });
    const row = await storedRow('relay-cut');
    expect(row.status).toBe(502);
    expect(row.error_code).toBe('upstream_connection_error');
    expect(JSON.parse(row.response_body ?? '{}').content).toBe('half an answer');
  });

  it('redacts a secret split across events and across upstream reads', async () => {
    const key = `sk-proj-${token(`${ALPHANUMERIC}_-`, 120, 5)}`;
    const answer = `Use ${key} to deploy.`;
    // Split inside the key, at an event boundary that is also a socket write boundary, and mid-event.
    const first = answer.slice(0, 30);
    const second = answer.slice(30, 90);
    const third = answer.slice(90);
    const tail = content(third) + finish + usage + DONE;
    scripts.set('secret', { pieces: [role + content(first), content(second).slice(0, 25), content(second).slice(25) + tail.slice(0, 17), tail.slice(17)] });
    const relayed = await stream('guarded', 'relay-secret');
    expect(relayed.events.at(-1)).toBe('[DONE]');
    expect(relayed.text).not.toContain(key.slice(8, 40));
    expect(relayed.text).toMatch(/^Use \[[A-Z_]+_1\] to deploy\.$/);
    const row = await storedRow('relay-secret');
    expect(row.status).toBe(200);
    expect(row.response_body ?? '').not.toContain(key.slice(8, 40));
  });

  // Text chunks that repeat the stream's last one but for their text are read by parsing only
  // the text, and text past the guards' hold-back is scanned once per run of characters, not
  // per chunk: these pin that neither loses a finding, a cut or a client that left.
  it('redacts a secret split across many small events deep into a long answer', async () => {
    const key = `sk-proj-${token(`${ALPHANUMERIC}_-`, 120, 9)}`;
    const before = Array.from({ length: 150 }, (_, index) => ` w${index}`);
    const after = Array.from({ length: 150 }, (_, index) => ` v${index}`);
    const keyPieces = key.match(/.{1,7}/g) ?? [];
    const texts = [...before, ' key: ', ...keyPieces, ' (keep it safe)', ...after];
    // Each event its own read for the first few hundred, then the rest in one read.
    const events = texts.map(content);
    scripts.set('long-secret', { pieces: [role, ...events.slice(0, 200), events.slice(200).join('') + finish + usage + DONE] });
    const relayed = await stream('guarded-long', 'relay-long-secret');
    expect(relayed.events.at(-1)).toBe('[DONE]');
    expect(relayed.text).not.toContain(key.slice(8, 30));
    expect(relayed.text).toBe(`${before.join('')} key: [OPENAI_KEY_1] (keep it safe)${after.join('')}`);
    const row = await storedRow('relay-long-secret');
    expect(row).toMatchObject({ status: 200, input_tokens: 11, output_tokens: 7 });
    expect(row.response_body ?? '').not.toContain(key.slice(8, 30));
  });

  it('ends a long stream cut in the middle of a text event with an error event, and logs what the client got', async () => {
    const words = Array.from({ length: 80 }, (_, index) => ` w${index}`);
    const cutEvent = content(' never');
    scripts.set('cut-late', { pieces: [role + words.map(content).join(''), cutEvent.slice(0, cutEvent.length - 8)], cut: true });
    const relayed = await stream('cut-late', 'relay-cut-late');
    expect(relayed.text).toBe(words.join(''));
    expect(relayed.events).not.toContain('[DONE]');
    expect(relayed.chunks.at(-1)).toMatchObject({ error: { code: 'upstream_connection_error' } });
    const row = await storedRow('relay-cut-late');
    expect(row.status).toBe(502);
    expect(JSON.parse(row.response_body ?? '{}').content).toBe(words.join(''));
  });

  it('records a client that leaves mid-stream as 499, with the text it was sent', async () => {
    const words = Array.from({ length: 400 }, (_, index) => ` w${index}`);
    // One event per upstream write, 5 ms apart: about two seconds of stream.
    scripts.set('left', { pieces: [role, ...words.map(content), finish + usage + DONE] });
    const controller = new AbortController();
    const response = await fetch(`${gateway.running.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'relay-left' },
      body: JSON.stringify({ model: 'left', stream: true, messages: [{ role: 'user', content: 'go' }] }),
      signal: controller.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = '';
    while (!received.includes(' w20"')) received += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    await reader.read().catch(() => undefined);
    const row = await storedRow('relay-left');
    expect(row.status).toBe(499);
    expect(row.error_code).toBe('client_closed');
    const logged = JSON.parse(row.response_body ?? '{}').content as string;
    expect(logged.startsWith(words.slice(0, 21).join(''))).toBe(true);
    expect(logged.length).toBeLessThan(words.join('').length);
  });
});
