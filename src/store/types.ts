/** What the request log keeps: one row per client request, one per upstream attempt. */
import type { TokenCounts } from '../core/types.js';
import type { PostgresState } from './postgres-link.js';
import type { Spend, SpendQuery } from './unwritten-spend.js';

export type { PostgresState, Spend, SpendQuery };

/** Tokens by class (TokenCounts): what the call was billed for. */
export interface AttemptRecord extends TokenCounts {
  requestId: string;
  attempt: number;
  model: string;
  provider: string;
  upstreamModel: string;
  startedAt: number;
  status: number;
  errorCode: string | null;
  errorMessage: string | null;
  latencyMs: number;
  ttftMs: number | null;
  costUsd: number;
  /** Where the token counts came from. */
  usageSource: 'upstream' | 'estimated' | 'none';
}

/** Tokens by class (TokenCounts): the sum over the request's attempts. */
export interface RequestRecord extends TokenCounts {
  id: string;
  createdAt: number;
  /** count_tokens rows record the upstream count call (never billed tokens). */
  endpoint: 'chat' | 'embeddings' | 'count_tokens';
  keyId: string | null;
  /** The calling key's team (virtual keys), for spend by team and team budgets. */
  team: string | null;
  route: string | null;
  requestedModel: string;
  model: string | null;
  provider: string | null;
  stream: boolean;
  status: number;
  errorCode: string | null;
  errorMessage: string | null;
  finishReason: string | null;
  latencyMs: number;
  ttftMs: number | null;
  costUsd: number;
  simulated: boolean;
  attempts: number;
  requestBody: string | null;
  responseBody: string | null;
  /** Structured detail kept with the request: the routing decision, hedges, stream seams, guard verdicts. */
  details: RequestDetails | null;
}

/** JSON stored with a request; each part is present only when it happened. */
export interface RequestDetails {
  decision?: Record<string, unknown>;
  hedges?: { afterMs: number; primary: string; backup: string; winner: string }[];
  seams?: { atChar: number; atToken: number; fromAttempt: number; toAttempt: number; fromModel: string; toModel: string; cause: string; method: string }[];
  guards?: GuardVerdict[];
  /** The response cache: hit-exact / hit-semantic (with the similarity and the cost avoided), miss or bypass (with why). */
  cache?: { status: string; reason?: string; similarity?: number; avoided_usd?: number; stored_at?: number; stored?: boolean };
  /** A batch line answered by a provider's own batch API (native forwarding): its batch there and the discount it was priced at. */
  batch?: { native: true; provider_batch_id: string | null; discount: number };
  /** Bodies cut to store.max_logged_body_bytes: their full size in bytes. */
  truncated?: { request_body?: number; response_body?: number };
}

/** One guard verdict: what was found and what was done, with where (never the value). */
export interface GuardVerdict {
  /** injection, pii, secrets, deny (deny rules), allow (the tools allow-list) or json_schema. */
  guard: string;
  type: string;
  rule: string;
  /** The highest score among the spans. */
  score: number;
  phase: 'request' | 'response' | 'stream';
  action: 'block' | 'redact' | 'route-private' | 'flag';
  /**
   * UTF-16 offsets; message_index is the message (request) or the choice (answer); for the tools
   * allow-list, message_index is -1 and start the tool's position. tool_call: the span is in
   * that tool call's arguments (the JSON text) rather than in the message's content; refusal:
   * the span is in the answer's refusal text.
   */
  spans: { start: number; end: number; message_index: number; tool_call?: number; refusal?: boolean }[];
  /** A model-stage verdict (type "model"): how long the model took, or waited before the timeout. */
  latency_ms?: number;
}

export interface RequestLogQuery {
  last?: number;
}

export interface FeedbackEntry {
  requestId: string;
  createdAt: number;
  keyId: string | null;
  /** The model that served the request, and its task category when a route classified it. */
  model: string | null;
  category: string | null;
  /** 0 (bad) .. 1 (good); thumbs up = 1, down = 0. */
  score: number;
  comment: string | null;
}

export interface FeedbackSummary {
  model: string;
  category: string | null;
  count: number;
  scoreSum: number;
}

/** How the log's writing goes, for readiness, metrics and alerts. */
export interface RequestLogHealth {
  /** ok; database_failing: rows wait in the journal; journal_failing: rows wait in memory. */
  writing: 'ok' | 'database_failing' | 'journal_failing';
  /** The last write error while failing. */
  error: string | null;
  /** Rows recorded and not yet in the database. */
  unwrittenRows: number;
  /** Of those, rows held in memory because the journal could not take them. */
  heldRows: number;
  /** Memory used for rows not yet written, against the bound. */
  bufferedBytes: number;
  maxBufferedBytes: number;
  /** Rows dropped because writing failed and the memory bound was reached (reported, never silent). */
  droppedRows: number;
  /** Writing fails and the memory bound is reached: rows recorded now may be dropped. */
  saturated: boolean;
  /** Shipping to PostgreSQL (store.postgres); absent when not configured. */
  postgres?: PostgresState;
}

export interface RequestLog {
  /**
   * Record a request and its attempts. Durable when it returns (journaled), unless the
   * journal cannot be written (then held in memory, see health()); written to the
   * database in the next batch, off the request path.
   */
  record(request: RequestRecord, attempts: AttemptRecord[]): void;
  /** Write everything recorded so far now (synchronous, bounded); false when writing fails at the moment. */
  flush(): boolean;
  /** Spend since a time for a key, a team or everyone, counting rows not written yet. */
  spend(query: SpendQuery): Spend;
  health(): RequestLogHealth;
  /** Whether rows may be dropped now (writing fails and the memory bound is reached). Cheap. */
  saturated(): boolean;
  /** Called whenever health changes (failing, recovered, rows dropped). */
  watch(listener: (health: RequestLogHealth) => void): void;
  recent(query: RequestLogQuery): RequestRecord[];
  attemptsOf(requestId: string): AttemptRecord[];
  /** One request by id (after a flush, so a request answered a moment ago is found). */
  find(requestId: string): RequestRecord | undefined;
  addFeedback(entry: FeedbackEntry): void;
  /** Feedback per model and category, for the router's quality estimates. */
  feedbackSummary(): FeedbackSummary[];
  close(): void;
}
