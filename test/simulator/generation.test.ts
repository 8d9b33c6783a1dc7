import { describe, expect, it } from 'vitest';
import { findArithmetic, wrongValue } from '../../src/simulator/generation/arithmetic.js';
import type { ChatInput } from '../../src/simulator/generation/chat-input.js';
import { embedText } from '../../src/simulator/generation/embeddings.js';
import { generateChat } from '../../src/simulator/generation/generate-chat.js';
import { valueForSchema } from '../../src/simulator/generation/json-values.js';
import { countPromptTokens } from '../../src/simulator/generation/prompt-tokens.js';
import { detectCategory } from '../../src/simulator/generation/task-category.js';
import { SIMULATED_CATALOG } from '../../src/simulator/index.js';
import { SeededRandom } from '../../src/simulator/random.js';

const model = SIMULATED_CATALOG.find((candidate) => candidate.name === 'gpt-5.4-mini')!;

function input(text: string, extra: Partial<ChatInput> = {}): ChatInput {
  return {
    messages: [{ role: 'user', text, imageCount: 0, toolCalls: [] }],
    tools: [],
    toolChoice: { mode: 'none' },
    parallelToolCalls: true,
    responseFormat: { type: 'text' },
    ...extra,
  };
}

function answer(chat: ChatInput, behaviour = { maxAnswerTokens: 400 }) {
  return generateChat(model, chat, behaviour, countPromptTokens(chat));
}

describe('arithmetic', () => {
  it.each([
    ['What is 17 * 23?', 391],
    ['Compute 12+30', 42],
    ["what's 144 / 12", 12],
    ['What is (3 + 4) * 5?', 35],
    ['what is 2 to the power of 10', 1024],
    ['How much is 1,200 minus 250?', 950],
    ['Calculate 7 x 6', 42],
    ['What is 10 / 4?', 2.5],
  ])('%s = %d', (text, value) => {
    expect(findArithmetic(text)?.value).toBe(value);
  });

  it('ignores prompts without arithmetic', () => {
    expect(findArithmetic('Why is the sky blue?')).toBeUndefined();
    expect(findArithmetic('I have 3 cats')).toBeUndefined();
  });

  it('never draws the right answer as a mistake', () => {
    const random = new SeededRandom(7);
    for (let index = 0; index < 50; index++) expect(wrongValue(391, random)).not.toBe(391);
  });
});

describe('detectCategory', () => {
  const signals = { hasImages: false, toolsOffered: false, promptTokens: 20 };
  it.each([
    ['What is 17 * 23?', 'math'],
    ['Write a Python function that reverses a string', 'code'],
    ['Summarize this article about tides', 'summarization'],
    ['Translate "good morning" into French', 'translation'],
    ['Extract all email addresses from this text', 'extraction'],
    ['Write a haiku about rain', 'creative'],
    ['Who wrote Hamlet?', 'qa'],
  ])('%s → %s', (text, category) => {
    expect(detectCategory({ ...signals, lastUserText: text })).toBe(category);
  });

  it('puts images, long prompts and tools first', () => {
    expect(detectCategory({ ...signals, lastUserText: 'What is 2+2?', hasImages: true })).toBe('vision');
    expect(detectCategory({ ...signals, lastUserText: 'What is 2+2?', promptTokens: 50_000 })).toBe('long_context');
    expect(detectCategory({ ...signals, lastUserText: 'What is 2+2?', toolsOffered: true })).toBe('tool_use');
  });
});

describe('generateChat', () => {
  it('is deterministic for the same model, messages and seed', () => {
    const first = answer(input('Tell me about lighthouses', { seed: 3 }));
    expect(answer(input('Tell me about lighthouses', { seed: 3 }))).toEqual(first);
    expect(answer(input('Tell me about lighthouses', { seed: 4 })).content).not.toBe(first.content);
  });

  it('answers arithmetic right or plausibly wrong', () => {
    const right = generateChat(model, input('What is 17 * 23?'), { maxAnswerTokens: 400, forceCorrect: true }, 10);
    const wrong = generateChat(model, input('What is 17 * 23?'), { maxAnswerTokens: 400, forceCorrect: false }, 10);
    expect(right.content).toMatch(/The answer is 391\.$/);
    expect(wrong.content).toMatch(/The answer is -?\d+\.$/);
    expect(wrong.content).not.toMatch(/The answer is 391\./);
    expect(wrong.correct).toBe(false);
  });

  it('stops at the natural cap and cuts at max_tokens with finish_reason length', () => {
    const capped = answer(input('Tell me about the history of lighthouses'), { maxAnswerTokens: 20 });
    expect(capped.usage.completionTokens).toBeLessThanOrEqual(20);
    const cut = answer(input('Tell me about the history of lighthouses', { maxTokens: 5 }));
    expect(cut.finishReason).toBe('length');
    expect(cut.usage.completionTokens).toBe(5);
  });

  it('writes up to the cap when asked for something long, little when asked to be brief', () => {
    const long = answer(input('Write a long essay about rivers.'), { maxAnswerTokens: 300 });
    expect(long.usage.completionTokens).toBeGreaterThan(280);
    expect(long.usage.completionTokens).toBeLessThanOrEqual(300);
    const brief = answer(input('Briefly, what are rivers?'), { maxAnswerTokens: 300 });
    expect(brief.usage.completionTokens).toBeLessThan(60);
  });

  it('answers a tool result in text', () => {
    const chat = input('What is the weather in Paris?', {
      tools: [{ name: 'get_weather', description: '', parameters: { type: 'object', properties: { location: { type: 'string' } } } }],
      toolChoice: { mode: 'auto' },
    });
    const call = answer(chat);
    expect(call.finishReason).toBe('tool_calls');
    expect(JSON.parse(call.toolCalls[0]!.arguments)).toEqual({ location: 'Paris' });
    chat.messages.push(
      { role: 'assistant', text: '', imageCount: 0, toolCalls: call.toolCalls },
      { role: 'tool', text: '{"temperature_c":21,"condition":"sunny"}', imageCount: 0, toolCalls: [], toolCallId: call.toolCalls[0]!.id },
    );
    const reply = answer(chat);
    expect(reply.finishReason).toBe('stop');
    expect(reply.content).toContain('get_weather');
    expect(reply.content).toContain('sunny');
  });
});

describe('valueForSchema', () => {
  it('fills every property by type, follows $refs, respects enums and bounds', () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        age: { type: 'integer', minimum: 18, maximum: 30 },
        score: { type: 'number' },
        active: { type: 'boolean' },
        role: { type: 'string', enum: ['admin', 'user'] },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
        address: { $ref: '#/$defs/address' },
        nickname: { type: ['string', 'null'] },
      },
      required: ['name', 'age'],
      $defs: { address: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string' } }, required: ['city'] } },
    };
    const value = valueForSchema(schema, { root: schema, random: new SeededRandom(1), keywords: ['sample'] }) as Record<string, unknown>;
    expect(typeof value.name).toBe('string');
    expect(Number.isInteger(value.age)).toBe(true);
    expect(value.age).toBeGreaterThanOrEqual(18);
    expect(value.age).toBeLessThanOrEqual(30);
    expect(typeof value.score).toBe('number');
    expect(typeof value.active).toBe('boolean');
    expect(['admin', 'user']).toContain(value.role);
    expect((value.tags as unknown[]).length).toBeGreaterThanOrEqual(1);
    expect((value.tags as unknown[]).length).toBeLessThanOrEqual(2);
    expect(typeof (value.address as Record<string, unknown>).city).toBe('string');
    expect(typeof value.nickname).toBe('string');
  });
});

describe('embedText', () => {
  const cosine = (left: number[], right: number[]): number => left.reduce((sum, value, index) => sum + value * (right[index] ?? 0), 0);

  it('is unit length and deterministic', () => {
    const vector = embedText('The cat sat on the mat', 256);
    expect(vector).toHaveLength(256);
    expect(cosine(vector, vector)).toBeCloseTo(1, 6);
    expect(embedText('The cat sat on the mat', 256)).toEqual(vector);
  });

  it('places similar texts closer than dissimilar ones', () => {
    const anchor = embedText('How do I reset my password?', 1536);
    const similar = embedText('How can I reset my account password?', 1536);
    const different = embedText('Quarterly revenue grew by twelve percent in Europe', 1536);
    expect(cosine(anchor, similar)).toBeGreaterThan(cosine(anchor, different) + 0.3);
  });
});
