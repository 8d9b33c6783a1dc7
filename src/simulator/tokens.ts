/** Token counting and splitting with the gateway's BPE tokenizer (o200k_base, loaded on first use). */
import { bpe, countTokens, PLAIN_TEXT } from '../core/tokens.js';

export function countTextTokens(text: string): number {
  return countTokens(text);
}

/** The text as streamable pieces, one per token (multi-byte characters are never split). */
export function tokenPieces(text: string): string[] {
  if (text.length === 0) return [];
  const tokenizer = bpe();
  return [...tokenizer.decodeGenerator(tokenizer.encode(text, PLAIN_TEXT))].filter((piece) => piece.length > 0);
}

/** The text cut to at most `limit` tokens. */
export function truncateToTokens(text: string, limit: number): { text: string; truncated: boolean } {
  const tokenizer = bpe();
  const tokens = tokenizer.encode(text, PLAIN_TEXT);
  if (tokens.length <= limit) return { text, truncated: false };
  return { text: tokenizer.decode(tokens.slice(0, Math.max(0, limit))), truncated: true };
}
