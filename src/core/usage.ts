/**
 * Token-class arithmetic shared by the adapters (reading upstream usage), pricing and the
 * request log: one clamp, so a provider whose parts overlap or exceed a total is never
 * billed for more tokens than it reported.
 */
import type { TokenCounts, Usage } from './types.js';

/** The parts of a Usage, input classes first (in the order they are clamped), then output. */
export const INPUT_CLASSES = ['cachedInputTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens', 'audioInputTokens', 'imageInputTokens'] as const;

export function emptyTokenCounts(): TokenCounts {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, audioInputTokens: 0, imageInputTokens: 0, reasoningTokens: 0 };
}

/**
 * Every class as a number. Input classes are disjoint parts of inputTokens: each is cut to
 * what the classes before it left (a provider that counts cached audio as both cached and
 * audio bills it once, as cached); reasoning is cut to outputTokens.
 */
export function tokenCounts(usage: Usage): TokenCounts {
  const counts = emptyTokenCounts();
  counts.inputTokens = Math.max(0, usage.inputTokens);
  counts.outputTokens = Math.max(0, usage.outputTokens);
  let left = counts.inputTokens;
  for (const name of INPUT_CLASSES) {
    const value = Math.min(Math.max(0, usage[name] ?? 0), left);
    counts[name] = value;
    left -= value;
  }
  counts.reasoningTokens = Math.min(Math.max(0, usage.reasoningTokens ?? 0), counts.outputTokens);
  return counts;
}

/** Input tokens of no special class: billed at the plain input price. */
export function plainInputTokens(counts: TokenCounts): number {
  return INPUT_CLASSES.reduce((left, name) => left - counts[name], counts.inputTokens);
}

export function addTokenCounts(target: TokenCounts, source: TokenCounts): void {
  for (const name of Object.keys(target) as (keyof TokenCounts)[]) target[name] += source[name];
}

/** A Usage from an upstream's totals and parts, keeping only the parts it reported as non-zero. */
export function usageWith(inputTokens: number, outputTokens: number, parts: Partial<Record<Exclude<keyof Usage, 'inputTokens' | 'outputTokens'>, number | null | undefined>>): Usage {
  const usage: Usage = { inputTokens, outputTokens };
  for (const [name, value] of Object.entries(parts) as [keyof typeof parts, number | null | undefined][]) {
    if (value) usage[name] = value;
  }
  return usage;
}
