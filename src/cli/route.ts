/**
 * `switchyard route explain "<prompt>" [--route R] [--config PATH] [--json] [--private]
 * [--latency-budget-ms N] [--quality-floor Q] [--guard-policy P]`: the routing decision for a
 * prompt, from the same router the gateway runs, without calling any model. The request phase
 * of the guards runs first, as in the gateway: the route's policy (or the default) and, with
 * --guard-policy, a key's; a route-private verdict limits the decision to private models, a
 * block is reported instead of a decision (exit code 0: the dry run itself worked).
 */
import { loadConfig } from '../config/load.js';
import type { ChatRequest } from '../core/types.js';
import { GuardRun, GuardSet } from '../guards/pipeline.js';
import { loadLocalClassifier } from '../router/local-classifier.js';
import { ModelResolver } from '../router/resolve.js';
import { Router } from '../router/router.js';
import { readSignals } from '../router/signals.js';
import { dryRunGuards, explainGuards } from '../server/handlers/route-explain.js';
import { decisionDetails } from '../server/handlers/route-request.js';
import { UsageError } from './arguments.js';

export async function runRoute(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number> {
  const [subcommand, ...words] = positionals;
  if (subcommand !== 'explain') throw new UsageError(subcommand ? `unknown subcommand "${subcommand}" (known: explain)` : 'usage: switchyard route explain "<prompt>" [--route R]');
  const prompt = words.join(' ').trim();
  if (!prompt) throw new UsageError('give the prompt to explain, e.g. switchyard route explain "Write a SQL query that..."');
  const config = loadConfig(typeof values.config === 'string' ? { path: values.config } : {});
  const routeName = typeof values.route === 'string' ? values.route : 'auto';
  if (!config.routes.has(routeName) && !config.models.has(routeName)) {
    throw new UsageError(`unknown route "${routeName}" (known: ${[...config.routes.keys()].join(', ')})`);
  }
  const asked: ChatRequest = { model: routeName, messages: [{ role: 'user', content: prompt }], stream: false, includeUsage: false };
  const keyPolicy = typeof values['guard-policy'] === 'string' ? values['guard-policy'] : undefined;
  if (keyPolicy !== undefined && !config.guards?.policies.has(keyPolicy)) {
    throw new UsageError(`unknown guard policy "${keyPolicy}" (known: ${[...(config.guards?.policies.keys() ?? [])].join(', ') || 'none: the config has no guards'})`);
  }
  const applied = config.guards ? new GuardSet(config.guards.policies, config.guards.routePolicies, config.guards.defaultPolicy).resolve(keyPolicy, routeName) : null;
  const guards = applied ? new GuardRun(applied) : undefined;
  const screened = dryRunGuards(guards, asked);
  if ('blocked' in screened) {
    const explained = guards ? explainGuards(guards) : undefined;
    if (values.json) console.log(JSON.stringify({ blocked: { error: screened.blocked.message }, guards: explained }, null, 2));
    else console.log([`blocked:   ${screened.blocked.message}`, ...(guards ? guardLines(guards) : [])].join('\n'));
    return 0;
  }
  const request = screened.request;
  const headers: Record<string, string> = {};
  if (values.private) headers['x-switchyard-private'] = 'true';
  if (typeof values['latency-budget-ms'] === 'string') headers['x-switchyard-latency-budget-ms'] = values['latency-budget-ms'];
  if (typeof values['quality-floor'] === 'string') headers['x-switchyard-quality-floor'] = values['quality-floor'];
  const router = new Router(config, new ModelResolver(config), {
    localClassifier: (route) => loadLocalClassifier(route.classify.modelFile),
    latencyP95: (model) => model.latencyP95Ms,
  });
  const decision = await router.decide(request, readSignals(request, headers, undefined, screened.privateSource));
  const details = decisionDetails(decision);
  if (values.json) {
    console.log(JSON.stringify(guards ? { ...details, guards: explainGuards(guards) } : details, null, 2));
    return 0;
  }
  const lines = [`route:     ${decision.route ?? '(a model name)'} (${decision.strategy})`, `model:     ${decision.model.name}`, `reason:    ${decision.reason}`];
  if (decision.category) {
    const category = decision.category;
    lines.push(`category:  ${category.category} via ${category.source}${category.rule ? ` (${category.rule})` : ''}, confidence ${category.confidence.toFixed(2)}`);
  }
  if (decision.difficulty) lines.push(`difficulty: ${decision.difficulty.level} (${decision.difficulty.score.toFixed(2)})`);
  if (decision.note) lines.push(`note:      ${decision.note}`);
  if (decision.candidates.length > 0) {
    lines.push('candidates:');
    for (const candidate of decision.candidates) {
      const figures = [
        candidate.quality !== undefined ? `quality ${candidate.quality.toFixed(2)}` : '',
        candidate.costUsd !== undefined ? `cost $${candidate.costUsd.toFixed(6)}` : '',
        candidate.costPerCorrectUsd !== undefined ? `per correct $${candidate.costPerCorrectUsd.toFixed(6)}` : '',
        candidate.score !== undefined ? `score ${candidate.score.toFixed(3)}` : '',
        candidate.removedBy ? `REMOVED by ${candidate.removedBy}: ${candidate.why}` : (candidate.note ?? ''),
      ].filter(Boolean);
      lines.push(`  ${candidate.model === decision.model.name ? '*' : ' '} ${candidate.model.padEnd(22)} ${figures.join(', ')}`);
    }
  }
  if (guards) lines.push(...guardLines(guards));
  console.log(lines.join('\n'));
  return 0;
}

/** The guard policies that ran and what each verdict decided, never the text it found. */
function guardLines(guards: GuardRun): string[] {
  const { policies, verdicts } = explainGuards(guards);
  const lines = [`guards:    ${policies.join(', ')}${verdicts.length === 0 ? ' (no findings)' : ''}`];
  for (const verdict of verdicts) lines.push(`  ${verdict.action.padEnd(13)} ${verdict.guard}/${verdict.type} (rule ${verdict.rule}, score ${verdict.score}) in ${verdict.where.join(', ')}`);
  return lines;
}
