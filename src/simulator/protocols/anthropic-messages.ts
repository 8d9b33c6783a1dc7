/** POST /v1/messages and POST /v1/messages/count_tokens. */
import type { ChatInput } from '../generation/chat-input.js';
import { generateChat } from '../generation/generate-chat.js';
import { countPromptTokens } from '../generation/prompt-tokens.js';
import { sendJson } from '../http-io.js';
import { delay } from '../pacing.js';
import type { SimulatedModel } from '../types.js';
import { countTokensRequest, describeIssue, messagesRequest, toChatInput, type MessagesRequest } from './anthropic-api.js';
import { errorBody, messageBody, messageId, simulatedErrorMessage } from './anthropic-render.js';
import { streamMessage } from './anthropic-stream.js';
import { usePromptCache } from './anthropic-cache.js';
import { checkSignatures, thinkAbout, thinkingBudget } from './anthropic-thinking.js';
import {
  SimRequestError,
  answerHeaders,
  awaitGeneration,
  injectFaults,
  readJsonBody,
  resolveBehaviour,
  retryAfterHeader,
  simRequestId,
} from './exchange.js';
import type { SimExchange } from './protocol.js';

export async function handleMessages(exchange: SimExchange): Promise<void> {
  const requestId = simRequestId(exchange);
  const { body, raw } = await readJsonBody(exchange, messagesRequest, describeIssue);
  const model = chatModelFor(exchange, body.model);
  const behaviour = resolveBehaviour(exchange, model);
  const budget = thinkingBudget(body.thinking, body.max_tokens);
  checkSignatures(body.messages);
  // Thinking takes what it needs of the budget (as a real model does, seldom all of it); the answer gets the rest of max_tokens.
  const asked = toChatInput(body, body.max_tokens);
  const thinking = budget === undefined ? undefined : thinkAbout(asked, budget);
  const input = thinking ? { ...asked, maxTokens: body.max_tokens - thinking.tokens } : asked;
  checkSupported(model, body, input);
  const promptTokens = countPromptTokens(input);
  if (promptTokens > model.contextWindow) throw new SimRequestError(400, `prompt is too long: ${promptTokens} tokens > ${model.contextWindow} maximum`);
  const faulted = await injectFaults(exchange, behaviour, raw, (status, retryAfter) => {
    sendJson(exchange.response, status, errorBody(status, simulatedErrorMessage(status), requestId), { 'request-id': requestId, ...retryAfterHeader(retryAfter) });
  });
  if (faulted) return;

  const cache = usePromptCache(exchange.context.promptCache, body.model, body, promptTokens);
  const generated = generateChat(model, input, behaviour, promptTokens);
  // Thinking is output: billed in output_tokens.
  const answer = thinking ? { ...generated, usage: { ...generated.usage, completionTokens: generated.usage.completionTokens + thinking.tokens } } : generated;
  if (!(await delay(behaviour.ttftMs, exchange.signal))) return;
  const headers = { 'request-id': requestId, ...answerHeaders(answer) };
  const id = messageId();
  if (body.stream) {
    await streamMessage(exchange.response, answer, { id, model: body.model, behaviour, signal: exchange.signal, headers, cache, ...(thinking ? { thinking } : {}) });
    return;
  }
  if (!(await awaitGeneration(exchange, behaviour, answer.usage.completionTokens))) return;
  const message = messageBody(id, body.model, answer, cache);
  if (thinking) message.content = [{ type: 'thinking', thinking: thinking.text, signature: thinking.signature }, ...(message.content as unknown[])];
  sendJson(exchange.response, 200, message, headers);
}

export async function handleCountTokens(exchange: SimExchange): Promise<void> {
  const requestId = simRequestId(exchange);
  const { body, raw } = await readJsonBody(exchange, countTokensRequest, describeIssue);
  const model = chatModelFor(exchange, body.model);
  // Scripted faults (error_rate, hang) apply to counting as to messages.
  const faulted = await injectFaults(exchange, resolveBehaviour(exchange, model), raw, (status, retryAfter) => {
    sendJson(exchange.response, status, errorBody(status, simulatedErrorMessage(status), requestId), { 'request-id': requestId, ...retryAfterHeader(retryAfter) });
  });
  if (faulted) return;
  sendJson(exchange.response, 200, { input_tokens: countPromptTokens(toChatInput(body)) }, { 'request-id': requestId });
}

function chatModelFor(exchange: SimExchange, name: string): SimulatedModel {
  const model = exchange.context.models.get(name);
  if (!model) throw new SimRequestError(404, `model: ${name}`);
  if (model.kind !== 'chat') throw new SimRequestError(400, `model: ${name} is an embedding model and cannot be used with the Messages API`);
  return model;
}

/** What Anthropic would refuse: missing capabilities, impossible limits, unknown forced tools. */
function checkSupported(model: SimulatedModel, body: MessagesRequest, input: ChatInput): void {
  const refuse = (message: string): never => {
    throw new SimRequestError(400, message);
  };
  if (body.max_tokens > model.maxOutputTokens && model.maxOutputTokens > 0) {
    refuse(`max_tokens: ${body.max_tokens} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${model.name}`);
  }
  if (input.tools.length > 0 && !model.capabilities.tools) refuse(`tools: ${model.name} does not support tool use`);
  if (!model.capabilities.vision && input.messages.some((message) => message.imageCount > 0)) refuse(`messages: ${model.name} does not support image input`);
  const choice = body.tool_choice;
  if ((choice?.type === 'any' || choice?.type === 'tool') && input.tools.length === 0) refuse('tool_choice: tool_choice may only be specified while providing tools.');
  if (choice?.type === 'tool' && !input.tools.some((tool) => tool.name === choice.name)) refuse(`tool_choice: Tool '${choice.name}' not found in tools`);
}
