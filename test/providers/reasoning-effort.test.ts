/**
 * OpenAI's reasoning_effort reaches the upstreams that budget thinking in tokens: Anthropic
 * (thinking.budget_tokens, max_tokens raised to leave room, temperature dropped) and Gemini
 * (thinkingConfig.thinkingBudget); where Anthropic cannot think (a forced tool) it is dropped
 * with a warning rather than failing upstream.
 */
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/core/types.js';
import { anthropicUnsupported, toAnthropicBody } from '../../src/providers/anthropic/anthropic-request.js';
import { geminiUnsupported, toGeminiBody } from '../../src/providers/gemini/gemini-request.js';

const base: ChatRequest = { model: 'm', stream: false, includeUsage: false, messages: [{ role: 'user', content: 'Prove that there are infinitely many primes.' }] };

describe('reasoning_effort to Anthropic thinking', () => {
  it.each([
    ['minimal', 1024],
    ['low', 2048],
    ['medium', 8192],
    ['high', 24_576],
  ] as const)('%s → budget_tokens %d, with max_tokens above it', (effort, budget) => {
    const body = toAnthropicBody({ ...base, reasoningEffort: effort }, 'claude-haiku-4-5');
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: budget });
    expect(body.max_tokens as number).toBeGreaterThan(budget);
    expect(anthropicUnsupported({ ...base, reasoningEffort: effort })).toEqual([]);
  });

  it('none means no thinking', () => {
    expect(toAnthropicBody({ ...base, reasoningEffort: 'none' }, 'claude-sonnet-4-6').thinking).toBeUndefined();
  });

  it('cuts the budget below a client max_tokens and drops temperature, saying so', () => {
    const request: ChatRequest = { ...base, reasoningEffort: 'high', maxTokens: 4000, temperature: 0.3 };
    const body = toAnthropicBody(request, 'claude-sonnet-4-6');
    expect(body).toMatchObject({ max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 3999 } });
    expect(body.temperature).toBeUndefined();
    expect(anthropicUnsupported(request)).toEqual(['reasoning_effort: thinking budget cut to 3999, below max_tokens', 'temperature dropped: Anthropic takes none with thinking']);
  });

  it('drops thinking with a warning where Anthropic refuses it: a forced tool', () => {
    const request: ChatRequest = { ...base, reasoningEffort: 'low', tools: [{ name: 'f' }], toolChoice: { name: 'f' } };
    expect(toAnthropicBody(request, 'claude-sonnet-4-6').thinking).toBeUndefined();
    expect(anthropicUnsupported(request)).toEqual(['reasoning_effort dropped: a forced tool_choice is not allowed with thinking on Anthropic']);
  });
});

describe('reasoning_effort to Gemini thinkingBudget', () => {
  it.each([
    ['none', 0],
    ['minimal', 1024],
    ['low', 2048],
    ['medium', 8192],
    ['high', 24_576],
  ] as const)('%s → %d', (effort, budget) => {
    expect(toGeminiBody({ ...base, reasoningEffort: effort }).generationConfig).toEqual({ thinkingConfig: { thinkingBudget: budget } });
    expect(geminiUnsupported({ ...base, reasoningEffort: effort })).toEqual([]);
  });
});
