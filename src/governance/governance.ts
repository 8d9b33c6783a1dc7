/**
 * Cost governance on the request path, in one place: who is calling (virtual keys), may
 * they (rate limits per key, team and model), can they afford it (budgets with reservation
 * before the call), and afterwards what it really cost (reconciliation, alerts).
 * Everything here is synchronous between check and reservation, which is what makes the
 * limits exact under concurrency within a process.
 */
import type { GatewayConfig, ModelConfig } from '../config/load.js';
import { GatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ChatRequest } from '../core/types.js';
import type { RequestLog, RequestRecord } from '../store/types.js';
import { AlertNotifier, ErrorRateWatch } from './alerts.js';
import { BudgetLedger, periodStart, describeBudget, type BudgetDenial, type Caller, type Reservation } from './budgets.js';
import { KeyStore, keyState, KEY_PREFIX, type VirtualKey } from './keys.js';
import { RateLimiter, type Admission, type LimitScope, type RateDenial } from './rate-limits.js';
import { SpendReports } from './spend.js';
import { worstCaseCost } from './pricing.js';

/** What a request holds between admission and settlement. */
export interface Permit {
  caller: Caller;
  reservation: Reservation;
  admission: Admission;
}

const DEFAULT_OUTPUT_RESERVE = 4096;

/** A denial says so (a total budget's has no Retry-After, so its shape alone does not tell). */
function isDenial<T extends object>(value: T | BudgetDenial | RateDenial): value is BudgetDenial | RateDenial {
  return 'denied' in value;
}

/** Worst-case tokens of a request: its prompt (estimated from its size) and the most it may answer. */
export function worstCaseTokens(request: ChatRequest, model: ModelConfig): { input: number; output: number } {
  let characters = 0;
  for (const message of request.messages) {
    if (typeof message.content === 'string') characters += message.content.length;
    else if (message.content) for (const part of message.content) characters += part.type === 'text' ? part.text.length : 340;
    for (const call of message.toolCalls ?? []) characters += call.arguments.length + call.name.length;
  }
  // ~4 characters per token for prose; a third more for safety (code and non-Latin scripts tokenise denser).
  const input = Math.ceil(characters / 3) + 4 * request.messages.length + 3;
  const output = request.maxTokens ?? Math.min(model.maxOutputTokens ?? DEFAULT_OUTPUT_RESERVE, DEFAULT_OUTPUT_RESERVE);
  return { input, output };
}

export class Governance {
  readonly keys: KeyStore;
  readonly budgets: BudgetLedger;
  readonly limiter = new RateLimiter();
  readonly alerts: AlertNotifier;
  readonly reports: SpendReports;
  private readonly errorRate: ErrorRateWatch | undefined;

  constructor(
    private readonly config: GatewayConfig,
    private readonly log: Pick<RequestLog, 'spend' | 'flush' | 'saturated'>,
    logger: Logger,
  ) {
    const path = config.store.sqlitePath;
    this.keys = new KeyStore(path);
    this.budgets = new BudgetLedger(path, (query) => log.spend(query));
    this.alerts = new AlertNotifier(path, logger, config.governance.webhookUrl);
    this.reports = new SpendReports(path, () => log.flush());
    this.errorRate = config.governance.errorRate ? new ErrorRateWatch(config.governance.errorRate, this.alerts) : undefined;
  }

  /** Whether API requests must present a key (static keys configured, or an admin key: governance mode). */
  get keysRequired(): boolean {
    return this.config.server.apiKeys.length > 0 || this.config.server.adminKey !== undefined;
  }

  /** The virtual key for a presented secret, or a 401 saying why it is not accepted (never echoing it). */
  authenticateVirtualKey(secret: string): VirtualKey {
    if (!secret.startsWith(KEY_PREFIX)) throw new GatewayError('invalid_api_key', 'Incorrect API key provided.');
    const key = this.keys.findBySecret(secret);
    if (!key) throw new GatewayError('invalid_api_key', 'Incorrect API key provided.');
    const state = keyState(key, Date.now());
    if (state !== 'active') throw new GatewayError('invalid_api_key', `This API key (${key.prefix}…) is ${state}.`);
    return key;
  }

  /**
   * Admit a routed request: rate limits, then budgets (reserving the worst case). Throws a
   * 429 naming the limit or budget; sets x-ratelimit-* headers via `setHeader`.
   */
  admit(request: ChatRequest, model: ModelConfig, caller: Caller, key: VirtualKey | undefined, setHeader: (name: string, value: string) => void): Permit | undefined {
    if (this.unlimited(model, key)) return undefined;
    const images = request.messages.some((message) => Array.isArray(message.content) && message.content.some((part) => part.type === 'image'));
    return this.admitEstimate(worstCaseTokens(request, model), model, caller, key, setHeader, { images });
  }

  /**
   * No limit and no budget can apply: nothing to reserve, nothing to settle (a budget
   * created later reads this request's spend from the log). The common case costs nothing.
   */
  private unlimited(model: ModelConfig, key: VirtualKey | undefined): boolean {
    return !model.rateLimits && !(key && (key.rpm || key.tpm || key.maxConcurrent || this.teamLimited(key.team))) && this.budgets.list().length === 0;
  }

  private teamLimited(team: string | null): boolean {
    if (!team) return false;
    const limits = this.keys.teamLimits(team);
    return Boolean(limits.rpm || limits.tpm || limits.maxConcurrent);
  }

  /** Admission for a request whose worst-case tokens are already known (embeddings: input only). */
  admitEstimate(
    tokens: { input: number; output: number },
    model: ModelConfig,
    caller: Caller,
    key: VirtualKey | undefined,
    setHeader: (name: string, value: string) => void,
    may: Parameters<typeof worstCaseCost>[2] = {},
  ): Permit | undefined {
    if (this.unlimited(model, key)) return undefined;
    const scopes: LimitScope[] = [];
    if (key) scopes.push({ id: `key:${key.id}`, rpm: key.rpm, tpm: key.tpm, maxConcurrent: key.maxConcurrent });
    if (key?.team) {
      const team = this.keys.teamLimits(key.team);
      scopes.push({ id: `team:${key.team}`, rpm: team.rpm ?? null, tpm: team.tpm ?? null, maxConcurrent: team.maxConcurrent ?? null });
    }
    if (model.rateLimits) scopes.push({ id: `model:${model.name}`, rpm: model.rateLimits.rpm ?? null, tpm: model.rateLimits.tpm ?? null, maxConcurrent: model.rateLimits.maxConcurrent ?? null });
    const admission = this.limiter.admit(scopes, tokens.input + tokens.output);
    if (isDenial(admission)) {
      for (const [name, value] of Object.entries(admission.headers)) setHeader(name, value);
      throw new GatewayError('rate_limited', admission.message, { retryAfterSeconds: admission.retryAfterSeconds });
    }
    for (const [name, value] of Object.entries(admission.headers)) setHeader(name, value);
    const usd = worstCaseCost(model.price, tokens, may);
    const reservation = this.budgets.reserve(caller, usd, tokens.input + tokens.output);
    if (isDenial(reservation)) {
      this.limiter.release(admission, 0);
      throw new GatewayError('budget_exceeded', reservation.message, reservation.retryAfterSeconds !== undefined ? { retryAfterSeconds: reservation.retryAfterSeconds } : {});
    }
    // A budget must see this request's cost after a restart too: not while its row could be dropped.
    if (reservation.entries.length > 0 && this.log.saturated()) {
      this.budgets.settle(reservation, caller, 0, 0);
      this.limiter.release(admission, 0);
      throw new GatewayError('request_log_unavailable', 'The request log cannot be written at the moment and its buffer is full; requests under a budget are refused until it recovers.', { retryAfterSeconds: 5 });
    }
    return { caller, reservation, admission };
  }

  /** The request is over (whatever happened): reconcile its reservation with its real cost and check alerts. */
  settle(permit: Permit | undefined, record: RequestRecord): void {
    const tokens = record.inputTokens + record.outputTokens;
    this.errorRate?.observe(record.status);
    if (!permit) return;
    this.limiter.release(permit.admission, tokens);
    this.budgets.settle(permit.reservation, permit.caller, record.costUsd, tokens);
    this.checkThresholds(permit.caller);
  }

  private checkThresholds(caller: Caller): void {
    const now = Date.now();
    for (const budget of this.budgets.applicable(caller)) {
      const entry = this.budgets.entry(budget);
      const fraction = Math.max(budget.limitUsd ? entry.usd / budget.limitUsd : 0, budget.limitTokens ? entry.tokens / budget.limitTokens : 0);
      for (const threshold of budget.alertAt) {
        if (fraction < threshold) continue;
        this.alerts.fire({
          type: 'budget_threshold',
          alert: `${budget.id}:${threshold}`,
          periodStart: periodStart(budget.period, now),
          message: `${Math.round(threshold * 100)} % of the ${describeBudget(budget)} reached: $${entry.usd.toFixed(6)} spent, ${entry.tokens} tokens`,
          details: { budget: budget.id, scope: budget.scope, scope_id: budget.scopeId, threshold, spent_usd: entry.usd, spent_tokens: entry.tokens, limit_usd: budget.limitUsd, limit_tokens: budget.limitTokens },
        });
      }
    }
  }

  close(): void {
    this.keys.close();
    this.budgets.close();
    this.alerts.close();
    this.reports.close();
  }
}
