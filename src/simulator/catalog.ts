/**
 * The models users compare today, as simulated profiles. Prices are plausible list
 * prices (USD per 1M tokens) as of SIMULATED_PRICES_AS_OF; quality is the probability of
 * a correct answer per task category.
 */
import type { TaskCategory } from '../core/categories.js';
import type { SimulatedModel } from './types.js';

export const SIMULATED_PRICES_AS_OF = '2026-11-01';

type Quality = Record<TaskCategory, number>;

function quality(
  code: number,
  math: number,
  summarization: number,
  extraction: number,
  translation: number,
  creative: number,
  qa: number,
  toolUse: number,
  longContext: number,
  vision: number,
): Quality {
  return { code, math, summarization, extraction, translation, creative, qa, tool_use: toolUse, long_context: longContext, vision };
}

const ALL_CAPABILITIES = { tools: true, vision: true, jsonSchema: true };

export const SIMULATED_CATALOG: SimulatedModel[] = [
  {
    name: 'gpt-5.4',
    kind: 'chat',
    family: 'openai',
    price: { input: 1.75, output: 14.0, cachedInput: 0.175 },
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    capabilities: ALL_CAPABILITIES,
    private: false,
    //               code  math  summ  extr  tran  crea  qa    tool  long  vis
    quality: quality(0.94, 0.95, 0.93, 0.95, 0.94, 0.9, 0.93, 0.95, 0.9, 0.92),
    behaviour: { ttftMs: 450, tokensPerSecond: 90 },
  },
  {
    name: 'gpt-5.4-mini',
    kind: 'chat',
    family: 'openai',
    price: { input: 0.25, output: 2.0, cachedInput: 0.025 },
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    capabilities: ALL_CAPABILITIES,
    private: false,
    quality: quality(0.84, 0.86, 0.88, 0.9, 0.9, 0.8, 0.86, 0.88, 0.78, 0.82),
    behaviour: { ttftMs: 250, tokensPerSecond: 150 },
  },
  {
    name: 'claude-opus-4.6',
    kind: 'chat',
    family: 'anthropic',
    price: { input: 5.0, output: 25.0, cachedInput: 0.5, cacheWrite5m: 6.25, cacheWrite1h: 10.0 },
    contextWindow: 200_000,
    maxOutputTokens: 128_000,
    capabilities: ALL_CAPABILITIES,
    private: false,
    quality: quality(0.97, 0.93, 0.95, 0.95, 0.93, 0.95, 0.94, 0.96, 0.93, 0.9),
    behaviour: { ttftMs: 700, tokensPerSecond: 60 },
  },
  {
    name: 'claude-sonnet-4.6',
    kind: 'chat',
    family: 'anthropic',
    price: { input: 3.0, output: 15.0, cachedInput: 0.3, cacheWrite5m: 3.75, cacheWrite1h: 6.0 },
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    capabilities: ALL_CAPABILITIES,
    private: false,
    quality: quality(0.94, 0.88, 0.92, 0.93, 0.91, 0.92, 0.9, 0.94, 0.88, 0.86),
    behaviour: { ttftMs: 500, tokensPerSecond: 80 },
  },
  {
    name: 'gemini-3.1-pro',
    kind: 'chat',
    family: 'google',
    price: { input: 2.0, output: 12.0, cachedInput: 0.2 },
    contextWindow: 1_000_000,
    maxOutputTokens: 65_536,
    capabilities: ALL_CAPABILITIES,
    private: false,
    quality: quality(0.92, 0.95, 0.93, 0.93, 0.95, 0.89, 0.93, 0.9, 0.96, 0.95),
    behaviour: { ttftMs: 600, tokensPerSecond: 100 },
  },
  {
    name: 'gemini-3.1-flash',
    kind: 'chat',
    family: 'google',
    price: { input: 0.3, output: 2.5, cachedInput: 0.03 },
    contextWindow: 1_000_000,
    maxOutputTokens: 65_536,
    capabilities: ALL_CAPABILITIES,
    private: false,
    quality: quality(0.8, 0.82, 0.88, 0.89, 0.91, 0.8, 0.86, 0.84, 0.86, 0.86),
    behaviour: { ttftMs: 200, tokensPerSecond: 200 },
  },
  {
    name: 'deepseek-v4-flash',
    kind: 'chat',
    family: 'deepseek',
    price: { input: 0.14, output: 0.28, cachedInput: 0.014 },
    contextWindow: 128_000,
    maxOutputTokens: 8_192,
    capabilities: { tools: true, vision: false, jsonSchema: true },
    private: false,
    quality: quality(0.78, 0.74, 0.82, 0.85, 0.84, 0.7, 0.82, 0.75, 0.58, 0),
    behaviour: { ttftMs: 400, tokensPerSecond: 60 },
  },
  {
    name: 'llama-4-maverick',
    kind: 'chat',
    family: 'meta',
    price: { input: 0.2, output: 0.6 },
    contextWindow: 1_000_000,
    maxOutputTokens: 16_384,
    capabilities: ALL_CAPABILITIES,
    private: true,
    quality: quality(0.66, 0.58, 0.8, 0.83, 0.82, 0.74, 0.8, 0.7, 0.62, 0.72),
    behaviour: { ttftMs: 300, tokensPerSecond: 120 },
  },
  {
    name: 'text-embedding-3-small',
    kind: 'embedding',
    family: 'openai',
    price: { input: 0.02, output: 0 },
    contextWindow: 8_191,
    maxOutputTokens: 0,
    capabilities: { tools: false, vision: false, jsonSchema: false },
    private: false,
    quality: quality(0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    behaviour: { ttftMs: 20, tokensPerSecond: 10_000 },
    dimensions: 1536,
  },
];

/** Provider spellings of a catalog name: `claude-sonnet-4-6`, `gemini-3.1-pro-preview`, `gpt-5.4-2026-03-05`. */
function catalogKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/\./g, '-')
    .replace(/-(latest|preview|\d{8}|\d{4}-\d{2}-\d{2})$/, '');
}

const CATALOG_BY_KEY = new Map(SIMULATED_CATALOG.map((model) => [catalogKey(model.name), model]));

/** The catalog model a provider's model name stands for, however the provider spells it. */
export function findCatalogModel(name: string): SimulatedModel | undefined {
  return SIMULATED_CATALOG.find((model) => model.name === name) ?? CATALOG_BY_KEY.get(catalogKey(name));
}
