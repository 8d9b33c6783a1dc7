/**
 * Shared state in Redis (ioredis). Admission and settlement are Lua scripts (see
 * redis-scripts.ts); events go over pub/sub on one channel; "fire once" is SET NX.
 *
 * Redis being unreachable never crashes the gateway: commands fail at once (no offline
 * queue) or after command_timeout_ms, `available()` turns false, and the client reconnects
 * in the background. Settlements that could not be sent are kept and sent on reconnect,
 * so a reservation is not held longer than the outage.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { ADMIT_SCRIPT, SEED_SCRIPT, SETTLE_SCRIPT } from './redis-scripts.js';

/** Delete a claim, or shorten it to ARGV[2] ms, only if this replica (ARGV[1]) holds it. */
const RELEASE_CLAIM = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('DEL', KEYS[1])`;
import type { AdmitInput, AdmitOutcome, DependencyHealth, EntrySpend, SettleInput, SharedState, StateEvent } from './types.js';

export interface RedisStateOptions {
  url: string;
  keyPrefix: string;
  leaseMs: number;
  commandTimeoutMs: number;
  logger: Logger;
}

/** Settlements waiting for Redis to come back, at most this many (older ones are dropped: their leases free them). */
const MAX_PENDING_SETTLES = 100_000;

interface ScriptClient extends Redis {
  switchyardAdmit(argument: string): Promise<string>;
  switchyardSettle(argument: string): Promise<string>;
  switchyardSeed(argument: string): Promise<number>;
}

export class RedisState implements SharedState {
  readonly name = 'redis';
  /** This process's lease id: its reservations and slots live while `replica:<id>` does. */
  readonly replicaId = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly client: ScriptClient;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly listeners: ((event: StateEvent) => void)[] = [];
  private readonly healthListeners: ((health: DependencyHealth) => void)[] = [];
  private readonly pendingSettles: SettleInput[] = [];
  private readonly heartbeat: NodeJS.Timeout;
  private lastError: string | undefined;
  private wasAvailable = false;
  private lastLoggedAt = 0;
  private closed = false;

  constructor(private readonly options: RedisStateOptions) {
    const common = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: Math.max(5000, options.commandTimeoutMs),
      commandTimeout: options.commandTimeoutMs,
      retryStrategy: (times: number) => Math.min(100 * times, 1000),
      lazyConnect: false,
    };
    this.client = new Redis(options.url, common) as ScriptClient;
    this.client.defineCommand('switchyardAdmit', { numberOfKeys: 0, lua: ADMIT_SCRIPT });
    this.client.defineCommand('switchyardSettle', { numberOfKeys: 0, lua: SETTLE_SCRIPT });
    this.client.defineCommand('switchyardSeed', { numberOfKeys: 0, lua: SEED_SCRIPT });
    // The subscriber may queue its SUBSCRIBE until connected (and re-subscribes on reconnect).
    this.subscriber = new Redis(options.url, { ...common, enableOfflineQueue: true, commandTimeout: undefined });
    this.channel = `${options.keyPrefix}events`;
    for (const connection of [this.client, this.subscriber]) connection.on('error', (error: Error) => this.failed(error));
    this.client.on('ready', () => {
      this.renewLease();
      this.changed();
      this.flushPendingSettles();
    });
    this.client.on('end', () => this.changed());
    this.client.on('close', () => this.changed());
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      let event: StateEvent;
      try {
        event = JSON.parse(message) as StateEvent;
      } catch {
        return;
      }
      for (const listener of this.listeners) listener(event);
    });
    this.subscriber.subscribe(this.channel).catch((error: unknown) => this.failed(error as Error));
    this.heartbeat = setInterval(() => this.renewLease(), Math.max(250, Math.floor(options.leaseMs / 3)));
    this.heartbeat.unref();
  }

  /** Resolves once both connections are up, or after `timeoutMs` (then the gateway starts without them and keeps trying). */
  async connected(timeoutMs: number): Promise<boolean> {
    const up = (connection: Redis): Promise<void> =>
      connection.status === 'ready' ? Promise.resolve() : new Promise((resolve) => connection.once('ready', () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const result = await Promise.race([Promise.all([up(this.client), up(this.subscriber)]).then(() => true), timeout]);
    clearTimeout(timer);
    return result;
  }

  available(): boolean {
    return !this.closed && this.client.status === 'ready';
  }

  async admit(input: AdmitInput): Promise<AdmitOutcome> {
    const argument = JSON.stringify({ p: this.options.keyPrefix, r: this.replicaId, l: this.options.leaseMs, t: input.ticket, n: input.tokens, u: input.usd, s: input.scopes, b: input.budgets });
    const outcome = JSON.parse(await this.client.switchyardAdmit(argument)) as AdmitOutcome;
    // cjson encodes an empty table as {}, not [].
    if (outcome.kind === 'admitted' && !Array.isArray(outcome.stats)) outcome.stats = [];
    return outcome;
  }

  async seed(entry: string, spend: EntrySpend, expiresAt: number | undefined): Promise<void> {
    await this.client.switchyardSeed(JSON.stringify({ p: this.options.keyPrefix, entry, usd: spend.usd, tokens: spend.tokens, ...(expiresAt !== undefined ? { expiresAt } : {}) }));
  }

  async settle(input: SettleInput): Promise<Map<string, EntrySpend>> {
    try {
      return await this.sendSettle(input);
    } catch (error) {
      if (this.pendingSettles.length >= MAX_PENDING_SETTLES) this.pendingSettles.shift();
      this.pendingSettles.push(input);
      throw error;
    }
  }

  private async sendSettle(input: SettleInput): Promise<Map<string, EntrySpend>> {
    const argument = JSON.stringify({ p: this.options.keyPrefix, t: input.ticket, n: input.tokens, u: input.usd, s: input.scopes, reserved: input.reserved, charge: input.charge });
    const charged = JSON.parse(await this.client.switchyardSettle(argument)) as { entry: string; usd: number; tokens: number }[] | Record<string, never>;
    // cjson encodes an empty table as {}.
    return new Map(Array.isArray(charged) ? charged.map((item) => [item.entry, { usd: item.usd, tokens: item.tokens }]) : []);
  }

  private flushPendingSettles(): void {
    const pending = this.pendingSettles.splice(0);
    for (const input of pending) {
      this.sendSettle(input).catch(() => {
        if (this.pendingSettles.length < MAX_PENDING_SETTLES) this.pendingSettles.push(input);
      });
    }
  }

  publish(event: StateEvent): void {
    // The local listeners hear it at once, whatever Redis does; the others through the channel.
    for (const listener of this.listeners) listener(event);
    if (!this.available()) return;
    this.client.publish(this.channel, JSON.stringify({ ...event, from: this.replicaId })).catch((error: unknown) => this.failed(error as Error));
  }

  subscribe(listener: (event: StateEvent) => void): void {
    this.listeners.push((event) => {
      // Our own messages come back over the channel: already heard.
      if ((event as { from?: string }).from === this.replicaId) return;
      listener(event);
    });
  }

  async claimOnce(name: string, ttlMs: number): Promise<boolean> {
    const result = await this.client.set(`${this.options.keyPrefix}once:${name}`, this.replicaId, 'PX', ttlMs, 'NX');
    return result === 'OK';
  }

  async releaseClaim(name: string, keepMs: number): Promise<void> {
    await this.client.eval(RELEASE_CLAIM, 1, `${this.options.keyPrefix}once:${name}`, this.replicaId, String(keepMs));
  }

  health(): DependencyHealth {
    return this.available() ? { name: 'redis', state: 'ok' } : { name: 'redis', state: 'unavailable', ...(this.lastError ? { error: this.lastError } : {}) };
  }

  watch(listener: (health: DependencyHealth) => void): void {
    this.healthListeners.push(listener);
  }

  /** Settlements waiting for Redis (metrics). */
  pendingSettleCount(): number {
    return this.pendingSettles.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    // Our lease goes with us: what this process still held is freed at once.
    if (this.client.status === 'ready') await this.client.del(`${this.options.keyPrefix}replica:${this.replicaId}`).catch(() => undefined);
    this.client.disconnect();
    this.subscriber.disconnect();
  }

  private renewLease(): void {
    if (this.client.status !== 'ready') return;
    this.client.set(`${this.options.keyPrefix}replica:${this.replicaId}`, '1', 'PX', this.options.leaseMs).catch((error: unknown) => this.failed(error as Error));
  }

  private failed(error: Error): void {
    this.lastError = error.message;
    const now = Date.now();
    // One line per outage and then at most one every 10 s, not one per reconnect attempt.
    if (now - this.lastLoggedAt > 10_000 || this.wasAvailable) {
      this.lastLoggedAt = now;
      // The cause in one line (ECONNREFUSED, ENOTFOUND, a timeout): an outage is an operational
      // event, not a bug, so no stack trace; the URL is never logged (it may hold a password).
      this.options.logger.error({ error: error.message }, 'Redis (state.redis) is unavailable; requests under a rate limit or hard budget follow state.on_unavailable');
    }
    this.changed();
  }

  private changed(): void {
    const available = this.available();
    if (available === this.wasAvailable) return;
    this.wasAvailable = available;
    if (available) {
      this.lastError = undefined;
      this.options.logger.info('Redis (state.redis) is available');
    }
    for (const listener of this.healthListeners) listener(this.health());
  }
}
