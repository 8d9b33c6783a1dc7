/**
 * The dashboard under /ui/: the built single-page app (static files from dist/ui) and its
 * JSON API under /ui/api/. Who may read it:
 *  - server.admin_key set: a session from the login form (cookie), or the admin key as a
 *    bearer token (scripts); any other key is refused (403), no credentials 401;
 *  - no admin key, listening on loopback: open, as the zero-config start is;
 *  - no admin key beyond loopback: refused, the admin key is needed.
 * Changes (creating and revoking keys, creating budgets) go through the admin API's own
 * handler, with the session's CSRF token and this host as the Origin.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { isLoopbackHost, type Price } from '../config/load.js';
import { GatewayError } from '../core/errors.js';
import { openEvalStore, type EvalStore } from '../eval/store.js';
import { buildReport } from '../eval/report/aggregate.js';
import { renderHtml } from '../eval/report/html.js';
import { parseSince } from '../governance/spend.js';
import { handleAdmin } from '../server/handlers/admin.js';
import { readJsonBody, sendJson, type Exchange } from '../server/exchange.js';
import type { Services } from '../server/services.js';
import { BREAKDOWNS, DashboardQueries, parseCursor, type Breakdown, type RequestFilter, type TimeWindow } from './queries.js';
import { CLEARED_COOKIE, CSRF_HEADER, cookieValue, DashboardSessions, sameText, SESSION_COOKIE, sessionCookie, type Session } from './session.js';
import { serveStatic } from './static.js';

export interface DashboardContext {
  services: Services;
  /** The admin API's check of a bearer key: 'admin', 'key' (a valid non-admin key), or it throws (401). */
  authenticateBearer: (exchange: Exchange) => 'admin' | 'key';
  /** Deployments, circuits, in-flight calls: what /health/ready reports. */
  health: () => Record<string, unknown>;
}

const RANGES: Record<string, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };
const LIVE_INTERVAL_MS = 2000;
/** Pushed at least this often while a live view is open, so a relative range moves on. */
const LIVE_REFRESH_MS = 15_000;
/** A live view waits this many times its last query's duration before the next one. */
const LIVE_COST_FACTOR = 10;

type Access = { kind: 'open'; csrf: string } | { kind: 'session'; session: Session } | { kind: 'bearer' };

export class Dashboard {
  private readonly sessions: DashboardSessions | undefined;
  /** Open mode's CSRF token: one per process, handed to the page. */
  private readonly openCsrf = randomBytes(24).toString('base64url');
  private queriesInstance: DashboardQueries | undefined;
  private evalStore: EvalStore | undefined;
  private readonly live = new Set<ServerResponse>();

  constructor(private readonly context: DashboardContext) {
    const adminKey = context.services.config.server.adminKey;
    this.sessions = adminKey !== undefined ? new DashboardSessions(adminKey) : undefined;
  }

  private get queries(): DashboardQueries {
    const { config, log } = this.context.services;
    this.queriesInstance ??= new DashboardQueries(config.store.sqlitePath, () => log.flush());
    return this.queriesInstance;
  }

  async handle(exchange: Exchange, method: string, path: string, query: string): Promise<void> {
    const response = exchange.response;
    if (path === '/ui') {
      response.writeHead(308, { location: '/ui/' });
      response.end();
      return;
    }
    if (!path.startsWith('/ui/api/')) {
      if (method !== 'GET' && method !== 'HEAD') throw new GatewayError('method_not_allowed', `${method} is not allowed on ${path}; use GET.`);
      return serveStatic(response, path.slice('/ui/'.length), method === 'HEAD');
    }
    const route = path.slice('/ui/api/'.length);
    const parameters = new URLSearchParams(query);
    response.setHeader('cache-control', 'no-store');
    if (route === 'login') return this.login(exchange, method);
    const access = this.authorize(exchange);
    if (method !== 'GET' && method !== 'HEAD') this.expectSameOrigin(exchange, access);
    if (route === 'session') {
      expectMethod(method, path, 'GET');
      const csrf = access.kind === 'open' ? access.csrf : access.kind === 'session' ? access.session.csrf : null;
      return sendJson(response, 200, JSON.stringify({ mode: access.kind === 'open' ? 'open' : 'admin_key', csrf, expires_at: access.kind === 'session' ? access.session.expiresAt : null }));
    }
    if (route === 'logout') {
      expectMethod(method, path, 'POST');
      if (access.kind === 'session') this.sessions?.end(access.session);
      return sendJson(response, 200, '{"logged_out":true}', { 'set-cookie': CLEARED_COOKIE });
    }
    if (route === 'admin' || route.startsWith('admin/')) return handleAdmin(exchange, this.context.services, method, `/${route}`, 'admin');
    expectMethod(method, path, 'GET');
    switch (route) {
      case 'meta':
        return sendJson(response, 200, JSON.stringify(this.meta()));
      case 'overview':
        return sendJson(response, 200, JSON.stringify(this.queries.overview(timeWindow(parameters), this.baseline(parameters))));
      case 'overview/live':
        return this.liveOverview(exchange, parameters);
      case 'breakdown': {
        const by = parameters.get('by') ?? 'model';
        if (!(BREAKDOWNS as readonly string[]).includes(by)) throw new GatewayError('invalid_request', `by must be one of ${BREAKDOWNS.join(', ')}.`, { param: 'by' });
        return sendJson(response, 200, JSON.stringify({ by, rows: this.queries.breakdown(by as Breakdown, timeWindow(parameters)) }));
      }
      case 'requests':
        return sendJson(response, 200, JSON.stringify(this.queries.requests(requestFilter(parameters))));
      case 'health':
        return sendJson(response, 200, JSON.stringify({ ...this.context.health(), eval_runs: this.evalRuns() }));
    }
    if (route.startsWith('requests/')) return this.requestDetail(response, decodeURIComponent(route.slice('requests/'.length)));
    const report = /^eval-runs\/([^/]+)\/report$/.exec(route);
    if (report) return this.evalReport(response, decodeURIComponent(report[1] as string));
    throw new GatewayError('not_found', `Unknown dashboard endpoint ${method} ${path}.`);
  }

  /** Who is asking; throws 401/403 when they may not. */
  private authorize(exchange: Exchange): Access {
    const config = this.context.services.config;
    if (!this.sessions) {
      if (isLoopbackHost(config.server.host)) return { kind: 'open', csrf: this.openCsrf };
      throw new GatewayError('permission_denied', `The dashboard needs server.admin_key when the gateway listens beyond loopback (server.host is ${config.server.host}).`);
    }
    const session = this.sessions.verify(cookieValue(exchange.request.headers.cookie, SESSION_COOKIE));
    if (session) return { kind: 'session', session };
    const header = exchange.request.headers.authorization;
    if (header === undefined && exchange.request.headers['x-api-key'] === undefined) {
      throw new GatewayError('missing_api_key', 'Log in to the dashboard with the admin key, or send it as Authorization: Bearer <admin key>.');
    }
    if (this.context.authenticateBearer(exchange) === 'admin') return { kind: 'bearer' };
    throw new GatewayError('permission_denied', 'The dashboard needs the admin key; this key may not read it.');
  }

  /** State changes from a page: the CSRF token, and the Origin (when sent) naming this host. A bearer token is no ambient credential. */
  private expectSameOrigin(exchange: Exchange, access: Access): void {
    if (access.kind === 'bearer') return;
    const origin = exchange.request.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      let host: string | undefined;
      try {
        host = new URL(origin).host;
      } catch {
        host = undefined;
      }
      if (host !== exchange.request.headers.host) throw new GatewayError('permission_denied', `Cross-origin request refused (Origin ${origin}).`);
    }
    const expected = access.kind === 'open' ? access.csrf : access.session.csrf;
    const given = exchange.request.headers[CSRF_HEADER];
    if (typeof given !== 'string' || !sameText(given, expected)) throw new GatewayError('permission_denied', `Missing or wrong ${CSRF_HEADER} header: reload the dashboard.`);
  }

  private async login(exchange: Exchange, method: string): Promise<void> {
    expectMethod(method, '/ui/api/login', 'POST');
    if (!this.sessions) throw new GatewayError('invalid_request', 'The dashboard is open on loopback without an admin key; there is nothing to log in to.');
    const origin = exchange.request.headers.origin;
    if (origin !== undefined && origin !== 'null' && safeHost(origin) !== exchange.request.headers.host) throw new GatewayError('permission_denied', `Cross-origin login refused (Origin ${origin}).`);
    const body = (await readJsonBody(exchange, 4096)) as { key?: unknown } | null;
    const key = body?.key;
    if (typeof key !== 'string' || key === '') throw new GatewayError('invalid_request', 'key: give the admin key.', { param: 'key' });
    const adminKey = this.context.services.config.server.adminKey as string;
    if (!sameText(key, adminKey)) {
      // Slow down guessing a little; the admin key is long enough that this is not the defence.
      await new Promise((resolve) => setTimeout(resolve, 250));
      throw new GatewayError('invalid_api_key', 'That is not the admin key.');
    }
    const { cookie, session } = this.sessions.create();
    sendJson(exchange.response, 200, JSON.stringify({ mode: 'admin_key', csrf: session.csrf, expires_at: session.expiresAt }), { 'set-cookie': sessionCookie(cookie, session.expiresAt) });
  }

  private meta(): Record<string, unknown> {
    const config = this.context.services.config;
    const priced = [...config.models.values()].filter((model) => model.price).map((model) => model.name);
    return {
      models: [...config.models.keys()],
      routes: [...config.routes.keys()],
      baselines: priced,
      default_baseline: defaultBaseline(this.context.services),
      log_content: config.store.logContent,
      simulated: config.simulatedOnly,
      admin: config.server.adminKey !== undefined,
    };
  }

  private baseline(parameters: URLSearchParams): { name: string; price: Price } | undefined {
    const name = parameters.get('baseline') ?? defaultBaseline(this.context.services);
    if (name === undefined) return undefined;
    const price = this.context.services.config.models.get(name)?.price;
    if (!price) throw new GatewayError('invalid_request', `baseline must name a model with a price ('${name}' has none or is unknown).`, { param: 'baseline' });
    return { name, price };
  }

  private requestDetail(response: ServerResponse, id: string): void {
    const log = this.context.services.log;
    const record = log.find(id);
    if (!record) throw new GatewayError('not_found', `No request with id '${id}' in the log.`);
    sendJson(response, 200, JSON.stringify({ request: record, attempts: log.attemptsOf(id), log_content: this.context.services.config.store.logContent }));
  }

  private evalStoreOpen(): EvalStore {
    this.evalStore ??= openEvalStore(this.context.services.config.store);
    return this.evalStore;
  }

  private evalRuns(): Record<string, unknown>[] {
    return this.evalStoreOpen()
      .listRuns()
      .map((run) => ({ id: run.id, name: run.name, status: run.status, created_at: run.createdAt, updated_at: run.updatedAt, dataset: run.datasetSource, cases: run.cases.length, targets: run.targets.map((target) => target.name), runs: run.runs }));
  }

  private evalReport(response: ServerResponse, id: string): void {
    const store = this.evalStoreOpen();
    const run = store.findRun(id);
    if (!run) throw new GatewayError('not_found', `No evaluation run '${id}'.`);
    const html = renderHtml(buildReport(run, store.results(run.id)));
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:" });
    response.end(html);
  }

  /** Server-sent events: the overview of the asked range, again whenever the log has new rows (checked every 2 s). */
  private liveOverview(exchange: Exchange, parameters: URLSearchParams): void {
    const response = exchange.response;
    const baseline = this.baseline(parameters);
    timeWindow(parameters); // a bad range is a 400 before the stream starts
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    this.live.add(response);
    let seen = -1;
    let pushedAt = 0;
    let nextAt = 0;
    const push = (): void => {
      try {
        const now = Date.now();
        const latest = this.queries.latestRowid();
        if (now < nextAt || (latest === seen && now - pushedAt < LIVE_REFRESH_MS)) {
          response.write(': idle\n\n');
          return;
        }
        seen = latest;
        pushedAt = now;
        const overview = this.queries.overview(timeWindow(parameters), baseline);
        // The queries run on the gateway's thread: a view whose query takes long is refreshed less often (at most a tenth of the time).
        nextAt = Date.now() + LIVE_COST_FACTOR * overview.queryMs;
        response.write(`event: overview\ndata: ${JSON.stringify(overview)}\n\n`);
      } catch (error) {
        response.write(`event: failure\ndata: ${JSON.stringify({ message: (error as Error).message })}\n\n`);
      }
    };
    const timer = setInterval(push, LIVE_INTERVAL_MS);
    push();
    response.on('close', () => {
      clearInterval(timer);
      this.live.delete(response);
    });
  }

  /** End the live views (the gateway is draining). */
  endLive(): void {
    for (const response of this.live) response.end();
    this.live.clear();
  }

  /** End the live views and close the read connections. */
  close(): void {
    this.endLive();
    this.queriesInstance?.close();
    this.evalStore?.close();
  }
}

function expectMethod(method: string, path: string, allowed: string): void {
  if (method !== allowed && !(allowed === 'GET' && method === 'HEAD')) throw new GatewayError('method_not_allowed', `${method} is not allowed on ${path}; use ${allowed}.`);
}

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** gpt-5.4 when it has a price (as the CLI's savings report), otherwise the priciest model by output price. */
function defaultBaseline(services: Services): string | undefined {
  const models = [...services.config.models.values()].filter((model) => model.price);
  if (models.some((model) => model.name === 'gpt-5.4')) return 'gpt-5.4';
  return models.sort((a, b) => (b.price?.output ?? 0) - (a.price?.output ?? 0))[0]?.name;
}

function time(parameters: URLSearchParams, name: string, now: number): number | undefined {
  const text = parameters.get(name);
  if (text === null || text === '') return undefined;
  try {
    return /^\d{12,}$/.test(text) ? Number(text) : parseSince(text, now);
  } catch (error) {
    throw new GatewayError('invalid_request', `${name}: ${(error as Error).message}`, { param: name });
  }
}

/** range=1h|24h|7d, or since and until (epoch ms, ISO dates, or 30m/24h/7d back). */
export function timeWindow(parameters: URLSearchParams, now = Date.now()): TimeWindow {
  const range = parameters.get('range');
  if (range !== null && range !== 'custom') {
    const span = RANGES[range];
    if (span === undefined) throw new GatewayError('invalid_request', `range must be one of ${Object.keys(RANGES).join(', ')} or custom (with since and until).`, { param: 'range' });
    return { since: now - span, until: now };
  }
  const since = time(parameters, 'since', now) ?? now - 86_400_000;
  const until = time(parameters, 'until', now) ?? now;
  if (since >= until) throw new GatewayError('invalid_request', 'since must be before until.', { param: 'since' });
  if (until - since > 400 * 86_400_000) throw new GatewayError('invalid_request', 'the range may span at most 400 days.', { param: 'since' });
  return { since, until };
}

function requestFilter(parameters: URLSearchParams): RequestFilter {
  const now = Date.now();
  const limitText = parameters.get('limit');
  const limit = limitText === null ? 50 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new GatewayError('invalid_request', 'limit must be a whole number from 1 to 500.', { param: 'limit' });
  const filter: RequestFilter = { limit };
  const status = parameters.get('status');
  if (status) {
    if (status === 'ok' || status === 'error') filter.status = status;
    else if (/^\d{1,3}$/.test(status)) filter.status = Number(status);
    else throw new GatewayError('invalid_request', 'status must be ok, error or an HTTP status code.', { param: 'status' });
  }
  for (const name of ['model', 'route', 'key'] as const) {
    const value = parameters.get(name);
    if (value) filter[name] = value;
  }
  const text = parameters.get('q');
  if (text) filter.text = text.slice(0, 200);
  const since = time(parameters, 'since', now);
  const until = time(parameters, 'until', now);
  if (since !== undefined) filter.since = since;
  if (until !== undefined) filter.until = until;
  const before = parameters.get('before');
  if (before) {
    const cursor = parseCursor(before);
    if (!cursor) throw new GatewayError('invalid_request', 'before must be the next cursor of the previous page.', { param: 'before' });
    filter.before = cursor;
  }
  return filter;
}
