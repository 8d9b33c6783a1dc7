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
models:
  gpt-5.4: { provider: sim-openai, price: { input: 1.75, output: 14 } }
  claude-sonnet-4.6: { provider: sim-anthropic, price: { input: 3, output: 15 } }
  gemini-3.1-pro: { provider: sim-gemini, price: { input: 2, output: 12 } }
routes:
  auto: { model: claude-sonnet-4.6 }
`;

const MODELS = ['claude-sonnet-4.6', 'gpt-5.4', 'gemini-3.1-pro'];
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

/** The text an answer carries, from a JSON body or the events of a stream, in either format. */
function answerText(body: string, stream: boolean): { text: string; toolCalls: number; ended: boolean } {
  if (!stream) {
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
    if (event.type === 'message_stop') ended = true;
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
      const asked = JSON.stringify(recorded.body.messages);
      // A question is answered as a bare prompt would be; a title request gets a title, not a tool call.
      if (asked.includes('What is 17 * 23?') && !asked.includes('title generator')) {
        expect(answer.text).toContain('391');
        questions += 1;
      }
    }
    if (name.includes('question')) expect(questions).toBe(1);
  });
});
