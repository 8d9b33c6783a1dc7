// A small OTLP/HTTP trace receiver for the benchmark: POST /v1/traces (JSON, as the gateway's
// exporter sends it; gzip accepted) answers 200 and counts the spans, by kind; GET /stats
// returns the counts as JSON. Its own process, so parsing the exports costs the gateway nothing.
// Usage: node bench/otlp-sink.mjs [port]   Prints `READY <port>` when listening on 127.0.0.1.
import http from 'node:http';
import { gunzipSync } from 'node:zlib';

const port = Number(process.argv[2] ?? 0);
// OTLP JSON encodes SpanKind as the protobuf enum: 2 SERVER, 3 CLIENT.
const KINDS = { 1: 'internal', 2: 'server', 3: 'client', 4: 'producer', 5: 'consumer' };
const stats = { exports: 0, spans: 0, byKind: {}, rejected: 0, bytes: 0 };

function count(body) {
  const payload = JSON.parse(body);
  for (const resource of payload.resourceSpans ?? []) {
    for (const scope of resource.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        stats.spans++;
        const kind = KINDS[span.kind] ?? String(span.kind);
        stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
      }
    }
  }
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(stats));
    return;
  }
  if (req.method !== 'POST' || req.url !== '/v1/traces') {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let raw = Buffer.concat(chunks);
    stats.bytes += raw.length;
    try {
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      if (!String(req.headers['content-type']).startsWith('application/json')) throw new Error(`unsupported content-type ${req.headers['content-type']}`);
      count(raw.toString('utf8'));
    } catch (error) {
      stats.rejected++;
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: error.message }));
      return;
    }
    stats.exports++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`READY ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
