/**
 * The simulated Anthropic prompt cache: breakpoints in Anthropic's order (tools, system,
 * messages), the longest cached prefix read, the rest up to the last breakpoint written by
 * lifetime, entries expiring after 5 minutes or an hour, nothing under 1024 tokens.
 */
import { describe, expect, it } from 'vitest';
import { MIN_CACHEABLE_TOKENS, usePromptCache } from '../../src/simulator/protocols/anthropic-cache.js';
import type { MessagesRequest } from '../../src/simulator/protocols/anthropic-api.js';

const long = `Rules of the house. ${'Answer plainly and check every figure twice. '.repeat(150)}`;
const PROMPT = 100_000;

function body(ttl: '5m' | '1h', question: string, markQuestion: boolean): MessagesRequest {
  return {
    model: 'claude-sonnet-4.6',
    max_tokens: 100,
    system: [{ type: 'text', text: long, cache_control: { type: 'ephemeral', ...(ttl === '1h' ? { ttl: '1h' } : {}) } }],
    messages: [{ role: 'user', content: [{ type: 'text', text: question, ...(markQuestion ? { cache_control: { type: 'ephemeral' } } : {}) }] }],
  } as MessagesRequest;
}

describe('the simulated prompt cache', () => {
  it('writes, then reads the longest cached prefix and writes only what follows it', () => {
    const cache = new Map<string, number>();
    const first = usePromptCache(cache, 'm', body('1h', 'What is 17 * 23?', false), PROMPT, 0);
    expect(first.readTokens).toBe(0);
    expect(first.write5mTokens).toBe(0);
    expect(first.write1hTokens).toBeGreaterThanOrEqual(MIN_CACHEABLE_TOKENS);
    const second = usePromptCache(cache, 'm', body('1h', 'What is 18 * 23?', true), PROMPT, 1000);
    expect(second.readTokens).toBe(first.write1hTokens);
    expect(second.write1hTokens).toBe(0);
    expect(second.write5mTokens).toBeGreaterThan(0);
    const again = usePromptCache(cache, 'm', body('1h', 'What is 18 * 23?', true), PROMPT, 2000);
    expect(again).toEqual({ readTokens: second.readTokens + second.write5mTokens, write5mTokens: 0, write1hTokens: 0 });
  });

  it('forgets a 5-minute entry after 5 minutes and keeps a 1-hour one for the hour', () => {
    const cache = new Map<string, number>();
    const five = usePromptCache(cache, 'm', body('5m', 'Hi', false), PROMPT, 0);
    expect(usePromptCache(cache, 'm', body('5m', 'Hi', false), PROMPT, 5 * 60_000 + 1)).toEqual({ readTokens: 0, write5mTokens: five.write5mTokens, write1hTokens: 0 });
    const hour = usePromptCache(cache, 'other', body('1h', 'Hi', false), PROMPT, 0);
    expect(usePromptCache(cache, 'other', body('1h', 'Hi', false), PROMPT, 59 * 60_000).readTokens).toBe(hour.write1hTokens);
  });

  it('keeps models apart, and caches nothing shorter than the minimum', () => {
    const cache = new Map<string, number>();
    usePromptCache(cache, 'a', body('5m', 'Hi', false), PROMPT, 0);
    expect(usePromptCache(cache, 'b', body('5m', 'Hi', false), PROMPT, 1).readTokens).toBe(0);
    const short = { model: 'a', max_tokens: 10, system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: 'Hi' }] } as MessagesRequest;
    expect(usePromptCache(cache, 'a', short, PROMPT, 2)).toEqual({ readTokens: 0, write5mTokens: 0, write1hTokens: 0 });
  });
});
