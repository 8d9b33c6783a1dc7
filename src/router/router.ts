/**
 * The routing engine. A request naming a route goes through: experiment split (if any) →
 * filters (key, private data, capabilities, latency budget, context window) → task
 * category (rules, local classifier, optional LLM) → difficulty (tiered) → the route's
 * strategy. A concrete model name goes straight to that model, still subject to the key's
 * lists and to private-data rules. Every decision is explained: a short reason for the
 * x-switchyard-reason header and the full record (candidates, what removed them, scores)
 * stored with the request.
 */
import type { GatewayConfig, ModelConfig, Timeouts } from '../config/load.js';
import type { ExperimentVariant, RouteConfig } from '../config/routes.js';
import { GatewayError } from '../core/errors.js';
import type { ChatRequest } from '../core/types.js';
import type { CascadePlan } from './cascade.js';
import { classifyRequest, type AskModel, type CategoryDecision, type LocalClassifier } from './classify.js';
import { estimateDifficulty, type DifficultyEstimate } from './difficulty.js';
import { applyFilters, hardFilter, type FilterName } from './filters.js';
import type { ModelResolver } from './resolve.js';
import type { RoutingSignals } from './signals.js';
import { STRATEGIES, type ModelFigures, type ScoredCandidate } from './strategies/index.js';

export interface CandidateRecord extends ScoredCandidate {
  removedBy?: FilterName;
  why?: string;
}

export interface RouteDecision {
  /** The route the client named, or null for a model name. */
  route: string | null;
  strategy: string;
  model: ModelConfig;
  /** The route's fallbacks, tried after the model's own. */
  fallbacks: readonly ModelConfig[];
  /** The route's timeouts, over the deployments'. */
  timeouts?: Partial<Timeouts>;
  /** Short, for x-switchyard-reason. */
  reason: string;
  category?: CategoryDecision;
  difficulty?: DifficultyEstimate;
  variant?: { route: string; name: string };
  candidates: CandidateRecord[];
  promptTokens?: number;
  trimmedTurns?: number;
  note?: string;
  /** cascade: `model` (the weak one) answers first; the chat pipeline verifies and may escalate. */
  cascade?: CascadePlan;
  /** See Resolution.mayServe: set by the chat pipeline from the request's signals. */
  mayServe?: (model: ModelConfig) => boolean;
}

export interface RouterOptions {
  /** The trained local classifier; loaded on first use, undefined when unavailable. */
  localClassifier: (route: RouteConfig) => LocalClassifier | undefined | Promise<LocalClassifier | undefined>;
  /** p95 time to first token of a model in ms: observed by the gateway, else configured. */
  latencyP95: (model: ModelConfig) => number | undefined;
  /** Quality for a model and category (configured figures moved by feedback); default: the configured figure. */
  quality?: (model: ModelConfig, category: string) => number | undefined;
  random?: () => number;
}

const NO_FALLBACKS: readonly ModelConfig[] = [];
const MAX_ROUTE_DEPTH = 8;

/**
 * A stable number in [0, 1) for a sticky id: FNV-1a, then MurmurHash3's finaliser so that
 * ids differing only in their last characters (user-1, user-2) spread over the whole range.
 */
export function stickyPoint(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}

export class Router {
  private readonly chatModels: ModelConfig[];

  constructor(
    private readonly config: GatewayConfig,
    private readonly resolver: ModelResolver,
    private readonly options: RouterOptions,
  ) {
    this.chatModels = [...config.models.values()].filter((model) => model.kind === 'chat');
  }

  /** Decide which model serves `request` (mutates request.messages only when the route trims turns). */
  async decide(request: ChatRequest, signals: RoutingSignals, ask?: AskModel): Promise<RouteDecision> {
    const route = this.config.routes.get(request.model);
    if (!route) return this.direct(request, signals);
    return this.decideRoute(route, request, signals, ask, 0);
  }

  private direct(request: ChatRequest, signals: RoutingSignals): RouteDecision {
    const resolution = this.resolver.resolve(request.model, 'chat');
    const removal = signals.key || signals.private ? hardFilter(resolution.model, { ...request, stream: false, tools: [] }, { ...signals, hasImages: false, needsJsonSchema: false }) : undefined;
    if (removal) throw new GatewayError('permission_denied', `The model '${resolution.model.name}' may not serve this request: ${removal.why}.`, { param: 'model' });
    return { route: null, strategy: 'model', model: resolution.model, fallbacks: NO_FALLBACKS, reason: `model ${resolution.model.name}`, candidates: [] };
  }

  private async decideRoute(route: RouteConfig, request: ChatRequest, signals: RoutingSignals, ask: AskModel | undefined, depth: number): Promise<RouteDecision> {
    if (depth > MAX_ROUTE_DEPTH) throw new GatewayError('internal_error', `routes nest deeper than ${MAX_ROUTE_DEPTH} at '${route.name}'`);
    if (route.experiment) return this.experiment(route, request, signals, ask, depth);
    if (route.strategy === 'fixed' && route.delegate) {
      const target = this.config.routes.get(route.delegate) as RouteConfig;
      const inner = await this.decideRoute(target, request, signals, ask, depth + 1);
      return { ...inner, route: route.name, reason: `${route.name}->${inner.reason}` };
    }

    const strategy = STRATEGIES[route.strategy === 'experiment' ? 'cheapest' : route.strategy];
    const candidates = route.strategy === 'fixed' && route.model ? [route.model] : route.candidates;
    const filtered = applyFilters(candidates, { request, signals, route, allModels: this.chatModels, latencyP95: this.options.latencyP95 });
    const records = new Map<string, CandidateRecord>();
    for (const model of candidates) records.set(model.name, { model: model.name });
    for (const removal of filtered.removed) records.set(removal.model, { model: removal.model, removedBy: removal.filter, why: removal.why });
    for (const model of filtered.kept) if (!records.has(model.name)) records.set(model.name, { model: model.name, note: 'added: longer context window' });
    if (filtered.kept.length === 0) {
      const reasons = filtered.removed.map((removal) => `${removal.model}: ${removal.why}`).join('; ');
      throw new GatewayError('no_eligible_model', `No model of route '${route.name}' may serve this request (${reasons}).`, { param: 'model' });
    }

    const category = strategy.needsCategory
      ? await classifyRequest(route.classify, signals, route.classify.classifier === 'local' ? await this.options.localClassifier(route) : undefined, ask)
      : undefined;
    const difficulty = category && route.strategy === 'tiered' ? estimateDifficulty(signals, category.category, route.difficulty) : undefined;
    const promptTokens = filtered.promptTokens ?? signals.estimatedTokens;
    const outputTokens = request.maxTokens ?? route.expectedOutputTokens;
    const figures = (model: ModelConfig): ModelFigures => {
      const quality = category ? (this.options.quality ? this.options.quality(model, category.category) : (model.quality[category.category] ?? model.quality.default)) : undefined;
      const price = model.price;
      const trials = category ? (model.qualityTrials[category.category] ?? (model.quality[category.category] === undefined ? model.qualityTrials.default : undefined)) : undefined;
      return {
        quality,
        measured: trials !== undefined,
        costUsd: price ? (promptTokens * price.input + outputTokens * price.output) / 1_000_000 + (price.perRequest ?? 0) : undefined,
        latencyP95Ms: this.options.latencyP95(model),
        safety: model.safety,
      };
    };
    const choice = strategy.choose({ route, request, signals, candidates: filtered.kept, category: category?.category ?? route.classify.fallbackCategory, difficulty, figures });
    for (const score of choice.scores ?? []) records.set(score.model, { ...records.get(score.model), ...score });

    const parts: string[] = [];
    if (category) parts.push(`category=${category.category}(${category.source === 'rule' ? `rule:${category.rule}` : category.source === 'llm' ? 'llm' : category.confidence.toFixed(2)})`);
    if (difficulty) parts.push(`difficulty=${difficulty.level}(${difficulty.score.toFixed(2)})`);
    parts.push(choice.reason);
    if (filtered.removed.length > 0) parts.push(`filtered=${[...new Set(filtered.removed.map((removal) => removal.filter))].join(',')}`);
    if (filtered.trimmedTurns) parts.push(`trimmed=${filtered.trimmedTurns}`);

    return {
      route: route.name,
      strategy: strategy.name,
      model: choice.model,
      fallbacks: choice.fallbacks ? [...new Set([...choice.fallbacks, ...route.fallbacks])] : route.fallbacks,
      timeouts: route.timeouts,
      reason: parts.join(' '),
      ...(category ? { category } : {}),
      ...(difficulty ? { difficulty } : {}),
      candidates: [...records.values()],
      ...(filtered.promptTokens !== undefined ? { promptTokens: filtered.promptTokens } : {}),
      ...(filtered.trimmedTurns !== undefined ? { trimmedTurns: filtered.trimmedTurns } : {}),
      ...(filtered.note ? { note: filtered.note } : {}),
      ...(choice.cascade ? { cascade: choice.cascade } : {}),
    };
  }

  /** Weighted split between variants, sticky per user or session; a variant its filters rule out yields to the next. */
  private async experiment(route: RouteConfig, request: ChatRequest, signals: RoutingSignals, ask: AskModel | undefined, depth: number): Promise<RouteDecision> {
    const experiment = route.experiment as NonNullable<RouteConfig['experiment']>;
    const id = experiment.sticky === 'user' ? signals.user : experiment.sticky === 'session' ? signals.session : undefined;
    const point = id !== undefined ? stickyPoint(`${route.name}\u0000${id}`) : (this.options.random ?? Math.random)();
    const total = experiment.variants.reduce((sum, variant) => sum + variant.weight, 0);
    let cursor = point * total;
    let picked = experiment.variants[experiment.variants.length - 1] as ExperimentVariant;
    for (const variant of experiment.variants) {
      cursor -= variant.weight;
      if (cursor < 0) {
        picked = variant;
        break;
      }
    }
    const order = [picked, ...experiment.variants.filter((variant) => variant !== picked)];
    const skipped: string[] = [];
    for (const variant of order) {
      const sticky = id !== undefined ? `${experiment.sticky}-sticky` : 'random';
      const label = variant === picked ? `experiment=${variant.name}(${sticky})` : `experiment=${variant.name}(instead of ${picked.name}: ${skipped.join('; ')})`;
      if (variant.route) {
        const inner = await this.decideRoute(this.config.routes.get(variant.route) as RouteConfig, request, signals, ask, depth + 1);
        return { ...inner, route: route.name, variant: { route: route.name, name: variant.name }, reason: `${label} ${inner.reason}` };
      }
      const model = variant.model as ModelConfig;
      const removal = hardFilter(model, request, signals);
      if (removal) {
        skipped.push(`${model.name} ${removal.why}`);
        continue;
      }
      return {
        route: route.name,
        strategy: 'experiment',
        model,
        fallbacks: route.fallbacks,
        timeouts: route.timeouts,
        reason: `${label}->${model.name}`,
        variant: { route: route.name, name: variant.name },
        candidates: experiment.variants.map((entry) => ({ model: entry.model?.name ?? `route:${entry.route}`, note: `variant ${entry.name}, weight ${entry.weight}` })),
      };
    }
    throw new GatewayError('no_eligible_model', `No variant of experiment route '${route.name}' may serve this request (${skipped.join('; ')}).`, { param: 'model' });
  }
}
