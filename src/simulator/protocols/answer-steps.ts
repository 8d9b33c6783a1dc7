/**
 * The steps from a validated chat request to a generated answer that the cloud and native
 * protocols (Azure, Bedrock, Vertex, Mistral, Cohere) share: behaviour, context window,
 * scripted faults, generation, time to first token. Each protocol renders the result.
 */
import type { ChatAnswer, ChatInput } from '../generation/chat-input.js';
import { generateChat } from '../generation/generate-chat.js';
import { countPromptTokens } from '../generation/prompt-tokens.js';
import { delay } from '../pacing.js';
import type { SimBehaviour, SimulatedModel } from '../types.js';
import { answerHeaders, injectFaults, resolveBehaviour, SimRequestError, type FaultRenderer } from './exchange.js';
import type { SimExchange } from './protocol.js';

export interface PreparedAnswer {
  answer: ChatAnswer;
  behaviour: SimBehaviour;
  headers: Record<string, string>;
}

export interface AnswerOptions {
  /** The protocol's wording for a prompt over the context window. */
  tooLong(promptTokens: number, contextWindow: number): string;
  renderFault: FaultRenderer;
}

/** Undefined when the request was dealt with already (a fault, a hang, the client left). */
export async function prepareAnswer(exchange: SimExchange, model: SimulatedModel, input: ChatInput, raw: string, options: AnswerOptions): Promise<PreparedAnswer | undefined> {
  const behaviour = resolveBehaviour(exchange, model);
  const promptTokens = countPromptTokens(input);
  if (promptTokens > model.contextWindow) throw new SimRequestError(400, options.tooLong(promptTokens, model.contextWindow));
  if (await injectFaults(exchange, behaviour, raw, options.renderFault)) return undefined;
  const answer = generateChat(model, input, behaviour, promptTokens);
  if (!(await delay(behaviour.ttftMs, exchange.signal))) return undefined;
  return { answer, behaviour, headers: answerHeaders(answer) };
}

/** The chat model a request names, or a 404 in the protocol's words. */
export function chatModel(exchange: SimExchange, name: string, notFound: (name: string) => string): SimulatedModel {
  const model = exchange.context.models.get(name);
  if (!model || model.kind !== 'chat') throw new SimRequestError(404, notFound(name));
  return model;
}

export function embeddingModel(exchange: SimExchange, name: string, notFound: (name: string) => string): SimulatedModel {
  const model = exchange.context.models.get(name);
  if (!model || model.kind !== 'embedding') throw new SimRequestError(404, notFound(name));
  return model;
}

/** Parses a form-encoded body (token endpoints, STS). */
export function formOf(raw: string): URLSearchParams {
  return new URLSearchParams(raw);
}
