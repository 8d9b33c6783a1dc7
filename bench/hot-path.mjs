// Pieces of the request path, in one process, without sockets: CPU time (process.cpuUsage,
// lowest of several rounds) per upstream text chunk of
//   read      SSE decoding and reading the chunk into stream parts (OpenAI adapter's path)
//   render    writing the client's chunk (OpenAI format)
//   guard     the answer's stream guard (PII and secrets hold-back scan) on the chunk's text
// and per non-streaming answer of
//   complete  reading an upstream chat completion (JSON text to the canonical answer)
// for a build given as a folder (default: this one) — run it against two builds to compare:
//   npm run build && node bench/hot-path.mjs [--build=DIR] [--chunks=N] [--rounds=N]
// CPU time of a single-threaded loop moves far less with other work on the machine than
// wall time does, and nothing here waits on I/O; still compare builds in the same minute.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const options = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
const build = path.resolve(options.build ?? path.join(here, '..'));
const chunks = Number(options.chunks ?? 20_000);
const rounds = Number(options.rounds ?? 7);
const load = (file) => import(pathToFileURL(path.join(build, 'dist', file)).href);

const { ChunkReader, parseOpenAIChatResponse } = await load('api/openai/chat-response.js');
const { openAIChatFormat } = await load('api/openai/chat-format.js');
const { SseDecoder } = await load('providers/sse.js');
const { StreamScanner } = await load('guards/stream-scanner.js');

// What the bench's mock upstream sends: a role chunk, then one word per chunk.
const words = 'the quick brown fox jumps over the lazy dog while a gateway relays every token it is sent'.split(' ');
const base = { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1700000000, model: 'gpt-bench', system_fingerprint: 'fp_mock' };
const event = (delta) => `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }] })}\n\n`;
const texts = Array.from({ length: chunks }, (_, index) => ` ${words[index % words.length]}`);
const bytes = [event({ role: 'assistant', content: '' }), ...texts.map((text) => event({ content: text }))].map((text) => Buffer.from(text));

function cpuMicros(work) {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

/** The adapter's reading: templated when the build has it, else parse and read each chunk. */
function read() {
  const reader = new ChunkReader('gpt-bench');
  const decoder = new SseDecoder();
  const parts = [];
  for (const chunk of bytes) {
    for (const { data } of decoder.push(chunk)) {
      const quick = reader.readTemplated?.(data);
      if (quick !== undefined) {
        if (quick) parts.push(quick);
        continue;
      }
      parts.push(...reader.read(JSON.parse(data), data));
    }
  }
  return parts;
}

const parts = read();
const request = { model: 'auto', messages: [], stream: true, includeUsage: true };
function render() {
  const renderer = openAIChatFormat.createStreamRenderer({ requestId: 'req-1', request, fallbackModel: 'gpt-bench' });
  let size = 0;
  for (const part of parts) size += renderer.part(part)?.length ?? 0;
  return size;
}

function guard() {
  const scanner = new StreamScanner({ redact: true });
  let size = 0;
  for (const text of texts) size += scanner.push(text).release.length;
  return size + scanner.end().release.length;
}

// The bench mock's completion (a 20-word answer with usage).
const completion = JSON.stringify({
  id: 'chatcmpl-mock',
  object: 'chat.completion',
  created: 1700000000,
  model: 'gpt-bench',
  system_fingerprint: 'fp_mock',
  choices: [{ index: 0, message: { role: 'assistant', content: texts.slice(0, 20).join('').trim(), refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 30, completion_tokens: 20, total_tokens: 50, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
});
function complete() {
  let count = 0;
  for (let index = 0; index < chunks; index++) count += parseOpenAIChatResponse(JSON.parse(completion), 'gpt-bench').choices.length;
  return count;
}

const lowest = { read: Infinity, render: Infinity, guard: Infinity, complete: Infinity };
for (let round = 0; round < rounds; round++) {
  for (const [name, work] of Object.entries({ read, render, guard, complete })) lowest[name] = Math.min(lowest[name], cpuMicros(work));
}
const per = (micros) => Math.round((micros / chunks) * 1000) / 1000;
console.log(
  JSON.stringify({
    build,
    chunks,
    rounds,
    'µs per chunk': { read: per(lowest.read), render: per(lowest.render), guard: per(lowest.guard) },
    'µs per answer': { complete: per(lowest.complete) },
  }),
);
