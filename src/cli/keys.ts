/**
 * `switchyard keys create|list|revoke|disable|enable` and `switchyard budgets
 * create|list|delete`, working on the same database as the gateway (store.sqlite.path),
 * so they need no running server; a running gateway sees changes within seconds.
 */
import { loadConfig, type GatewayConfig } from '../config/load.js';
import { BudgetLedger, type BudgetPeriod, type BudgetScope } from '../governance/budgets.js';
import { describeKey, KeyStore, type VirtualKey } from '../governance/keys.js';
import { formatUsd } from '../governance/pricing.js';
import { textTable } from '../eval/report/format.js';
import { SqliteRequestLog } from '../store/sqlite-request-log.js';
import { UsageError } from './arguments.js';
import { cliErrorOf, openGovernanceStore } from './postgres.js';

type Values = Record<string, string | boolean | undefined>;

function config(values: Values): GatewayConfig {
  return loadConfig(typeof values.config === 'string' ? { path: values.config } : {});
}

function list(value: string | boolean | undefined): string[] | null {
  return typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : null;
}

function positiveInteger(value: string | boolean | undefined, name: string): number | null {
  if (value === undefined) return null;
  const number = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(number) || number <= 0) throw new UsageError(`--${name} must be a positive integer, got "${String(value)}"`);
  return number;
}

function expiry(value: string | boolean | undefined): number | null {
  if (value === undefined) return null;
  if (typeof value !== 'string') throw new UsageError('--expires needs a value: 30d, 12h or an ISO date');
  const relative = /^(\d+)([dh])$/.exec(value);
  if (relative) return Date.now() + Number(relative[1]) * (relative[2] === 'd' ? 86_400_000 : 3_600_000);
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new UsageError(`--expires must be 30d, 12h or an ISO date, got "${value}"`);
  return parsed;
}

/** A key's rate limits and allowed models and routes, in a few words. */
function limitsOf(key: VirtualKey): string {
  const parts = [key.rpm !== null && `${key.rpm} rpm`, key.tpm !== null && `${key.tpm} tpm`, key.maxConcurrent !== null && `${key.maxConcurrent} at once`, key.allowedModels && `models ${key.allowedModels.join(',')}`, key.allowedRoutes && `routes ${key.allowedRoutes.join(',')}`];
  return parts.filter(Boolean).join('; ') || '-';
}

/** The larger of the dollar and token shares used. */
function usedShare(limitUsd: number | null, usd: number, limitTokens: number | null, tokens: number): string {
  const shares = [limitUsd ? usd / limitUsd : undefined, limitTokens ? tokens / limitTokens : undefined].filter((share): share is number => share !== undefined);
  return shares.length === 0 ? '-' : `${(Math.max(...shares) * 100).toFixed(1)} %`;
}

export async function runKeys(values: Values, positionals: string[]): Promise<number> {
  const [subcommand, id] = positionals;
  const gateway = config(values);
  // store.postgres: read from PostgreSQL first, changes written there first.
  const sync = await openGovernanceStore(gateway);
  const store = new KeyStore(gateway.store.sqlitePath);
  try {
    switch (subcommand) {
      case 'create': {
        if (typeof values.name !== 'string') throw new UsageError('keys create needs --name');
        const models = list(values.models);
        const unknown = (models ?? []).filter((model) => !gateway.models.has(model));
        if (unknown.length > 0) throw new UsageError(`unknown model(s) in --models: ${unknown.join(', ')}`);
        const input = {
          name: values.name,
          team: typeof values.team === 'string' ? values.team : null,
          owner: typeof values.owner === 'string' ? values.owner : null,
          expiresAt: expiry(values.expires),
          allowedModels: models,
          allowedRoutes: list(values.routes),
          rpm: positiveInteger(values.rpm, 'rpm'),
          tpm: positiveInteger(values.tpm, 'tpm'),
          maxConcurrent: positiveInteger(values.concurrent, 'concurrent'),
        };
        const { key, secret } = sync ? await sync.createKey(input) : store.create(input);
        if (values.json) console.log(JSON.stringify({ ...describeKey(key), key: secret }));
        else console.log(`created ${key.id} (${key.name}${key.team ? `, team ${key.team}` : ''})\n\n  ${secret}\n\nStore this key now: it is not shown again.`);
        return 0;
      }
      case 'list': {
        const keys = store.list(typeof values.team === 'string' ? { team: values.team } : {});
        if (values.json) for (const key of keys) console.log(JSON.stringify(describeKey(key)));
        else if (keys.length === 0) console.log(typeof values.team === 'string' ? `(no keys in team ${values.team})` : '(no keys yet: switchyard keys create --name NAME)');
        else {
          const rows = keys.map((key) => {
            const shown = describeKey(key);
            return [key.id, key.name, key.team ?? '-', String(shown.prefix), String(shown.state), key.expiresAt === null ? '-' : new Date(key.expiresAt).toISOString().slice(0, 16).replace('T', ' '), limitsOf(key)];
          });
          console.log(textTable(['id', 'name', 'team', 'prefix', 'state', 'expires (UTC)', 'limits'], rows, 7));
        }
        return 0;
      }
      case 'revoke':
      case 'disable':
      case 'enable': {
        if (!id) throw new UsageError(`keys ${subcommand} needs a key id (see keys list)`);
        if (!store.get(id)) {
          console.error(`switchyard keys: no key with id "${id}"`);
          return 1;
        }
        const key = sync ? await sync.changeKey(id, subcommand) : subcommand === 'revoke' ? store.revoke(id) : store.setDisabled(id, subcommand === 'disable');
        console.log(`${id}: ${key ? String(describeKey(key).state) : 'gone'}`);
        return 0;
      }
      default:
        throw new UsageError(subcommand ? `unknown subcommand "${subcommand}" (known: create, list, revoke, disable, enable)` : 'usage: switchyard keys create|list|revoke|disable|enable');
    }
  } catch (error) {
    throw cliErrorOf(error);
  } finally {
    store.close();
    await sync?.close();
  }
}

export async function runBudgets(values: Values, positionals: string[]): Promise<number> {
  const [subcommand, id] = positionals;
  const gateway = config(values);
  const path = gateway.store.sqlitePath;
  const sync = await openGovernanceStore(gateway);
  const log = new SqliteRequestLog({ path, flushIntervalMs: 1000, inline: true });
  const ledger = new BudgetLedger(path, (query) => log.spend(query));
  try {
    switch (subcommand) {
      case 'create': {
        const scope = (typeof values.scope === 'string' ? values.scope : 'global') as BudgetScope;
        if (!['key', 'team', 'global'].includes(scope)) throw new UsageError('--scope must be key, team or global');
        const scopeId = typeof values.id === 'string' ? values.id : null;
        if ((scope === 'global') !== (scopeId === null)) throw new UsageError('--id names the key or team (and is not given for --scope global)');
        const period = (typeof values.period === 'string' ? values.period : 'month') as BudgetPeriod;
        if (!['day', 'month', 'total'].includes(period)) throw new UsageError('--period must be day, month or total');
        const usd = typeof values.usd === 'string' ? Number(values.usd) : null;
        if (usd !== null && !(usd > 0)) throw new UsageError('--usd must be a positive number');
        const tokens = positiveInteger(values.tokens, 'tokens');
        if (usd === null && tokens === null) throw new UsageError('give --usd, --tokens or both');
        const input = { scope, scopeId, period, limitUsd: usd, limitTokens: tokens, enforcement: values.soft ? ('soft' as const) : ('hard' as const), alertAt: [0.5, 0.8, 1] };
        const budget = sync ? await sync.createBudget(input) : ledger.create(input);
        console.log(values.json ? JSON.stringify(budget) : `created ${budget.id}`);
        return 0;
      }
      case 'list': {
        const budgets = ledger.list().map((budget) => ({ budget, spent: ledger.entry(budget) }));
        if (values.json) {
          for (const { budget, spent } of budgets) console.log(JSON.stringify({ ...budget, spent_usd: spent.usd, spent_tokens: spent.tokens }));
          return 0;
        }
        if (budgets.length === 0) {
          console.log('(no budgets yet: switchyard budgets create --scope global --period month --usd 100)');
          return 0;
        }
        const rows = budgets.map(({ budget, spent }) => [
          budget.id,
          budget.scope,
          budget.scopeId ?? '-',
          budget.period,
          budget.enforcement,
          budget.limitUsd === null ? '-' : `$${formatUsd(budget.limitUsd)}`,
          budget.limitUsd === null ? '-' : `$${formatUsd(spent.usd)}`,
          budget.limitTokens === null ? '-' : String(budget.limitTokens),
          budget.limitTokens === null ? '-' : String(spent.tokens),
          usedShare(budget.limitUsd, spent.usd, budget.limitTokens, spent.tokens),
        ]);
        console.log(textTable(['id', 'scope', 'for', 'period', 'kind', 'limit $', 'spent $', 'limit tokens', 'spent tokens', 'used'], rows, 5));
        return 0;
      }
      case 'delete': {
        if (!id) throw new UsageError('budgets delete needs a budget id');
        if (!(sync ? await sync.removeBudget(id) : ledger.remove(id))) {
          console.error(`switchyard budgets: no budget with id "${id}"`);
          return 1;
        }
        console.log(`deleted ${id}`);
        return 0;
      }
      default:
        throw new UsageError(subcommand ? `unknown subcommand "${subcommand}" (known: create, list, delete)` : 'usage: switchyard budgets create|list|delete');
    }
  } catch (error) {
    throw cliErrorOf(error);
  } finally {
    ledger.close();
    log.close();
    await sync?.close();
  }
}
