/**
 * The first requests of real coding agents (recorded by `npm run test:agents` with
 * RECORD_AGENT_FIXTURES=1, secrets and local paths removed), replayed against the gateway on
 * the simulator behind every protocol, so a change that would break an agent shows here
 * without installing one: each must be accepted and answered in full, in its own format.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../helpers/fixture-server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

interface Fixture {
  agent: string;
  version: string;
  requests: { method: string; path: string; headers: Record<string, string>; body: Record<string, unknown> }[];
}

const CONFIG = `
resilience:
  circuit_breaker: { enabled: false }
providers:
  sim-openai: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
  sim-anthropic: { type: simulator, protocol: anthropic, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
  sim-gemini: { type: simulator, protocol: gemini, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
  sim-openai-responses: { type: simulator, api: responses, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
models:
  gpt-5.4: { provider: sim-openai, price: { input: 1.75, output: 14 } }
  claude-sonnet-4.6: { provider: sim-anthropic, price: { input: 3, output: 15 } }
  gemini-3.1-pro: { provider: sim-gemini, price: { input: 2, output: 12 } }
  gpt-5.4-responses: { provider: sim-openai-responses, upstream_model: gpt-5.4, price: { input: 1.75, output: 14 } }
routes:
  auto: { model: claude-sonnet-4.6 }
`;

/** One model per upstream protocol: Anthropic Messages, Chat Completions, Gemini, and the Responses API. */
const MODELS = ['claude-sonnet-4.6', 'gpt-5.4', 'gemini-3.1-pro', 'gpt-5.4-responses'];
const names = readdirSync(fixturePath('agents')).filter((name) => name.endsWith('.json'));
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway(CONFIG);
});
afterAll(async () => {
  await gateway.stop();
});

function load(name: string): Fixture {
  return JSON.parse(readFileSync(fixturePath(`agents/${name}`), 'utf8')) as Fixture;
}

/** The text an answer carries, from a JSON body or the events of a stream, in any of the three formats. */
function answerText(body: string, stream: boolean): { text: string; toolCalls: number; ended: boolean } {
  if (!stream) {
    const response = JSON.parse(body) as { object?: string; output?: { type: string; content?: { type: string; text?: string }[] }[] };
    if (response.object === 'response') {
      const output = response.output ?? [];
      const text = output.flatMap((item) => (item.type === 'message' ? (item.content ?? []) : [])).map((part) => part.text ?? '').join('');
      return { text, toolCalls: output.filter((item) => item.type === 'function_call').length, ended: true };
    }
    const json = JSON.parse(body) as { content?: { type: string; text?: string }[]; choices?: { message: { content: string | null; tool_calls?: unknown[] } }[] };
    if (json.content) return { text: json.content.map((block) => block.text ?? '').join(''), toolCalls: json.content.filter((block) => block.type === 'tool_use').length, ended: true };
    const message = json.choices?.[0]?.message;
    return { text: message?.content ?? '', toolCalls: message?.tool_calls?.length ?? 0, ended: true };
  }
  let text = '';
  let toolCalls = 0;
  let ended = false;
  for (const line of body.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const data = line.slice(6);
    if (data === '[DONE]') {
      ended = true;
      continue;
    }
    const event = JSON.parse(data) as Record<string, unknown>;
    if (event.type === 'message_stop' || event.type === 'response.completed') ended = true;
    if (event.type === 'response.failed') throw new Error(`stream error: ${data}`);
    if (event.type === 'response.output_text.delta') text += String(event.delta);
    if (event.type === 'response.output_item.added' && (event.item as { type?: string }).type === 'function_call') toolCalls += 1;
    if (event.type === 'error' || 'error' in event) throw new Error(`stream error: ${data}`);
    const delta = event.delta as { type?: string; text?: string } | undefined;
    if (event.type === 'content_block_delta' && delta?.type === 'text_delta') text += delta.text ?? '';
    if (event.type === 'content_block_start' && (event.content_block as { type?: string }).type === 'tool_use') toolCalls += 1;
    const choice = (event.choices as { delta?: { content?: string | null; tool_calls?: { id?: string }[] } }[] | undefined)?.[0];
    if (choice?.delta?.content) text += choice.delta.content;
    toolCalls += choice?.delta?.tool_calls?.filter((call) => call.id).length ?? 0;
  }
  return { text, toolCalls, ended };
}

describe.each(names)('recorded agent requests: %s', (name) => {
  const fixture = load(name);

  it.each(MODELS)('are answered in full by %s', async (model) => {
    let questions = 0;
    for (const [index, recorded] of fixture.requests.entries()) {
      const response = await fetch(`${gateway.running.url}${recorded.path}`, {
        method: recorded.method,
        headers: { ...recorded.headers, 'x-switchyard-sim': 'correct=1' },
        body: JSON.stringify({ ...recorded.body, model }),
      });
      const body = await response.text();
      expect(response.status, `${fixture.agent} request ${index}: ${body.slice(0, 500)}`).toBe(200);
      expect(response.headers.get('x-switchyard-model')).toBe(model);
      const answer = answerText(body, recorded.body.stream === true);
      expect(answer.ended).toBe(true);
      expect(answer.text.length + answer.toolCalls).toBeGreaterThan(0);
      const asked = JSON.stringify(recorded.body.messages ?? recorded.body.input);
      // A question is answered as a bare prompt would be; a title request gets a title, not a tool call.
      if (asked.includes('What is 17 * 23?') && !asked.includes('title generator')) {
        expect(answer.text).toContain('391');
        questions += 1;
      }
    }
    if (name.includes('question')) expect(questions).toBe(1);
  });
});
