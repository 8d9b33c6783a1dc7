/**
 * Executes a run: every case × target (model or route) × repetition not yet stored,
 * through the gateway, a few at a time. Each result is stored as soon as it is scored,
 * so an interrupted run (Ctrl-C, a crash, --limit) resumes where it stopped and never
 * repeats a call it already paid for.
 */
import { simulatorHeaderFor } from './answer-key.js';
import { caseRequestBody } from './case-request.js';
import type { EvalCase } from './dataset.js';
import type { ChatOutcome, GatewayClient } from './gateway-client.js';
import type { Progress } from './progress.js';
import { isRefusal } from './scoring/refusal.js';
import { NO_COST, scoreLocally, type RemoteScorer, type Score, type ScoringCost } from './scoring/score-answer.js';
import { resultKey, type EvalStore, type EvalTarget, type ResultRow, type StoredRun } from './store.js';

export interface ExecuteOptions {
  store: EvalStore;
  client: GatewayClient;
  run: StoredRun;
  /** For the judge and embedding scorers. */
  scorer: RemoteScorer;
  concurrency: number;
  /** Make at most this many calls now (the rest stays for a resume). */
  limit?: number;
  /** Make the calls that failed (errors stored earlier) again; their rows are replaced. */
  retryErrors?: boolean;
  /** Aborting stops new calls; calls under way finish and are stored. */
  signal?: AbortSignal;
  progress?: (total: number) => Progress;
  now?: () => number;
}

export interface ExecuteSummary {
  planned: number;
  alreadyDone: number;
  executed: number;
  remaining: number;
}

interface WorkItem {
  evalCase: EvalCase;
  target: EvalTarget;
  runIndex: number;
}

/** Every (case, target, repetition) of a run, repetition-major so a partial run covers every case early. */
export function planOf(run: StoredRun): WorkItem[] {
  const items: WorkItem[] = [];
  for (let runIndex = 0; runIndex < run.runs; runIndex++) {
    for (const evalCase of run.cases) for (const target of run.targets) items.push({ evalCase, target, runIndex });
  }
  return items;
}

export async function executeRun(options: ExecuteOptions): Promise<ExecuteSummary> {
  const { store, run } = options;
  const now = options.now ?? Date.now;
  const plan = planOf(run);
  const done = store.doneKeys(run.id, { withoutErrors: options.retryErrors === true });
  const pending = plan.filter((item) => !done.has(resultKey(item.evalCase.id, item.target.name, item.runIndex)));
  const batch = options.limit !== undefined ? pending.slice(0, Math.max(0, options.limit)) : pending;
  const progress = options.progress?.(batch.length);
  store.setRunStatus(run.id, 'running', now());

  let next = 0;
  let executed = 0;
  const worker = async (): Promise<void> => {
    while (next < batch.length && !options.signal?.aborted) {
      const item = batch[next++] as WorkItem;
      const row = await evaluateItem(item, options, now);
      // A call that failed because the run was being stopped (the gateway draining, the
      // connection closed) is not stored: the resume makes it again.
      if (options.signal?.aborted && row.scoreStatus === 'error') continue;
      store.saveResult(row);
      executed += 1;
      progress?.tick({ error: row.scoreStatus === 'error' });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, batch.length)) }, worker));
  progress?.done();

  const remaining = pending.length - executed;
  store.setRunStatus(run.id, remaining === 0 ? 'complete' : 'interrupted', now());
  return { planned: plan.length, alreadyDone: plan.length - pending.length, executed, remaining };
}

async function evaluateItem(item: WorkItem, options: ExecuteOptions, now: () => number): Promise<ResultRow> {
  const { evalCase, target, runIndex } = item;
  const outcome = await options.client.chat(caseRequestBody(evalCase, target.name, runIndex), simulatorHeaderFor(evalCase, runIndex));
  let score: Score;
  let cost: ScoringCost = NO_COST;
  if (outcome.error !== null) {
    score = { status: 'scored', correct: false, raw: null, detail: outcome.error };
  } else {
    const local = scoreLocally(evalCase.expected, outcome.answer);
    if (local) score = local;
    else ({ score, cost } = await options.scorer.score(evalCase, outcome.answer, runIndex));
  }
  return toRow(options.run.id, item, outcome, score, cost, now());
}

function toRow(runId: string, item: WorkItem, outcome: ChatOutcome, score: Score, cost: ScoringCost, createdAt: number): ResultRow {
  const failed = outcome.error !== null;
  return {
    runId,
    caseId: item.evalCase.id,
    target: item.target.name,
    runIndex: item.runIndex,
    targetKind: item.target.kind,
    category: item.evalCase.category,
    servedModel: outcome.servedModel,
    status: outcome.status,
    error: outcome.error,
    latencyMs: outcome.latencyMs,
    inputTokens: outcome.inputTokens,
    outputTokens: outcome.outputTokens,
    costUsd: outcome.costUsd,
    answer: outcome.answer,
    finishReason: outcome.finishReason,
    refusal: !failed && isRefusal(outcome.answer, outcome.finishReason),
    scoreStatus: failed ? 'error' : score.status,
    correct: !failed && score.status === 'scored' && score.correct,
    rawScore: score.raw,
    scoreDetail: score.detail,
    scoringCostUsd: cost.costUsd,
    scoringCalls: cost.calls,
    scoringCacheHits: cost.cacheHits,
    createdAt,
  };
}
