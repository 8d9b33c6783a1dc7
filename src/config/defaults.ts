/**
 * The config used when no switchyard.yaml exists: real providers for every API key found
 * in the environment (honouring the SDKs' *_BASE_URL variables), or — with no key at all —
 * the built-in simulator serving the catalog of models teams compare today.
 */
import { SIMULATED_CATALOG, SIMULATED_PRICES_AS_OF } from '../simulator/catalog.js';
import type { SimulatedModel } from '../simulator/types.js';
import { PRICE_FIELDS, type RawConfig } from './schema.js';
import type { Environment } from './load.js';

type RawProviders = RawConfig['providers'];
type RawModels = RawConfig['models'];

export interface EnvProvider {
  /** Provider name in the generated config (also the `<provider>/<model>` prefix). */
  name: string;
  keyVariables: string[];
  /** For OpenAI-protocol providers; native providers resolve their *_BASE_URL in the loader. */
  baseUrlVariable?: string;
  defaultBaseUrl?: string;
  /** Catalog family served by this provider. */
  family?: SimulatedModel['family'];
}

/** OpenAI, Anthropic and Gemini get their native adapters; the rest speak the OpenAI protocol. */
export const ENV_PROVIDERS: readonly EnvProvider[] = [
  { name: 'openai', keyVariables: ['OPENAI_API_KEY'], baseUrlVariable: 'OPENAI_BASE_URL', defaultBaseUrl: 'https://api.openai.com/v1', family: 'openai' },
  { name: 'anthropic', keyVariables: ['ANTHROPIC_API_KEY'], family: 'anthropic' },
  { name: 'gemini', keyVariables: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'], family: 'google' },
  { name: 'deepseek', keyVariables: ['DEEPSEEK_API_KEY'], baseUrlVariable: 'DEEPSEEK_BASE_URL', defaultBaseUrl: 'https://api.deepseek.com/v1', family: 'deepseek' },
  { name: 'groq', keyVariables: ['GROQ_API_KEY'], baseUrlVariable: 'GROQ_BASE_URL', defaultBaseUrl: 'https://api.groq.com/openai/v1' },
  { name: 'together', keyVariables: ['TOGETHER_API_KEY'], baseUrlVariable: 'TOGETHER_BASE_URL', defaultBaseUrl: 'https://api.together.xyz/v1' },
  { name: 'openrouter', keyVariables: ['OPENROUTER_API_KEY'], baseUrlVariable: 'OPENROUTER_BASE_URL', defaultBaseUrl: 'https://openrouter.ai/api/v1' },
];

/** The model the default `auto` route uses, first available wins. */
const AUTO_PREFERENCE = ['gpt-5.4-mini', 'claude-sonnet-4.6', 'gemini-3.1-flash', 'deepseek-v4-flash', 'llama-4-maverick'];

export const SIMULATOR_PROVIDER = 'simulator';

/** Simulated models are served over their family's own protocol, so every adapter runs end to end. */
const SIMULATOR_BY_FAMILY: Record<SimulatedModel['family'], { name: string; protocol: 'openai' | 'anthropic' | 'gemini' }> = {
  openai: { name: SIMULATOR_PROVIDER, protocol: 'openai' },
  deepseek: { name: SIMULATOR_PROVIDER, protocol: 'openai' },
  meta: { name: SIMULATOR_PROVIDER, protocol: 'openai' },
  anthropic: { name: 'simulator-anthropic', protocol: 'anthropic' },
  google: { name: 'simulator-gemini', protocol: 'gemini' },
};

export function buildDefaultConfig(env: Environment): RawConfig {
  const providers: RawProviders = {};
  const families = new Map<SimulatedModel['family'], string>();
  for (const provider of ENV_PROVIDERS) {
    const keyVariable = provider.keyVariables.find((name) => env[name]);
    if (!keyVariable) continue;
    const apiKey = `env:${keyVariable}` as const;
    if (provider.name === 'openai' || provider.name === 'anthropic' || provider.name === 'gemini') {
      providers[provider.name] = { type: provider.name, api_key: apiKey };
    } else {
      const baseUrl = (provider.baseUrlVariable && env[provider.baseUrlVariable]) || provider.defaultBaseUrl || '';
      providers[provider.name] = { type: 'openai-compatible', base_url: baseUrl, api_key: apiKey };
    }
    if (provider.family) families.set(provider.family, provider.name);
  }
  addCloudProviders(env, providers, families);
  if (env.OLLAMA_HOST) {
    providers.ollama = { type: 'openai-compatible', base_url: ollamaBaseUrl(env.OLLAMA_HOST) };
    families.set('meta', 'ollama');
  }

  if (Object.keys(providers).length === 0) return simulatedConfig();

  const models: RawModels = {};
  for (const model of SIMULATED_CATALOG) {
    const provider = families.get(model.family);
    if (provider) models[model.name] = catalogModel(model, provider);
  }
  return { providers, models, routes: autoRoute(models) };
}

/**
 * The providers with their own protocols, from the variables their SDKs read: Azure OpenAI
 * (key and endpoint; deployments named like the models serve the OpenAI family when no
 * OpenAI key is set), Bedrock (AWS keys and region), Vertex AI (a service-account key
 * file), Mistral and Cohere. Their models are reached as `<provider>/<model>`.
 */
function addCloudProviders(env: Environment, providers: RawProviders, families: Map<SimulatedModel['family'], string>): void {
  if (env.AZURE_OPENAI_API_KEY && env.AZURE_OPENAI_ENDPOINT) {
    providers.azure = { type: 'azure-openai', api_key: 'env:AZURE_OPENAI_API_KEY' };
    if (!families.has('openai')) families.set('openai', 'azure');
  }
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY && (env.AWS_REGION || env.AWS_DEFAULT_REGION)) providers.bedrock = { type: 'bedrock' };
  if (env.GOOGLE_APPLICATION_CREDENTIALS) providers.vertex = { type: 'vertex' };
  if (env.MISTRAL_API_KEY) providers.mistral = { type: 'mistral', api_key: 'env:MISTRAL_API_KEY' };
  if (env.COHERE_API_KEY) providers.cohere = { type: 'cohere', api_key: 'env:COHERE_API_KEY' };
}

function simulatedConfig(): RawConfig {
  const models: RawModels = {};
  const providers: RawProviders = {};
  for (const model of SIMULATED_CATALOG) {
    // Gemini serves no embeddings model in the catalog; embeddings stay on the OpenAI protocol.
    const simulator = model.kind === 'embedding' ? SIMULATOR_BY_FAMILY.openai : SIMULATOR_BY_FAMILY[model.family];
    providers[simulator.name] = { type: 'simulator', protocol: simulator.protocol };
    models[model.name] = catalogModel(model, simulator.name);
  }
  return { providers, models, routes: autoRoute(models) };
}

function catalogPrice(price: SimulatedModel['price']): NonNullable<RawModels[string]['price']> {
  const raw: NonNullable<RawModels[string]['price']> = { input: price.input, output: price.output, as_of: SIMULATED_PRICES_AS_OF };
  const classes: Partial<Record<(typeof PRICE_FIELDS)[number][1], number>> = price;
  for (const [wire, name] of PRICE_FIELDS) if (classes[name] !== undefined) raw[wire] = classes[name];
  return raw;
}

function catalogModel(model: SimulatedModel, provider: string): RawModels[string] {
  return {
    kind: model.kind,
    provider,
    price: catalogPrice(model.price),
    context_window: model.contextWindow,
    // An embedding model produces no output tokens: it has no output cap to state.
    ...(model.kind === 'chat' ? { max_output_tokens: model.maxOutputTokens } : {}),
    capabilities: {
      tools: model.capabilities.tools,
      vision: model.capabilities.vision,
      json_schema: model.capabilities.jsonSchema,
      streaming: true,
    },
    private: model.private,
    // Prior estimates per category (the simulator's profiles); `switchyard eval tune` replaces them with measurements.
    ...(model.kind === 'chat' ? { quality: { ...model.quality } } : {}),
  };
}

/**
 * `auto` picks, per request, the cheapest model per correct answer whose quality for the
 * request's task category clears 0.85; `fast` always uses the preferred small model.
 */
function autoRoute(models: RawModels): RawConfig['routes'] {
  const target = AUTO_PREFERENCE.find((name) => models[name]) ?? Object.keys(models).find((name) => models[name]?.kind !== 'embedding');
  if (!target) return {};
  return {
    auto: { strategy: 'cheapest', quality_floor: 0.85, description: 'the cheapest model whose quality for the task category clears 0.85' },
    fast: { model: target, description: `always ${target}` },
  };
}

function ollamaBaseUrl(host: string): string {
  const withScheme = /^https?:\/\//.test(host) ? host : `http://${host}`;
  const url = new URL(withScheme);
  if (!url.port && !/^https?:\/\/[^/]+:\d+/.test(withScheme)) url.port = '11434';
  return `${url.origin}/v1`;
}
