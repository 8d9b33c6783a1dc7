/**
 * Two `switchyard serve` processes share one batch directory and request log (as workers or
 * replicas on one machine do). One of them holds the batch's lease and works it; it is
 * SIGKILLed while lines are in flight, and the other takes the batch over and finishes it.
 * Counted at the upstream: no line answered before the kill is sent again, the lines in
 * flight at the kill (never answered) are sent once more, and no line is lost.
 */
import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import OpenAI, { toFile } from 'openai';
import { spawnServe, type ServeProcess } from '../helpers/serve-process.js';

const LINES = 90;
const CONCURRENCY = 5;
/** The upstream answers this many lines, then holds every call until told to go on. */
const ANSWER_BEFORE_HOLD = 30;

interface Upstream {
  server: Server;
  url: string;
  /** Calls per question. */
  calls: Map<string, number>;
  /** Questions answered (the answer written whole). */
  answered: Set<string>;
  /** Questions whose call is being held. */
  held: Set<string>;
  resume(): void;
}

async function holdingUpstream(): Promise<Upstream> {
  const calls = new Map<string, number>();
  const answered = new Set<string>();
  const held = new Set<string>();
  let holding = true;
  let admitted = 0;
  const answer = (question: string, response: ServerResponse): void => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        id: `chatcmpl-${question.replace(/\s/g, '-')}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: 'counted',
        choices: [{ index: 0, message: { role: 'assistant', content: `answer to ${question}` }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      }),
      () => answered.add(question),
    );
  };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const parsed = JSON.parse(body) as { messages: { content: string }[] };
      const question = parsed.messages[parsed.messages.length - 1]?.content ?? '';
      calls.set(question, (calls.get(question) ?? 0) + 1);
      if (holding && admitted >= ANSWER_BEFORE_HOLD) {
        // Never answered: the caller dies waiting.
        held.add(question);
        return;
      }
      admitted += 1;
      setTimeout(() => answer(question, response), 5);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    calls,
    answered,
    held,
    resume: () => {
      holding = false;
    },
  };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function leaseHolder(batchDir: string, id: string): string | null {
  const database = new Database(join(batchDir, 'batches.db'), { readonly: true });
  try {
    return (database.prepare('SELECT lease_owner FROM batches WHERE id = ?').get(id) as { lease_owner: string | null }).lease_owner;
  } finally {
    database.close();
  }
}

describe('two gateway processes sharing a batch directory', () => {
  it('one works a batch under its lease; when it is SIGKILLed the other takes over: no answered line sent again, none lost', async () => {
    const upstream = await holdingUpstream();
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-batch-lease-'));
    const batchDir = join(directory, 'batch');
    const configPath = join(directory, 'switchyard.yaml');
    writeFileSync(
      configPath,
      `store:
  sqlite: { path: ${JSON.stringify(join(directory, 'log.db'))} }
  flush_interval_ms: 500
batch: { dir: ${JSON.stringify(batchDir)}, poll_ms: 100, concurrency: ${CONCURRENCY}, lease_ms: 60000 }
providers:
  counted: { type: openai-compatible, base_url: ${upstream.url}, timeouts: { total_ms: 600000, first_token_ms: 600000 } }
resilience: { circuit_breaker: { enabled: false } }
models:
  counted: { provider: counted, price: { input: 1, output: 2 } }
`,
    );
    const lines = Array.from({ length: LINES }, (_, index) => ({ custom_id: `line-${index}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'counted', messages: [{ role: 'user', content: `question ${index}` }] } }));
    const startedAt = Date.now();
    const processes: ServeProcess[] = [spawnServe(configPath), spawnServe(configPath)];
    try {
      const urls = await Promise.all(processes.map((process) => process.url));
      const clients = urls.map((url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 }));
      const file = await clients[0]!.files.create({ file: await toFile(Buffer.from(lines.map((line) => JSON.stringify(line)).join('\n')), 'lines.jsonl'), purpose: 'batch' });
      const batch = await clients[0]!.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });

      // The holder gets ANSWER_BEFORE_HOLD lines answered, then has CONCURRENCY calls hanging at the upstream:
      // every one of its workers waits on a held call, so every answered line has been committed.
      await waitFor(() => upstream.held.size === CONCURRENCY && upstream.answered.size === ANSWER_BEFORE_HOLD, `${CONCURRENCY} held calls (answered ${upstream.answered.size})`);
      const holder = leaseHolder(batchDir, batch.id);
      const holderPid = Number(holder?.split(':')[1]);
      const victim = processes.findIndex((process) => process.child.pid === holderPid);
      expect(victim).toBeGreaterThanOrEqual(0);
      // The other process has not sent a line: the calls so far are the holder's.
      expect([...upstream.calls.values()].every((count) => count === 1)).toBe(true);
      const answeredBeforeKill = new Set(upstream.answered);
      const inFlightAtKill = new Set(upstream.held);
      expect(answeredBeforeKill.size).toBe(ANSWER_BEFORE_HOLD);

      const killAt = Date.now();
      console.log(`start to kill: ${killAt - startedAt} ms`);
      processes[victim]!.child.kill('SIGKILL');
      await processes[victim]!.exited;
      upstream.resume();

      const client = clients[1 - victim]!;
      let done = await client.batches.retrieve(batch.id);
      await waitFor(async () => {
        done = await client.batches.retrieve(batch.id);
        return done.status === 'completed';
      }, 'the survivor to complete the batch', 60_000);
      console.log(`kill to completed: ${Date.now() - killAt} ms`);
      expect(leaseHolder(batchDir, batch.id)).toBeNull();
      expect(done.request_counts).toEqual({ total: LINES, completed: LINES, failed: 0 });
      const output = (await (await client.files.content(done.output_file_id!)).text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { custom_id: string; response: { body: { choices: { message: { content: string } }[] } } });
      expect(output.map((line) => line.custom_id).sort()).toEqual(lines.map((line) => line.custom_id).sort());
      for (const line of output) expect(line.response.body.choices[0]?.message.content).toBe(`answer to question ${line.custom_id.slice('line-'.length)}`);

      // Counted at the upstream: every line reached it; only the calls it never answered were made again.
      expect(upstream.calls.size).toBe(LINES);
      const twice = new Set([...upstream.calls].filter(([, count]) => count > 1).map(([question]) => question));
      expect(twice).toEqual(inFlightAtKill);
      for (const question of answeredBeforeKill) expect(upstream.calls.get(question)).toBe(1);
      expect(Math.max(...upstream.calls.values())).toBe(2);
      console.log(`two processes: ${answeredBeforeKill.size} lines answered by the holder before SIGKILL, ${inFlightAtKill.size} in flight and sent again by the survivor, ${LINES - answeredBeforeKill.size - inFlightAtKill.size} sent by the survivor only`);
    } finally {
      for (const process of processes) process.child.kill('SIGKILL');
      await Promise.all(processes.map((process) => process.exited));
      upstream.server.closeAllConnections();
      upstream.server.close();
    }
  }, 120_000);
});
