/**
 * Shared state for `serve --workers N` without Redis: the cluster primary holds it (a
 * MemoryLedger) and the workers ask over the IPC channel node:cluster gives them. The
 * primary handles one message at a time, so admissions are atomic across workers; a
 * worker that exits has its slots and reservations released at once; events (key changes,
 * circuits) are relayed to every other worker.
 *
 * `servePrimaryState` runs in the primary; `PrimaryState` is a worker's side.
 */
import type { Worker } from 'node:cluster';
import type { MemoryLedger } from './memory-ledger.js';
import type { AdmitInput, AdmitOutcome, DependencyHealth, EntrySpend, SettleInput, SharedState, StateEvent } from './types.js';

type Request =
  | { op: 'admit'; input: AdmitInput }
  | { op: 'seed'; entry: string; spend: EntrySpend; expiresAt: number | undefined }
  | { op: 'settle'; input: SettleInput }
  | { op: 'claim'; name: string; ttlMs: number }
  | { op: 'release'; name: string; keepMs: number };

interface RequestMessage {
  sy: 'state';
  id: number;
  request: Request;
}

interface ReplyMessage {
  sy: 'state-reply';
  id: number;
  result?: unknown;
  error?: string;
}

interface EventMessage {
  sy: 'state-event';
  event: StateEvent;
}

/** How long a worker waits for the primary before the request counts it as unavailable. */
const REPLY_TIMEOUT_MS = 2000;

function isRequest(message: unknown): message is RequestMessage {
  return typeof message === 'object' && message !== null && (message as { sy?: unknown }).sy === 'state';
}

function isEvent(message: unknown): message is EventMessage {
  return typeof message === 'object' && message !== null && (message as { sy?: unknown }).sy === 'state-event';
}

/** In the primary: answer a worker's state requests and relay its events. Call for each worker forked. */
export function servePrimaryState(ledger: MemoryLedger, worker: Worker, others: () => Iterable<Worker>): void {
  const holder = String(worker.id);
  worker.on('message', (message: unknown) => {
    if (isEvent(message)) {
      for (const other of others()) if (other !== worker && other.isConnected()) other.send(message);
      return;
    }
    if (!isRequest(message)) return;
    let reply: ReplyMessage;
    try {
      const { request } = message;
      const result =
        request.op === 'admit'
          ? ledger.admit(request.input, holder)
          : request.op === 'seed'
            ? ledger.seed(request.entry, request.spend, request.expiresAt)
            : request.op === 'settle'
              ? ledger.settle(request.input)
              : request.op === 'release'
                ? ledger.releaseClaim(request.name, request.keepMs)
                : ledger.claimOnce(request.name, request.ttlMs);
      reply = { sy: 'state-reply', id: message.id, result: result ?? null };
    } catch (error) {
      reply = { sy: 'state-reply', id: message.id, error: (error as Error).message };
    }
    if (worker.isConnected()) worker.send(reply);
  });
  worker.on('exit', () => ledger.releaseHolder(holder));
}

/** In a worker: the primary's state over IPC. */
export class PrimaryState implements SharedState {
  readonly name = 'primary';
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  private readonly listeners: ((event: StateEvent) => void)[] = [];

  constructor(private readonly channel: NodeJS.Process = process) {
    channel.on('message', (message: unknown) => {
      if (isEvent(message)) {
        for (const listener of this.listeners) listener(message.event);
        return;
      }
      const reply = message as ReplyMessage;
      if (reply?.sy !== 'state-reply') return;
      const waiting = this.waiting.get(reply.id);
      if (!waiting) return;
      this.waiting.delete(reply.id);
      clearTimeout(waiting.timer);
      if (reply.error !== undefined) waiting.reject(new Error(`the primary process: ${reply.error}`));
      else waiting.resolve(reply.result);
    });
  }

  private ask<T>(request: Request): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (!this.available()) return reject(new Error('the primary process cannot be reached'));
      const id = ++this.nextId;
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error('the primary process did not answer in time'));
      }, REPLY_TIMEOUT_MS);
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.channel.send?.({ sy: 'state', id, request } satisfies RequestMessage);
    });
  }

  available(): boolean {
    return this.channel.connected === true;
  }

  admit(input: AdmitInput): Promise<AdmitOutcome> {
    return this.ask({ op: 'admit', input });
  }

  async seed(entry: string, spend: EntrySpend, expiresAt: number | undefined): Promise<void> {
    await this.ask({ op: 'seed', entry, spend, expiresAt });
  }

  async settle(input: SettleInput): Promise<Map<string, EntrySpend>> {
    const charged = await this.ask<{ entry: string; usd: number; tokens: number }[]>({ op: 'settle', input });
    return new Map(charged.map((item) => [item.entry, { usd: item.usd, tokens: item.tokens }]));
  }

  publish(event: StateEvent): void {
    for (const listener of this.listeners) listener(event);
    if (this.available()) this.channel.send?.({ sy: 'state-event', event } satisfies EventMessage);
  }

  subscribe(listener: (event: StateEvent) => void): void {
    this.listeners.push(listener);
  }

  claimOnce(name: string, ttlMs: number): Promise<boolean> {
    return this.ask({ op: 'claim', name, ttlMs });
  }

  async releaseClaim(name: string, keepMs: number): Promise<void> {
    await this.ask({ op: 'release', name, keepMs });
  }

  health(): DependencyHealth {
    return this.available() ? { name: 'primary', state: 'ok' } : { name: 'primary', state: 'unavailable', error: 'the IPC channel to the primary process is closed' };
  }

  watch(listener: (health: DependencyHealth) => void): void {
    this.channel.on('disconnect', () => listener(this.health()));
  }

  async close(): Promise<void> {
    for (const waiting of this.waiting.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(new Error('closing'));
    }
    this.waiting.clear();
  }
}
