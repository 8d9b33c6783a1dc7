/**
 * Model families, so a judge never grades its own family (self-preference bias).
 * A simulated catalog model has its family in the catalog; otherwise the name says it:
 * gpt-* / o1 / o3 … → openai, claude → anthropic, gemini / gemma → google, deepseek,
 * llama → meta, mistral / mixtral / codestral … → mistral, and so on.
 */
import type { GatewayConfig, ModelConfig } from '../../config/load.js';
import { SIMULATED_CATALOG } from '../../simulator/catalog.js';

const PREFIXES: Array<[RegExp, string]> = [
  [/^(?:gpt|chatgpt|o\d|text-embedding|davinci|babbage|whisper|dall-e|tts)(?:\b|-|$)/, 'openai'],
  [/^claude/, 'anthropic'],
  [/^(?:gemini|gemma|palm|text-bison|chat-bison)/, 'google'],
  [/^deepseek/, 'deepseek'],
  [/^(?:llama|meta-llama|codellama)/, 'meta'],
  [/^(?:mistral|mixtral|codestral|ministral|magistral|pixtral|devstral|open-mistral|open-mixtral)/, 'mistral'],
  [/^(?:qwen|qwq)/, 'alibaba'],
  [/^grok/, 'xai'],
  [/^(?:command|c4ai|aya)/, 'cohere'],
  [/^phi-?\d/, 'microsoft'],
  [/^(?:kimi|moonshot)/, 'moonshot'],
  [/^(?:glm|chatglm)/, 'zhipu'],
];

/** The family a model name suggests: a `provider/` prefix and an `@date` suffix are ignored. */
export function familyOfModelName(name: string): string | undefined {
  const catalog = SIMULATED_CATALOG.find((model) => model.name === name);
  if (catalog) return catalog.family;
  const bare = (name.split('/').pop() ?? name).toLowerCase().replace(/^models\//, '');
  return PREFIXES.find(([pattern]) => pattern.test(bare))?.[1];
}

function familiesOfModel(model: ModelConfig): string[] {
  const names = [model.name, ...model.deployments.map((deployment) => deployment.upstreamModel)];
  for (const name of names) {
    const family = familyOfModelName(name);
    if (family) return [family];
  }
  return [];
}

/** Every model a route may end up calling: its target, table, tiers, candidates, variants, fallbacks. */
export function modelsReachableFrom(name: string, config: GatewayConfig, seen = new Set<string>()): ModelConfig[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const model = config.models.get(name);
  if (model) return [model, ...model.fallbacks];
  const route = config.routes.get(name);
  if (!route) return [];
  const found: ModelConfig[] = [...route.candidates, ...route.table.values(), ...route.fallbacks];
  if (route.model) found.push(route.model);
  if (route.tiers) found.push(...route.tiers.simple, ...route.tiers.standard, ...route.tiers.hard);
  if (route.delegate) found.push(...modelsReachableFrom(route.delegate, config, seen));
  for (const variant of route.experiment?.variants ?? []) {
    if (variant.model) found.push(variant.model);
    if (variant.route) found.push(...modelsReachableFrom(variant.route, config, seen));
  }
  return [...new Set([...found, ...found.flatMap((reached) => reached.fallbacks)])];
}

/** Families of a model or route name (a route: of every model it may call). */
export function familiesOf(name: string, config: GatewayConfig | undefined): Set<string> {
  const families = new Set<string>();
  const reachable = config ? modelsReachableFrom(name, config) : [];
  if (reachable.length === 0) {
    const family = familyOfModelName(name);
    if (family) families.add(family);
  }
  for (const model of reachable) for (const family of familiesOfModel(model)) families.add(family);
  return families;
}

export interface FamilyConflict {
  judged: string;
  family: string;
}

/** Judged models (or routes, or pairwise references) that share a family with the judge. */
export function sameFamilyConflicts(judge: string, judged: readonly string[], config: GatewayConfig | undefined): FamilyConflict[] {
  const judgeFamilies = familiesOf(judge, config);
  const conflicts: FamilyConflict[] = [];
  for (const name of judged) {
    for (const family of familiesOf(name, config)) if (judgeFamilies.has(family)) conflicts.push({ judged: name, family });
  }
  return conflicts;
}
