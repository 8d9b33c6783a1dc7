/**
 * Prompt caching on the simulated Anthropic API, reported as Anthropic reports it. The prompt
 * is read in Anthropic's order — tools, then system, then messages, block by block — and a
 * block marked with `cache_control` is a breakpoint: the prefix up to it is written to the
 * cache (for 5 minutes, or an hour with `ttl: "1h"`), and a later request that starts with the
 * same prefix reads it back. usage then splits the prompt: `cache_read_input_tokens` (the
 * longest cached prefix), `cache_creation_input_tokens` (from there to the last breakpoint,
 * also split by lifetime in `cache_creation`) and `input_tokens` (the rest). A prefix shorter
 * than the minimum Anthropic caches (1024 tokens) is not cached, and a hit renews the entry.
 */
import { createHash } from 'node:crypto';
import { countTextTokens } from '../tokens.js';
import type { MessagesRequest } from './anthropic-api.js';

/** Anthropic caches no prefix shorter than this (Sonnet and Opus models). */
export const MIN_CACHEABLE_TOKENS = 1024;
const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;

export interface CacheUsage {
  readTokens: number;
  write5mTokens: number;
  write1hTokens: number;
}

interface Breakpoint {
  /** Tokens of the prompt up to and including this block. */
  tokens: number;
  key: string;
  ttl: '5m' | '1h';
}

type Marked = { cache_control?: unknown };

function ttlOf(block: unknown): '5m' | '1h' | undefined {
  const mark = (block as Marked | null)?.cache_control as { type?: unknown; ttl?: unknown } | undefined;
  if (!mark || mark.type !== 'ephemeral') return undefined;
  return mark.ttl === '1h' ? '1h' : '5m';
}

/** The prompt's blocks in cache order, each with its breakpoint lifetime when it has one. */
function blocksOf(body: MessagesRequest): { text: string; ttl: '5m' | '1h' | undefined }[] {
  const blocks: { text: string; ttl: '5m' | '1h' | undefined }[] = [];
  const add = (block: unknown): void => {
    const { cache_control: _mark, ...rest } = (typeof block === 'object' && block !== null ? block : { text: block }) as Record<string, unknown>;
    blocks.push({ text: JSON.stringify(rest), ttl: ttlOf(block) });
  };
  for (const tool of body.tools ?? []) add(tool);
  if (typeof body.system === 'string') add({ type: 'text', text: body.system });
  else for (const block of body.system ?? []) add(block);
  for (const message of body.messages) {
    if (typeof message.content === 'string') add({ role: message.role, text: message.content });
    // Thinking of earlier turns is not part of the prompt Anthropic caches (nor counts).
    else for (const block of message.content) if (block.type !== 'thinking' && block.type !== 'redacted_thinking') add({ role: message.role, ...block });
  }
  return blocks;
}

function breakpointsOf(model: string, body: MessagesRequest): Breakpoint[] {
  const hash = createHash('sha256').update(model);
  let tokens = 0;
  const breakpoints: Breakpoint[] = [];
  for (const block of blocksOf(body)) {
    tokens += countTextTokens(block.text);
    hash.update(block.text);
    if (block.ttl) breakpoints.push({ tokens, key: hash.copy().digest('hex'), ttl: block.ttl });
  }
  return breakpoints;
}

/**
 * Look the request's breakpoints up in `cache` (and write the new ones): how many of its
 * `promptTokens` were read from the cache and how many written, by lifetime.
 */
export function usePromptCache(cache: Map<string, number>, model: string, body: MessagesRequest, promptTokens: number, now = Date.now()): CacheUsage {
  const usage: CacheUsage = { readTokens: 0, write5mTokens: 0, write1hTokens: 0 };
  const breakpoints = breakpointsOf(model, body).filter((breakpoint) => breakpoint.tokens >= MIN_CACHEABLE_TOKENS);
  if (breakpoints.length === 0) return usage;
  let hit = -1;
  for (let index = breakpoints.length - 1; index >= 0; index -= 1) {
    const expires = cache.get((breakpoints[index] as Breakpoint).key);
    if (expires !== undefined && expires > now) {
      hit = index;
      break;
    }
  }
  const limit = (tokens: number): number => Math.min(tokens, promptTokens);
  let covered = 0;
  if (hit >= 0) {
    const found = breakpoints[hit] as Breakpoint;
    usage.readTokens = limit(found.tokens);
    covered = usage.readTokens;
    cache.set(found.key, now + TTL_MS[found.ttl]);
  }
  for (const breakpoint of breakpoints.slice(hit + 1)) {
    const written = Math.max(0, limit(breakpoint.tokens) - covered);
    if (breakpoint.ttl === '1h') usage.write1hTokens += written;
    else usage.write5mTokens += written;
    covered += written;
    cache.set(breakpoint.key, now + TTL_MS[breakpoint.ttl]);
  }
  return usage;
}
