/**
 * A batch survives kill -9: the real `switchyard serve` process is SIGKILLed half-way
 * through a batch and started again on the same state. The batch completes with every line
 * answered once, and the upstream — a counting server outside the gateway process — was
 * called at most once for each line that had been answered before the kill.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import OpenAI, { toFile } from 'openai';
import { spawnServe } from '../helpers/serve-process.js';

const LINES = 120;

/** An OpenAI-compatible upstream that answers after a short delay and counts the calls per line. */
async function countingUpstream(): Promise<{ server: Server; url: string; calls: Map<string, number> }> {
  const calls = new Map<string, number>();
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const parsed = JSON.parse(body) as { messages: { content: string }[] };
      const question = parsed.messages[parsed.messages.length - 1]?.content ?? '';
      calls.set(question, (calls.get(question) ?? 0) + 1);
      setTimeout(() => {
        const answer = JSON.stringify({
          id: `chatcmpl-${calls.size}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: 'counted',
          choices: [{ index: 0, message: { role: 'assistant', content: `answer to ${question}` }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(answer);
      }, 15);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, calls };
}

describe('a batch killed with SIGKILL half-way', () => {
  it('resumes after a restart: every line answered once, no line answered before the kill is sent again', async () => {
    const upstream = await countingUpstream();
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-batch-kill-'));
    const configPath = join(directory, 'switchyard.yaml');
    writeFileSync(
      configPath,
      `store:
  sqlite: { path: ${JSON.stringify(join(directory, 'log.db'))} }
  flush_interval_ms: 500
batch: { poll_ms: 100, concurrency: 6, lease_ms: 60000 }
providers:
  counted: { type: openai-compatible, base_url: ${upstream.url} }
models:
  counted: { provider: counted, price: { input: 1, output: 2 } }
`,
    );
    const lines = Array.from({ length: LINES }, (_, index) => ({ custom_id: `line-${index}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'counted', messages: [{ role: 'user', content: `question ${index}` }] } }));
    const t0 = Date.now();
    const first = spawnServe(configPath);
    let second: ReturnType<typeof spawnServe> | undefined;
    try {
      const client = new OpenAI({ baseURL: `${await first.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const file = await client.files.create({ file: await toFile(Buffer.from(lines.map((line) => JSON.stringify(line)).join('\n')), 'lines.jsonl'), purpose: 'batch' });
      const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      // Kill once a good part of the lines has been answered upstream.
      const deadline = Date.now() + 30_000;
      while (upstream.calls.size < LINES / 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(upstream.calls.size).toBeGreaterThanOrEqual(LINES / 3);
      first.child.kill('SIGKILL');
      await first.exited;
      const answeredBeforeKill = new Map(upstream.calls);
      console.log(`start to kill: ${Date.now() - t0} ms`);

      const restartAt = Date.now();
      second = spawnServe(configPath);
      const again = new OpenAI({ baseURL: `${await second.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      let done = await again.batches.retrieve(batch.id);
      const finish = Date.now() + 60_000;
      while (done.status !== 'completed' && Date.now() < finish) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        done = await again.batches.retrieve(batch.id);
      }
      console.log(`restart to completed: ${Date.now() - restartAt} ms`);
      expect(done.status).toBe("completed");
      expect(done.request_counts).toEqual({ total: LINES, completed: LINES, failed: 0 });
      const output = (await (await again.files.content(done.output_file_id!)).text()).trim().split('\n').map((line) => JSON.parse(line) as { custom_id: string; response: { body: { choices: { message: { content: string } }[] } } });
      expect(output).toHaveLength(LINES);
      for (const line of output) expect(line.response.body.choices[0]?.message.content).toBe(`answer to question ${line.custom_id.slice('line-'.length)}`);
      // Every line reached the upstream; lines in flight at the kill (sent, never answered to the gateway) may have been sent twice, no other.
      expect(upstream.calls.size).toBe(LINES);
      const twice = [...upstream.calls].filter(([, count]) => count > 1).map(([question]) => question);
      expect(twice.length).toBeLessThanOrEqual(6);
      for (const question of twice) expect(answeredBeforeKill.get(question)).toBe(1);
      console.log(`batch kill -9: ${answeredBeforeKill.size} lines reached the upstream before the kill; ${twice.length} sent again after it (in flight at the kill)`);
    } finally {
      first.child.kill('SIGKILL');
      second?.child.kill('SIGTERM');
      await second?.exited;
      upstream.server.close();
    }
  }, 120_000);
});
