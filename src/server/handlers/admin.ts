/**
 * The admin API under /admin/: keys, teams, budgets, usage and spend reports. The admin
 * key may do everything; a normal key may only read its own usage (GET /admin/usage);
 * anything else is a 401 (no, invalid, expired or revoked key) or a 403. Answers never
 * contain a key's secret (only once, at creation) or its hash.
 */
import { z } from 'zod';
import { formatPath } from '../../config/load.js';
import { GatewayError } from '../../core/errors.js';
import { addTokenCounts, emptyTokenCounts } from '../../core/usage.js';
import { describeKey } from '../../governance/keys.js';
import { keyMetadataProblem } from '../../cache/settings.js';
import { parseSince, type SpendGrouping } from '../../governance/spend.js';
import { readJsonBody, sendJson, type Exchange } from '../exchange.js';
import type { Services } from '../services.js';

const keySchema = z.strictObject({
  name: z.string().min(1).max(200),
  team: z.string().min(1).max(200).optional(),
  owner: z.string().min(1).max(200).optional(),
  expires_at: z.iso.datetime({ offset: true }).optional(),
  expires_in_days: z.number().positive().optional(),
  allowed_models: z.array(z.string().min(1)).optional(),
  allowed_routes: z.array(z.string().min(1)).optional(),
  rpm: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
  max_concurrent: z.number().int().positive().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});

const budgetSchema = z
  .strictObject({
    scope: z.enum(['key', 'team', 'global']),
    scope_id: z.string().min(1).optional(),
    period: z.enum(['day', 'month', 'total']),
    limit_usd: z.number().positive().optional(),
    limit_tokens: z.number().int().positive().optional(),
    enforcement: z.enum(['hard', 'soft']).optional(),
    alert_at: z.array(z.number().positive().max(10)).optional(),
  })
  .refine((budget) => budget.limit_usd !== undefined || budget.limit_tokens !== undefined, { message: 'give limit_usd, limit_tokens or both', path: ['limit_usd'] })
  .refine((budget) => (budget.scope === 'global') === (budget.scope_id === undefined), { message: 'scope_id names the key or team (and is absent for global budgets)', path: ['scope_id'] });

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue ? formatPath(issue.path) : '';
  throw new GatewayError('invalid_request', `${param ? `${param}: ` : ''}${issue?.message.replace(/^Invalid input: /, '') ?? 'invalid body'}`, { param: param || null });
}

function query(exchange: Exchange): URLSearchParams {
  const url = exchange.request.url ?? '';
  const index = url.indexOf('?');
  return new URLSearchParams(index === -1 ? '' : url.slice(index + 1));
}

function range(parameters: URLSearchParams): { since?: number; until?: number } {
  try {
    const since = parseSince(parameters.get('since') ?? undefined);
    const until = parseSince(parameters.get('until') ?? undefined);
    return { ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) };
  } catch (error) {
    throw new GatewayError('invalid_request', (error as Error).message, { param: 'since' });
  }
}

function list(data: unknown[]): string {
  return JSON.stringify({ object: 'list', data });
}

export async function handleAdmin(exchange: Exchange, services: Services, method: string, path: string, role: 'admin' | 'key'): Promise<void> {
  const governance = services.governance;
  const segments = path.split('/').filter(Boolean).slice(1); // after "admin"
  const [resource, id, action] = segments;
  const send = (status: number, body: string): void => sendJson(exchange.response, status, body);
  const methodNotAllowed = (): never => {
    throw new GatewayError('method_not_allowed', `${method} is not allowed on ${path}.`);
  };

  if (resource === 'usage' && segments.length === 1) {
    if (method !== 'GET') methodNotAllowed();
    const parameters = query(exchange);
    const requested = parameters.get('key') ?? undefined;
    if (role === 'key') {
      if (exchange.keyId === null) throw new GatewayError('invalid_api_key', 'Incorrect API key provided.');
      if (requested !== undefined && requested !== exchange.keyId) throw new GatewayError('permission_denied', 'A key can read only its own usage.');
    }
    const keyId = role === 'key' ? (exchange.keyId as string) : requested;
    const rows = await services.reports.spend('model', range(parameters), keyId !== undefined ? { keyId } : {});
    const tokens = emptyTokenCounts();
    let requests = 0;
    let costUsd = 0;
    for (const row of rows) {
      addTokenCounts(tokens, row);
      requests += row.requests;
      costUsd += row.costUsd;
    }
    send(200, JSON.stringify({ object: 'usage', key: keyId ?? null, requests, ...tokens, costUsd, by_model: rows }));
    return;
  }
  if (role !== 'admin') throw new GatewayError('permission_denied', 'This route needs the admin key.');

  switch (resource) {
    case 'keys': {
      if (id === undefined) {
        if (method === 'GET') return send(200, list(governance.keys.list(query(exchange).get('team') ? { team: query(exchange).get('team') as string } : {}).map((key) => describeKey(key))));
        if (method !== 'POST') methodNotAllowed();
        const body = parseBody(keySchema, await readJsonBody(exchange, services.config.server.maxBodyBytes));
        for (const [field, names] of [['allowed_models', body.allowed_models], ['allowed_routes', body.allowed_routes]] as const) {
          const known = field === 'allowed_models' ? services.config.models : services.config.routes;
          const unknown = (names ?? []).filter((name) => !known.has(name));
          if (unknown.length > 0) throw new GatewayError('invalid_request', `${field}: unknown ${field === 'allowed_models' ? 'model' : 'route'}(s) ${unknown.join(', ')}`, { param: field });
        }
        // A virtual key's guard policy (metadata.guards) must exist: checked here, not discovered per request.
        const cacheProblem = keyMetadataProblem(body.metadata);
        if (cacheProblem) throw new GatewayError('invalid_request', cacheProblem, { param: 'metadata' });
        const policy = body.metadata?.guards;
        if (policy !== undefined && !services.config.guards?.policies.has(policy)) {
          throw new GatewayError('invalid_request', `metadata.guards: unknown guard policy '${policy}' (known: ${[...(services.config.guards?.policies.keys() ?? [])].join(', ') || 'none'})`, { param: 'metadata' });
        }
        const expiresAt = body.expires_at ? Date.parse(body.expires_at) : body.expires_in_days ? Date.now() + body.expires_in_days * 86_400_000 : null;
        const { key, secret } = await governance.createKey({
          name: body.name,
          team: body.team ?? null,
          owner: body.owner ?? null,
          expiresAt,
          allowedModels: body.allowed_models ?? null,
          allowedRoutes: body.allowed_routes ?? null,
          rpm: body.rpm ?? null,
          tpm: body.tpm ?? null,
          maxConcurrent: body.max_concurrent ?? null,
          metadata: body.metadata ?? null,
        });
        return send(201, JSON.stringify({ ...describeKey(key), key: secret, note: 'Store this key now: it is not shown again.' }));
      }
      const existing = governance.keys.get(id);
      if (!existing) throw new GatewayError('not_found', `No key with id '${id}'.`);
      if (action === undefined && method === 'GET') return send(200, JSON.stringify(describeKey(existing)));
      // A changed key is refused or accepted by every worker and replica at once, not when their caches expire.
      if (action === undefined && method === 'DELETE') {
        const revoked = await governance.changeKey(id, 'revoke');
        return send(200, JSON.stringify(describeKey(revoked ?? existing)));
      }
      if ((action === 'disable' || action === 'enable') && method === 'POST') {
        const changed = await governance.changeKey(id, action);
        return send(200, JSON.stringify(describeKey(changed ?? existing)));
      }
      return methodNotAllowed();
    }
    case 'teams': {
      if (id !== undefined) break;
      if (method === 'GET') {
        return send(
          200,
          list(
            governance.keys.teams().map((team) => ({
              id: team.id,
              object: 'team',
              keys: team.keys,
              rpm: team.limits.rpm ?? null,
              tpm: team.limits.tpm ?? null,
              max_concurrent: team.limits.maxConcurrent ?? null,
              created_at: new Date(team.createdAt).toISOString(),
            })),
          ),
        );
      }
      if (method !== 'POST') methodNotAllowed();
      const body = parseBody(
        z.strictObject({
          id: z.string().min(1).max(200),
          rpm: z.number().int().positive().optional(),
          tpm: z.number().int().positive().optional(),
          max_concurrent: z.number().int().positive().optional(),
        }),
        await readJsonBody(exchange, services.config.server.maxBodyBytes),
      );
      const limits = { ...(body.rpm ? { rpm: body.rpm } : {}), ...(body.tpm ? { tpm: body.tpm } : {}), ...(body.max_concurrent ? { maxConcurrent: body.max_concurrent } : {}) };
      await governance.saveTeam(body.id, limits);
      return send(201, JSON.stringify({ id: body.id, object: 'team', rpm: body.rpm ?? null, tpm: body.tpm ?? null, max_concurrent: body.max_concurrent ?? null }));
    }
    case 'budgets': {
      if (id === undefined) {
        if (method === 'GET') {
          return send(
            200,
            list(
              governance.budgets.list().map((budget) => {
                const entry = governance.spentOf(budget);
                return { ...budget, object: 'budget', spent_usd: entry.usd, spent_tokens: entry.tokens, reserved_usd: entry.reservedUsd, reserved_tokens: entry.reservedTokens };
              }),
            ),
          );
        }
        if (method !== 'POST') methodNotAllowed();
        const body = parseBody(budgetSchema, await readJsonBody(exchange, services.config.server.maxBodyBytes));
        const budget = await governance.createBudget({
          scope: body.scope,
          scopeId: body.scope_id ?? null,
          period: body.period,
          limitUsd: body.limit_usd ?? null,
          limitTokens: body.limit_tokens ?? null,
          enforcement: body.enforcement ?? 'hard',
          alertAt: body.alert_at ?? [0.5, 0.8, 1],
        });
        return send(201, JSON.stringify({ ...budget, object: 'budget' }));
      }
      if (method !== 'DELETE' || action !== undefined) methodNotAllowed();
      if (!(await governance.removeBudget(id))) throw new GatewayError('not_found', `No budget with id '${id}'.`);
      return send(200, JSON.stringify({ id, object: 'budget', deleted: true }));
    }
    case 'spend': {
      if (method !== 'GET') methodNotAllowed();
      const parameters = query(exchange);
      if (id === 'savings') {
        const baselineName = parameters.get('baseline') ?? undefined;
        const baseline = baselineName ? services.config.models.get(baselineName) : undefined;
        if (!baselineName || !baseline?.price) throw new GatewayError('invalid_request', `baseline must name a model with a price${baselineName ? ` ('${baselineName}' has none or is unknown)` : ''}.`, { param: 'baseline' });
        const mode = parameters.get('baseline_mode') ?? undefined;
        if (mode !== undefined && mode !== 'measured' && mode !== 'tokens') throw new GatewayError('invalid_request', `baseline_mode must be measured or tokens ('${mode}').`, { param: 'baseline_mode' });
        const lengths = mode === 'tokens' ? null : governance.reports.baselineLengths(baselineName);
        if (mode === 'measured' && !lengths) throw new GatewayError('invalid_request', `baseline_mode measured needs evaluation runs that measured '${baselineName}'; none are stored.`, { param: 'baseline_mode' });
        const rows = await services.reports.savings(baseline.price, range(parameters), { includeEval: parameters.get('include_eval') === 'true' }, lengths);
        const actual = rows.reduce((sum, row) => sum + row.actualUsd, 0);
        const baselineUsd = rows.reduce((sum, row) => sum + row.baselineUsd, 0);
        const cacheAvoided = rows.reduce((sum, row) => sum + row.cacheAvoidedUsd, 0);
        const cacheHits = rows.reduce((sum, row) => sum + row.cacheHits, 0);
        return send(
          200,
          JSON.stringify({ object: 'savings', baseline: baselineName, baseline_mode: lengths ? 'measured' : 'tokens', baseline_lengths: lengths, actual_usd: actual, baseline_usd: baselineUsd, saved_usd: baselineUsd - actual, saved_share: baselineUsd > 0 ? (baselineUsd - actual) / baselineUsd : 0, cache_hits: cacheHits, cache_avoided_usd: cacheAvoided, rows }),
        );
      }
      if (id !== undefined) break;
      const by = (parameters.get('by') ?? 'model') as SpendGrouping;
      if (!['key', 'team', 'route', 'model', 'day'].includes(by)) throw new GatewayError('invalid_request', 'by must be one of key, team, route, model, day.', { param: 'by' });
      return send(200, JSON.stringify({ object: 'spend', by, rows: await services.reports.spend(by, range(parameters), { includeEval: parameters.get('include_eval') === 'true' }) }));
    }
    case 'cache': {
      if (id !== undefined) break;
      const cache = services.cache;
      if (method === 'GET') {
        if (!cache) return send(200, JSON.stringify({ object: 'cache', enabled: false }));
        return send(200, JSON.stringify({ object: 'cache', enabled: true, ...(await cache.stats()) }));
      }
      if (method !== 'DELETE') methodNotAllowed();
      // All, or only the answers of one key, one route or model the clients named, or one serving model.
      const parameters = query(exchange);
      const filter = {
        ...(parameters.get('key') ? { keyId: parameters.get('key') as string } : {}),
        ...(parameters.get('route') ? { target: parameters.get('route') as string } : {}),
        ...(parameters.get('model') ? { model: parameters.get('model') as string } : {}),
      };
      const unknown = [...parameters.keys()].filter((name) => !['key', 'route', 'model'].includes(name));
      if (unknown.length > 0) throw new GatewayError('invalid_request', `DELETE /admin/cache takes key, route or model; unknown: ${unknown.join(', ')}.`, { param: unknown[0] });
      const deleted = cache ? await cache.clear(filter) : 0;
      return send(200, JSON.stringify({ object: 'cache', deleted }));
    }
  }
  throw new GatewayError('not_found', `Unknown admin endpoint ${method} ${path}.`);
}
