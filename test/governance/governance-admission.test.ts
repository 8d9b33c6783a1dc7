/**
 * The Governance class without a server: who is let in (virtual keys and their states),
 * which limits and budgets a request is admitted under, in this process and in shared
 * state (an in-memory ledger standing in for Redis or the cluster primary), what a refused
 * request is told, and what settling charges and alerts. The end-to-end files drive the
 * same code through HTTP; these pin the values, headers and rows directly and fast.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText, type ModelConfig } from '../../src/config/load.js';
import { GatewayError } from '../../src/core/errors.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import type { ChatRequest } from '../../src/core/types.js';
import { spendEntryId, type Budget } from '../../src/governance/budgets.js';
import type { VirtualKey } from '../../src/governance/keys.js';
import { Governance, worstCaseTokens, type Permit } from '../../src/governance/governance.js';
import { MemoryLedger } from '../../src/state/memory-ledger.js';
import type { AdmitInput, AdmitOutcome, DependencyHealth, SettleInput, SharedState, StateEvent } from '../../src/state/types.js';
import type { GovernanceSync } from '../../src/store/postgres-governance.js';
import type { RequestRecord } from '../../src/store/types.js';
import type { SpendQuery } from '../../src/store/unwritten-spend.js';

const ADMIN = 'sy-admin-secret-0123456789';

function configText(path: string, extra = ''): string {
  return `
store:
  sqlite: { path: ${JSON.stringify(path)} }
server:
  admin_key: env:ADMIN_KEY
governance:
  alerts: { error_rate: { threshold: 0.5, window_ms: 60000, min_requests: 2 } }
providers:
  sim: { type: simulator }
models:
  cheap: { provider: sim, price: { input: 1, output: 2 } }
  limited: { provider: sim, price: { input: 1, output: 2 }, rate_limits: { rpm: 1 } }
  tokens: { provider: sim, price: { input: 1, output: 2 }, max_output_tokens: 100, rate_limits: { tpm: 1000, max_concurrent: 1 } }
${extra}`;
}

/** SharedState over a MemoryLedger, with the failures a test asks for. */
class LedgerState implements SharedState {
  readonly name: string;
  readonly ledger = new MemoryLedger();
  up = true;
  failAdmit = false;
  failSettle = false;
  answerWithout: string | undefined;
  /** An outcome returned in place of the ledger's. */
  outcome: AdmitOutcome | undefined;
  /** Forget spend entries this many times before admitting (Redis losing its data). */
  forgetTimes = 0;
  readonly admitted: AdmitInput[] = [];
  readonly settled: SettleInput[] = [];
  readonly seeded: { entry: string; usd: number; tokens: number; expiresAt: number | undefined }[] = [];
  readonly published: StateEvent[] = [];
  private readonly listeners: ((event: StateEvent) => void)[] = [];
  private readonly watchers: ((health: DependencyHealth) => void)[] = [];

  constructor(name = 'redis') {
    this.name = name;
  }
  available(): boolean {
    return this.up;
  }
  async admit(input: AdmitInput): Promise<AdmitOutcome> {
    if (this.failAdmit) throw new Error('connection reset');
    this.admitted.push(input);
    if (this.outcome) return this.outcome;
    if (this.forgetTimes > 0 && input.budgets.length > 0) {
      this.forgetTimes--;
      return { kind: 'missing', entries: input.budgets.map((budget) => budget.entry) };
    }
    return this.ledger.admit(input, 'here');
  }
  async seed(entry: string, spend: { usd: number; tokens: number }, expiresAt: number | undefined): Promise<void> {
    this.seeded.push({ entry, ...spend, expiresAt });
    this.ledger.seed(entry, spend, expiresAt);
  }
  async settle(input: SettleInput): Promise<Map<string, { usd: number; tokens: number }>> {
    this.settled.push(input);
    if (this.failSettle) throw new Error('settle lost');
    const answer = new Map(this.ledger.settle(input).map((item) => [item.entry, { usd: item.usd, tokens: item.tokens }]));
    // Redis charges only the entries that still exist (one may have expired or been lost).
    if (this.answerWithout !== undefined) answer.delete(this.answerWithout);
    return answer;
  }
  publish(event: StateEvent): void {
    this.published.push(event);
    for (const listener of this.listeners) listener(event);
  }
  subscribe(listener: (event: StateEvent) => void): void {
    this.listeners.push(listener);
  }
  async claimOnce(): Promise<boolean> {
    return true;
  }
  async releaseClaim(): Promise<void> {}
  health(): DependencyHealth {
    return { name: this.name, state: this.up ? 'ok' : 'unavailable' };
  }
  watch(listener: (health: DependencyHealth) => void): void {
    this.watchers.push(listener);
  }
  tell(health: DependencyHealth): void {
    for (const watcher of this.watchers) watcher(health);
  }
  async close(): Promise<void> {}
}

interface Setup {
  governance: Governance;
  path: string;
  log: { spent: { usd: number; tokens: number }; queries: SpendQuery[]; saturated: boolean; flushes: number };
  model: (name: string) => ModelConfig;
}

const open: Governance[] = [];
afterEach(() => {
  for (const governance of open.splice(0)) governance.close();
});

function setUp(options: { shared?: LedgerState; onUnavailable?: 'fail_closed' | 'local'; extra?: string; text?: (path: string) => string; store?: GovernanceSync; logger?: Logger } = {}): Setup {
  const path = join(mkdtempSync(join(tmpdir(), 'switchyard-governance-')), 'log.db');
  const config = parseConfigText(options.text ? options.text(path) : configText(path, options.extra), { ADMIN_KEY: ADMIN }, 'test');
  const log = { spent: { usd: 0, tokens: 0 }, queries: [] as SpendQuery[], saturated: false, flushes: 0 };
  const governance = new Governance(
    config,
    {
      spend: (query) => {
        log.queries.push(query);
        return log.spent;
      },
      flush: () => {
        log.flushes++;
        return true;
      },
      saturated: () => log.saturated,
    },
    options.logger ?? silentLogger(),
    options.shared ? { shared: options.shared, onUnavailable: options.onUnavailable ?? 'fail_closed' } : undefined,
    options.store,
  );
  open.push(governance);
  return { governance, path, log, model: (name) => config.models.get(name) as ModelConfig };
}

const hello: ChatRequest = { model: 'cheap', messages: [{ role: 'user', content: 'hi' }], maxTokens: 10 } as ChatRequest;

function headersOf(): { set: (name: string, value: string) => void; values: Record<string, string> } {
  const values: Record<string, string> = {};
  return { values, set: (name, value) => void (values[name] = value) };
}

async function refusal(action: () => unknown): Promise<GatewayError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

function record(fields: Partial<RequestRecord>): RequestRecord {
  return { inputTokens: 0, outputTokens: 0, costUsd: 0, status: 200, ...fields } as RequestRecord;
}

function budget(governance: Governance, fields: Partial<Omit<Budget, 'id' | 'createdAt'>>): Budget {
  return governance.budgets.create({ scope: 'global', scopeId: null, period: 'day', limitUsd: null, limitTokens: null, enforcement: 'hard', alertAt: [], ...fields });
}

function alertsFired(path: string): string[] {
  const database = new Database(path, { readonly: true });
  const rows = database.prepare('SELECT alert FROM alerts_fired ORDER BY alert').all() as { alert: string }[];
  database.close();
  return rows.map((row) => row.alert);
}

describe('worstCaseTokens', () => {
  const model = { maxOutputTokens: undefined } as ModelConfig;
  it('counts a third of a token per character, four per message and three more; max_tokens is the output', () => {
    expect(worstCaseTokens({ messages: [{ role: 'user', content: 'abcdefg' }], maxTokens: 5 } as ChatRequest, model)).toEqual({ input: 3 + 4 + 3, output: 5 });
    expect(worstCaseTokens({ messages: [{ role: 'system', content: '' }, { role: 'user', content: 'abc' }] } as ChatRequest, model)).toEqual({ input: 1 + 8 + 3, output: 4096 });
  });

  it('text parts count their characters, every other part 340; tool calls their name and arguments', () => {
    const request = {
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'abcdef' }, { type: 'image', url: 'x' }] },
        { role: 'assistant', content: null, toolCalls: [{ id: 'c', name: 'get', arguments: '{"q":1}' }] },
      ],
      maxTokens: 1,
    } as unknown as ChatRequest;
    // 6 + 340 + 3 + 7 = 356 characters → 119 tokens, + 8 + 3.
    expect(worstCaseTokens(request, model)).toEqual({ input: 119 + 8 + 3, output: 1 });
  });

  it('without max_tokens: the model maximum output, at most 4096', () => {
    const request = { messages: [{ role: 'user', content: 'x' }] } as ChatRequest;
    expect(worstCaseTokens(request, { maxOutputTokens: 100 } as ModelConfig).output).toBe(100);
    expect(worstCaseTokens(request, { maxOutputTokens: 100_000 } as ModelConfig).output).toBe(4096);
  });
});

describe('virtual keys', () => {
  it('keys are required once an admin key is configured', () => {
    const { governance } = setUp();
    expect(governance.keysRequired).toBe(true);
  });

  it('accepts an active key, refuses anything else with a 401 that never echoes the secret', () => {
    const { governance } = setUp();
    const active = governance.keys.create({ name: 'a' });
    expect(governance.authenticateVirtualKey(active.secret).id).toBe(active.key.id);
    for (const secret of ['sk-other-1234', 'sk-sy-unknownunknownunknown']) {
      expect(() => governance.authenticateVirtualKey(secret)).toThrow(expect.objectContaining({ code: 'invalid_api_key', message: 'Incorrect API key provided.' }));
    }
    const disabled = governance.keys.create({ name: 'd' });
    governance.keys.setDisabled(disabled.key.id, true);
    expect(() => governance.authenticateVirtualKey(disabled.secret)).toThrow(`This API key (${disabled.key.prefix}…) is disabled.`);
    const revoked = governance.keys.create({ name: 'r' });
    governance.keys.revoke(revoked.key.id);
    expect(() => governance.authenticateVirtualKey(revoked.secret)).toThrow(`This API key (${revoked.key.prefix}…) is revoked.`);
    const expired = governance.keys.create({ name: 'e', expiresAt: Date.now() - 1 });
    const error = (() => {
      try {
        governance.authenticateVirtualKey(expired.secret);
      } catch (caught) {
        return caught as GatewayError;
      }
      return undefined;
    })();
    expect(error?.message).toBe(`This API key (${expired.key.prefix}…) is expired.`);
    expect(error?.status).toBe(401);
    expect(error?.message).not.toContain(expired.secret.slice(10));
  });
});

describe('admission in this process', () => {
  it('nothing to limit and no budget: no permit, no headers', () => {
    const { governance, model } = setUp();
    const { key } = governance.keys.create({ name: 'plain', team: 'free' });
    const headers = headersOf();
    expect(governance.admit(hello, model('cheap'), { keyId: key.id, team: 'free' }, key, headers.set)).toBeUndefined();
    expect(headers.values).toEqual({});
  });

  it('a key rpm admits N and refuses N+1 with a 429 naming the key, Retry-After and the request headers', async () => {
    const { governance, model } = setUp();
    const { key } = governance.keys.create({ name: 'k', rpm: 2 });
    const caller = { keyId: key.id, team: null };
    for (let index = 0; index < 2; index++) {
      const headers = headersOf();
      expect(governance.admit(hello, model('cheap'), caller, key, headers.set)).toBeDefined();
      expect(headers.values['x-ratelimit-remaining-requests']).toBe(String(1 - index));
    }
    const headers = headersOf();
    const error = await refusal(() => governance.admit(hello, model('cheap'), caller, key, headers.set));
    expect(error.code).toBe('rate_limited');
    expect(error.message).toContain(`Rate limit reached for key:${key.id}: 2 requests per minute`);
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(headers.values['x-ratelimit-remaining-requests']).toBe('0');
    expect(headers.values['x-ratelimit-limit-requests']).toBe('2');
  });

  it('a team limit applies to every key of the team; another team is not counted', async () => {
    const { governance, model } = setUp();
    governance.keys.saveTeam('search', { rpm: 1 });
    const first = governance.keys.create({ name: 'a', team: 'search' }).key;
    const second = governance.keys.create({ name: 'b', team: 'search' }).key;
    const other = governance.keys.create({ name: 'c', team: 'ads' }).key;
    expect(governance.admit(hello, model('cheap'), { keyId: first.id, team: 'search' }, first, () => {})).toBeDefined();
    const error = await refusal(() => governance.admit(hello, model('cheap'), { keyId: second.id, team: 'search' }, second, () => {}));
    expect(error.message).toContain('team:search');
    expect(governance.admit(hello, model('cheap'), { keyId: other.id, team: 'ads' }, other, () => {}), 'a team with no limits: nothing to do').toBeUndefined();
  });

  it('team tpm and max_concurrent count as limits too', async () => {
    const { governance, model } = setUp();
    governance.keys.saveTeam('t1', { tpm: 10 });
    governance.keys.saveTeam('t2', { maxConcurrent: 1 });
    const k1 = governance.keys.create({ name: 'a', team: 't1' }).key;
    const k2 = governance.keys.create({ name: 'b', team: 't2' }).key;
    const tokens = await refusal(() => governance.admit(hello, model('cheap'), { keyId: k1.id, team: 't1' }, k1, () => {}));
    expect(tokens.message).toContain('team:t1: 10 tokens per minute');
    expect(governance.admit(hello, model('cheap'), { keyId: k2.id, team: 't2' }, k2, () => {})).toBeDefined();
    const concurrent = await refusal(() => governance.admit(hello, model('cheap'), { keyId: k2.id, team: 't2' }, k2, () => {}));
    expect(concurrent.message).toContain('team:t2');
  });

  it('key tpm and max_concurrent alone make a key limited', async () => {
    const { governance, model } = setUp();
    const byTokens = governance.keys.create({ name: 'a', tpm: 5 }).key;
    expect((await refusal(() => governance.admit(hello, model('cheap'), { keyId: byTokens.id, team: null }, byTokens, () => {}))).message).toContain('5 tokens per minute');
    const byConcurrency = governance.keys.create({ name: 'b', maxConcurrent: 1 }).key;
    const permit = governance.admit(hello, model('cheap'), { keyId: byConcurrency.id, team: null }, byConcurrency, () => {}) as Permit;
    expect(permit).toBeDefined();
    expect((await refusal(() => governance.admit(hello, model('cheap'), { keyId: byConcurrency.id, team: null }, byConcurrency, () => {}))).message).toContain(`key:${byConcurrency.id}`);
    governance.settle(permit, record({ inputTokens: 1, outputTokens: 1 }));
    expect(governance.admit(hello, model('cheap'), { keyId: byConcurrency.id, team: null }, byConcurrency, () => {}), 'settling frees the slot').toBeDefined();
  });

  it('a model rate limit applies to callers without a key', async () => {
    const { governance, model } = setUp();
    const caller = { keyId: null, team: null };
    expect(governance.admit(hello, model('limited'), caller, undefined, () => {})).toBeDefined();
    expect((await refusal(() => governance.admit(hello, model('limited'), caller, undefined, () => {}))).message).toContain('model:limited: 1 requests per minute');
  });

  it('a request with an image reserves the worst case of an image: a budget just above the text cost refuses it', async () => {
    const { governance, model } = setUp();
    // Text: 8 input + 10 output tokens → $0.000028 at $1/$2 per 1M.
    budget(governance, { limitUsd: 0.000028 });
    const caller = { keyId: null, team: null };
    const permit = governance.admit(hello, model('cheap'), caller, undefined, () => {}) as Permit;
    expect(permit).toBeDefined();
    governance.settle(permit, record({}));
    const withImage = { ...hello, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image', url: 'data:' }] }] } as ChatRequest;
    const error = await refusal(() => governance.admit(withImage, model('cheap'), caller, undefined, () => {}));
    expect(error.code).toBe('budget_exceeded');
  });

  it('a hard budget refuses what would pass its limit and frees the rate-limit slot it took', async () => {
    const { governance, model } = setUp();
    const { key } = governance.keys.create({ name: 'k', maxConcurrent: 1 });
    budget(governance, { scope: 'key', scopeId: key.id, limitUsd: 0.00001 });
    const caller = { keyId: key.id, team: null };
    const error = await refusal(() => governance.admit(hello, model('cheap'), caller, key, () => {}));
    expect(error.code).toBe('budget_exceeded');
    expect(error.status).toBe(429);
    expect(error.message).toMatch(/^Budget exceeded: the hard per-day budget .*\$0\.00001/);
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    governance.budgets.remove(governance.budgets.list()[0]!.id);
    expect(governance.admit(hello, model('cheap'), caller, key, () => {}), 'the refused request held no slot').toBeDefined();
  });

  it('a total budget refusal has no Retry-After', async () => {
    const { governance, model } = setUp();
    budget(governance, { period: 'total', limitTokens: 5 });
    const error = await refusal(() => governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {}));
    expect(error.code).toBe('budget_exceeded');
    expect(error.retryAfterSeconds).toBeUndefined();
  });

  it('with a budget and the request log full, a request is refused (503) and leaves nothing reserved or held', async () => {
    const { governance, model, log } = setUp();
    const { key } = governance.keys.create({ name: 'k', maxConcurrent: 1 });
    const limit = budget(governance, { scope: 'key', scopeId: key.id, limitUsd: 1 });
    log.saturated = true;
    const caller = { keyId: key.id, team: null };
    const error = await refusal(() => governance.admit(hello, model('cheap'), caller, key, () => {}));
    expect(error.code).toBe('request_log_unavailable');
    expect(error.retryAfterSeconds).toBe(5);
    expect(governance.spentOf(limit)).toMatchObject({ usd: 0, tokens: 0, reservedUsd: 0, reservedTokens: 0 });
    log.saturated = false;
    expect(governance.admit(hello, model('cheap'), caller, key, () => {})).toBeDefined();
  });

  it('a full log does not refuse a request no budget applies to', () => {
    const { governance, model, log } = setUp();
    const { key } = governance.keys.create({ name: 'k', rpm: 5 });
    const other = governance.keys.create({ name: 'o' }).key;
    budget(governance, { scope: 'key', scopeId: other.id, limitUsd: 1 });
    log.saturated = true;
    expect(governance.admit(hello, model('cheap'), { keyId: key.id, team: null }, key, () => {})).toBeDefined();
  });

  it('settling charges the real cost to the budget, releases the reservation, and fires each threshold reached once', () => {
    const { governance, model, path } = setUp();
    const limit = budget(governance, { limitUsd: 1, alertAt: [0.5, 1] });
    const caller = { keyId: null, team: null };
    const permit = governance.admit(hello, model('cheap'), caller, undefined, () => {}) as Permit;
    expect(governance.spentOf(limit).reservedUsd).toBeCloseTo(0.000028, 12);
    governance.settle(permit, record({ costUsd: 0.5, inputTokens: 3, outputTokens: 4 }));
    expect(governance.spentOf(limit)).toMatchObject({ usd: 0.5, tokens: 7, reservedUsd: 0, reservedTokens: 0 });
    expect(alertsFired(path)).toEqual([`${limit.id}:0.5`]);
    const again = governance.admit(hello, model('cheap'), caller, undefined, () => {}) as Permit;
    governance.settle(again, record({ costUsd: 0.5 }));
    expect(alertsFired(path)).toEqual([`${limit.id}:0.5`, `${limit.id}:1`]);
  });

  it('a token budget threshold is judged on tokens', () => {
    const { governance, model, path } = setUp();
    const limit = budget(governance, { limitTokens: 100, alertAt: [0.5], enforcement: 'soft' });
    const permit = governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {}) as Permit;
    governance.settle(permit, record({ inputTokens: 30, outputTokens: 19 }));
    expect(alertsFired(path)).toEqual([]);
    const next = governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {}) as Permit;
    governance.settle(next, record({ inputTokens: 1 }));
    expect(alertsFired(path)).toEqual([`${limit.id}:0.5`]);
  });

  it('the error-rate watch sees every request, with or without a permit', () => {
    const { governance, path } = setUp();
    governance.settle(undefined, record({ status: 500 }));
    expect(alertsFired(path)).toEqual([]);
    governance.settle(undefined, record({ status: 502 }));
    expect(alertsFired(path)).toEqual(['error_rate:0.5']);
  });

  it('spentOf without shared state is the ledger entry of this process', () => {
    const { governance, model } = setUp();
    const limit = budget(governance, { limitUsd: 5 });
    const permit = governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {}) as Permit;
    governance.settle(permit, record({ costUsd: 0.25, inputTokens: 2, outputTokens: 3 }));
    expect(governance.spentOf(limit)).toEqual({ usd: 0.25, tokens: 5, reservedUsd: 0, reservedTokens: 0 });
  });
});

describe('admission in shared state', () => {
  it('limits are checked in shared state, with only the limits each scope has; refusals name the scope and set headers', async () => {
    const shared = new LedgerState();
    const { governance, model } = setUp({ shared });
    const { key } = governance.keys.create({ name: 'k', rpm: 1 });
    const caller = { keyId: key.id, team: null };
    const headers = headersOf();
    const permit = (await governance.admit(hello, model('tokens'), caller, key, headers.set)) as Permit;
    expect(permit.shared?.scopes).toEqual([
      { id: `key:${key.id}`, rpm: 1 },
      { id: 'model:tokens', tpm: 1000, maxConcurrent: 1 },
    ]);
    expect(shared.admitted[0]).toMatchObject({ tokens: 18, budgets: [] });
    expect(shared.admitted[0]?.usd).toBeCloseTo(0.000028, 12);
    expect(headers.values).toMatchObject({ 'x-ratelimit-limit-requests': '1', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '982' });
    const denied = headersOf();
    const error = await refusal(() => governance.admit(hello, model('cheap'), caller, key, denied.set));
    expect(error.code).toBe('rate_limited');
    expect(error.message).toContain(`Rate limit reached for key:${key.id}: 1 requests per minute`);
    expect(denied.values['x-ratelimit-remaining-requests']).toBe('0');
  });

  it('settling in shared state frees the slot and charges every budget of the caller', async () => {
    const shared = new LedgerState();
    const { governance, model } = setUp({ shared });
    budget(governance, { limitUsd: 10 });
    const caller = { keyId: null, team: null };
    const permit = (await governance.admit(hello, model('tokens'), caller, undefined, () => {})) as Permit;
    expect(permit.shared?.reserved).toHaveLength(1);
    expect((await refusal(() => governance.admit(hello, model('tokens'), caller, undefined, () => {}))).message).toContain('model:tokens');
    governance.settle(permit, record({ costUsd: 0.5, inputTokens: 4, outputTokens: 6 }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(shared.settled).toEqual([{ ticket: permit.shared?.ticket, tokens: 10, usd: 0.5, scopes: permit.shared?.scopes, reserved: permit.shared?.reserved, charge: permit.shared?.reserved }]);
    expect(await governance.admit(hello, model('tokens'), caller, undefined, () => {})).toBeDefined();
  });

  it('a hard budget is checked in shared state and refused there with the budget message', async () => {
    const shared = new LedgerState();
    const { governance, model } = setUp({ shared });
    budget(governance, { limitUsd: 0.00001 });
    const error = await refusal(() => governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {}));
    expect(error.code).toBe('budget_exceeded');
    expect(error.message).toMatch(/^Budget exceeded: the hard per-day budget .*\$0\.00001/);
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('soft budgets alone need no shared admission', async () => {
    const shared = new LedgerState();
    const { governance, model } = setUp({ shared });
    budget(governance, { limitUsd: 1, enforcement: 'soft' });
    const permit = (await governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {})) as Permit;
    expect(shared.admitted).toEqual([]);
    expect(permit.shared).toBeUndefined();
  });

  it('a spend entry shared state does not know is seeded from the request log, then admitted', async () => {
    const shared = new LedgerState();
    shared.forgetTimes = 1;
    const { governance, model, log } = setUp({ shared });
    log.spent = { usd: 0.75, tokens: 30 };
    const limit = budget(governance, { limitUsd: 1, period: 'total' });
    const permit = (await governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {})) as Permit;
    expect(permit.shared).toBeDefined();
    expect(shared.seeded).toEqual([{ entry: permit.shared?.reserved[0], usd: 0.75, tokens: 30, expiresAt: undefined }]);
    expect(log.queries.at(-1)).toMatchObject({ since: 0 });
    expect(limit.period).toBe('total');
  });

  it('a seeded daily entry expires a day after its period ends', async () => {
    const shared = new LedgerState();
    shared.forgetTimes = 1;
    const { governance, model } = setUp({ shared });
    budget(governance, { limitUsd: 1, period: 'day' });
    await governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {});
    const now = Date.now();
    const dayEnd = Math.floor(now / 86_400_000) * 86_400_000 + 86_400_000;
    expect(shared.seeded[0]?.expiresAt).toBe(dayEnd + 86_400_000);
  });

  it('shared state losing the entry again and again: a 503 asking to retry, after three seedings', async () => {
    const shared = new LedgerState();
    shared.forgetTimes = 10;
    const { governance, model } = setUp({ shared });
    budget(governance, { limitUsd: 1 });
    const error = await refusal(() => governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {}));
    expect(error.code).toBe('shared_state_unavailable');
    expect(error.message).toBe('Shared state lost its budget spend again while it was being restored; retry.');
    expect(shared.seeded).toHaveLength(3);
    expect(shared.admitted).toHaveLength(4);
  });

  it('shared state unreachable, fail_closed: limited requests are refused with a 503 naming the state', async () => {
    for (const [name, where] of [
      ['redis', 'Redis, state.redis.url'],
      ['primary', 'the primary process'],
    ] as const) {
      const shared = new LedgerState(name);
      shared.up = false;
      const { governance, model } = setUp({ shared });
      const error = await refusal(() => governance.admit(hello, model('limited'), { keyId: null, team: null }, undefined, () => {}));
      expect(error.code).toBe('shared_state_unavailable');
      expect(error.status).toBe(503);
      expect(error.retryAfterSeconds).toBe(2);
      expect(error.message).toBe(`Shared state (${where}) cannot be reached: requests under a rate limit or hard budget are refused until it is back (state.on_unavailable: fail_closed).`);
    }
  });

  it('shared state unreachable, local: this process counts on its own', async () => {
    const shared = new LedgerState();
    shared.up = false;
    const { governance, model } = setUp({ shared, onUnavailable: 'local' });
    const caller = { keyId: null, team: null };
    const permit = (await governance.admit(hello, model('limited'), caller, undefined, () => {})) as Permit;
    expect(permit.shared).toBeUndefined();
    expect((await refusal(() => governance.admit(hello, model('limited'), caller, undefined, () => {}))).message).toContain('model:limited');
    expect(shared.admitted).toEqual([]);
  });

  it('an admission that fails in shared state: refused when fail_closed, counted here when local', async () => {
    const closed = new LedgerState();
    closed.failAdmit = true;
    const first = setUp({ shared: closed });
    expect((await refusal(() => first.governance.admit(hello, first.model('limited'), { keyId: null, team: null }, undefined, () => {}))).code).toBe('shared_state_unavailable');
    const local = new LedgerState();
    local.failAdmit = true;
    const second = setUp({ shared: local, onUnavailable: 'local' });
    const headers = headersOf();
    const permit = (await second.governance.admit(hello, second.model('limited'), { keyId: null, team: null }, undefined, headers.set)) as Permit;
    expect(permit.shared).toBeUndefined();
    expect(headers.values['x-ratelimit-limit-requests']).toBe('1');
    expect((await refusal(() => second.governance.admit(hello, second.model('limited'), { keyId: null, team: null }, undefined, () => {}))).code).toBe('rate_limited');
  });

  it('with a budget and the request log full, the shared reservation is given back and the request refused', async () => {
    const shared = new LedgerState();
    const { governance, model, log } = setUp({ shared });
    budget(governance, { limitUsd: 1 });
    log.saturated = true;
    const error = await refusal(() => governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {}));
    expect(error.code).toBe('request_log_unavailable');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(shared.settled).toHaveLength(1);
    expect(shared.settled[0]).toMatchObject({ usd: 0, tokens: 0 });
    expect(shared.settled[0]?.reserved).toHaveLength(1);
  });

  it('spend reports flush the request log before reading it', () => {
    const { governance, log } = setUp();
    expect(governance.reports.spend('key')).toEqual([]);
    expect(log.flushes).toBe(1);
  });

  it('spentOf with shared state reads the request log', () => {
    const shared = new LedgerState();
    const { governance, log } = setUp({ shared });
    const limit = budget(governance, { limitUsd: 1 });
    log.spent = { usd: 0.4, tokens: 12 };
    expect(governance.spentOf(limit)).toEqual({ usd: 0.4, tokens: 12, reservedUsd: 0, reservedTokens: 0 });
  });

  it('key and budget changes are published, and a change from elsewhere drops the caches here', async () => {
    const shared = new LedgerState();
    const { governance, model, path } = setUp({ shared });
    governance.keysChanged();
    governance.budgetsChanged();
    expect(shared.published).toEqual([{ type: 'keys_changed' }, { type: 'budgets_changed' }]);
    expect(governance.budgets.list()).toEqual([]);
    const other = new Database(path);
    other.prepare("INSERT INTO budgets (id, scope, scope_id, period, limit_usd, limit_tokens, enforcement, alert_at, created_at) VALUES ('budget_x', 'global', NULL, 'day', 0.00001, NULL, 'hard', '[]', 0)").run();
    other.close();
    expect(governance.budgets.list(), 'cached for two seconds').toEqual([]);
    shared.publish({ type: 'budgets_changed' });
    expect(governance.budgets.list().map((entry) => entry.id)).toEqual(['budget_x']);
    expect((await refusal(() => governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {}))).code).toBe('budget_exceeded');
  });

  it('a key revoked elsewhere is refused here as soon as the change is published', () => {
    const shared = new LedgerState();
    const { governance, path } = setUp({ shared });
    const { key, secret } = governance.keys.create({ name: 'k' });
    expect(governance.authenticateVirtualKey(secret).id).toBe(key.id);
    const other = new Database(path);
    other.prepare('UPDATE api_keys SET revoked_at = 1 WHERE id = ?').run(key.id);
    other.close();
    expect(governance.authenticateVirtualKey(secret).id, 'cached').toBe(key.id);
    shared.publish({ type: 'keys_changed' });
    expect(() => governance.authenticateVirtualKey(secret)).toThrow('is revoked');
  });
});

/** GovernanceSync without PostgreSQL: records the changes it is asked for and tells of changes from elsewhere. */
function fakeStore(): { store: GovernanceSync; calls: unknown[][]; change: (what: string[]) => void } {
  const calls: unknown[][] = [];
  let listener: ((changes: ReadonlySet<string>) => void) | undefined;
  const key = { id: 'key_pg', name: 'pg', prefix: 'sk-sy-pg', team: null } as unknown as VirtualKey;
  const store = {
    onChange: (next: (changes: ReadonlySet<string>) => void) => void (listener = next),
    createKey: async (input: unknown) => (calls.push(['createKey', input]), { key, secret: 'sk-sy-from-postgres' }),
    changeKey: async (id: string, change: string) => (calls.push(['changeKey', id, change]), key),
    saveTeam: async (id: string, limits: unknown) => void calls.push(['saveTeam', id, limits]),
    createBudget: async (input: unknown) => (calls.push(['createBudget', input]), { id: 'budget_pg' } as Budget),
    removeBudget: async (id: string) => (calls.push(['removeBudget', id]), true),
  };
  return { store: store as unknown as GovernanceSync, calls, change: (what) => listener?.(new Set(what)) };
}

function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream) as unknown as Logger, lines };
}

async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200 && !condition(); attempt++) await new Promise((resolve) => setTimeout(resolve, 5));
}

function insertBudget(path: string, id: string): void {
  const other = new Database(path);
  other.prepare(`INSERT INTO budgets (id, scope, scope_id, period, limit_usd, limit_tokens, enforcement, alert_at, created_at) VALUES (?, 'global', NULL, 'day', 1, NULL, 'hard', '[]', 0)`).run(id);
  other.close();
}

function revokeBehindTheCache(path: string, id: string): void {
  const other = new Database(path);
  other.prepare('UPDATE api_keys SET revoked_at = 1 WHERE id = ?').run(id);
  other.close();
}

describe('admin changes', () => {
  it('without a store: keys, teams and budgets change in the local copy and every change is published', async () => {
    const shared = new LedgerState();
    const { governance } = setUp({ shared });
    const { key, secret } = await governance.createKey({ name: 'k' });
    expect(governance.authenticateVirtualKey(secret).id).toBe(key.id);
    expect((await governance.changeKey(key.id, 'disable'))?.disabled).toBe(true);
    expect(() => governance.authenticateVirtualKey(secret)).toThrow('is disabled');
    expect((await governance.changeKey(key.id, 'enable'))?.disabled).toBe(false);
    expect(governance.authenticateVirtualKey(secret).id).toBe(key.id);
    await governance.changeKey(key.id, 'revoke');
    expect(() => governance.authenticateVirtualKey(secret)).toThrow('is revoked');
    await governance.saveTeam('t', { rpm: 3 });
    expect(governance.keys.teamLimits('t').rpm).toBe(3);
    const created = await governance.createBudget({ scope: 'global', scopeId: null, period: 'day', limitUsd: 1, limitTokens: null, enforcement: 'hard', alertAt: [] });
    expect(governance.budgets.list().map((entry) => entry.id)).toEqual([created.id]);
    expect(await governance.removeBudget(created.id)).toBe(true);
    expect(governance.budgets.list()).toEqual([]);
    expect(shared.published.map((event) => event.type)).toEqual(['keys_changed', 'keys_changed', 'keys_changed', 'keys_changed', 'keys_changed', 'budgets_changed', 'budgets_changed']);
  });

  it('with a store: changes go to the store, not the local copy', async () => {
    const { store, calls } = fakeStore();
    const { governance } = setUp({ store });
    expect((await governance.createKey({ name: 'k' })).secret).toBe('sk-sy-from-postgres');
    const local = governance.keys.create({ name: 'local' });
    expect((await governance.changeKey(local.key.id, 'revoke'))?.id).toBe('key_pg');
    expect(governance.authenticateVirtualKey(local.secret).id, 'the local copy changes only through the store').toBe(local.key.id);
    await governance.saveTeam('t', { rpm: 3 });
    expect(governance.keys.teamLimits('t').rpm).toBeUndefined();
    expect((await governance.createBudget({ scope: 'global', scopeId: null, period: 'day', limitUsd: 1, limitTokens: null, enforcement: 'hard', alertAt: [] })).id).toBe('budget_pg');
    expect(await governance.removeBudget('budget_pg')).toBe(true);
    expect(governance.budgets.list()).toEqual([]);
    expect(calls.map((call) => call[0])).toEqual(['createKey', 'changeKey', 'saveTeam', 'createBudget', 'removeBudget']);
    expect(calls[1]).toEqual(['changeKey', local.key.id, 'revoke']);
  });

  it("a store's change drops only the cache it names", () => {
    const { store, change } = fakeStore();
    const { governance, path } = setUp({ store });
    const { key, secret } = governance.keys.create({ name: 'k' });
    expect(governance.authenticateVirtualKey(secret).id).toBe(key.id);
    expect(governance.budgets.list()).toEqual([]);
    insertBudget(path, 'budget_x');
    revokeBehindTheCache(path, key.id);
    change(['budgets']);
    expect(governance.budgets.list().map((entry) => entry.id)).toEqual(['budget_x']);
    expect(governance.authenticateVirtualKey(secret).id, 'keys still cached').toBe(key.id);
    insertBudget(path, 'budget_y');
    change(['keys']);
    expect(() => governance.authenticateVirtualKey(secret)).toThrow('is revoked');
    expect(governance.budgets.list().map((entry) => entry.id), 'budgets still cached').toEqual(['budget_x']);
  });

  it("a shared-state change drops only the cache it names", () => {
    const shared = new LedgerState();
    const { governance, path } = setUp({ shared });
    const { key, secret } = governance.keys.create({ name: 'k' });
    expect(governance.authenticateVirtualKey(secret).id).toBe(key.id);
    expect(governance.budgets.list()).toEqual([]);
    insertBudget(path, 'budget_x');
    revokeBehindTheCache(path, key.id);
    shared.publish({ type: 'keys_changed' });
    expect(() => governance.authenticateVirtualKey(secret)).toThrow('is revoked');
    expect(governance.budgets.list(), 'budgets still cached').toEqual([]);
  });

  it('a key change does not drop the budget cache', () => {
    const shared = new LedgerState();
    const { governance, path } = setUp({ shared });
    const { key, secret } = governance.keys.create({ name: 'k' });
    expect(governance.authenticateVirtualKey(secret).id).toBe(key.id);
    revokeBehindTheCache(path, key.id);
    shared.publish({ type: 'budgets_changed' });
    expect(governance.authenticateVirtualKey(secret).id, 'keys still cached').toBe(key.id);
  });

  it('without shared state, publishing changes is a no-op', () => {
    const { governance } = setUp();
    expect(() => governance.keysChanged()).not.toThrow();
    expect(() => governance.budgetsChanged()).not.toThrow();
  });

  it('keys are required with static keys or an admin key, not without', () => {
    const bare = (path: string) => `store:\n  sqlite: { path: ${JSON.stringify(path)} }\nproviders:\n  sim: { type: simulator }\nmodels:\n  cheap: { provider: sim }\n`;
    expect(setUp({ text: bare }).governance.keysRequired).toBe(false);
    const one = (path: string) => bare(path).replace('providers:', 'server:\n  api_keys: [env:ADMIN_KEY]\nproviders:');
    expect(setUp({ text: one }).governance.keysRequired).toBe(true);
  });

  it('without an error-rate alert, settling does not watch errors; close() closes the databases', () => {
    const bare = (path: string) => `store:\n  sqlite: { path: ${JSON.stringify(path)} }\nproviders:\n  sim: { type: simulator }\nmodels:\n  cheap: { provider: sim }\n`;
    const { governance } = setUp({ text: bare });
    expect(() => governance.settle(undefined, record({ status: 500 }))).not.toThrow();
    governance.close();
    expect(() => governance.keys.create({ name: 'after' })).toThrow();
    expect(() => governance.budgets.create({ scope: 'global', scopeId: null, period: 'day', limitUsd: 1, limitTokens: null, enforcement: 'hard', alertAt: [] })).toThrow();
  });
});

describe('admission details', () => {
  it('a key without a team and without limits is not limited; admitEstimate says so too', () => {
    const { governance, model } = setUp();
    const { key } = governance.keys.create({ name: 'plain' });
    expect(governance.admit(hello, model('cheap'), { keyId: key.id, team: null }, key, () => {})).toBeUndefined();
    expect(governance.admitEstimate({ input: 5, output: 0 }, model('cheap'), { keyId: key.id, team: null }, key, () => {})).toBeUndefined();
  });

  it('an image is reserved at the image input price', async () => {
    const { governance, model } = setUp({ extra: '  vision: { provider: sim, price: { input: 1, output: 2, image_input: 1000 } }' });
    const text = { ...hello, model: 'vision', messages: [{ role: 'user', content: [{ type: 'text', text: 'a'.repeat(340) }] }] } as ChatRequest;
    // The image is one part of the second message: any part of any message counts.
    const image = { ...hello, model: 'vision', messages: [{ role: 'system', content: 'x' }, { role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image', url: 'data:' }] }] } as ChatRequest;
    // Text: 340 characters (114 + 4 + 3 input tokens + 10 output) cost $0.000141; the image's 342 characters at $1000 per 1M, over $0.1.
    budget(governance, { limitUsd: 0.01 });
    const caller = { keyId: null, team: null };
    governance.settle(governance.admit(text, model('vision'), caller, undefined, () => {}) as Permit, record({}));
    expect((await refusal(() => governance.admit(image, model('vision'), caller, undefined, () => {}))).code).toBe('budget_exceeded');
  });

  it('a full log refuses a budgeted request with a message that says why', async () => {
    const { governance, model, log } = setUp();
    budget(governance, { limitUsd: 1 });
    log.saturated = true;
    const error = await refusal(() => governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {}));
    expect(error.message).toBe('The request log cannot be written at the moment and its buffer is full; requests under a budget are refused until it recovers.');
  });
});

describe('shared-state admission details', () => {
  it('only scopes with a limit go to shared state; a soft budget beside a hard one still goes, each with its own limits', async () => {
    const shared = new LedgerState();
    const { governance, model } = setUp({ shared });
    const { key } = governance.keys.create({ name: 'plain' });
    budget(governance, { limitUsd: 5, enforcement: 'soft' });
    budget(governance, { scope: 'key', scopeId: key.id, limitTokens: 1000, period: 'total' });
    const permit = (await governance.admit(hello, model('limited'), { keyId: key.id, team: null }, key, () => {})) as Permit;
    expect(permit.shared?.scopes).toEqual([{ id: 'model:limited', rpm: 1 }]);
    const checks = shared.admitted[0]?.budgets ?? [];
    expect(checks.map(({ entry: _entry, ...rest }) => rest).sort((a, b) => Number(a.hard) - Number(b.hard))).toEqual([
      { hard: false, limitUsd: 5 },
      { hard: true, limitTokens: 1000 },
    ]);
    expect(permit.shared?.ticket).toMatch(new RegExp(`^${process.pid}\\.\\d+\\.\\d+$`));
  });

  it('a soft and a hard budget without rate limits: admitted in shared state', async () => {
    const shared = new LedgerState();
    const { governance, model } = setUp({ shared });
    budget(governance, { limitUsd: 5, enforcement: 'soft' });
    budget(governance, { limitUsd: 5, period: 'month' });
    expect(((await governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {})) as Permit).shared).toBeDefined();
    expect(shared.admitted.length).toBeGreaterThan(0);
  });

  it('each missing entry is seeded from its own budget', async () => {
    const shared = new LedgerState();
    shared.forgetTimes = 1;
    const { governance, model, log } = setUp({ shared });
    const { key } = governance.keys.create({ name: 'k' });
    budget(governance, { limitUsd: 5 });
    budget(governance, { scope: 'key', scopeId: key.id, limitUsd: 5, period: 'total' });
    log.queries.length = 0;
    await governance.admit(hello, model('cheap'), { keyId: key.id, team: null }, key, () => {});
    expect(shared.seeded).toHaveLength(2);
    expect(log.queries.map((query) => query.since === 0)).toEqual([false, true]);
  });

  it('a failed shared admission is logged, and counted here with every limit of its scopes when local', async () => {
    const shared = new LedgerState();
    shared.failAdmit = true;
    const { logger, lines } = capturingLogger();
    const { governance, model } = setUp({ shared, onUnavailable: 'local', logger });
    const headers = headersOf();
    await governance.admit(hello, model('tokens'), { keyId: null, team: null }, undefined, headers.set);
    expect(headers.values['x-ratelimit-limit-tokens']).toBe('1000');
    expect((await refusal(() => governance.admit(hello, model('tokens'), { keyId: null, team: null }, undefined, () => {}))).message).toContain('1 concurrent requests');
    expect(lines.find((line) => line.msg === 'shared-state admission failed')?.err).toMatchObject({ message: 'connection reset' });
  });

  it('refusals in shared state carry their Retry-After, and name the scope that refused', async () => {
    const shared = new LedgerState();
    shared.forgetTimes = 10;
    const { governance, model } = setUp({ shared });
    budget(governance, { limitUsd: 1 });
    expect((await refusal(() => governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {}))).retryAfterSeconds).toBe(1);
    const limits = new LedgerState();
    const second = setUp({ shared: limits });
    const { key } = second.governance.keys.create({ name: 'k', rpm: 5 });
    const caller = { keyId: key.id, team: null };
    await second.governance.admit(hello, second.model('tokens'), caller, key, () => {});
    const error = await refusal(() => second.governance.admit(hello, second.model('tokens'), caller, key, () => {}));
    expect(error.message).toContain('model:tokens: 1 concurrent requests');
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('over budget in shared state with room here: a refusal naming the budget, without Retry-After', async () => {
    const shared = new LedgerState();
    const { governance, model } = setUp({ shared });
    budget(governance, { limitUsd: 1 });
    shared.outcome = { kind: 'over_budget', now: Date.now(), index: 0, usd: 0, tokens: 0 };
    const error = await refusal(() => governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {}));
    expect(error.code).toBe('budget_exceeded');
    expect(error.message).toMatch(/^Budget exceeded: the hard per-day budget .* has no room for this request\.$/);
    expect(error.retryAfterSeconds).toBeUndefined();
  });

  it('a full log does not refuse a shared admission no budget applies to; with one, the refusal says why', async () => {
    const shared = new LedgerState();
    const { governance, model, log } = setUp({ shared });
    log.saturated = true;
    expect(((await governance.admit(hello, model('limited'), { keyId: null, team: null }, undefined, () => {})) as Permit).shared).toBeDefined();
    budget(governance, { limitUsd: 1 });
    const error = await refusal(() => governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {}));
    expect(error.message).toBe('The request log cannot be written at the moment and its buffer is full; requests under a budget are refused until it recovers.');
    expect(error.retryAfterSeconds).toBe(5);
  });

  it('settling in shared state fires the thresholds reached, judged against the limit', async () => {
    const shared = new LedgerState();
    const { logger, lines } = capturingLogger();
    const { governance, model, path } = setUp({ shared, logger });
    const limit = budget(governance, { limitUsd: 2, limitTokens: 1000, alertAt: [0.5, 0.9] });
    const permit = (await governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {})) as Permit;
    governance.settle(permit, record({ costUsd: 1.2, inputTokens: 3 }));
    await until(() => alertsFired(path).length > 0);
    expect(alertsFired(path)).toEqual([`${limit.id}:0.5`]);
    const line = lines.find((entry) => entry.alert === `${limit.id}:0.5`);
    expect(line).toMatchObject({ type: 'budget_threshold', budget: limit.id, scope: 'global', scope_id: null, threshold: 0.5, spent_usd: 1.2, spent_tokens: 3, limit_usd: 2, limit_tokens: 1000 });
    expect(line?.msg).toMatch(/^50 % of the hard per-day budget .* reached: \$1\.200000 spent, 3 tokens$/);
    const database = new Database(path, { readonly: true });
    const rows = database.prepare('SELECT * FROM alerts_fired').all();
    database.close();
    expect(rows).toHaveLength(1);
  });

  it('a budget whose entry shared state no longer holds is skipped after settling; the others still alert', async () => {
    const shared = new LedgerState();
    const { logger, lines } = capturingLogger();
    const { governance, model, path } = setUp({ shared, logger });
    const { key } = governance.keys.create({ name: 'k' });
    const lost = budget(governance, { limitUsd: 2, alertAt: [0.5] });
    const kept = budget(governance, { scope: 'key', scopeId: key.id, limitUsd: 2, alertAt: [0.5], period: 'total' });
    const permit = (await governance.admit(hello, model('cheap'), { keyId: key.id, team: null }, key, () => {})) as Permit;
    shared.answerWithout = spendEntryId(lost, Date.now());
    governance.settle(permit, record({ costUsd: 1.2 }));
    await until(() => alertsFired(path).length > 0);
    expect(alertsFired(path)).toEqual([`${kept.id}:0.5`]);
    expect(lines.filter((line) => String(line.msg).startsWith('settling'))).toEqual([]);
  });

  it('a failed shared settlement is logged with its ticket', async () => {
    const shared = new LedgerState();
    shared.failSettle = true;
    const { logger, lines } = capturingLogger();
    const { governance, model } = setUp({ shared, logger });
    const permit = (await governance.admit(hello, model('limited'), { keyId: null, team: null }, undefined, () => {})) as Permit;
    governance.settle(permit, record({}));
    await until(() => lines.length > 0);
    expect(lines[0]).toMatchObject({ ticket: permit.shared?.ticket, msg: 'settling in shared state failed; it is sent again when shared state is back' });
  });

  it('shared state back: counts kept here while it was away are forgotten; still away, they are kept', async () => {
    const shared = new LedgerState();
    shared.up = false;
    const { governance, model } = setUp({ shared, onUnavailable: 'local' });
    const limit = budget(governance, { limitUsd: 1 });
    await governance.admit(hello, model('cheap'), { keyId: null, team: null }, undefined, () => {});
    expect(governance.budgets.entry(limit).reservedUsd).toBeGreaterThan(0);
    shared.tell({ name: 'redis', state: 'unavailable' });
    expect(governance.budgets.entry(limit).reservedUsd).toBeGreaterThan(0);
    expect(governance.spentOf(limit).reservedUsd, 'with shared state, spentOf reads the log').toBe(0);
    shared.tell({ name: 'redis', state: 'ok' });
    expect(governance.budgets.entry(limit).reservedUsd).toBe(0);
  });
});
