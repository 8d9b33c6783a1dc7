/**
 * Hit quality as a client sees it: the same protocol as evaluate.ts, but every question goes
 * through a running gateway's chat API, so the figure includes everything between the client
 * and the cache (scoping, the configured embedder and threshold, the near-miss check, the
 * backend). For each pair of the cached half the origin is sent with `x-switchyard-cache:
 * refresh` (stored, never answered from the cache); then every paraphrase is sent with
 * `x-switchyard-cache: no-store` (looked up, a miss's answer not stored, so the questions do
 * not feed each other). A request's `x-switchyard-cache` tells a hit, its
 * `x-switchyard-cache-similarity` the score (an exact hit counts as 1), its
 * `x-switchyard-attempts` the upstream calls it made. A hit is the right one when its answer is
 * the answer the origin got when it was stored.
 *
 * All questions carry one system message naming the run, so they share a scope of their own:
 * nothing cached earlier answers them, and they answer nothing else.
 */
import { randomUUID } from 'node:crypto';
import { bestAtOnePercent, DEFAULT_SWEEP, splitPairs, sweepPoint, type Pair, type SweepPoint } from './evaluate.js';

export interface HttpEvaluationOptions {
  /** The gateway's base URL (http://host:port). */
  url: string;
  /** A key of the gateway's (the cache is per key unless the route shares it). */
  apiKey?: string;
  /** The model or route to ask. */
  model: string;
  seed?: number;
  thresholds?: readonly number[];
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Milliseconds to wait after storing the origins (a store completes after its response). */
  settleMs?: number;
  /** Each request's time limit in milliseconds (default 60,000). */
  timeoutMs?: number;
}

export interface HttpEvaluationReport {
  url: string;
  model: string;
  run: string;
  pairs: number;
  duplicateOrigins: number;
  cached: number;
  unrelatedQueries: number;
  /** What the gateway served at its own threshold (every hit; `threshold` 0). */
  served: SweepPoint;
  /** Points below the gateway's own threshold count only what it served (it does not say the similarity of a miss). */
  sweep: SweepPoint[];
  bestAtOnePercent: SweepPoint | undefined;
  /** The lowest similarity of a semantic hit: the gateway's threshold is at most this. */
  lowestHitSimilarity: number | null;
  statuses: Record<string, number>;
  /** Upstream calls (x-switchyard-attempts) made storing the origins, and asking the paraphrases. */
  upstreamCalls: { origins: number; questions: number };
  /** Hits that nonetheless made an upstream call (a model embedder's call is one). */
  hitsWithUpstreamCalls: number;
  /** Origins whose stored answer another origin also got: a hit on one cannot be told from a hit on the other. */
  ambiguousAnswers: number;
  /** Origins the gateway did not store (a bypass, or an answer it does not cache). */
  notStored: number;
}

interface Answer {
  status: string;
  similarity: number | undefined;
  attempts: number;
  text: string;
}

async function ask(options: HttpEvaluationOptions, system: string, question: string, cacheHeader: string): Promise<Answer> {
  const base = options.url.replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-switchyard-cache': cacheHeader };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  let response: Response;
  try {
    response = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: options.model, messages: [{ role: 'system', content: system }, { role: 'user', content: question }] }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
  } catch (error) {
    const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    throw new Error(`cannot reach the gateway at ${base} (${cause})`);
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // Not JSON: the start of the body says enough.
    }
    throw new Error(`POST ${base}/v1/chat/completions (model ${options.model}): ${response.status} ${message}`);
  }
  const status = response.headers.get('x-switchyard-cache');
  if (status === null) throw new Error(`${base}: the answer has no x-switchyard-cache header: is the cache on for model "${options.model}"?`);
  const similarityHeader = response.headers.get('x-switchyard-cache-similarity');
  let content = '';
  try {
    const body = JSON.parse(text) as { choices?: { message?: { content?: unknown; tool_calls?: unknown } }[] };
    const message = body.choices?.[0]?.message;
    content = typeof message?.content === 'string' ? message.content : JSON.stringify(message ?? null);
  } catch {
    throw new Error(`${base}: the answer is not a chat completion (${text.slice(0, 120)})`);
  }
  return {
    status,
    similarity: status === 'hit-exact' ? 1 : similarityHeader !== null ? Number(similarityHeader) : undefined,
    attempts: Number(response.headers.get('x-switchyard-attempts') ?? 0),
    text: content,
  };
}

/** Runs `work` over `items`, `concurrency` at a time, results in order. */
async function pooled<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

export async function evaluateOverHttp(pairs: readonly Pair[], options: HttpEvaluationOptions): Promise<HttpEvaluationReport> {
  const { distinct, cached, unrelated } = splitPairs(pairs, options.seed ?? 1);
  const run = randomUUID();
  const system = `Answer the question. (Cache evaluation run ${run}.)`;
  const concurrency = options.concurrency ?? 4;
  const statuses: Record<string, number> = {};
  const count = (answer: Answer): Answer => {
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    return answer;
  };

  const stored = await pooled(cached, concurrency, async (pair) => await ask(options, system, pair.origin, 'refresh'));
  const notStored = stored.filter((answer) => answer.status !== 'miss').length;
  await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 250));
  const owners = new Map<string, number>();
  for (const answer of stored) owners.set(answer.text, (owners.get(answer.text) ?? 0) + 1);
  const ambiguousAnswers = stored.filter((answer) => (owners.get(answer.text) ?? 0) > 1).length;

  const positives = (await pooled(cached, concurrency, async (pair) => count(await ask(options, system, pair.similar, 'no-store')))).map((answer, index) => ({
    answer,
    correct: answer.text === stored[index]?.text,
  }));
  const negatives = await pooled(unrelated, concurrency, async (pair) => count(await ask(options, system, pair.similar, 'no-store')));

  const isHit = (answer: Answer): boolean => answer.status === 'hit-exact' || answer.status === 'hit-semantic';
  const point = (threshold: number): SweepPoint => {
    const over = (answer: Answer): boolean => isHit(answer) && (answer.similarity ?? 1) >= threshold;
    const trueHits = positives.filter((each) => over(each.answer) && each.correct).length;
    const wrongHits = positives.filter((each) => over(each.answer) && !each.correct).length;
    const falseHits = negatives.filter(over).length;
    return sweepPoint(threshold, { cached: cached.length, unrelated: unrelated.length, trueHits, falseHits, wrongHits });
  };
  const answers = [...positives.map((each) => each.answer), ...negatives];
  const similarities = answers.filter((answer) => answer.status === 'hit-semantic' && answer.similarity !== undefined).map((answer) => answer.similarity as number);
  const sweep = (options.thresholds ?? DEFAULT_SWEEP).map(point);
  return {
    url: options.url,
    model: options.model,
    run,
    pairs: pairs.length,
    duplicateOrigins: pairs.length - distinct,
    cached: cached.length,
    unrelatedQueries: unrelated.length,
    served: point(0),
    sweep,
    bestAtOnePercent: bestAtOnePercent(sweep),
    lowestHitSimilarity: similarities.length ? Math.min(...similarities) : null,
    statuses,
    upstreamCalls: { origins: stored.reduce((sum, answer) => sum + answer.attempts, 0), questions: answers.reduce((sum, answer) => sum + answer.attempts, 0) },
    hitsWithUpstreamCalls: answers.filter((answer) => isHit(answer) && answer.attempts > 0).length,
    ambiguousAnswers,
    notStored,
  };
}
