/** Every simulated chat model answers the same conversation identically over OpenAI, Anthropic and Gemini. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATED_CATALOG, type RunningSimulator } from '../../src/simulator/index.js';
import { postJson, readRawStream, startFastSimulator } from './helpers.js';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startFastSimulator();
});
afterAll(() => simulator.close());

interface Conversation {
  system: string;
  prompt: string;
  headers?: Record<string, string>;
  stop?: string[];
}

interface Outcome {
  text: string | null;
  toolArguments?: unknown;
  outputTokens: number;
  inputTokens: number;
}

async function viaOpenAI(model: string, conversation: Conversation, extra: Record<string, unknown> = {}): Promise<Outcome & { finishReason: string }> {
  const response = await postJson(
    simulator,
    '/v1/chat/completions',
    {
      model,
      messages: [
        { role: 'system', content: conversation.system },
        { role: 'user', content: conversation.prompt },
      ],
      ...(conversation.stop ? { stop: conversation.stop } : {}),
      ...extra,
    },
    conversation.headers,
  );
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    choices: Array<{ message: { content: string | null; tool_calls?: Array<{ function: { arguments: string } }> }; finish_reason: string }>;
    usage: { prompt_tokens: number; completion_tokens: number };
  };
  const choice = body.choices[0];
  const call = choice?.message.tool_calls?.[0];
  return {
    text: choice?.message.content ?? null,
    ...(call ? { toolArguments: JSON.parse(call.function.arguments) as unknown } : {}),
    finishReason: choice?.finish_reason ?? '',
    outputTokens: body.usage.completion_tokens,
    inputTokens: body.usage.prompt_tokens,
  };
}

async function viaAnthropic(model: string, conversation: Conversation, extra: Record<string, unknown> = {}): Promise<Outcome> {
  const response = await fetch(`${simulator.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01', ...conversation.headers },
    body: JSON.stringify({
      model,
      max_tokens: 4096,
      system: conversation.system,
      messages: [{ role: 'user', content: [{ type: 'text', text: conversation.prompt }] }],
      ...(conversation.stop ? { stop_sequences: conversation.stop } : {}),
      ...extra,
    }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    content: Array<{ type: string; text?: string; input?: unknown }>;
    usage: { input_tokens: number; output_tokens: number };
  };
  const text = body.content.find((block) => block.type === 'text')?.text;
  const call = body.content.find((block) => block.type === 'tool_use');
  return {
    text: text ?? (call || body.content.length === 0 ? null : ''),
    ...(call ? { toolArguments: call.input } : {}),
    outputTokens: body.usage.output_tokens,
    inputTokens: body.usage.input_tokens,
  };
}

async function viaGemini(model: string, conversation: Conversation, extra: Record<string, unknown> = {}): Promise<Outcome> {
  const response = await fetch(`${simulator.url}/v1beta/models/${model}:generateContent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k', ...conversation.headers },
    body: JSON.stringify({
      systemInstruction: { parts: [{ text: conversation.system }] },
      contents: [{ role: 'user', parts: [{ text: conversation.prompt }] }],
      ...(conversation.stop ? { generationConfig: { stopSequences: conversation.stop } } : {}),
      ...extra,
    }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    candidates: Array<{ content?: { parts?: Array<{ text?: string; functionCall?: { args: unknown } }> } }>;
    usageMetadata: { promptTokenCount: number; candidatesTokenCount: number };
  };
  const parts = body.candidates[0]?.content?.parts;
  const call = parts?.find((part) => part.functionCall)?.functionCall;
  const texts = (parts ?? []).flatMap((part) => (part.text === undefined ? [] : [part.text]));
  return {
    text: texts.length > 0 ? texts.join('') : null,
    ...(call ? { toolArguments: call.args } : {}),
    outputTokens: body.usageMetadata.candidatesTokenCount,
    inputTokens: body.usageMetadata.promptTokenCount,
  };
}

const chatModels = SIMULATED_CATALOG.filter((model) => model.kind === 'chat').map((model) => model.name);

describe('the same conversation over three protocols', () => {
  it.each(chatModels)('%s gives identical text and token counts', async (model) => {
    for (const prompt of ['Tell me about tidal power in Scotland', 'What is 12 * 34?', 'Write a python function that reverses a list']) {
      const conversation = { system: 'You are a helpful assistant.', prompt };
      const [openai, anthropic, gemini] = await Promise.all([viaOpenAI(model, conversation), viaAnthropic(model, conversation), viaGemini(model, conversation)]);
      expect(openai.text?.length).toBeGreaterThan(0);
      expect(anthropic.text).toBe(openai.text);
      expect(gemini.text).toBe(openai.text);
      expect(anthropic.outputTokens).toBe(openai.outputTokens);
      expect(gemini.outputTokens).toBe(openai.outputTokens);
      expect(anthropic.inputTokens).toBe(openai.inputTokens);
      expect(gemini.inputTokens).toBe(openai.inputTokens);
    }
  });

  it('matches OpenAI seed with Gemini generationConfig.seed', async () => {
    const conversation = { system: 'Be brief.', prompt: 'Describe the moon' };
    const openai = await viaOpenAI('gemini-3.1-flash', conversation, { seed: 7 });
    const gemini = await viaGemini('gemini-3.1-flash', conversation, { generationConfig: { seed: 7 } });
    expect(gemini.text).toBe(openai.text);
  });

  it('gives the same forced tool arguments', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] };
    const conversation = { system: 'Use tools.', prompt: 'Forecast for Lisbon for 3 days' };
    const openai = await viaOpenAI('claude-opus-4.6', conversation, {
      tools: [{ type: 'function', function: { name: 'forecast', description: 'Weather forecast', parameters: schema } }],
      tool_choice: { type: 'function', function: { name: 'forecast' } },
    });
    const anthropic = await viaAnthropic('claude-opus-4.6', conversation, {
      tools: [{ name: 'forecast', description: 'Weather forecast', input_schema: schema }],
      tool_choice: { type: 'tool', name: 'forecast' },
    });
    const gemini = await viaGemini('claude-opus-4.6', conversation, {
      tools: [{ functionDeclarations: [{ name: 'forecast', description: 'Weather forecast', parameters: schema }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
    });
    expect(openai.toolArguments).toMatchObject({ city: expect.any(String), days: expect.any(Number) });
    expect(anthropic.toolArguments).toEqual(openai.toolArguments);
    expect(gemini.toolArguments).toEqual(openai.toolArguments);
  });

  it('stops at the same stop sequence', async () => {
    const conversation = { system: 'You are a helpful assistant.', prompt: 'Tell me about tidal power in Scotland' };
    const full = (await viaOpenAI('gpt-5.4', conversation)).text ?? '';
    const stop = [full.split(/\s+/)[3] ?? ''];
    const openai = await viaOpenAI('gpt-5.4', { ...conversation, stop });
    expect(openai.finishReason).toBe('stop');
    expect(openai.text).toBe(full.slice(0, full.indexOf(stop[0] ?? '')));
    expect((await viaAnthropic('gpt-5.4', { ...conversation, stop })).text).toBe(openai.text);
    expect((await viaGemini('gpt-5.4', { ...conversation, stop })).text).toBe(openai.text);
  });

  it('blocks the answer on every protocol with safety=1 (OpenAI: content_filter, null content)', async () => {
    const conversation = { system: 'You are a helpful assistant.', prompt: 'Tell me about tidal power', headers: { 'x-switchyard-sim': 'safety=1' } };
    const openai = await viaOpenAI('gpt-5.4-mini', conversation);
    expect(openai).toMatchObject({ text: null, finishReason: 'content_filter', outputTokens: 0 });
    expect((await viaAnthropic('gpt-5.4-mini', conversation)).text).toBeNull();
    expect((await viaGemini('gpt-5.4-mini', conversation)).text).toBeNull();

    const stream = await postJson(
      simulator,
      '/v1/chat/completions',
      { model: 'gpt-5.4-mini', stream: true, messages: [{ role: 'user', content: 'Tell me about tidal power' }] },
      { 'x-switchyard-sim': 'safety=1' },
    );
    const { events, done } = await readRawStream(stream);
    expect(done).toBe(true);
    const finishes = events.map((event) => (event.choices as Array<{ finish_reason: string | null }>)[0]?.finish_reason).filter((reason) => reason);
    expect(finishes).toEqual(['content_filter']);
  });
});
