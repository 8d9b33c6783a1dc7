/**
 * Steps every OpenAI endpoint shares: read and validate the JSON body, find the model,
 * resolve the behaviour (with the x-switchyard-sim header), inject faults, render errors.
 */
import type { z } from 'zod';
import { SIM_HEADER, SimHeaderError } from '../behaviour.js';
import { BodyTooLargeError, readBody, sendJson } from '../http-io.js';
import type { SimBehaviour, SimulatedModel } from '../types.js';
import { paramOf } from './openai-api.js';
import { injectFaults as injectSharedFaults, resolveBehaviour, retryAfterHeader } from './exchange.js';
import { errorBody, simulatedErrorBody, type OpenAIErrorBody } from './openai-render.js';
import type { SimExchange } from './protocol.js';

/** A request the simulator refuses, rendered as an OpenAI error body. */
export class OpenAIRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'OpenAIRequestError';
  }

  body(): OpenAIErrorBody {
    return errorBody(this.message, this.type, this.param, this.code);
  }
}

export function sendRequestError(exchange: SimExchange, error: unknown): void {
  if (error instanceof OpenAIRequestError) {
    sendJson(exchange.response, error.status, error.body());
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  sendJson(exchange.response, 500, errorBody(`Simulator failure: ${message}`, 'server_error'));
}

export async function readJson<Schema extends z.ZodType>(exchange: SimExchange, schema: Schema): Promise<{ body: z.infer<Schema>; raw: string }> {
  let raw: string;
  try {
    raw = await readBody(exchange.request);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new OpenAIRequestError(413, error.message);
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new OpenAIRequestError(400, 'We could not parse the JSON body of your request. Expected a JSON object.');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const param = issue ? paramOf(issue.path) : null;
    throw new OpenAIRequestError(400, `Invalid request${param ? ` at '${param}'` : ''}: ${issue?.message ?? 'malformed body'}`, 'invalid_request_error', param || null);
  }
  return { body: result.data, raw };
}

export function modelFor(exchange: SimExchange, name: string, kind: SimulatedModel['kind']): SimulatedModel {
  const model = exchange.context.models.get(name);
  if (!model) {
    throw new OpenAIRequestError(404, `The model \`${name}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model', 'model_not_found');
  }
  if (model.kind !== kind) {
    const endpoint = kind === 'chat' ? 'v1/chat/completions' : 'v1/embeddings';
    throw new OpenAIRequestError(400, `\`${name}\` is not a ${kind} model and is not supported in the ${endpoint} endpoint.`, 'invalid_request_error', 'model', 'model_not_supported');
  }
  return model;
}

export function behaviourFor(exchange: SimExchange, model: SimulatedModel): SimBehaviour {
  try {
    return resolveBehaviour(exchange, model);
  } catch (error) {
    if (error instanceof SimHeaderError) throw new OpenAIRequestError(400, error.message, 'invalid_request_error', SIM_HEADER, 'invalid_sim_header');
    throw error;
  }
}

/**
 * Hangs (until the client goes away) or answers with the drawn error. Returns true when
 * the request has been dealt with.
 */
export function injectFaults(exchange: SimExchange, behaviour: SimBehaviour, raw: string): Promise<boolean> {
  return injectSharedFaults(exchange, behaviour, raw, (status, retryAfter) => {
    sendJson(exchange.response, status, simulatedErrorBody(status), retryAfterHeader(retryAfter));
  });
}

export function requestId(exchange: SimExchange): string {
  return `req_sim_${exchange.requestNumber.toString(16).padStart(8, '0')}`;
}
