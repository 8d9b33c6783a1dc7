/**
 * The OpenAI wire protocol: Chat Completions, Responses, Embeddings and Models under /v1, with
 * errors in OpenAI's {"error":{message,type,param,code}} shape.
 */
import { sendJson } from '../http-io.js';
import { handleChatCompletions } from './openai-chat.js';
import { handleEmbeddings } from './openai-embeddings.js';
import { handleResponses } from './openai-responses.js';
import { OpenAIRequestError, sendRequestError } from './openai-exchange.js';
import { errorBody, modelBody } from './openai-render.js';
import type { SimExchange, SimulatorProtocol } from './protocol.js';

export const openaiProtocol: SimulatorProtocol = {
  name: 'openai',
  handles: (url) => url.pathname.startsWith('/v1/'),
  async handle(exchange) {
    try {
      await route(exchange);
    } catch (error) {
      sendRequestError(exchange, error);
    }
  },
  notFound(exchange) {
    sendJson(exchange.response, 404, errorBody(`Invalid URL (${exchange.request.method ?? 'GET'} ${exchange.url.pathname})`, 'invalid_request_error'));
  },
};

async function route(exchange: SimExchange): Promise<void> {
  const method = exchange.request.method ?? 'GET';
  const path = exchange.url.pathname.replace(/\/+$/, '');
  if (method === 'POST' && path === '/v1/chat/completions') return handleChatCompletions(exchange);
  if (method === 'POST' && path === '/v1/embeddings') return handleEmbeddings(exchange);
  if (method === 'POST' && path === '/v1/responses') return handleResponses(exchange);
  if (method === 'GET' && path === '/v1/models') return listModels(exchange);
  if (method === 'GET' && path.startsWith('/v1/models/')) return retrieveModel(exchange, decodeURIComponent(path.slice('/v1/models/'.length)));
  openaiProtocol.notFound?.(exchange);
}

function listModels(exchange: SimExchange): void {
  sendJson(exchange.response, 200, { object: 'list', data: [...exchange.context.models.values()].map(modelBody) });
}

function retrieveModel(exchange: SimExchange, name: string): void {
  const model = exchange.context.models.get(name);
  if (!model) throw new OpenAIRequestError(404, `The model '${name}' does not exist`, 'invalid_request_error', 'model', 'model_not_found');
  sendJson(exchange.response, 200, modelBody(model));
}
