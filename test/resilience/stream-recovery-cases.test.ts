/**
 * Mid-stream recovery, each option and edge on its own, against a scripted upstream that
 * records what every attempt was sent: the backup gets placeholders (not the personal data
 * restored for the client) even after a restored value went out; `max_tokens` shrinks by
 * what the broken attempt produced; at most three seams; the request deadline holds during
 * recovery (no continuation after it, a continuation cut at it); another deployment of the
 * same model comes before the fallbacks; and an Anthropic prefill never ends in whitespace,
 * while the client's text has neither a doubled nor a missing space at the seam.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { messageText, ScriptedUpstream, type UpstreamBody } from '../helpers/scripted-upstream.js';

const EMAIL = 'maria.lopez@example.org';
const STORY =
  'The keeper lit the lamp at dusk, as he had done for forty years. The storm came in from the west and knocked on the glass. ' +
  'He made tea for two, set a cup by the window, and told the wind about his daughter, the ferry, and the gulls that never left.';
const PRICE = 'price: { input: 1, output: 2 }';

const upstream = new ScriptedUpstream();
let gateway: TestGateway;
/** The whole answer the upstream is giving in this test; continuations give the rest of it. */
let full = STORY;
/** Streams to deployments whose upstream name contains "cut" break after this many pieces. */
let cutAfter = 4;

/** Pieces of one word each, with the whitespace after it (so a break can fall right after a space or a blank line). */
const words = (text: string): string[] => text.match(/^\s+|\S+\s*/g) ?? [];

/** What the upstream answers: the rest of `full` after the partial answer a continuation carries. */
function answer(body: UpstreamBody): string {
  const messages = body.messages;
  const last = messages.at(-1);
  // Anthropic prefill: the partial answer is the last (assistant) turn.
  const partial = last?.role === 'assistant' ? messageText(last) : messages.at(-2)?.role === 'assistant' ? messageText(messages.at(-2)) : undefined;
  if (partial === undefined) return full;
  if (!full.startsWith(partial)) return `[continuation of a text this upstream never began: ${JSON.stringify(partial)}]`;
  return full.slice(partial.length);
}

function config(url: string): string {
  const openai = (name: string) => `{ provider: openai-like, upstream_model: ${name}, ${PRICE} }`;
  return `
resilience:
  circuit_breaker: { enabled: false }
providers:
  openai-like:
    type: openai-compatible
    base_url: ${url}
    timeouts: { first_token_ms: 5000, idle_ms: 5000, total_ms: 20000 }
  claude-like:
    type: anthropic
    base_url: ${url}
    api_key: env:CLAUDE_KEY
    timeouts: { first_token_ms: 5000, idle_ms: 5000, total_ms: 20000 }
models:
  primary: { provider: openai-like, upstream_model: cut, fallbacks: [backup], ${PRICE} }
  backup: ${openai('whole')}
  to-prefill: { provider: openai-like, upstream_model: cut, fallbacks: [backup-claude], ${PRICE} }
  backup-claude: { provider: claude-like, upstream_model: claude-whole, ${PRICE} }
  siblings:
    deployments: [{ provider: openai-like, upstream_model: east }, { provider: openai-like, upstream_model: west }]
    fallbacks: [backup]
    ${PRICE}
  always-cut:
    deployments: [${[1, 2, 3, 4, 5].map((index) => `{ provider: openai-like, upstream_model: cut-${index} }`).join(', ')}]
    ${PRICE}
  slow-primary: { provider: openai-like, upstream_model: slow-cut, fallbacks: [backup], retry: { deadline_ms: 1500 }, ${PRICE} }
  quick-cut-slow-backup: { provider: openai-like, upstream_model: cut, fallbacks: [slow-backup], retry: { deadline_ms: 1500 }, ${PRICE} }
  slow-backup: ${openai('slow-whole')}
guards:
  policies:
    restore:
      request:
        pii: { action: redact, restore: true }
routes:
  guarded: { model: primary, guards: restore }
  guarded-prefill: { model: to-prefill, guards: restore }
`;
}

beforeAll(async () => {
  await upstream.start();
  gateway = await startTestGateway(config(upstream.url), { CLAUDE_KEY: 'sk-ant-scripted-upstream' });
});

afterAll(async () => {
  await gateway.stop();
  await upstream.stop();
});

beforeEach(() => {
  upstream.reset();
  full = STORY;
  cutAfter = 4;
  upstream.answer = answer;
  upstream.split = words;
  upstream.breakAfter = (body) => (body.model.includes('cut') ? cutAfter : undefined);
});

interface Streamed {
  text: string;
  finish: string | null;
  error: unknown;
  requestId: string | null;
}

async function stream(model: string, content: string, extra: { max_tokens?: number } = {}): Promise<Streamed> {
  const client = new OpenAI({ baseURL: `${gateway.running.url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 30_000 });
  const { data, response } = await client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content }], ...extra }).withResponse();
  let text = '';
  let finish: string | null = null;
  let error: unknown = null;
  try {
    for await (const chunk of data) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
  } catch (caught) {
    error = caught;
  }
  return { text, finish, error, requestId: response.headers.get('x-request-id') };
}

function logged(requestId: string | null) {
  const log = gateway.running.log;
  log.flush();
  const request = log.recent({ last: 500 }).find((row) => row.id === requestId);
  return { request, attempts: requestId ? log.attemptsOf(requestId) : [] };
}

describe('restored personal data and the backup', () => {
  it.each([
    ['an instruction', 'guarded', 'whole'],
    ['an Anthropic prefill', 'guarded-prefill', 'claude-whole'],
  ])('after a restored value reached the client, the backup continuing through %s gets the placeholder', async (_, route, backupModel) => {
    full = 'Noted: I will write to [EMAIL_1] today, and again tomorrow if the report is late. Thanks for the reminder!';
    // "Noted: I will write to [EMAIL_1] today, and " reaches the client, restored; then the socket dies.
    cutAfter = 8;
    const result = await stream(route, `Please write to ${EMAIL} about the report.`);
    expect(result.error).toBeNull();
    expect(result.text).toBe(full.replace('[EMAIL_1]', EMAIL));
    expect(upstream.received.map((body) => body.model)).toEqual(['cut', backupModel]);
    const continuation = upstream.received[1]?.messages ?? [];
    const partial = messageText(continuation.find((message) => message.role === 'assistant'));
    expect(partial.startsWith('Noted: I will write to [EMAIL_1] today,')).toBe(true);
    expect(JSON.stringify(upstream.requests)).not.toContain(EMAIL);
    expect(JSON.stringify(upstream.requests)).not.toContain('maria');
    const { request } = logged(result.requestId);
    expect(request?.details?.seams).toHaveLength(1);
  });
});

describe('max_tokens across a seam', () => {
  it.each([
    ['an OpenAI-protocol backup', 'primary', 'max_tokens'],
    ['an Anthropic backup (prefill)', 'to-prefill', 'max_tokens'],
  ])('%s is asked for what is left of the client max_tokens', async (_, model, field) => {
    const result = await stream(model, 'Tell me the lighthouse story.', { max_tokens: 300 });
    expect(result.error).toBeNull();
    expect(result.text).toBe(full);
    const { attempts } = logged(result.requestId);
    expect(attempts).toHaveLength(2);
    const produced = attempts[0]?.outputTokens ?? 0;
    expect(produced).toBeGreaterThan(0);
    expect(upstream.received[0]?.[field]).toBe(300);
    expect(upstream.received[1]?.[field]).toBe(300 - produced);
  });

  it('without a client max_tokens the OpenAI-protocol backup gets none either', async () => {
    const result = await stream('primary', 'Tell me the lighthouse story.');
    expect(result.text).toBe(full);
    expect(upstream.received[1]).not.toHaveProperty('max_tokens');
    expect(upstream.received[1]).not.toHaveProperty('max_completion_tokens');
  });
});

describe('the number of seams', () => {
  it('stops after three seams with an error event, never a fourth continuation', async () => {
    cutAfter = 2;
    const result = await stream('always-cut', 'Tell me the lighthouse story.');
    expect(result.error).toBeInstanceOf(Error);
    expect(result.finish).toBeNull();
    // Four streams of two words each reached the client, and nothing more.
    expect(result.text).toBe(words(full).slice(0, 8).join(''));
    expect(upstream.received).toHaveLength(4);
    const { request, attempts } = logged(result.requestId);
    expect(attempts).toHaveLength(4);
    expect(request?.details?.seams).toHaveLength(3);
    expect(request?.status).toBe(502);
    expect(request?.errorMessage).toMatch(/after 3 recovered breaks/);
  });
});

describe('the request deadline during recovery', () => {
  it('a stream that breaks at the deadline is not continued', async () => {
    // 150 ms a word, forty words: the deadline (1.5 s) cuts the first stream long before it ends.
    upstream.breakAfter = () => undefined;
    upstream.pieceDelayMs = (body) => (body.model === 'slow-cut' ? 150 : 0);
    const result = await stream('slow-primary', 'Tell me the lighthouse story.');
    expect(result.error).toBeInstanceOf(Error);
    expect(result.finish).toBeNull();
    expect(result.text.length).toBeGreaterThan(0);
    expect(full.startsWith(result.text)).toBe(true);
    expect(upstream.received.map((body) => body.model)).toEqual(['slow-cut']);
    const { request, attempts } = logged(result.requestId);
    expect(attempts).toHaveLength(1);
    expect(request?.details?.seams).toBeUndefined();
  });

  it('a continuation still running at the deadline is cut there', async () => {
    cutAfter = 2;
    // The backup takes 150 ms a word: about six seconds for the rest, well past the 1.5 s deadline
    // and well inside its own 20 s total timeout.
    upstream.pieceDelayMs = (body) => (body.model === 'slow-whole' ? 150 : 0);
    const result = await stream('quick-cut-slow-backup', 'Tell me the lighthouse story.');
    expect(result.error).toBeInstanceOf(Error);
    expect(result.finish).toBeNull();
    expect(result.text.length).toBeLessThan(full.length);
    expect(upstream.received.map((body) => body.model)).toEqual(['cut', 'slow-whole']);
    const { request, attempts } = logged(result.requestId);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]?.status).not.toBe(200);
    expect(request?.status).not.toBe(200);
  });
});

describe('where the answer is continued', () => {
  it('on another deployment of the same model before any fallback', async () => {
    // Whichever deployment the balancer picks first breaks; the other one answers.
    upstream.breakAfter = (_, index) => (index === 0 ? 3 : undefined);
    const result = await stream('siblings', 'Tell me the lighthouse story.');
    expect(result.error).toBeNull();
    expect(result.text).toBe(full);
    const [first, second] = upstream.received.map((body) => body.model);
    expect([first, second].sort()).toEqual(['east', 'west']);
    const { request, attempts } = logged(result.requestId);
    expect(attempts.map((attempt) => attempt.model)).toEqual(['siblings', 'siblings']);
    expect(request?.details?.seams?.[0]).toMatchObject({ fromModel: 'siblings', toModel: 'siblings', method: 'instruction' });
  });
});

describe('whitespace at an Anthropic prefill seam', () => {
  it.each([
    ['a space', STORY, 3, 'The keeper lit'],
    ['a blank line', 'The storm arrived at midnight.\n\nBy morning the keeper had a new friend, and the sea was calm again.', 5, 'The storm arrived at midnight.'],
  ])('a break right after %s: the prefill leaves it out, the client gets it once', async (_, text, cut, prefill) => {
    full = text;
    cutAfter = cut;
    const result = await stream('to-prefill', 'Tell me the lighthouse story.');
    expect(result.error).toBeNull();
    expect(result.text).toBe(full);
    const last = upstream.received[1]?.messages.at(-1);
    expect(last?.role).toBe('assistant');
    expect(messageText(last)).toBe(prefill);
    const { request } = logged(result.requestId);
    expect(request?.details?.seams?.[0]).toMatchObject({ method: 'prefill', toModel: 'backup-claude' });
  });

  it('a break inside a word: nothing held back, nothing added', async () => {
    upstream.split = undefined;
    upstream.chunkSize = 6;
    cutAfter = 2;
    const result = await stream('to-prefill', 'Tell me the lighthouse story.');
    expect(result.error).toBeNull();
    expect(result.text).toBe(full);
    expect(messageText(upstream.received[1]?.messages.at(-1))).toBe('The keeper l');
  });
});
