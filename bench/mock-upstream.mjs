// A fast OpenAI-compatible upstream: POST /v1/chat/completions answers a fixed small
// chat.completion, or with `stream: true` 20 SSE content chunks written back to back,
// a usage chunk when stream_options.include_usage is set, then `data: [DONE]`.
// Usage: node bench/mock-upstream.mjs [port]   Prints `READY <port>` when listening on 127.0.0.1.
// Environment: MOCK_PORT; MOCK_DELAY_MS (before the answer); MOCK_CHUNKS (content chunks
// per stream, default 20, or `max_tokens` for one chunk per requested token);
// MOCK_CHUNK_INTERVAL_MS (between chunks, default 0: back to back).
import http from 'node:http';

const port = Number(process.argv[2] ?? process.env.MOCK_PORT ?? 0);
const delayMs = Number(process.env.MOCK_DELAY_MS ?? 0);
const chunksPerStream = process.env.MOCK_CHUNKS === 'max_tokens' ? 'max_tokens' : Number(process.env.MOCK_CHUNKS ?? 20);
const chunkIntervalMs = Number(process.env.MOCK_CHUNK_INTERVAL_MS ?? 0);
const created = Math.floor(Date.now() / 1000);
const usage = { prompt_tokens: 72, completion_tokens: 20, total_tokens: 92 };
const words = 'The three main risks are cost overruns, flaky runners and lost build caches during the move'.split(' ');
const base = { id: 'chatcmpl-bench', created, model: 'gpt-bench', system_fingerprint: 'fp_bench' };

const completion = JSON.stringify({
  ...base,
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', content: words.slice(0, 20).join(' ') }, logprobs: null, finish_reason: 'stop' }],
  usage,
});

const sse = (payload) => `data: ${JSON.stringify(payload)}\n\n`;
const chunk = (delta, finish = null) => sse({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
const contentChunk = (i) => chunk(i === 0 ? { role: 'assistant', content: words[0] } : { content: ` ${words[i % words.length]}` });
const streamChunks = Array.from({ length: 4096 }, (_, i) => contentChunk(i));
const finishChunk = chunk({}, 'stop');
const usageChunk = sse({ ...base, object: 'chat.completion.chunk', choices: [], usage });

function answer(req, res, body) {
  let parsed;
  try {
    parsed = JSON.parse(body);
  } catch {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"invalid JSON","type":"invalid_request_error"}}');
    return;
  }
  if (!parsed.stream) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(completion) });
    res.end(completion);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const count = Math.max(1, Math.min(streamChunks.length, chunksPerStream === 'max_tokens' ? Number(parsed.max_tokens) || 20 : chunksPerStream));
  const finish = () => {
    res.write(finishChunk);
    if (parsed.stream_options?.include_usage) res.write(usageChunk);
    res.end('data: [DONE]\n\n');
  };
  if (chunkIntervalMs <= 0) {
    for (let i = 0; i < count; i++) res.write(streamChunks[i]);
    finish();
    return;
  }
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    res.write(streamChunks[sent++]);
    if (sent === count) {
      clearInterval(timer);
      finish();
    }
  }, chunkIntervalMs);
  res.once('close', () => clearInterval(timer));
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || !req.url.startsWith('/v1/chat/completions')) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"not found","type":"invalid_request_error"}}');
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', () => (delayMs > 0 ? setTimeout(answer, delayMs, req, res, body) : answer(req, res, body)));
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`READY ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
