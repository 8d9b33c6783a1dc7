/**
 * Second phase for routes: names in `routes:` become references to resolved models and
 * routes, with every default filled in, and every problem reported with its path (unknown
 * models, models of the wrong kind, route cycles through fixed targets or experiment
 * variants).
 */
import { existsSync } from 'node:fs';
import type { TaskCategory } from '../core/categories.js';
import { compileUserPattern } from '../core/regex.js';
import { fromRawTimeouts, type ConfigIssue, type ModelConfig, type Timeouts } from './load.js';
import { resolveLearned, type LearnedPolicy } from '../router/learned/route-policy.js';
import type { RawConfig } from './schema.js';

type RawRoute = NonNullable<RawConfig['routes']>[string];

export type RoutingStrategy = 'fixed' | 'table' | 'tiered' | 'cheapest' | 'weighted' | 'learned' | 'cascade' | 'experiment';
export type Difficulty = 'simple' | 'standard' | 'hard';

export interface ClassifyRule {
  name: string;
  category: TaskCategory;
  /** Compiled from keywords (whole words, any one) or pattern. */
  regex?: RegExp;
  when?: 'images' | 'tools' | 'long_context';
}

export interface ClassifyPolicy {
  rules: ClassifyRule[];
  longContextTokens: number;
  classifier: 'local' | 'none';
  modelFile: string | undefined;
  minConfidence: number;
  fallbackCategory: TaskCategory;
  llm: { model: ModelConfig; timeoutMs: number; when: 'unsure' | 'always' } | undefined;
}

export interface ExperimentVariant {
  name: string;
  weight: number;
  /** Exactly one of model or route. */
  model?: ModelConfig;
  route?: string;
}

export interface RouteConfig {
  name: string;
  description?: string;
  strategy: RoutingStrategy;
  /** fixed: the model at the end of the chain of fixed routes, or undefined when it ends at a route with its own strategy (`delegate`). */
  model: ModelConfig | undefined;
  delegate?: string;
  /** The model or route named in the config (fixed). */
  target?: string;
  candidates: ModelConfig[];
  classify: ClassifyPolicy;
  table: Map<TaskCategory | 'default', ModelConfig>;
  /** table: fallbacks of each entry, tried before the route's. */
  tableFallbacks: Map<TaskCategory | 'default', ModelConfig[]>;
  tiers: Record<Difficulty, ModelConfig[]> | undefined;
  difficulty: { standardFrom: number; hardFrom: number };
  qualityFloor: number;
  expectedOutputTokens: number;
  weights: { quality: number; cost: number; latency: number; safety: number };
  context: { trim: boolean; outputReserveTokens: number };
  experiment: { sticky: 'user' | 'session' | 'none'; variants: ExperimentVariant[] } | undefined;
  /** Tried after the chosen model's own fallbacks. */
  fallbacks: ModelConfig[];
  /** Over the model's and provider's timeouts for this route's calls. */
  timeouts: Partial<Timeouts>;
  /** learned and cascade: the loaded router and its two models. */
  learned?: LearnedPolicy;
}

export const DEFAULT_WEIGHTS = { quality: 0.6, cost: 0.25, latency: 0.15, safety: 0 };

export const DEFAULT_RULES: ClassifyRule[] = [
  { name: 'has-images', category: 'vision', when: 'images' },
  { name: 'offers-tools', category: 'tool_use', when: 'tools' },
  { name: 'long-prompt', category: 'long_context', when: 'long_context' },
];

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Keywords match as whole words (or phrases), case-insensitively, in any script. */
export function keywordRegex(keywords: readonly string[]): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${keywords.map(escapeRegex).join('|')})(?![\\p{L}\\p{N}_])`, 'iu');
}

export function resolveRoutes(raw: RawConfig, models: Map<string, ModelConfig>, issues: ConfigIssue[]): Map<string, RouteConfig> {
  const routes = new Map<string, RouteConfig>();
  const rawRoutes = raw.routes ?? {};
  const chatModels = [...models.values()].filter((model) => model.kind === 'chat');

  const chatModel = (name: string, path: string): ModelConfig | undefined => {
    const model = models.get(name);
    if (!model) {
      issues.push({ path, message: raw.models[name] ? `"${name}" failed to resolve (see its own errors)` : `unknown model "${name}"${rawRoutes[name] ? ' (a route cannot be used here)' : ''}` });
      return undefined;
    }
    if (model.kind !== 'chat') {
      issues.push({ path, message: `"${name}" is an embedding model` });
      return undefined;
    }
    return model;
  };
  const modelList = (names: readonly string[], path: string): ModelConfig[] =>
    names.flatMap((name, index) => {
      const model = chatModel(name, `${path}[${index}]`);
      return model ? [model] : [];
    });

  for (const [name, route] of Object.entries(rawRoutes)) {
    const path = `routes.${name}`;
    const strategy: RoutingStrategy = route.strategy ?? (route.model ? 'fixed' : route.experiment ? 'experiment' : 'cheapest');
    const resolved: RouteConfig = {
      name,
      ...(route.description ? { description: route.description } : {}),
      strategy,
      model: undefined,
      candidates: route.candidates ? modelList(route.candidates, `${path}.candidates`) : chatModels,
      classify: resolveClassify(route, path, chatModel, issues),
      table: new Map(),
      tableFallbacks: new Map(),
      tiers: route.tiers
        ? { simple: modelList(route.tiers.simple, `${path}.tiers.simple`), standard: modelList(route.tiers.standard, `${path}.tiers.standard`), hard: modelList(route.tiers.hard, `${path}.tiers.hard`) }
        : undefined,
      difficulty: { standardFrom: route.difficulty?.standard_from ?? 0.3, hardFrom: route.difficulty?.hard_from ?? 0.6 },
      qualityFloor: route.quality_floor ?? 0.85,
      expectedOutputTokens: route.expected_output_tokens ?? 500,
      weights: { ...DEFAULT_WEIGHTS, ...definedOnly(route.weights ?? {}) },
      context: { trim: route.context?.trim ?? false, outputReserveTokens: route.context?.output_reserve_tokens ?? 1024 },
      experiment: undefined,
      fallbacks: [],
      timeouts: definedOnly(fromRawTimeouts(route.timeouts)),
    };
    for (const [category, target] of Object.entries(route.table ?? {})) {
      const model = chatModel(target, `${path}.table.${category}`);
      if (model) resolved.table.set(category as TaskCategory | 'default', model);
    }
    for (const [category, targets] of Object.entries(route.table_fallbacks ?? {})) {
      if (!route.table?.[category as TaskCategory | 'default']) issues.push({ path: `${path}.table_fallbacks.${category}`, message: `no table entry for ${category}` });
      resolved.tableFallbacks.set(category as TaskCategory | 'default', modelList(targets, `${path}.table_fallbacks.${category}`));
    }
    (route.fallbacks ?? []).forEach((target, index) => {
      const model = chatModel(target, `${path}.fallbacks[${index}]`);
      if (!model) return;
      if (resolved.fallbacks.includes(model)) issues.push({ path: `${path}.fallbacks[${index}]`, message: `"${target}" is listed twice` });
      else resolved.fallbacks.push(model);
    });
    if (route.experiment) {
      const variants: ExperimentVariant[] = [];
      route.experiment.variants.forEach((variant, index) => {
        const where = `${path}.experiment.variants[${index}]`;
        if (variant.model !== undefined) {
          const model = chatModel(variant.model, `${where}.model`);
          if (model) variants.push({ name: variant.name, weight: variant.weight, model });
        } else if (variant.route !== undefined) {
          if (!rawRoutes[variant.route]) issues.push({ path: `${where}.route`, message: `unknown route "${variant.route}"` });
          else variants.push({ name: variant.name, weight: variant.weight, route: variant.route });
        }
      });
      resolved.experiment = { sticky: route.experiment.sticky ?? 'user', variants };
    }
    if ((strategy === 'learned' || strategy === 'cascade') && route.learned) {
      const learned = resolveLearned(strategy, route.learned, `${path}.learned`, chatModel, issues);
      if (learned) {
        resolved.learned = learned;
        // The two models are the candidates (the filters still apply to them).
        resolved.candidates = [learned.strong, learned.weak];
      }
      if (route.candidates) issues.push({ path: `${path}.candidates`, message: `strategy ${strategy} chooses between learned.strong and learned.weak; leave out candidates` });
    }
    if (strategy === 'fixed' && route.model) {
      resolved.target = route.model;
      const end = followFixed(name, raw, models, issues);
      if (end?.model) resolved.model = end.model;
      else if (end?.route) resolved.delegate = end.route;
    }
    routes.set(name, resolved);
  }
  checkRouteCycles(rawRoutes, issues);
  return routes;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function resolveClassify(route: RawRoute, path: string, chatModel: (name: string, path: string) => ModelConfig | undefined, issues: ConfigIssue[]): ClassifyPolicy {
  const raw = route.classify ?? {};
  const own: ClassifyRule[] = (raw.rules ?? []).map((rule) => ({
    name: rule.name,
    category: rule.category,
    ...(rule.keywords ? { regex: keywordRegex(rule.keywords) } : {}),
    ...(rule.pattern ? { regex: compileUserPattern(rule.pattern) } : {}),
    ...(rule.when ? { when: rule.when } : {}),
  }));
  const llmModel = raw.llm ? chatModel(raw.llm.model, `${path}.classify.llm.model`) : undefined;
  if (raw.model_file !== undefined && !existsSync(raw.model_file)) issues.push({ path: `${path}.classify.model_file`, message: `file not found: ${raw.model_file}` });
  return {
    rules: raw.default_rules === false ? own : [...DEFAULT_RULES, ...own],
    longContextTokens: raw.long_context_tokens ?? 32_000,
    classifier: raw.classifier ?? 'local',
    modelFile: raw.model_file,
    minConfidence: raw.min_confidence ?? 0,
    fallbackCategory: raw.fallback_category ?? 'qa',
    llm: raw.llm && llmModel ? { model: llmModel, timeoutMs: raw.llm.timeout_ms ?? 1500, when: raw.llm.when ?? 'unsure' } : undefined,
  };
}

/** Follows fixed routes to a model, or to the first route with a strategy of its own. */
function followFixed(name: string, raw: RawConfig, models: Map<string, ModelConfig>, issues: ConfigIssue[]): { model?: ModelConfig; route?: string } | undefined {
  const seen: string[] = [name];
  let target = raw.routes?.[name]?.model;
  while (target !== undefined) {
    const model = models.get(target);
    if (model) return { model };
    if (raw.models[target]) return undefined; // the model itself failed to resolve; its own issue says why
    const next = raw.routes?.[target];
    if (!next) {
      issues.push({ path: `routes.${name}.model`, message: `"${target}" is neither a model nor a route` });
      return undefined;
    }
    if (seen.includes(target)) return undefined; // reported by checkRouteCycles
    seen.push(target);
    if (!next.model || (next.strategy !== undefined && next.strategy !== 'fixed')) return { route: target };
    target = next.model;
  }
  return undefined;
}

/** Routes that reach themselves through fixed targets or experiment variants. */
function checkRouteCycles(rawRoutes: NonNullable<RawConfig['routes']>, issues: ConfigIssue[]): void {
  const edges = (name: string): { to: string; via: string }[] => {
    const route = rawRoutes[name];
    if (!route) return [];
    const out: { to: string; via: string }[] = [];
    if (route.model && rawRoutes[route.model]) out.push({ to: route.model, via: 'model' });
    route.experiment?.variants.forEach((variant, index) => {
      if (variant.route && rawRoutes[variant.route]) out.push({ to: variant.route, via: `experiment.variants[${index}].route` });
    });
    return out;
  };
  for (const start of Object.keys(rawRoutes)) {
    // Depth-first from `start`, reporting the first path that returns to it.
    const stack: { name: string; path: string[]; via: string }[] = edges(start).map((edge) => ({ name: edge.to, path: [start, edge.to], via: edge.via }));
    const visited = new Set<string>();
    while (stack.length > 0) {
      const { name, path, via } = stack.pop() as { name: string; path: string[]; via: string };
      if (name === start) {
        issues.push({ path: `routes.${start}.${via}`, message: `route cycle: ${path.join(' → ')}` });
        break;
      }
      if (visited.has(name)) continue;
      visited.add(name);
      for (const edge of edges(name)) stack.push({ name: edge.to, path: [...path, edge.to], via });
    }
  }
}
