/**
 * Resolves what the client named — a model, `provider/model`, or a fixed route — into the
 * model that will serve the request. Chat requests naming a route go through the routing
 * engine (router.ts) instead.
 */
import { DEFAULT_DEADLINE_MS, mergeTimeouts, type Timeouts, type GatewayConfig, type ModelConfig, type ProviderConfig } from '../config/load.js';
import { ENV_PROVIDERS } from '../config/defaults.js';
import { GatewayError } from '../core/errors.js';
import { SIMULATED_CATALOG, findCatalogModel } from '../simulator/catalog.js';
import { listPrice } from '../config/list-prices.js';

export interface Resolution {
  /** The route the client selected, when it named one. */
  route: string | null;
  model: ModelConfig;
  reason: string;
  /** The route's fallbacks, tried after the model's own. */
  fallbacks: readonly ModelConfig[];
  /** The route's timeouts, over the deployments'. */
  timeouts?: Partial<Timeouts>;
  /**
   * Models this request may reach at all (a private request: private models only; a key's
   * allow and deny lists). Fallbacks, hedges and stream recovery check it too, so a failure
   * never carries the request to a model the router would have filtered out.
   */
  mayServe?: (model: ModelConfig) => boolean;
}

const NO_FALLBACKS: readonly ModelConfig[] = [];

export class ModelResolver {
  private readonly passthrough = new Map<string, ModelConfig>();

  constructor(private readonly config: GatewayConfig) {}

  resolve(name: string, kind: ModelConfig['kind']): Resolution {
    const route = this.config.routes.get(name);
    if (route?.model) return this.checked({ route: name, model: route.model, reason: `route ${name} → ${route.model.name}`, fallbacks: route.fallbacks }, name, kind);
    if (route) throw new GatewayError('invalid_request', `'${name}' is a routing route for chat requests; use /v1/chat/completions or /v1/messages.`, { param: 'model' });
    const model = this.config.models.get(name) ?? this.passthroughModel(name, kind);
    if (model) return this.checked({ route: null, model, reason: `model ${model.name}`, fallbacks: NO_FALLBACKS }, name, kind);
    const known = [...this.config.routes.keys(), ...this.config.models.keys()].filter((candidate) => kind === 'chat' || this.config.models.get(candidate)?.kind === kind);
    throw new GatewayError('model_not_found', `${this.whyNotFound(name)} Known models and routes: ${known.join(', ')}.`, { param: 'model' });
  }

  /** The first sentence of a model_not_found error: what is missing, and how to add it. */
  private whyNotFound(name: string): string {
    const slash = name.indexOf('/');
    if (slash <= 0 || slash === name.length - 1) return `The model '${name}' does not exist. Use <provider>/<model> to reach a configured provider's model directly.`;
    const providerName = name.slice(0, slash);
    const provider = this.config.providers.get(providerName);
    if (provider?.simulated) {
      return `The simulated provider '${providerName}' has no model '${name.slice(slash + 1)}'; it serves ${this.simulatedModels(provider).join(', ')}.`;
    }
    const configured = [...this.config.providers.keys()].join(', ') || 'none';
    const variable = ENV_PROVIDERS.find((candidate) => candidate.name === providerName)?.keyVariables[0] ?? (providerName === 'ollama' ? 'OLLAMA_HOST' : undefined);
    const howToAdd = variable
      ? `To add it, set ${variable} before starting the gateway (without a config file), or add it under providers: in the config file.`
      : `To add it, add it under providers: in the config file (see docs/config.md).`;
    return `No provider named '${providerName}' is configured (configured providers: ${configured}), so '${name}' cannot be reached. ${howToAdd}`;
  }

  /** What a simulated provider answers for: its configured upstream models and the whole catalog. */
  private simulatedModels(provider: ProviderConfig): string[] {
    const names = new Set<string>();
    for (const model of this.config.models.values()) for (const deployment of model.deployments) if (deployment.provider === provider) names.add(deployment.upstreamModel);
    for (const model of SIMULATED_CATALOG) names.add(model.name);
    return [...names];
  }

  private checked(resolution: Resolution, name: string, kind: ModelConfig['kind']): Resolution {
    if (resolution.model.kind !== kind) {
      const what = resolution.model.kind === 'embedding' ? 'an embedding model; use /v1/embeddings' : 'a chat model; use /v1/chat/completions';
      throw new GatewayError('invalid_request', `'${name}' is ${what}.`, { param: 'model' });
    }
    return resolution;
  }

  /** `openai/gpt-4.1` reaches provider `openai` with model `gpt-4.1`, even when the config does not list it. */
  private passthroughModel(name: string, kind: ModelConfig['kind']): ModelConfig | undefined {
    const slash = name.indexOf('/');
    if (slash <= 0 || slash === name.length - 1) return undefined;
    const provider = this.config.providers.get(name.slice(0, slash));
    if (!provider) return undefined;
    const cached = this.passthrough.get(name);
    if (cached) return cached;
    const upstreamModel = name.slice(slash + 1);
    // A simulator serves a known set of models: anything else is a 404 here, not a deployment.
    if (provider.simulated && !this.simulatedModels(provider).includes(upstreamModel)) return undefined;
    const model: ModelConfig = {
      name,
      kind,
      deployments: [{ provider, upstreamModel, weight: 1, timeouts: mergeTimeouts(provider.timeouts) }],
      price: findCatalogModel(upstreamModel)?.price ?? listPrice(upstreamModel),
      contextWindow: undefined,
      maxOutputTokens: undefined,
      capabilities: { tools: true, vision: true, jsonSchema: true, streaming: true },
      private: false,
      fallbacks: [],
      fallbackOn: [],
      retry: { attempts: 0, initialBackoffMs: 250, maxBackoffMs: 8000, on: [], deadlineMs: DEFAULT_DEADLINE_MS },
      loadBalancing: 'weighted',
      hedge: undefined,
      streamRecovery: this.config.resilience.streamRecovery,
      quality: {},
      qualityTrials: {},
      latencyP95Ms: undefined,
      safety: 1,
      rateLimits: undefined,
      batch: 'gateway',
    };
    if (this.passthrough.size < 1000) this.passthrough.set(name, model);
    return model;
  }
}
