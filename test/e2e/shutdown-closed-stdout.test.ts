/**
 * `switchyard serve 2>&1 | head -1`, then SIGTERM: the reader of stdout and stderr is gone
 * (as when a log shipper dies), and the real server process must still stop within its
 * grace period, exit 0, and leave the request log flushed.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { spawnServe } from '../helpers/serve-process.js';

describe('shutdown with stdout and stderr closed', () => {
  it('SIGTERM stops the gateway within the grace period, exit 0, rows flushed', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-epipe-'));
    const dbPath = join(directory, 'log.db');
    const configPath = join(directory, 'switchyard.yaml');
    writeFileSync(
      configPath,
      `server: { shutdown_grace_ms: 2000 }\nstore:\n  sqlite: { path: ${JSON.stringify(dbPath)} }\n  flush_interval_ms: 60000\nproviders:\n  sim: { type: simulator, behaviour: { ttft_ms: 0 } }\nmodels:\n  gpt-5.4-mini: { provider: sim }\n`,
    );
    const { child, url: listening, exited } = spawnServe(configPath);
    // Like `| head -1`: the first line read, the pipes closed.
    const url = await listening;
    child.stdout.destroy();
    child.stderr.destroy();

    // Requests whose rows the writer has not written yet (flush interval 60 s), and log lines into the broken pipe.
    for (let index = 0; index < 3; index++) {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: `hello ${index}` }] }),
      });
      expect(response.status).toBe(200);
    }
    const missing = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"nope","messages":[]}' });
    expect(missing.status).toBeGreaterThanOrEqual(400);

    child.kill('SIGTERM');
    // The grace period is 2 s; a generous ceiling for a loaded machine, and no hang.
    const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 20_000))]);
    if (code === 'hung') child.kill('SIGKILL');
    expect(code).toBe(0);

    const database = new Database(dbPath, { readonly: true });
    const rows = database.prepare('SELECT status FROM requests ORDER BY created_at').all() as { status: number }[];
    database.close();
    expect(rows).toHaveLength(4);
    expect(rows.slice(0, 3).map((row) => row.status)).toEqual([200, 200, 200]);
    expect(rows[3]?.status).toBeGreaterThanOrEqual(400);
    // A clean stop leaves no journal to replay.
    expect(existsSync(`${dbPath}.journal`) ? readdirSync(`${dbPath}.journal`) : []).toEqual([]);
  }, 60_000);
});
