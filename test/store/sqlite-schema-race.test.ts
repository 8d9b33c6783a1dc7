/**
 * Two threads, and two processes, opening the same new database file at the same moment
 * must both end up with the full schema: the migrations run once, never twice.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/store/sqlite-schema.js';

// The compiled module: worker threads and child processes run plain JavaScript (npm run build first).
const schemaModule = pathToFileURL(join(import.meta.dirname, '../../dist/store/sqlite-schema.js')).href;
const ROUNDS = 12;

/** Opens `path` once `go[0]` turns 1 (all openers released together); reports the version or the error. */
const OPENER = `
  const { openDatabase } = await import(${JSON.stringify(schemaModule)});
  export async function open(path, go) {
    while (Atomics.load(go, 0) === 0) Atomics.wait(go, 0, 0, 50);
    try {
      const database = openDatabase(path);
      const version = database.pragma('user_version', { simple: true });
      database.close();
      return { version };
    } catch (error) {
      return { error: error.message };
    }
  }
`;

function openInThread(path: string, go: Int32Array): Promise<{ version?: number; error?: string }> {
  const code = `
    import { workerData, parentPort } from 'node:worker_threads';
    ${OPENER.replace('export async function', 'async function')}
    parentPort.postMessage(await open(workerData.path, workerData.go));
  `;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData: { path, go } });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

function openInProcess(path: string, startAt: number): Promise<{ version?: number; error?: string }> {
  // Processes share no memory: they start together at an agreed moment.
  const code = `
    ${OPENER.replace('export async function', 'async function')}
    const go = new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(go, 0, 0, Math.max(0, ${startAt} - Date.now()));
    go[0] = 1;
    process.stdout.write(JSON.stringify(await open(${JSON.stringify(path)}, go)));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { version?: number; error?: string }) : reject(new Error(`opener exited ${code}: ${err}`))));
  });
}

function tables(path: string): string[] {
  const database = new Database(path, { readonly: true });
  const names = (database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
  database.close();
  return names;
}

describe('openDatabase on a new file opened by several at once', () => {
  it('two worker threads: both open it at the current schema, migrated once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const path = join(mkdtempSync(join(tmpdir(), 'switchyard-race-')), 'log.db');
      const go = new Int32Array(new SharedArrayBuffer(4));
      const opened = [openInThread(path, go), openInThread(path, go), openInThread(path, go)];
      // Let the threads load and park on the barrier, then release them together.
      await new Promise((resolve) => setTimeout(resolve, 150));
      Atomics.store(go, 0, 1);
      Atomics.notify(go, 0);
      const results = await Promise.all(opened);
      expect(results).toEqual([{ version: SCHEMA_VERSION }, { version: SCHEMA_VERSION }, { version: SCHEMA_VERSION }]);
      expect(tables(path)).toContain('requests');
    }
  });

  it('two processes: both open it at the current schema', async () => {
    for (let round = 0; round < 3; round++) {
      const path = join(mkdtempSync(join(tmpdir(), 'switchyard-race-')), 'log.db');
      const startAt = Date.now() + 600;
      const results = await Promise.all([openInProcess(path, startAt), openInProcess(path, startAt)]);
      expect(results).toEqual([{ version: SCHEMA_VERSION }, { version: SCHEMA_VERSION }]);
    }
  });
});
