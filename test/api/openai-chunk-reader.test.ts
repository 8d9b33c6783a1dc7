/**
 * ChunkReader reads common stream chunks (text, role, finish; no tool calls, no usage)
 * without the schema validator: the parts must be the ones the validator path gives, and
 * a chunk with a field of the wrong type must still be refused with the validator's reason.
 */
import { describe, expect, it } from 'vitest';
import { ChunkReader, ChunkRenderer } from '../../src/api/openai/chat-response.js';
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

/**
 * Text chunks that repeat the stream's last text chunk but for their text are read by
 * parsing only the text (ChunkReader.readTemplated). Whatever the chunks, reading them that
 * way must give exactly the parts of parsing each one whole.
 */
describe('ChunkReader: text chunks read from a template', () => {
  /** Every raw chunk read as the adapter does (template first, whole parse otherwise), and how many were templated. */
  function readAll(raws: string[]): { parts: unknown[]; templated: number } {
    const reader = new ChunkReader('fallback');
    const parts: unknown[] = [];
    let templated = 0;
    for (const raw of raws) {
      const quick = reader.readTemplated(raw);
      if (quick !== undefined) {
        templated++;
        if (quick) parts.push(quick);
        continue;
      }
      let data: unknown;
      try {
        data = JSON.parse(raw);
      } catch {
        parts.push('not JSON');
        continue;
      }
      parts.push(...reader.read(data, raw));
    }
    return { parts, templated };
  }
  /** The same chunks, each parsed whole (no template). */
  function readWhole(raws: string[]): unknown[] {
    const reader = new ChunkReader('fallback');
    return raws.flatMap((raw): unknown[] => {
      try {
        return reader.read(JSON.parse(raw));
      } catch (error) {
        if (error instanceof SyntaxError) return ['not JSON'];
        throw error;
      }
    });
  }
  const text = (content: string, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ ...base, system_fingerprint: 'fp', choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }], ...extra });
  const first = JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] });
  const finish = JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] });
  const usage = JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 } });

  it('reads most text chunks from the template, with the same parts as parsing each whole', () => {
    const texts = ['Hello', ' wor', 'ld', '', ' "quoted"', ' back\\slash', ' line\nbreak', ' é ☃ 😀', ' "content":"x"', ' \u0000\u001f', ' tab\t'];
    const raws = [first, ...texts.map((each) => text(each)), finish, usage];
    const { parts, templated } = readAll(raws);
    expect(parts).toEqual(readWhole(raws));
    expect(parts).toContainEqual({ type: 'usage', usage: expect.objectContaining({ inputTokens: 9, outputTokens: 4 }) });
    expect(parts.at(-2)).toEqual({ type: 'finish', index: 0, finishReason: 'stop' });
    // The first text chunk teaches the template (the role chunk's differs); every later one follows it, "content" in a text included.
    expect(templated).toBe(texts.length - 1);
  });

  it('reads escapes as JSON does, whichever way the server wrote them', () => {
    const head = JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: '§' }, finish_reason: null }] }).split('"§"');
    const raw = (literal: string): string => `${head[0]}${literal}${head[1]}`;
    const raws = [raw('"first"'), raw('"\\u00e9\\/\\"\\\\"'), raw('"\\ud83d\\ude00"'), raw('"plain"')];
    const { parts, templated } = readAll(raws);
    expect(parts).toEqual(readWhole(raws));
    expect(parts.slice(2)).toEqual([
      { type: 'text-delta', index: 0, text: 'é/"\\' },
      { type: 'text-delta', index: 0, text: '😀' },
      { type: 'text-delta', index: 0, text: 'plain' },
    ]);
    expect(templated).toBe(3);
  });

  it('parses whole a chunk that only looks like the template: extra fields where the text sits, a finish, usage, another index', () => {
    const [head, tail] = text('§').split('"§"') as [string, string];
    const raws = [
      first,
      text('a'),
      // Between head and tail, but not one string: a refusal and a tool call slipped in beside the text.
      `${head}"b","refusal":"no"${tail}`,
      `${head}"c","tool_calls":[{"index":0,"id":"t","function":{"name":"f","arguments":"{}"}}]${tail}`,
      text('d'),
      JSON.stringify({ ...base, system_fingerprint: 'fp', choices: [{ index: 0, delta: { content: 'e' }, logprobs: null, finish_reason: 'length' }] }),
      JSON.stringify({ ...base, system_fingerprint: 'fp', choices: [{ index: 1, delta: { content: 'f' }, logprobs: null, finish_reason: null }] }),
      text('g', { usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }),
      `${head}"h"`,
      `${head}"i"${tail}`,
    ];
    const { parts } = readAll(raws);
    expect(parts).toEqual(readWhole(raws));
    expect(parts).toContainEqual({ type: 'refusal-delta', index: 0, text: 'no' });
    expect(parts).toContainEqual({ type: 'tool-call-start', index: 0, toolIndex: 0, id: 't', name: 'f' });
    expect(parts).toContainEqual({ type: 'finish', index: 0, finishReason: 'length' });
    expect(parts).toContainEqual({ type: 'text-delta', index: 1, text: 'f' });
    expect(parts).toContainEqual({ type: 'usage', usage: expect.objectContaining({ inputTokens: 1, outputTokens: 2 }) });
    expect(parts).toContainEqual('not JSON');
  });

  it('reads a malformed text where the template expects one as the validator does', () => {
    const reader = new ChunkReader('fallback');
    const [head, tail] = text('§').split('"§"') as [string, string];
    for (const raw of [first, text('a')]) reader.read(JSON.parse(raw), raw);
    expect(reader.readTemplated(`${head}"b"${tail}`)).toEqual({ type: 'text-delta', index: 0, text: 'b' });
    const malformed = `${head}5${tail}`;
    expect(reader.readTemplated(malformed)).toBeUndefined();
    expect(() => reader.read(JSON.parse(malformed), malformed)).toThrow(/malformed stream chunk/);
  });

  it('learns spaced JSON (Python servers) and stops learning when every chunk differs', () => {
    const spaced = (content: string, created = 7): string =>
      `{"id": "c-1", "object": "chat.completion.chunk", "created": ${created}, "model": "m", "choices": [{"index": 0, "delta": {"content": ${JSON.stringify(content)}}, "finish_reason": null}]}`;
    const same = ['a', 'b', 'c', 'd'].map((each) => spaced(each));
    expect(readAll(same).templated).toBe(3);
    expect(readAll(same).parts).toEqual(readWhole(same));
    const drifting = Array.from({ length: 12 }, (_, index) => spaced(`t${index}`, 100 + index));
    const { parts, templated } = readAll(drifting);
    expect(templated).toBe(0);
    expect(parts).toEqual(readWhole(drifting));
  });

  it('takes no template from a chunk whose other fields also say "content"', () => {
    const raws = ['a', 'b', 'c'].map((content) => JSON.stringify({ id: 'c', model: 'content', choices: [{ index: 0, delta: { content }, finish_reason: null }], x: { '"content"': 1 } }));
    const { parts, templated } = readAll(raws);
    expect(templated).toBe(0);
    expect(parts).toEqual(readWhole(raws));
  });
});

describe('ChunkRenderer.textChunk', () => {
  it('writes the JSON render() makes for a text delta, byte for byte', () => {
    for (const [id, model, created, includeUsage] of [
      ['chatcmpl-1', 'gpt-x', 1700000000, false],
      ['chatcmpl-"q"', 'mod\\el é', 0, true],
    ] as const) {
      const renderer = new ChunkRenderer(id, model, created, includeUsage);
      for (const [index, content] of [[0, 'Hi'], [2, ' "x"\n\\ 😀'], [0, '']] as const) {
        expect(renderer.textChunk(index, content)).toBe(JSON.stringify(renderer.render({ type: 'text-delta', index, text: content })));
      }
    }
  });
});
