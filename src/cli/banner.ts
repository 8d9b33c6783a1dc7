/**
 * What `switchyard serve` prints when it starts: where it listens, which config and models,
 * a request to try, whether the answers are simulated (and why), and which guards run.
 */
import type { GatewayConfig, GuardSettings } from '../config/load.js';
import type { GuardPolicy } from '../guards/policy.js';

export interface BannerFacts {
  url: string;
  version: string;
  config: GatewayConfig;
  host: string;
  /** Listening beyond loopback without any key (--insecure-no-auth). */
  insecure: boolean;
}

export function bannerLines(facts: BannerFacts): string[] {
  const { config, url } = facts;
  const lines = [
    `Switchyard ${facts.version} listening on ${url}`,
    `  config:   ${config.source}`,
    `  models:   ${[...config.models.keys()].join(', ')}`,
    `  guards:   ${describeGuards(config.guards)}`,
    `  try:      curl ${url}/v1/chat/completions -H 'content-type: application/json' -d '{"model":"${tryModel(config)}","messages":[{"role":"user","content":"What is 17 * 23?"}]}'`,
  ];
  lines.push(...simulationLines(config));
  if (facts.insecure) lines.push(`  WARNING: listening on ${facts.host} with NO AUTHENTICATION (--insecure-no-auth). Anyone who can reach this port can spend your provider budget.`);
  return lines;
}

/** `auto` when the config has it, else the first route or chat model. */
function tryModel(config: GatewayConfig): string {
  if (config.routes.has('auto')) return 'auto';
  const chat = [...config.models.values()].find((model) => model.kind === 'chat');
  return [...config.routes.keys()][0] ?? chat?.name ?? 'auto';
}

function simulationLines(config: GatewayConfig): string[] {
  if (config.simulatedProviders && config.simulatedProviders.length > 0) {
    const replaced = config.simulatedProviders.map((provider) => `${provider.name} (${provider.protocol})`).join(', ');
    return [
      `  SIMULATED (--simulate): every provider of ${config.source} is replaced by the built-in simulator speaking its`,
      `             protocol: ${replaced}. Answers are marked x-switchyard-simulated: true.`,
    ];
  }
  if (!config.simulatedOnly) return [];
  if (config.source === 'built-in defaults') {
    return [
      '  SIMULATED: no provider API key found (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, …); answers come from the built-in simulator',
      '             and are marked x-switchyard-simulated: true. Set a key or write switchyard.yaml to use real providers.',
    ];
  }
  return [`  SIMULATED: every provider in ${config.source} is the built-in simulator; answers are marked x-switchyard-simulated: true.`];
}

function describeGuards(guards: GuardSettings | undefined): string {
  if (!guards || guards.policies.size === 0) return 'none (no guards section in the config: no injection, PII or secret checks; see docs/guards.md)';
  const parts: string[] = [];
  if (guards.defaultPolicy) parts.push(`every route: ${describePolicy(guards.policies.get(guards.defaultPolicy), guards.defaultPolicy)}`);
  for (const [route, policy] of guards.routePolicies) parts.push(`route ${route}: ${describePolicy(guards.policies.get(policy), policy)}`);
  if (parts.length === 0) parts.push(`policies ${[...guards.policies.keys()].join(', ')} for keys that name them; no route policy`);
  return parts.join('; ');
}

function describePolicy(policy: GuardPolicy | undefined, name: string): string {
  if (!policy) return name;
  const request = policy.request;
  const response = policy.response;
  const checks = [
    request?.injection && `injection ${request.injection.action}`,
    request?.pii && `pii ${request.pii.action}`,
    request?.secrets && `secrets ${request.secrets.action}`,
    request && request.deny.length > 0 && `${request.deny.length} deny rule(s)`,
    request?.allowTools && 'tools allow-list',
  ].filter(Boolean);
  const answer = [response?.pii && `pii ${response.pii.action}`, response?.secrets && `secrets ${response.secrets.action}`, response && response.deny.length > 0 && `${response.deny.length} deny rule(s)`, response?.jsonSchema && 'json_schema'].filter(Boolean);
  return `${name} (request: ${checks.join(', ') || 'nothing'}; answer: ${answer.join(', ') || 'nothing'})`;
}
