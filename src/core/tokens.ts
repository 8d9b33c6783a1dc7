/**
 * Token counting with a real BPE tokenizer (o200k_base), for when an upstream gives no
 * usage (a stream the client abandoned, a server that never reports it) and for the
 * simulator. The tokenizer's tables take ~0.5 s to load, so they load on first use
 * (`serve` warms them right after it starts listening), not when a CLI command starts.
 */
import { createRequire } from 'node:module';
import type * as GptTokenizer from 'gpt-tokenizer';
import type { Message } from './types.js';

type Tokenizer = typeof GptTokenizer;

let tokenizer: Tokenizer | undefined;

export function bpe(): Tokenizer {
  tokenizer ??= createRequire(import.meta.url)('gpt-tokenizer') as Tokenizer;
  return tokenizer;
}

/** User text may contain special-token strings such as <|endoftext|>; count them as plain text. */
export const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

export function countTokens(text: string): number {
  return text.length === 0 ? 0 : bpe().countTokens(text, PLAIN_TEXT);
}

/** Prompt tokens of a conversation, with OpenAI's per-message framing overhead. */
export function countMessageTokens(messages: readonly Message[]): number {
  let total = 3;
  for (const message of messages) {
    total += 3;
    if (typeof message.content === 'string') total += countTokens(message.content);
    else if (message.content) {
      for (const part of message.content) total += part.type === 'text' ? countTokens(part.text) : 85;
    }
    for (const call of message.toolCalls ?? []) total += countTokens(call.name) + countTokens(call.arguments);
    if (message.name) total += 1;
  }
  return total;
}
