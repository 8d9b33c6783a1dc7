/**
 * Published list prices (USD per 1M tokens, standard on-demand tier) of the models teams
 * reach through providers' own names: OpenAI, Anthropic and Google model ids as served
 * directly, on Azure OpenAI, on Vertex AI and on Bedrock, and the native models of Bedrock,
 * Mistral and Cohere. A `<provider>/<model>` call to a model the config does not list is
 * priced from here; a configured model's own `price` always wins. Prices change: each entry
 * says when it was read, and the log stores what each call cost at the time.
 */
import type { Price } from './load.js';

const AS_OF = '2025-11-01';

interface Entry {
  /** Normalised names (see `priceKey`). */
  names: string[];
  price: Omit<Price, 'asOf'>;
}

const LIST_PRICES: Entry[] = [
  // OpenAI (also Azure OpenAI deployments named after the model)
  { names: ['gpt-5'], price: { input: 1.25, output: 10, cachedInput: 0.125 } },
  { names: ['gpt-5-mini'], price: { input: 0.25, output: 2, cachedInput: 0.025 } },
  { names: ['gpt-5-nano'], price: { input: 0.05, output: 0.4, cachedInput: 0.005 } },
  { names: ['gpt-4-1'], price: { input: 2, output: 8, cachedInput: 0.5 } },
  { names: ['gpt-4-1-mini'], price: { input: 0.4, output: 1.6, cachedInput: 0.1 } },
  { names: ['gpt-4-1-nano'], price: { input: 0.1, output: 0.4, cachedInput: 0.025 } },
  { names: ['gpt-4o'], price: { input: 2.5, output: 10, cachedInput: 1.25 } },
  { names: ['gpt-4o-mini'], price: { input: 0.15, output: 0.6, cachedInput: 0.075 } },
  { names: ['o3'], price: { input: 2, output: 8, cachedInput: 0.5 } },
  { names: ['o4-mini'], price: { input: 1.1, output: 4.4, cachedInput: 0.275 } },
  { names: ['text-embedding-3-large'], price: { input: 0.13, output: 0 } },
  { names: ['text-embedding-ada-002'], price: { input: 0.1, output: 0 } },
  // Anthropic (also on Bedrock and Vertex AI, at the same list prices)
  { names: ['claude-opus-4-5'], price: { input: 5, output: 25, cachedInput: 0.5, cacheWrite5m: 6.25, cacheWrite1h: 10 } },
  { names: ['claude-opus-4-1', 'claude-opus-4'], price: { input: 15, output: 75, cachedInput: 1.5, cacheWrite5m: 18.75, cacheWrite1h: 30 } },
  { names: ['claude-sonnet-4-5', 'claude-sonnet-4', 'claude-3-7-sonnet'], price: { input: 3, output: 15, cachedInput: 0.3, cacheWrite5m: 3.75, cacheWrite1h: 6 } },
  { names: ['claude-haiku-4-5'], price: { input: 1, output: 5, cachedInput: 0.1, cacheWrite5m: 1.25, cacheWrite1h: 2 } },
  { names: ['claude-3-5-haiku'], price: { input: 0.8, output: 4, cachedInput: 0.08, cacheWrite5m: 1, cacheWrite1h: 1.6 } },
  // Google Gemini (AI Studio and Vertex AI, prompts up to 200k tokens)
  { names: ['gemini-2-5-pro'], price: { input: 1.25, output: 10, cachedInput: 0.125 } },
  { names: ['gemini-2-5-flash'], price: { input: 0.3, output: 2.5, cachedInput: 0.03 } },
  { names: ['gemini-2-5-flash-lite'], price: { input: 0.1, output: 0.4, cachedInput: 0.01 } },
  { names: ['gemini-embedding-001'], price: { input: 0.15, output: 0 } },
  // Amazon Bedrock's own models, and Meta's there
  { names: ['nova-premier'], price: { input: 2.5, output: 12.5, cachedInput: 0.625 } },
  { names: ['nova-pro'], price: { input: 0.8, output: 3.2, cachedInput: 0.2 } },
  { names: ['nova-lite'], price: { input: 0.06, output: 0.24, cachedInput: 0.015 } },
  { names: ['nova-micro'], price: { input: 0.035, output: 0.14, cachedInput: 0.00875 } },
  { names: ['titan-embed-text'], price: { input: 0.02, output: 0 } },
  { names: ['llama4-maverick-17b-instruct'], price: { input: 0.24, output: 0.97 } },
  { names: ['llama4-scout-17b-instruct'], price: { input: 0.17, output: 0.66 } },
  { names: ['llama3-3-70b-instruct'], price: { input: 0.72, output: 0.72 } },
  // Mistral
  { names: ['mistral-large', 'pixtral-large'], price: { input: 2, output: 6 } },
  { names: ['mistral-medium', 'devstral-medium'], price: { input: 0.4, output: 2 } },
  { names: ['mistral-small', 'devstral-small'], price: { input: 0.1, output: 0.3 } },
  { names: ['magistral-medium'], price: { input: 2, output: 5 } },
  { names: ['magistral-small'], price: { input: 0.5, output: 1.5 } },
  { names: ['codestral'], price: { input: 0.3, output: 0.9 } },
  { names: ['ministral-8b'], price: { input: 0.1, output: 0.1 } },
  { names: ['ministral-3b'], price: { input: 0.04, output: 0.04 } },
  { names: ['mistral-embed'], price: { input: 0.1, output: 0 } },
  // Cohere
  { names: ['command-a', 'command-r-plus'], price: { input: 2.5, output: 10 } },
  { names: ['command-r'], price: { input: 0.15, output: 0.6 } },
  { names: ['command-r7b'], price: { input: 0.0375, output: 0.15 } },
  { names: ['embed-v4-0'], price: { input: 0.12, output: 0 } },
  { names: ['embed-english-v3-0', 'embed-multilingual-v3-0', 'embed-english', 'embed-multilingual'], price: { input: 0.1, output: 0 } },
];

const BY_KEY = new Map<string, Entry>();
for (const entry of LIST_PRICES) for (const name of entry.names) BY_KEY.set(name, entry);

/**
 * One spelling for the many a model id has across providers:
 * `us.anthropic.claude-sonnet-4-5-20250929-v1:0` (Bedrock inference profile),
 * `claude-sonnet-4-5@20250929` (Vertex), `claude-sonnet-4.5` and `mistral-large-2411`
 * all name the same priced model.
 */
export function priceKey(model: string): string {
  return model
    .toLowerCase()
    .replace(/^(us|eu|apac|au|jp|ca|us-gov|global)\./, '')
    .replace(/^(anthropic|meta|amazon|mistral|cohere)\./, '')
    .replace(/-v\d+(:\d+)?$/, '')
    .replace(/@.*$/, '')
    .replace(/\./g, '-')
    .replace(/-(latest|preview|\d{8}|\d{4}-\d{2}-\d{2}|\d{2}-\d{4}|\d{4})$/, '');
}

/** The list price of a model named as some provider spells it, when this table knows it. */
export function listPrice(model: string): Price | undefined {
  const entry = BY_KEY.get(priceKey(model));
  return entry ? { ...entry.price, asOf: AS_OF } : undefined;
}

/** Every priced name, for the reference docs and tests. */
export function listPriceNames(): string[] {
  return LIST_PRICES.flatMap((entry) => entry.names);
}
