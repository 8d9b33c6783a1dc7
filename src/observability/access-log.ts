/**
 * The access log (`log.access: true`): one JSON line per HTTP request, written when its
 * response ends (or the client leaves), for people who ship logs to their own stack. It
 * says who called what and what it cost — never a key, a header value or a body.
 */
import type { Exchange } from '../server/exchange.js';

/** Where lines go: the gateway's stdout destination (non-blocking, bounded) in `serve`. */
export type LineSink = (line: string) => void;

/** What the access log needs of a request; the exchange carries it. */
export function accessLine(exchange: Exchange, method: string, path: string, now = Date.now()): string {
  const { response, record } = exchange;
  // A response that never finished: the client left first (nginx's 499), whatever status was set.
  const status = response.writableFinished ? response.statusCode : 499;
  const line: Record<string, unknown> = {
    type: 'access',
    time: new Date(now).toISOString(),
    request_id: exchange.id,
    method,
    path,
    status,
    duration_ms: Math.round((performance.now() - exchange.startedAt) * 100) / 100,
    remote_address: exchange.request.socket.remoteAddress ?? null,
    user_agent: headerValue(exchange.request.headers['user-agent']),
    key_id: exchange.keyId,
  };
  if (record) {
    line.endpoint = record.endpoint;
    line.team = record.team;
    line.route = record.route;
    line.requested_model = record.requestedModel || null;
    line.model = record.model;
    line.provider = record.provider;
    line.stream = record.stream;
    line.attempts = record.attempts;
    line.input_tokens = record.inputTokens;
    line.output_tokens = record.outputTokens;
    line.cost_usd = record.costUsd;
    line.ttft_ms = record.ttftMs;
    line.finish_reason = record.finishReason;
    line.error_code = record.errorCode;
  }
  if (exchange.traceId) line.trace_id = exchange.traceId;
  return `${JSON.stringify(line)}\n`;
}

function headerValue(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined ? null : text.slice(0, 256);
}
