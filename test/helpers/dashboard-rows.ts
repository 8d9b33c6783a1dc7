/**
 * Many request-log rows written straight into a SQLite file, for the dashboard at scale:
 * varied models, routes, keys, statuses, cache outcomes and guard verdicts, spread over
 * the last week. Deterministic (seeded), so counts can be recomputed from the rows.
 */
import { batchWriter, openDatabase, type PendingRow } from '../../src/store/sqlite-schema.js';
import { logRow } from './log-rows.js';

const MODELS = ['gpt-5.4-mini', 'claude-haiku-4.5', 'gemini-2.5-flash', 'gpt-5.4'];
const ROUTES = ['auto', 'support', null];
const CATEGORIES = ['coding', 'summarization', 'chat', 'extraction'];

/** Write `count` rows ending at `now` (the newest a second before, the oldest 6.5 days back: inside a 7-day view for hours). */
export function fillLog(path: string, count: number, now = Date.now()): void {
  const database = openDatabase(path);
  const write = batchWriter(database);
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const span = 6.5 * 86_400_000;
  let batch: PendingRow[] = [];
  for (let index = 0; index < count; index++) {
    const createdAt = now - 1000 - Math.floor((index / count) * span);
    const model = MODELS[index % MODELS.length] as string;
    const failed = random() < 0.03;
    const guarded = random() < 0.05;
    const cache = random() < 0.3 ? (random() < 0.25 ? 'hit-exact' : 'miss') : undefined;
    const row = logRow(`bulk-${index.toString().padStart(7, '0')}`, {
      createdAt,
      route: ROUTES[index % ROUTES.length] ?? null,
      requestedModel: ROUTES[index % ROUTES.length] ?? model,
      model,
      provider: model.split('-')[0] ?? 'sim',
      keyId: `key_bulk_${index % 5}`,
      team: index % 2 === 0 ? 'blue' : 'green',
      status: failed ? 502 : 200,
      errorCode: failed ? 'upstream_error' : null,
      errorMessage: failed ? 'simulated failure' : null,
      latencyMs: 50 + Math.floor(random() * 900),
      ttftMs: 20 + Math.floor(random() * 300),
      inputTokens: 100 + (index % 400),
      outputTokens: 20 + (index % 200),
      costUsd: 0.0001 + (index % 50) / 100_000,
      requestBody: null,
      responseBody: null,
      details: {
        decision: { route: 'auto', strategy: 'table', model, reason: 'bulk', category: { category: CATEGORIES[index % CATEGORIES.length], source: 'rules' }, candidates: [] },
        ...(cache ? { cache: { status: cache } } : {}),
        ...(guarded ? { guards: [{ guard: 'pii', type: 'email', rule: 'email', score: 1, phase: 'request', action: 'redact', spans: [{ start: 0, end: 5, message_index: 0 }] }] } : {}),
      },
    });
    batch.push(row);
    if (batch.length === 5000) {
      write(batch);
      batch = [];
    }
  }
  if (batch.length > 0) write(batch);
  database.close();
}
