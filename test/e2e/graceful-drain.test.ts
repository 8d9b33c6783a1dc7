/**
 * Graceful drain of the real `switchyard serve` process: a 6-second stream started
 * before SIGTERM completes, readiness and new requests get 503 at once, the process exits
 * 0, and the log has the stream's row.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { spawnServe } from '../helpers/serve-process.js';

describe('graceful drain (switchyard serve + SIGTERM)', () => {
  it('finishes a 6 s stream started before SIGTERM, refuses new work with 503, exits 0, loses no row', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-drain-'));
    const dbPath = join(directory, 'log.db');
    const configPath = join(directory, 'switchyard.yaml');
    writeFileSync(
      configPath,
      `store:\n  sqlite: { path: ${JSON.stringify(dbPath)} }\nproviders:\n  sim: { type: simulator, behaviour: { ttft_ms: 0 } }\nmodels:\n  gpt-5.4-mini: { provider: sim }\n`,
    );
    const { child, url: listening, exited } = spawnServe(configPath);
    const url = await listening;

    // 30 answer tokens at 5 tokens/s: a 6-second stream, most of it after SIGTERM.
    const streamed = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchyard-sim': 'answer_tokens=30;tps=5' },
      body: JSON.stringify({ model: 'gpt-5.4-mini', stream: true, messages: [{ role: 'user', content: 'Write a long essay about the history of lighthouses.' }] }),
    });
    expect(streamed.status).toBe(200);
    const reader = streamed.body!.getReader();
    const decoder = new TextDecoder();
    let body = decoder.decode((await reader.read()).value);
    const started = Date.now();

    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { status: string }).status).toBe('draining');
    const refused = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('shutting_down');

    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      body += decoder.decode(value, { stream: true });
    }
    expect(Date.now() - started).toBeGreaterThan(4_000);
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(await exited).toBe(0);

    const database = new Database(dbPath, { readonly: true });
    const rows = database.prepare('SELECT status, stream, output_tokens AS outputTokens FROM requests').all() as { status: number; stream: number; outputTokens: number }[];
    database.close();
    expect(rows).toEqual([{ status: 200, stream: 1, outputTokens: 30 }]);
  }, 60_000);
});
