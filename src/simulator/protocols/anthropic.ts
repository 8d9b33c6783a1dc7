/**
 * The Anthropic Messages protocol: POST /v1/messages (plain and streamed) and
 * POST /v1/messages/count_tokens, with errors in Anthropic's
 * {"type":"error","error":{type,message}} shape. The server must try it before the
 * OpenAI protocol, which owns the rest of /v1/.
 *
 * Auth: an `x-api-key` header or `Authorization: Bearer …` (any value; none → 401
 * authentication_error). Leniency: a missing `anthropic-version` header is accepted
 * (the real API answers 400), and `anthropic-beta` is ignored.
 */
import { SimHeaderError } from '../behaviour.js';
import { sendJson } from '../http-io.js';
import { handleCountTokens, handleMessages } from './anthropic-messages.js';
import { errorBody } from './anthropic-render.js';
import { SimRequestError, credentialOf, simRequestId } from './exchange.js';
import type { SimExchange, SimulatorProtocol } from './protocol.js';

const MESSAGES_PATH = '/v1/messages';
const COUNT_TOKENS_PATH = '/v1/messages/count_tokens';

function pathOf(url: URL): string {
  return url.pathname.replace(/\/+$/, '');
}

export const anthropicProtocol: SimulatorProtocol = {
  name: 'anthropic',
  handles: (url) => pathOf(url) === MESSAGES_PATH || pathOf(url) === COUNT_TOKENS_PATH,
  async handle(exchange) {
    try {
      await route(exchange);
    } catch (error) {
      sendError(exchange, error);
    }
  },
};

async function route(exchange: SimExchange): Promise<void> {
  const method = exchange.request.method ?? 'GET';
  const path = pathOf(exchange.url);
  if (method !== 'POST') throw new SimRequestError(405, `Method ${method} is not allowed for ${path}; use POST.`);
  if (credentialOf(exchange, 'x-api-key') === undefined) throw new SimRequestError(401, 'x-api-key header is required');
  if (path === COUNT_TOKENS_PATH) return handleCountTokens(exchange);
  return handleMessages(exchange);
}

function sendError(exchange: SimExchange, error: unknown): void {
  const requestId = simRequestId(exchange);
  const headers = { 'request-id': requestId };
  if (error instanceof SimRequestError) {
    sendJson(exchange.response, error.status, errorBody(error.status, error.message, requestId), headers);
  } else if (error instanceof SimHeaderError) {
    sendJson(exchange.response, 400, errorBody(400, error.message, requestId), headers);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    sendJson(exchange.response, 500, errorBody(500, `Simulator failure: ${message}`, requestId), headers);
  }
}
