/**
 * Cost of a call from its usage and the model's list price (USD per million tokens), class
 * by class: plain input, cached input (read), cache writes (5-minute and 1-hour), audio and
 * image input, output, and reasoning output. A class without its own price costs what the
 * tokens it is part of cost (cached and written input the input price, reasoning the output
 * price; a 1-hour write the 5-minute write price when only that is set).
 */
import type { Price } from '../config/load.js';
import type { Usage } from '../core/types.js';
import { plainInputTokens, tokenCounts } from '../core/usage.js';

/** USD per million tokens of each class, with the fallbacks above applied. */
export function classPrices(price: Price): {
  input: number;
  cachedInput: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  audioInput: number;
  imageInput: number;
  output: number;
  reasoning: number;
} {
  const cacheWrite5m = price.cacheWrite5m ?? price.input;
  return {
    input: price.input,
    cachedInput: price.cachedInput ?? price.input,
    cacheWrite5m,
    cacheWrite1h: price.cacheWrite1h ?? cacheWrite5m,
    audioInput: price.audioInput ?? price.input,
    imageInput: price.imageInput ?? price.input,
    output: price.output,
    reasoning: price.reasoning ?? price.output,
  };
}

/** The tokens' cost alone, without the per-request fee. */
export function tokenCost(price: Price, usage: Usage): number {
  const counts = tokenCounts(usage);
  const prices = classPrices(price);
  const micro =
    plainInputTokens(counts) * prices.input +
    counts.cachedInputTokens * prices.cachedInput +
    counts.cacheWrite5mTokens * prices.cacheWrite5m +
    counts.cacheWrite1hTokens * prices.cacheWrite1h +
    counts.audioInputTokens * prices.audioInput +
    counts.imageInputTokens * prices.imageInput +
    (counts.outputTokens - counts.reasoningTokens) * prices.output +
    counts.reasoningTokens * prices.reasoning;
  return micro / 1_000_000;
}

export function costOf(price: Price | undefined, usage: Usage | undefined): number {
  if (!price) return 0;
  const perRequest = price.perRequest ?? 0;
  if (!usage) return perRequest;
  return tokenCost(price, usage) + perRequest;
}

/**
 * The most a request of this size may cost, for budget reservations: its input at the
 * dearest input class it may be billed at (cache writes only when it asks for caching,
 * image input only when it has images), its output at the dearer of output and reasoning.
 */
export function worstCaseCost(price: Price | undefined, tokens: { input: number; output: number }, may: { cacheWrites?: boolean; images?: boolean } = {}): number {
  if (!price) return 0;
  const prices = classPrices(price);
  let input = prices.input;
  if (may.cacheWrites) input = Math.max(input, prices.cacheWrite5m, prices.cacheWrite1h);
  if (may.images) input = Math.max(input, prices.imageInput);
  return (tokens.input * input + tokens.output * Math.max(prices.output, prices.reasoning)) / 1_000_000 + (price.perRequest ?? 0);
}

/** Fixed-point text for headers and tables: enough digits for a single cheap call. */
export function formatUsd(cost: number): string {
  return cost.toFixed(8).replace(/0+$/, '').replace(/\.$/, '.0');
}
