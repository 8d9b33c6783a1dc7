/**
 * ChunkReader reads common stream chunks (text, role, finish; no tool calls, no usage)
 * without the schema validator: the parts must be the ones the validator path gives, and
 * a chunk with a field of the wrong type must still be refused with the validator's reason.
 */
import { describe, expect, it } from 'vitest';
import { ChunkReader } from '../../src/api/openai/chat-response.js';
import { GatewayError } from '../../src/core/errors.js';

const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 7, model: 'm-up' };

describe('ChunkReader', () => {
  it('reads text, role-only, finish and null fields of plain chunks into parts', () => {
    const reader = new ChunkReader('fallback');
    expect(reader.read({ ...base, system_fingerprint: 'fp', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] })).toEqual([
      { type: 'start', id: 'chatcmpl-1', model: 'm-up', created: 7 },
    ]);
    expect(reader.read({ ...base, choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] })).toEqual([{ type: 'text-delta', index: 0, text: 'Hi' }]);
    expect(reader.read({ ...base, choices: [{ index: 1, delta: { refusal: 'no' }, finish_reason: null }] })).toEqual([{ type: 'refusal-delta', index: 1, text: 'no' }]);
    expect(reader.read({ ...base, choices: [{ delta: null, finish_reason: 'length' }] })).toEqual([{ type: 'finish', index: 0, finishReason: 'length' }]);
    expect(reader.read({ model: null, choices: null })).toEqual([]);
  });

  it('starts with the fallback model and the current time when the first chunk names neither', () => {
    const before = Math.floor(Date.now() / 1000);
    const [start] = new ChunkReader('fallback').read({ choices: [{ index: 0, delta: { content: 'x' } }] });
    expect(start).toMatchObject({ type: 'start', model: 'fallback' });
    expect((start as { created: number }).created).toBeGreaterThanOrEqual(before);
  });

  it('reads tool calls and usage (the validator path) in the same stream', () => {
    const reader = new ChunkReader('fallback');
    reader.read({ ...base, choices: [{ index: 0, delta: { role: 'assistant' } }] });
    expect(reader.read({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '{"a"' } }] } }] })).toEqual([
      { type: 'tool-call-start', index: 0, toolIndex: 0, id: 'call_1', name: 'f' },
      { type: 'tool-call-delta', index: 0, toolIndex: 0, argumentsDelta: '{"a"' },
    ]);
    expect(reader.read({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } })).toEqual([
      { type: 'finish', index: 0, finishReason: 'stop' },
      { type: 'usage', usage: expect.objectContaining({ inputTokens: 5, outputTokens: 2 }) },
    ]);
  });

  it.each([
    ['content of the wrong type', { ...base, choices: [{ index: 0, delta: { content: 5 } }] }],
    ['a delta that is an array', { ...base, choices: [{ index: 0, delta: ['x'] }] }],
    ['choices that are not a list', { ...base, choices: { 0: { delta: { content: 'x' } } } }],
    ['a model that is a number', { ...base, model: 3, choices: [] }],
    ['a chunk that is a list', [base]],
  ])('refuses %s as a malformed chunk', (_, chunk) => {
    const read = (): unknown => new ChunkReader('fallback').read(chunk);
    expect(read).toThrow(GatewayError);
    expect(read).toThrow(/malformed stream chunk/);
  });
});
