/**
 * parseOpenAIChatResponse reads common completions (no tool calls) without the schema
 * validator: they must read as before, and whatever the validator refuses must still be
 * refused with its reason — a field of the wrong type is never let through by the hand check.
 */
import { describe, expect, it } from 'vitest';
import { parseOpenAIChatResponse } from '../../src/api/openai/chat-response.js';

const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 4, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 2 } };
const plain = {
  id: 'chatcmpl-9',
  object: 'chat.completion',
  created: 1700000000,
  model: 'gpt-up',
  system_fingerprint: 'fp_1',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage,
};

describe('parseOpenAIChatResponse', () => {
  it('reads a plain completion: text, finish, usage parts, id and fingerprint', () => {
    expect(parseOpenAIChatResponse(plain, 'fallback')).toEqual({
      id: 'chatcmpl-9',
      model: 'gpt-up',
      created: 1700000000,
      systemFingerprint: 'fp_1',
      choices: [{ index: 0, text: 'Hello.', refusal: null, toolCalls: [], finishReason: 'stop' }],
      usage: expect.objectContaining({ inputTokens: 12, outputTokens: 5, cachedInputTokens: 4, reasoningTokens: 2 }),
    });
  });

  it('fills what a sparse completion leaves out, as before', () => {
    const read = parseOpenAIChatResponse({ choices: [{ message: { content: null }, finish_reason: 'length' }], usage: null }, 'fallback');
    expect(read).toMatchObject({ model: 'fallback', choices: [{ index: 0, text: null, refusal: null, toolCalls: [], finishReason: 'length' }] });
    expect(read.usage).toBeUndefined();
    expect(read.id).toBeUndefined();
  });

  it('reads tool calls (the validator path)', () => {
    const body = { ...plain, choices: [{ index: 0, message: { content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] }, finish_reason: 'tool_calls' }] };
    expect(parseOpenAIChatResponse(body, 'fallback').choices[0]).toMatchObject({ toolCalls: [{ id: 'call_1', name: 'f', arguments: '{}' }], finishReason: 'tool_calls' });
  });

  it.each([
    ['no choices', { ...plain, choices: [] }],
    ['choices that are not a list', { ...plain, choices: { 0: plain.choices[0] } }],
    ['a choice without a message', { ...plain, choices: [{ index: 0, finish_reason: 'stop' }] }],
    ['content of the wrong type', { ...plain, choices: [{ index: 0, message: { content: 5 }, finish_reason: 'stop' }] }],
    ['a refusal of the wrong type', { ...plain, choices: [{ index: 0, message: { content: 'x', refusal: {} }, finish_reason: 'stop' }] }],
    ['a finish reason of the wrong type', { ...plain, choices: [{ index: 0, message: { content: 'x' }, finish_reason: 1 }] }],
    ['an index that is a string', { ...plain, choices: [{ index: '0', message: { content: 'x' }, finish_reason: 'stop' }] }],
    ['a model that is a number', { ...plain, model: 3 }],
    ['a created time that is infinite (1e999)', JSON.parse(JSON.stringify(plain).replace('1700000000', '1e999'))],
    ['usage that is a string', { ...plain, usage: 'lots' }],
    ['prompt tokens that are a string', { ...plain, usage: { ...usage, prompt_tokens: '12' } }],
    ['cached tokens that are a string', { ...plain, usage: { ...usage, prompt_tokens_details: { cached_tokens: '4' } } }],
    ['completion details that are a list', { ...plain, usage: { ...usage, completion_tokens_details: [2] } }],
    ['a body that is a list', [plain]],
    ['a body that is null', null],
  ])('refuses %s as a malformed completion', (_, body) => {
    expect(() => parseOpenAIChatResponse(body, 'fallback')).toThrow(/malformed chat completion/);
  });
});
