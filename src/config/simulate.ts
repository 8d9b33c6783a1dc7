/**
 * `--simulate`: every provider of a config becomes a simulator speaking the same wire
 * protocol (OpenAI, Anthropic, Gemini, Azure OpenAI, Bedrock, Vertex AI, Mistral or
 * Cohere), so any example or real config runs without provider keys or network. Applied to the config text's data before validation; the
 * simulator's own providers keep their settings.
 */
import type { Protocol } from './load.js';
import { PROTOCOLS } from './provider-schema.js';

export interface SimulatedProvider {
  name: string;
  /** The provider type the config gave it. */
  type: string;
  /** The protocol the simulator speaks in its place. */
  protocol: Protocol;
}

/** The simulator speaks every provider type's protocol; OpenAI-compatible servers (and any unknown type) speak OpenAI's. */
function protocolOf(type: string): Protocol {
  return (PROTOCOLS as readonly string[]).includes(type) ? (type as Protocol) : 'openai';
}

/** Replaces the providers of `data` (parsed YAML, not yet validated) in place; returns what it replaced. */
export function simulateProviders(data: unknown): SimulatedProvider[] {
  const providers = typeof data === 'object' && data !== null ? (data as { providers?: unknown }).providers : undefined;
  if (typeof providers !== 'object' || providers === null || Array.isArray(providers)) return [];
  const replaced: SimulatedProvider[] = [];
  for (const [name, provider] of Object.entries(providers as Record<string, unknown>)) {
    if (typeof provider !== 'object' || provider === null) continue;
    const { type, timeouts, api } = provider as { type?: unknown; timeouts?: unknown; api?: unknown };
    if (typeof type !== 'string' || type === 'simulator') continue;
    const protocol = protocolOf(type);
    // An OpenAI provider on the Responses API keeps it: the simulator speaks that API too.
    const keepApi = type === 'openai' && api !== undefined;
    (providers as Record<string, unknown>)[name] = { type: 'simulator', protocol, ...(keepApi ? { api } : {}), ...(timeouts !== undefined ? { timeouts } : {}) };
    replaced.push({ name, type, protocol });
  }
  return replaced;
}
