/**
 * The same conversations through every inbound format and every upstream protocol,
 * streaming and not: OpenAI-in and Anthropic-in × OpenAI, Anthropic, Gemini, Azure OpenAI,
 * Bedrock (SigV4, event-stream), Vertex AI (service-account tokens; Gemini and Claude),
 * Mistral and Cohere out. One simulated model sits behind every protocol, so the answers
 * must agree.
 */
import Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const PROTOCOLS = ['openai', 'anthropic', 'gemini', 'azure-openai', 'bedrock', 'vertex', 'mistral', 'cohere'] as const;
/** Upstreams: every protocol, and Vertex AI twice (a Gemini model and a Claude model). */
const OUTBOUND = [...PROTOCOLS, 'vertex-claude'] as const;

const CONFIG = `
providers:
${PROTOCOLS.map((protocol) => `  sim-${protocol}:\n    type: simulator\n    protocol: ${protocol}\n    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }`).join('\n')}
models:
${PROTOCOLS.map((protocol) => `  via-${protocol}:\n    provider: sim-${protocol}\n    upstream_model: gpt-5.4\n    price: { input: 1, output: 2 }`).join('\n')}
  via-vertex-claude:
    provider: sim-vertex
    upstream_model: anthropic/gpt-5.4
    price: { input: 1, output: 2 }
  claude-sonnet-4.6:
    provider: sim-anthropic
    price: { input: 3, output: 15 }
  gemini-3.1-pro:
    provider: sim-gemini
    price: { input: 2, output: 12 }
`;

interface Outcome {
  text: string;
  toolCalls: { id: string; name: string; args: unknown }[];
  finish: string;
  usage: { input: number; output: number };
}

type Turn = { role: 'user'; text: string } | { role: 'assistant'; toolCalls: Outcome['toolCalls'] } | { role: 'tool'; id: string; result: string };

interface Ask {
  turns: Turn[];
  tools?: boolean;
  schema?: boolean;
}

const weather = {
  name: 'get_weather',
  description: 'Current weather for a city',
  schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const personSchema = { type: 'object', properties: { name: { type: 'string' }, born: { type: 'integer' } }, required: ['name', 'born'] };

let gateway: TestGateway;
let anthropic: Anthropic;

beforeAll(async () => {
  gateway = await startTestGateway(CONFIG);
  anthropic = new Anthropic({ baseURL: gateway.running.url, apiKey: 'unused', maxRetries: 0, timeout: 10_000 });
});
afterAll(async () => {
  await gateway.stop();
});

const normaliseFinish = (reason: string | null | undefined): string =>
  ({ end_turn: 'stop', tool_use: 'tool_calls', max_tokens: 'length', stop: 'stop', tool_calls: 'tool_calls', length: 'length' })[reason ?? ''] ?? String(reason);

async function viaOpenAI(model: string, ask: Ask, stream: boolean): Promise<Outcome> {
  const messages: OpenAI.ChatCompletionMessageParam[] = ask.turns.map((turn) =>
    turn.role === 'user'
      ? { role: 'user', content: turn.text }
      : turn.role === 'tool'
        ? { role: 'tool', tool_call_id: turn.id, content: turn.result }
        : { role: 'assistant', content: null, tool_calls: turn.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) } })) },
  );
  const body: OpenAI.ChatCompletionCreateParams = { model, messages };
  if (ask.tools) body.tools = [{ type: 'function', function: { name: weather.name, description: weather.description, parameters: weather.schema } }];
  if (ask.schema) body.response_format = { type: 'json_schema', json_schema: { name: 'person', schema: personSchema } };
  if (!stream) {
    const response = await gateway.client.chat.completions.create(body);
    const message = response.choices[0]!.message;
    return {
      text: message.content ?? '',
      toolCalls: (message.tool_calls ?? []).map((call) => (call.type === 'function' ? { id: call.id, name: call.function.name, args: JSON.parse(call.function.arguments) } : { id: call.id, name: '', args: null })),
      finish: normaliseFinish(response.choices[0]!.finish_reason),
      usage: { input: response.usage!.prompt_tokens, output: response.usage!.completion_tokens },
    };
  }
  const chunks = await gateway.client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } });
  const outcome: Outcome = { text: '', toolCalls: [], finish: '', usage: { input: 0, output: 0 } };
  const args: string[] = [];
  for await (const chunk of chunks) {
    const choice = chunk.choices[0];
    outcome.text += choice?.delta.content ?? '';
    for (const call of choice?.delta.tool_calls ?? []) {
      if (call.id) outcome.toolCalls[call.index] = { id: call.id, name: call.function?.name ?? '', args: null };
      args[call.index] = (args[call.index] ?? '') + (call.function?.arguments ?? '');
    }
    if (choice?.finish_reason) outcome.finish = normaliseFinish(choice.finish_reason);
    if (chunk.usage) outcome.usage = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens };
  }
  outcome.toolCalls.forEach((call, index) => (call.args = JSON.parse(args[index] ?? '{}')));
  return outcome;
}

async function viaAnthropic(model: string, ask: Ask, stream: boolean): Promise<Outcome> {
  const messages: Anthropic.MessageParam[] = [];
  for (const turn of ask.turns) {
    if (turn.role === 'user') messages.push({ role: 'user', content: turn.text });
    else if (turn.role === 'assistant') messages.push({ role: 'assistant', content: turn.toolCalls.map((call) => ({ type: 'tool_use' as const, id: call.id, name: call.name, input: call.args })) });
    else messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: turn.id, content: turn.result }] });
  }
  const tools: Anthropic.Tool[] = [];
  let toolChoice: Anthropic.ToolChoice | undefined;
  if (ask.tools) tools.push({ name: weather.name, description: weather.description, input_schema: weather.schema as Anthropic.Tool.InputSchema });
  // Claude clients ask for JSON with one forced tool whose input schema is the wanted shape.
  if (ask.schema) {
    tools.push({ name: 'person', input_schema: personSchema as Anthropic.Tool.InputSchema });
    toolChoice = { type: 'tool', name: 'person' };
  }
  const body: Anthropic.MessageCreateParamsNonStreaming = { model, max_tokens: 1024, messages, ...(tools.length ? { tools } : {}), ...(toolChoice ? { tool_choice: toolChoice } : {}) };
  const message = stream ? await anthropic.messages.stream(body).finalMessage() : await anthropic.messages.create(body);
  return {
    text: message.content.map((block) => (block.type === 'text' ? block.text : '')).join(''),
    toolCalls: message.content.flatMap((block) => (block.type === 'tool_use' ? [{ id: block.id, name: block.name, args: block.input }] : [])),
    finish: normaliseFinish(message.stop_reason),
    usage: { input: message.usage.input_tokens, output: message.usage.output_tokens },
  };
}

const INBOUND = { openai: viaOpenAI, anthropic: viaAnthropic } as const;
const MODES = [false, true] as const;

const toolQuestion: Turn = { role: 'user', text: 'Check the weather in Paris using the get_weather tool.' };

describe.each(Object.keys(INBOUND) as (keyof typeof INBOUND)[])('%s in', (inbound) => {
  const send = INBOUND[inbound];

  it.each(MODES)('plain text agrees across every upstream protocol (stream=%s)', async (stream) => {
    const outcomes = await Promise.all(OUTBOUND.map((out) => send(`via-${out}`, { turns: [{ role: 'user', text: 'Explain why the sky is blue.' }] }, stream)));
    for (const outcome of outcomes) {
      expect(outcome.finish).toBe('stop');
      expect(outcome.text.length).toBeGreaterThan(20);
      expect(outcome.usage.output).toBeGreaterThan(0);
      expect(outcome.usage.input).toBeGreaterThan(0);
    }
    expect(new Set(outcomes.map((outcome) => outcome.text)).size).toBe(1);
  });

  it.each(MODES)('tool call, tool result and follow-up agree across upstreams (stream=%s)', async (stream) => {
    for (const out of OUTBOUND) {
      const first = await send(`via-${out}`, { turns: [toolQuestion], tools: true }, stream);
      expect(first.finish, out).toBe('tool_calls');
      expect(first.toolCalls.map((call) => call.name), out).toEqual(['get_weather']);
      expect(first.toolCalls[0]!.args, out).toEqual({ city: expect.any(String) });
      const second = await send(
        `via-${out}`,
        { turns: [toolQuestion, { role: 'assistant', toolCalls: first.toolCalls }, { role: 'tool', id: first.toolCalls[0]!.id, result: '{"temperature_c": 21}' }], tools: true },
        stream,
      );
      expect(second.finish, out).toBe('stop');
      expect(second.text.length, out).toBeGreaterThan(0);
    }
  });

  it.each(MODES)('JSON output matching a schema from every upstream (stream=%s)', async (stream) => {
    for (const out of OUTBOUND) {
      const outcome = await send(`via-${out}`, { turns: [{ role: 'user', text: 'Extract the person: Ada Lovelace, born 1815.' }], schema: true }, stream);
      const value = (inbound === 'anthropic' ? outcome.toolCalls[0]?.args : JSON.parse(outcome.text)) as { name: unknown; born: unknown };
      expect(typeof value.name, out).toBe('string');
      expect(Number.isInteger(value.born), out).toBe(true);
    }
  });
});

describe('the OpenAI SDK against Claude and Gemini models', () => {
  it.each(['claude-sonnet-4.6', 'gemini-3.1-pro'])('%s answers plain, streamed and tool-calling requests', async (model) => {
    const { data, response } = await gateway.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'What is 6 * 7?' }] }).withResponse();
    expect(data.choices[0]?.message.content).toMatch(/\d/);
    expect(response.headers.get('x-switchyard-model')).toBe(model);
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).toBeGreaterThan(0);
    const streamed = await viaOpenAI(model, { turns: [{ role: 'user', text: 'Describe a sunrise.' }] }, true);
    expect(streamed.text.length).toBeGreaterThan(10);
    expect(streamed.finish).toBe('stop');
    const called = await viaOpenAI(model, { turns: [toolQuestion], tools: true }, false);
    expect(called.toolCalls[0]?.name).toBe('get_weather');
  });
});
