/** Cost of a call from its usage and the model's list price (USD per million tokens). */
import type { Price } from '../config/load.js';
import type { Usage } from '../core/types.js';

export function costOf(price: Price | undefined, usage: Usage | undefined): number {
  if (!price) return 0;
  const perRequest = price.perRequest ?? 0;
  if (!usage) return perRequest;
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const cachedPrice = price.cachedInput ?? price.input;
  const micro = (usage.inputTokens - cached) * price.input + cached * cachedPrice + usage.outputTokens * price.output;
  return micro / 1_000_000 + perRequest;
}

/** Fixed-point text for headers and tables: enough digits for a single cheap call. */
export function formatUsd(cost: number): string {
  return cost.toFixed(8).replace(/0+$/, '').replace(/\.$/, '.0');
}
