/** `switchyard batch` against a running gateway: submit and follow, status, list, results, cancel, and its errors. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const BIN = new URL('../../bin/switchyard.js', import.meta.url).pathname;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, SWITCHYARD_URL: '', SWITCHYARD_API_KEY: '' }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let gateway: TestGateway;
let directory: string;

beforeAll(async () => {
  gateway = await startTestGateway(`
batch: { poll_ms: 50 }
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
models:
  small: { provider: sim, upstream_model: gpt-5.4-mini, price: { input: 1, output: 2 } }
`);
  directory = mkdtempSync(join(tmpdir(), 'switchyard-batch-cli-'));
});
afterAll(async () => {
  await gateway.stop();
});

describe('switchyard batch', () => {
  it('submit --wait follows the batch to the end; status, list and results read it back', async () => {
    const input = join(directory, 'questions.jsonl');
    writeFileSync(input, ['one', 'two', 'three'].map((word) => JSON.stringify({ custom_id: word, method: 'POST', url: '/v1/chat/completions', body: { model: 'small', messages: [{ role: 'user', content: `Spell ${word}` }] } })).join('\n'));
    const submitted = await cli(['batch', 'submit', input, '--wait', '--json', '--url', gateway.running.url]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const batch = JSON.parse(submitted.stdout) as { id: string; status: string; request_counts: { completed: number } };
    expect(batch.status).toBe('completed');
    expect(batch.request_counts.completed).toBe(3);
    expect(submitted.stderr).toContain('3/3');

    const status = await cli(['batch', 'status', batch.id, '--url', gateway.running.url]);
    expect(status.stdout).toContain(`${batch.id}  completed`);
    expect(status.stdout).toMatch(/output: file-/);

    const list = await cli(['batch', 'list', '--url', gateway.running.url]);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+DONE\s+FAILED\s+CREATED \(UTC\)$/);
    expect(list.stdout).toContain(batch.id);

    const saved = join(directory, 'out.jsonl');
    const results = await cli(['batch', 'results', batch.id, '--output', saved, '--url', gateway.running.url]);
    expect(results.code).toBe(0);
    const lines = readFileSync(saved, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { custom_id: string });
    expect(lines.map((line) => line.custom_id).sort()).toEqual(['one', 'three', 'two']);
    const noErrors = await cli(['batch', 'results', batch.id, '--errors', '--url', gateway.running.url]);
    expect(noErrors.code).toBe(1);
    expect(noErrors.stderr).toContain('has no error file');

    const cancel = await cli(['batch', 'cancel', batch.id, '--url', gateway.running.url]);
    expect(cancel.code).toBe(1);
    expect(cancel.stderr).toContain('only a validating or in-progress batch can be cancelled');
  });

  it('says what is wrong: a gateway that is not there, a missing file, a bad endpoint, an unknown subcommand', async () => {
    const unreachable = await cli(['batch', 'list', '--url', 'http://127.0.0.1:9']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('cannot reach the gateway at http://127.0.0.1:9');
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);
    const missing = await cli(['batch', 'submit', join(directory, 'nope.jsonl'), '--url', gateway.running.url]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ENOENT');
    const endpoint = await cli(['batch', 'submit', 'x.jsonl', '--endpoint', '/v1/completions']);
    expect(endpoint.code).toBe(2);
    expect(endpoint.stderr).toContain('--endpoint must be one of');
    const unknown = await cli(['batch', 'frobnicate']);
    expect(unknown.code).toBe(2);
    const empty = join(directory, 'empty.jsonl');
    writeFileSync(empty, '');
    const refused = await cli(['batch', 'submit', empty, '--url', gateway.running.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('400');
  });
});
