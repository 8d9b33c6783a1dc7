/**
 * The OpenAI Responses API: POST /v1/responses runs the chat pipeline (guards, routing,
 * governance, resilience, log — see chat.ts) with the Responses format, for any model;
 * this file adds what Responses has beyond a chat format:
 * - previous_response_id: the stored conversation (of the caller's own key) goes before
 *   this turn's input;
 * - store (default true): the answer, its input items and the conversation are kept, so
 *   GET /v1/responses/{id}, DELETE and GET …/input_items work and a later turn continues;
 *   store: false keeps nothing but the request row.
 * Another key's response id is a 404, the same as an id that never existed.
 */
import type { InboundChatFormat } from '../../api/inbound-format.js';
import { renderOpenAIError } from '../../api/openai/errors.js';
import { itemsToMessages, newItemId, parseResponsesRequest, type InputItem, type ResponsesCall } from '../../api/openai/responses-request.js';
import { finalStatus, outputItemsOf, wantsSummary, responseObject, responsesUsage, ResponsesStreamRenderer, type OutputItem, type ResponseHead } from '../../api/openai/responses-response.js';
import { GatewayError } from '../../core/errors.js';
import type { Message, NativeRequest } from '../../core/types.js';
import { toResponsesInput } from '../../providers/openai/responses-upstream.js';
import type { ResponseStore } from '../../store/response-store.js';
import { sendJson, type Exchange } from '../exchange.js';
import type { Services } from '../services.js';
import { handleChat } from './chat.js';

export async function handleCreateResponse(exchange: Exchange, services: Services): Promise<void> {
  await handleChat(exchange, services, responsesFormat(exchange, services.responses));
}

function notFound(id: string, param?: string): GatewayError {
  return new GatewayError('not_found', `Response with id '${id}' not found.`, param ? { param } : {});
}

/** One request's Responses format: parsing resolves previous_response_id, rendering stores the answer. */
function responsesFormat(exchange: Exchange, store: ResponseStore): InboundChatFormat {
  let call: ResponsesCall | undefined;
  let earlier: Message[] = [];
  let head: ResponseHead | undefined;

  const keep = (response: Record<string, unknown>, output: OutputItem[]): void => {
    if (!call?.store || !head) return;
    store.save({
      id: head.id,
      requestId: exchange.id,
      keyId: exchange.keyId,
      createdAt: head.createdAt,
      response,
      inputItems: call.input,
      conversation: [...earlier, ...call.inputMessages, ...itemsToMessages(output as InputItem[])],
    });
  };

  return {
    name: 'openai-responses',
    parseRequest(body, options) {
      call = parseResponsesRequest(body, options);
      if (call.previousResponseId !== undefined) {
        const previous = store.find(call.previousResponseId, exchange.keyId);
        if (!previous) throw notFound(call.previousResponseId, 'previous_response_id');
        earlier = previous.conversation;
        const request = call.request;
        const system = call.echo.instructions ? request.messages.slice(0, 1) : [];
        request.messages = [...system, ...earlier, ...call.inputMessages];
        if (request.native) request.native = continuedNative(request.native, request.messages, earlier);
      }
      head = {
        id: newItemId('resp'),
        createdAt: Math.floor(exchange.createdAt / 1000),
        model: call.request.model,
        previousResponseId: call.previousResponseId ?? null,
        store: call.store,
        echo: call.echo,
      };
      return call.request;
    },
    renderResponse(response, context) {
      if (!head) throw new Error('renderResponse before parseRequest');
      head.model = response.model;
      const output = outputItemsOf(response, wantsSummary(head));
      const finishReason = response.choices[0]?.finishReason ?? null;
      const object = responseObject(head, finalStatus(finishReason), output, {
        usage: context.usage ? responsesUsage(context.usage, context.costUsd) : null,
        finishReason,
      });
      keep(object, output);
      return JSON.stringify(object);
    },
    createStreamRenderer({ fallbackModel }) {
      if (!head) throw new Error('createStreamRenderer before parseRequest');
      head.model = fallbackModel;
      const renderer: ResponsesStreamRenderer = new ResponsesStreamRenderer(head, (response) => keep(response, renderer.transcript()));
      return renderer;
    },
    renderError: renderOpenAIError,
  };
}

/**
 * The client's body as a Responses upstream should get it when the gateway holds the earlier
 * turns: the stored conversation as input items before the client's own, and no
 * previous_response_id (the upstream never saw that response).
 */
function continuedNative(native: NativeRequest, messages: Message[], earlier: Message[]): NativeRequest {
  const { previous_response_id: _previous, ...body } = native.body;
  const sent = typeof body.input === 'string' ? [{ type: 'message', role: 'user', content: body.input }] : (body.input as unknown[]);
  const before = toResponsesInput(earlier);
  // What was set aside keeps pointing at the same items, now after the earlier ones.
  const passed = native.passed.map((field) => (field.path[0] === 'input' && typeof field.path[1] === 'number' ? { ...field, path: ['input', field.path[1] + before.length, ...field.path.slice(2)] } : field));
  return { ...native, body: { ...body, input: [...before, ...sent] }, passed, messages };
}

/** GET /v1/responses/{id}, DELETE /v1/responses/{id}, GET /v1/responses/{id}/input_items. */
export function handleStoredResponse(exchange: Exchange, services: Services, method: string, rest: string, query: URLSearchParams): void {
  const [id = '', tail, ...more] = rest.split('/').map(decodeURIComponent);
  if (id === '' || more.length > 0 || (tail !== undefined && tail !== 'input_items')) throw new GatewayError('not_found', `Unknown endpoint ${method} /v1/responses/${rest}.`);
  if (tail === 'input_items') {
    if (method !== 'GET') throw new GatewayError('method_not_allowed', `${method} is not allowed on /v1/responses/{id}/input_items; use GET.`);
    const stored = services.responses.find(id, exchange.keyId);
    if (!stored) throw notFound(id);
    sendJson(exchange.response, 200, JSON.stringify(listPage(stored.inputItems, query)));
    return;
  }
  if (method === 'GET') {
    if (query.get('stream') === 'true') throw new GatewayError('invalid_request', 'Replaying a stored response as a stream is not supported; GET it without stream.', { param: 'stream' });
    const stored = services.responses.find(id, exchange.keyId);
    if (!stored) throw notFound(id);
    sendJson(exchange.response, 200, JSON.stringify(stored.response));
    return;
  }
  if (method === 'DELETE') {
    if (!services.responses.delete(id, exchange.keyId)) throw notFound(id);
    sendJson(exchange.response, 200, JSON.stringify({ id, object: 'response', deleted: true }));
    return;
  }
  throw new GatewayError('method_not_allowed', `${method} is not allowed on /v1/responses/{id}; use GET or DELETE.`);
}

/** A cursor page of items: order (desc by default, as OpenAI's), limit 1-100 (default 20), after an item id. */
function listPage(items: Record<string, unknown>[], query: URLSearchParams): Record<string, unknown> {
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw new GatewayError('invalid_request', `Invalid value for 'order': expected 'asc' or 'desc', got '${order}'.`, { param: 'order' });
  const limitText = query.get('limit');
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new GatewayError('invalid_request', `Invalid value for 'limit': expected an integer from 1 to 100, got '${limitText}'.`, { param: 'limit' });
  const ordered = order === 'desc' ? [...items].reverse() : items;
  const after = query.get('after');
  let start = 0;
  if (after !== null) {
    const index = ordered.findIndex((item) => item.id === after);
    if (index < 0) throw new GatewayError('invalid_request', `Invalid value for 'after': no input item with id '${after}' in this response.`, { param: 'after' });
    start = index + 1;
  }
  const data = ordered.slice(start, start + limit);
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, has_more: start + limit < ordered.length };
}
