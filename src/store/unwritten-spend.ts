/**
 * The spend of rows the database does not have yet (journaled and waiting for the writer,
 * or held in memory while the journal cannot be written), so a budget that reads its
 * spend from the log counts every request exactly once: the database's sums up to each
 * journal's position (read in one snapshot) plus the rows past it, summed here. About
 * 50 bytes a row; rows leave as the writer reports them written.
 */
import type { RequestRecord } from './types.js';

export interface SpendQuery {
  /** Only rows created at or after this time (ms since the epoch). */
  since: number;
  /** A key's spend, a team's, or (neither) everyone's. */
  keyId?: string;
  team?: string;
}

export interface Spend {
  usd: number;
  tokens: number;
}

/** One journal's unwritten rows, in sequence order, as parallel arrays from `head` on. */
class JournalRows {
  head = 0;
  readonly seqs: number[] = [];
  readonly createdAt: number[] = [];
  readonly usd: number[] = [];
  readonly tokens: number[] = [];
  readonly callers: number[] = [];

  get size(): number {
    return this.seqs.length - this.head;
  }

  dropThrough(seq: number): void {
    while (this.head < this.seqs.length && (this.seqs[this.head] as number) <= seq) this.head++;
    if (this.head > 1024 && this.head * 2 > this.seqs.length) {
      for (const column of [this.seqs, this.createdAt, this.usd, this.tokens, this.callers]) column.splice(0, this.head);
      this.head = 0;
    }
  }
}

export class UnwrittenSpend {
  private readonly journals = new Map<string, JournalRows>();
  /** Callers (key id and team) by index, so a row stores one number for them. */
  private readonly callerIndex = new Map<string, number>();
  private readonly callerKeys: (string | null)[] = [];
  private readonly callerTeams: (string | null)[] = [];

  /** Bytes this summary takes, roughly (for the log's memory bound). */
  static readonly BYTES_PER_ROW = 48;

  add(journal: string, seq: number, request: Pick<RequestRecord, 'createdAt' | 'keyId' | 'team' | 'costUsd' | 'inputTokens' | 'outputTokens'>): void {
    let rows = this.journals.get(journal);
    if (!rows) {
      rows = new JournalRows();
      this.journals.set(journal, rows);
    }
    rows.seqs.push(seq);
    rows.createdAt.push(request.createdAt);
    rows.usd.push(request.costUsd);
    rows.tokens.push(request.inputTokens + request.outputTokens);
    rows.callers.push(this.caller(request.keyId, request.team));
  }

  /** The writer has written `journal` through `seq`. */
  written(journal: string, seq: number): void {
    this.journals.get(journal)?.dropThrough(seq);
  }

  /** Rows not yet reported written. */
  get rows(): number {
    let total = 0;
    for (const rows of this.journals.values()) total += rows.size;
    return total;
  }

  /** Spend of the rows past each journal's position in the database. */
  spend(query: SpendQuery, positions: ReadonlyMap<string, number>): Spend {
    const total: Spend = { usd: 0, tokens: 0 };
    for (const [journal, rows] of this.journals) {
      const written = positions.get(journal) ?? 0;
      for (let index = rows.head; index < rows.seqs.length; index++) {
        if ((rows.seqs[index] as number) <= written || (rows.createdAt[index] as number) < query.since) continue;
        if (!this.matches(rows.callers[index] as number, query)) continue;
        total.usd += rows.usd[index] as number;
        total.tokens += rows.tokens[index] as number;
      }
    }
    return total;
  }

  matches(caller: number, query: SpendQuery): boolean {
    if (query.keyId !== undefined && this.callerKeys[caller] !== query.keyId) return false;
    if (query.team !== undefined && this.callerTeams[caller] !== query.team) return false;
    return true;
  }

  caller(keyId: string | null, team: string | null): number {
    const name = `${keyId ?? ''}\u0000${team ?? ''}`;
    let index = this.callerIndex.get(name);
    if (index === undefined) {
      index = this.callerKeys.length;
      this.callerIndex.set(name, index);
      this.callerKeys.push(keyId);
      this.callerTeams.push(team);
    }
    return index;
  }
}
