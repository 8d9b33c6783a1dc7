/**
 * The dashboard's built files (dist/ui, made by `npm run build`), served from memory after
 * the first read. Hashed assets are cached for a year; index.html never, so a new build
 * shows at the next load. Nothing is fetched from the network at run time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** The page may load its own scripts and styles only; uPlot sets inline styles on its elements. */
const PAGE_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** dist/ui beside the compiled dashboard; when running from the TypeScript sources (tests), the build's copy. */
function uiRoot(): string | undefined {
  const beside = fileURLToPath(new URL('../ui/', import.meta.url));
  if (existsSync(join(beside, 'index.html'))) return beside;
  const built = beside.replace(`${sep}src${sep}ui${sep}`, `${sep}dist${sep}ui${sep}`);
  return existsSync(join(built, 'index.html')) ? built : undefined;
}

const files = new Map<string, Buffer>();
let root: string | undefined | null = null;

export function serveStatic(response: ServerResponse, relative: string, headOnly: boolean): void {
  if (root === null) root = uiRoot();
  if (root === undefined) {
    const body = 'The dashboard is not built: run `npm run build` (npm ci runs it).\n';
    response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    response.end(body);
    return;
  }
  // Pages are routed in the browser (#/requests…): every path that is not an asset is the app.
  const name = relative === '' || !relative.startsWith('assets/') ? 'index.html' : relative;
  const path = normalize(join(root, name));
  if (!path.startsWith(root) || (name !== 'index.html' && !existsSync(path))) {
    const body = 'Not found\n';
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    response.end(body);
    return;
  }
  let content = files.get(path);
  if (!content) {
    content = readFileSync(path);
    files.set(path, content);
  }
  response.writeHead(200, {
    'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
    'content-length': content.length,
    'cache-control': name === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
    ...(name === 'index.html' ? { 'content-security-policy': PAGE_POLICY, 'referrer-policy': 'no-referrer' } : {}),
  });
  response.end(headOnly ? undefined : content);
}
