// The practical limit: a bare Node pass-through proxy with no features. It reads the
// whole request body, JSON.parses it, forwards it with undici (keep-alive pool) and
// passes the upstream status, content type and body (streams included) straight back.
// Usage: node bench/bare-proxy.mjs <port> <upstream origin>   Prints `READY <port>`.
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';

const port = Number(process.argv[2] ?? 0);
const upstream = new URL(process.argv[3] ?? process.env.UPSTREAM_URL);
// No cap on upstream connections (as Switchyard's agent): thousands of open streams must not queue.
const pool = new Pool(upstream.origin, { connections: null, keepAliveTimeout: 60_000 });

const server = http.createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"invalid JSON","type":"invalid_request_error"}}');
      return;
    }
    const headers = { 'content-type': 'application/json' };
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    const up = await pool.request({ method: req.method, path: req.url, headers, body: JSON.stringify(body) });
    const out = { 'content-type': up.headers['content-type'] ?? 'application/json' };
    if (up.headers['content-length']) out['content-length'] = up.headers['content-length'];
    res.writeHead(up.statusCode, out);
    await pipeline(up.body, res);
  } catch (error) {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error.message), type: 'upstream_error' } }));
    } else res.destroy();
  }
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`READY ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
