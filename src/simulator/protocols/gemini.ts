/**
 * The Gemini API (generativelanguage v1beta): under /v1beta/models, generateContent,
 * streamGenerateContent (?alt=sse only), embedContent, batchEmbedContents, and the model
 * list, with errors in Google's {"error":{code,message,status,details}} shape.
 *
 * Auth: an `x-goog-api-key` header, a `key` query parameter or `Authorization: Bearer …`
 * (any value; none → 403 PERMISSION_DENIED, as Google answers unregistered callers).
 * Request fields are accepted in camelCase or snake_case, as Google's JSON parser does.
 */
import { SimHeaderError } from '../behaviour.js';
import { sendJson } from '../http-io.js';
import type { SimulatedModel } from '../types.js';
import { SimRequestError, credentialOf } from './exchange.js';
import { handleBatchEmbedContents, handleEmbedContent } from './gemini-embeddings.js';
import { handleGenerateContent } from './gemini-generate.js';
import { errorBody } from './gemini-render.js';
import type { SimExchange, SimulatorProtocol } from './protocol.js';

const PREFIX = '/v1beta/';
const MODEL_METHOD = /^\/v1beta\/models\/([^/:]+):([A-Za-z]+)$/;
const MODEL_RESOURCE = /^\/v1beta\/models\/([^/:]+)$/;

export const geminiProtocol: SimulatorProtocol = {
  name: 'gemini',
  handles: (url) => url.pathname.startsWith(PREFIX),
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
  const path = exchange.url.pathname.replace(/\/+$/, '');
  const key = exchange.url.searchParams.get('key') ?? credentialOf(exchange, 'x-goog-api-key');
  if (!key) {
    throw new SimRequestError(403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
  }
  const call = MODEL_METHOD.exec(path);
  if (method === 'POST' && call) {
    const name = decodeURIComponent(call[1] ?? '');
    const action = call[2] ?? '';
    switch (action) {
      case 'generateContent':
      case 'streamGenerateContent':
        return handleGenerateContent(exchange, modelFor(exchange, name, 'chat', action), action === 'streamGenerateContent');
      case 'embedContent':
        return handleEmbedContent(exchange, modelFor(exchange, name, 'embedding', action));
      case 'batchEmbedContents':
        return handleBatchEmbedContents(exchange, modelFor(exchange, name, 'embedding', action));
    }
  }
  if (method === 'GET' && path === '/v1beta/models') {
    sendJson(exchange.response, 200, { models: [...exchange.context.models.values()].map(modelBody) });
    return;
  }
  const resource = MODEL_RESOURCE.exec(path);
  if (method === 'GET' && resource) {
    const name = decodeURIComponent(resource[1] ?? '');
    const model = exchange.context.models.get(name);
    if (!model) throw new SimRequestError(404, `models/${name} is not found for API version v1beta.`);
    sendJson(exchange.response, 200, modelBody(model));
    return;
  }
  throw new SimRequestError(404, `Method ${method} ${path} is not found (not simulated).`);
}

function modelFor(exchange: SimExchange, name: string, kind: SimulatedModel['kind'], action: string): SimulatedModel {
  const model = exchange.context.models.get(name);
  if (!model || model.kind !== kind) {
    throw new SimRequestError(
      404,
      `models/${name} is not found for API version v1beta, or is not supported for ${action}. Call ListModels to see the list of available models and their supported methods.`,
    );
  }
  return model;
}

function modelBody(model: SimulatedModel): Record<string, unknown> {
  return {
    name: `models/${model.name}`,
    version: '001',
    displayName: model.name,
    inputTokenLimit: model.contextWindow,
    outputTokenLimit: model.kind === 'chat' ? model.maxOutputTokens : 1,
    supportedGenerationMethods: model.kind === 'chat' ? ['generateContent', 'streamGenerateContent'] : ['embedContent', 'batchEmbedContents'],
  };
}

function sendError(exchange: SimExchange, error: unknown): void {
  if (error instanceof SimRequestError) {
    sendJson(exchange.response, error.status, errorBody(error.status, error.message));
  } else if (error instanceof SimHeaderError) {
    sendJson(exchange.response, 400, errorBody(400, error.message));
  } else {
    const message = error instanceof Error ? error.message : String(error);
    sendJson(exchange.response, 500, errorBody(500, `Simulator failure: ${message}`));
  }
}
