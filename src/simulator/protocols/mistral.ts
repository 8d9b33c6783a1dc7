/**
 * Mistral's API, mounted under /mistral/v1 (its paths collide with OpenAI's /v1, so the
 * gateway points a simulated Mistral provider at that prefix): POST /chat/completions and
 * /embeddings with a bearer key. Mistral's dialect: random_seed, tool_choice "any", and
 * tool-call ids of exactly nine letters or digits (refused otherwise, as Mistral does).
 * Validation errors are 422 {"message":{"detail":[…]}}; others {"object":"error",…}.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SimHeaderError } from '../behaviour.js';
import type { ChatAnswer } from '../generation/chat-input.js';
import { embedText } from '../generation/embeddings.js';
import { sendJson } from '../http-io.js';
import { countTextTokens } from '../tokens.js';
import { chatModel, embeddingModel, prepareAnswer } from './answer-steps.js';
import { awaitGeneration, injectFaults, readJsonBody, resolveBehaviour, retryAfterHeader, simRequestId, SimRequestError } from './exchange.js';
import { chatCompletionRequest, toChatInput } from './openai-api.js';
import { completionBody, completionMeta } from './openai-render.js';
import { streamAnswer } from './openai-stream.js';
import type { SimExchange, SimulatorProtocol } from './protocol.js';

export const MISTRAL_PREFIX = '/mistral/v1';
const MISTRAL_ID = /^[a-zA-Z0-9]{9}$/;

/** A request Mistral's validation refuses (422, with the field's location). */
class ValidationError extends SimRequestError {
  constructor(
    readonly location: string[],
    message: string,
  ) {
    super(422, message);
  }
}

export const mistralProtocol: SimulatorProtocol = {
  name: 'mistral',
  handles: (url) => url.pathname.startsWith(`${MISTRAL_PREFIX}/`),
  async handle(exchange) {
    try {
      await route(exchange);
    } catch (error) {
      const headers = { 'x-kong-request-id': simRequestId(exchange) };
      if (error instanceof ValidationError) {
        sendJson(exchange.response, 422, { object: 'error', message: { detail: [{ type: 'value_error', loc: ['body', ...error.location], msg: error.message }] }, type: 'invalid_request_error', param: null, code: null }, headers);
      } else if (error instanceof SimRequestError) {
        sendJson(exchange.response, error.status, error.status === 401 ? { message: error.message, request_id: simRequestId(exchange) } : { object: 'error', message: error.message, type: 'invalid_request_error', param: null, code: null }, headers);
      } else if (error instanceof SimHeaderError) sendJson(exchange.response, 400, { object: 'error', message: error.message, type: 'invalid_request_error', param: null, code: null }, headers);
      else sendJson(exchange.response, 500, { object: 'error', message: `Simulator failure: ${error instanceof Error ? error.message : String(error)}`, type: 'internal_error', param: null, code: null }, headers);
    }
  },
};

async function route(exchange: SimExchange): Promise<void> {
  const path = exchange.url.pathname.slice(MISTRAL_PREFIX.length).replace(/\/+$/, '');
  if (exchange.request.method !== 'POST' || (path !== '/chat/completions' && path !== '/embeddings')) throw new SimRequestError(404, 'Not Found');
  if (!/^Bearer\s+\S+/i.test(exchange.request.headers.authorization ?? '')) throw new SimRequestError(401, 'Unauthorized');
  if (path === '/embeddings') return embeddings(exchange);
  return chat(exchange);
}

const describe = (issue: z.core.$ZodIssue): string => `${issue.path.map(String).join('.') || 'body'}: ${issue.message}`;

/** Mistral's fields in OpenAI's names, after checking Mistral's tool-call id rule. */
function fromMistral(parsed: unknown): unknown {
  if (parsed === null || typeof parsed !== 'object') return parsed;
  const body = { ...(parsed as Record<string, unknown>) };
  const messages = Array.isArray(body.messages) ? (body.messages as Array<Record<string, unknown>>) : [];
  messages.forEach((message, index) => {
    const ids = [...(Array.isArray(message.tool_calls) ? (message.tool_calls as Array<{ id?: unknown }>).map((call) => call.id) : []), ...(message.role === 'tool' ? [message.tool_call_id] : [])];
    for (const id of ids) {
      if (typeof id !== 'string' || !MISTRAL_ID.test(id)) throw new SimRequestError(400, `Tool call id was ${String(id)} but must be a-z, A-Z, 0-9, with a length of 9. (messages[${index}])`);
    }
  });
  if (body.random_seed !== undefined) body.seed = body.random_seed;
  if (body.tool_choice === 'any') body.tool_choice = 'required';
  return body;
}

function mistralId(id: string): string {
  const digest = createHash('sha256').update(id).digest('base64').replace(/[^A-Za-z0-9]/g, '');
  return digest.slice(0, 9).padEnd(9, '0');
}

function withMistralIds(answer: ChatAnswer): ChatAnswer {
  return { ...answer, toolCalls: answer.toolCalls.map((call) => ({ ...call, id: mistralId(call.id) })) };
}

async function chat(exchange: SimExchange): Promise<void> {
  const { body, raw } = await readJsonBody(exchange, chatCompletionRequest, describe, fromMistral).catch((error: unknown) => {
    if (error instanceof SimRequestError && error.status === 400 && !error.message.startsWith('Tool call id')) throw new ValidationError([], error.message);
    throw error;
  });
  const model = chatModel(exchange, body.model, (name) => `Invalid model: ${name}`);
  const input = toChatInput(body);
  if (input.maxTokens !== undefined && model.maxOutputTokens > 0 && input.maxTokens > model.maxOutputTokens) throw new ValidationError(['max_tokens'], `max_tokens must be at most ${model.maxOutputTokens}`);
  const prepared = await prepareAnswer(exchange, model, input, raw, {
    tooLong: (tokens, window) => `Prompt contains ${tokens} tokens and 0 draft tokens, too large for model with ${window} maximum context length`,
    renderFault: (status, retryAfter) => sendJson(exchange.response, status, status === 429 ? { message: 'Requests rate limit exceeded' } : { object: 'error', message: `Simulated error ${status}.`, type: 'internal_error', param: null, code: null }, retryAfterHeader(retryAfter)),
  });
  if (!prepared) return;
  const answer = withMistralIds(prepared.answer);
  const meta = { ...completionMeta(model.name), id: createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 32) };
  if (body.stream) {
    await streamAnswer(exchange.response, answer, { meta, includeUsage: true, behaviour: prepared.behaviour, signal: exchange.signal, headers: prepared.headers });
    return;
  }
  if (!(await awaitGeneration(exchange, prepared.behaviour, answer.usage.completionTokens))) return;
  const completion = completionBody(meta, answer);
  const { service_tier: _tier, system_fingerprint: _fingerprint, ...mistral } = completion;
  sendJson(exchange.response, 200, mistral, prepared.headers);
}

const embeddingsRequest = z.looseObject({ model: z.string().min(1), input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(512)]), output_dimension: z.number().int().positive().optional() });

async function embeddings(exchange: SimExchange): Promise<void> {
  const { body, raw } = await readJsonBody(exchange, embeddingsRequest, describe).catch((error: unknown) => {
    throw error instanceof SimRequestError && error.status === 400 ? new ValidationError(['input'], error.message) : error;
  });
  const model = embeddingModel(exchange, body.model, (name) => `Invalid model: ${name}`);
  const behaviour = resolveBehaviour(exchange, model);
  const inputs = typeof body.input === 'string' ? [body.input] : body.input;
  const dimensions = body.output_dimension ?? model.dimensions ?? 1024;
  if (await injectFaults(exchange, behaviour, raw, (status) => sendJson(exchange.response, status, { object: 'error', message: `Simulated error ${status}.`, type: 'internal_error', param: null, code: null }))) return;
  if (!(await awaitGeneration(exchange, behaviour, 0))) return;
  const tokens = inputs.reduce((sum, text) => sum + countTextTokens(text), 0);
  sendJson(exchange.response, 200, {
    id: simRequestId(exchange),
    object: 'list',
    data: inputs.map((text, index) => ({ object: 'embedding', embedding: embedText(text, dimensions), index })),
    model: model.name,
    usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0 },
  });
}
