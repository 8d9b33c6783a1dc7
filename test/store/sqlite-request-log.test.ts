import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/core/ids.js';
import { SqliteRequestLog } from '../../src/store/sqlite-request-log.js';
import type { AttemptRecord } from '../../src/store/types.js';
import { countRows, logRow } from '../helpers/log-rows.js';

const row = logRow;
const count = countRows;

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'switchyard-log-')), 'log.db');

describe('SqliteRequestLog', () => {
  it('writes through its writer thread; flush() returns once rows are on disk', () => {
    const path = tempDb();
    const log = new SqliteRequestLog({ path, flushIntervalMs: 60_000 });
    for (let index = 0; index < 1000; index++) {
      const { request, attempts } = row(uuidv7());
      log.record(request, attempts);
    }
    log.flush();
    expect(count(path)).toEqual({ requests: 1000, attempts: 1000 });
    expect(log.recent({ last: 3 })).toHaveLength(3);
    log.close();
  });

  it('close() flushes what is queued', () => {
    const path = tempDb();
    const log = new SqliteRequestLog({ path, flushIntervalMs: 60_000 });
    for (let index = 0; index < 10; index++) log.record(row(uuidv7()).request, []);
    log.close();
    expect(count(path).requests).toBe(10);
    expect(() => log.record(row('late').request, [])).toThrow(/closed/);
  });

  it('loses nothing when the writer thread dies: unconfirmed and later rows are written inline', async () => {
    const path = tempDb();
    const errors: string[] = [];
    const log = new SqliteRequestLog({ path, flushIntervalMs: 60_000, onWriterError: (message) => errors.push(message) });
    for (let index = 0; index < 50; index++) log.record(row(uuidv7()).request, []);
    log.flush();
    const worker = (log as unknown as { worker: Worker }).worker;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    await worker.terminate();
    await exited;
    for (let index = 0; index < 50; index++) log.record(row(uuidv7()).request, []);
    log.flush();
    expect(count(path).requests).toBe(100);
    expect(errors.join('\n')).toMatch(/writing on the main thread/);
    log.close();
  });

  it('refuses a log written by a newer schema', () => {
    const path = tempDb();
    new SqliteRequestLog({ path, flushIntervalMs: 10, inline: true }).close();
    const database = new Database(path);
    database.pragma('user_version = 99');
    database.close();
    expect(() => new SqliteRequestLog({ path, flushIntervalMs: 10 })).toThrow(/newer Switchyard/);
  });

  it('keeps every token class of a request and its attempts', () => {
    const path = tempDb();
    const log = new SqliteRequestLog({ path, flushIntervalMs: 10, inline: true });
    const { request, attempts } = row('classes');
    const classes = { inputTokens: 1000, outputTokens: 300, cachedInputTokens: 600, cacheWrite5mTokens: 200, cacheWrite1hTokens: 100, audioInputTokens: 40, imageInputTokens: 30, reasoningTokens: 120 };
    log.record({ ...request, ...classes }, [{ ...(attempts[0] as AttemptRecord), ...classes }]);
    expect(log.find('classes')).toMatchObject(classes);
    expect(log.attemptsOf('classes')[0]).toMatchObject(classes);
    log.close();
  });

  it('migrates a log written before token classes: old rows read as zero, new rows keep theirs', () => {
    const path = tempDb();
    new SqliteRequestLog({ path, flushIntervalMs: 10, inline: true }).close();
    // Back to the version-4 shape: no class columns, no journal positions, roll-ups or overview index, one row written then.
    const database = new Database(path);
    database.exec('DROP INDEX requests_overview; DROP TABLE journal_position; DROP TABLE spend_rollup; DROP TABLE responses; DROP TABLE ship_queue; DROP TABLE ship_source;');
    for (const table of ['requests', 'attempts']) {
      for (const column of ['cache_write_5m_tokens', 'cache_write_1h_tokens', 'audio_input_tokens', 'image_input_tokens', 'reasoning_tokens']) database.exec(`ALTER TABLE ${table} DROP COLUMN ${column}`);
    }
    database
      .prepare(`INSERT INTO requests VALUES (${Array.from({ length: 25 }, () => '?').join(', ')})`)
      .run('old', Date.now(), 'chat', null, null, 'm', 'm', 'p', 0, 200, null, null, 'stop', 1, 1, 10, 5, 4, 0.001, 0, 1, null, null, null, null);
    database.pragma('user_version = 4');
    database.close();
    const log = new SqliteRequestLog({ path, flushIntervalMs: 10, inline: true });
    expect(log.find('old')).toMatchObject({ inputTokens: 10, cachedInputTokens: 4, cacheWrite5mTokens: 0, reasoningTokens: 0 });
    log.record({ ...row('new').request, reasoningTokens: 3 }, []);
    expect(log.find('new')?.reasoningTokens).toBe(3);
    log.close();
  });
});
