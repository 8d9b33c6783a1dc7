/** POST /v1beta/models/{model}:generateContent and :streamGenerateContent?alt=sse. */
import type { ChatInput } from '../generation/chat-input.js';
import { generateChat } from '../generation/generate-chat.js';
import { countPromptTokens } from '../generation/prompt-tokens.js';
import { sendJson } from '../http-io.js';
import { delay } from '../pacing.js';
import type { SimulatedModel } from '../types.js';
import { answerHeaders, awaitGeneration, injectFaults, readJsonBody, resolveBehaviour, SimRequestError } from './exchange.js';
import { generateContentRequest, issueDescriber, toChatInput, type GenerateContentRequest } from './gemini-api.js';
import { errorBody, generateContentBody, responseMeta, retryInfo, simulatedErrorMessage } from './gemini-render.js';
import { camelCaseKeys } from './gemini-schema.js';
import { streamGenerateContent } from './gemini-stream.js';
import type { SimExchange } from './protocol.js';

const describeIssue = issueDescriber('GenerateContentRequest');

export async function handleGenerateContent(exchange: SimExchange, model: SimulatedModel, stream: boolean): Promise<void> {
  if (stream && exchange.url.searchParams.get('alt') !== 'sse') {
    throw new SimRequestError(400, 'The simulator streams streamGenerateContent only as server-sent events: add ?alt=sse (the default JSON-array stream is not simulated).');
  }
  const { body, raw } = await readJsonBody(exchange, generateContentRequest, describeIssue, camelCaseKeys);
  const behaviour = resolveBehaviour(exchange, model);
  const input = toChatInput(body);
  checkSupported(model, body, input);
  const promptTokens = countPromptTokens(input);
  if (promptTokens > model.contextWindow) {
    throw new SimRequestError(400, `The input token count (${promptTokens}) exceeds the maximum number of tokens allowed (${model.contextWindow}).`);
  }
  const faulted = await injectFaults(exchange, behaviour, raw, (status, retryAfter) => {
    sendJson(exchange.response, status, errorBody(status, simulatedErrorMessage(status), retryAfter === undefined ? undefined : [retryInfo(retryAfter)]));
  });
  if (faulted) return;

  const answer = generateChat(model, input, behaviour, promptTokens);
  if (!(await delay(behaviour.ttftMs, exchange.signal))) return;
  const headers = answerHeaders(answer);
  const meta = responseMeta(model.name);
  if (stream) {
    await streamGenerateContent(exchange.response, answer, { meta, behaviour, signal: exchange.signal, headers });
    return;
  }
  if (!(await awaitGeneration(exchange, behaviour, answer.usage.completionTokens))) return;
  sendJson(exchange.response, 200, generateContentBody(meta, answer), { ...headers, 'content-type': 'application/json; charset=UTF-8' });
}

/** What Gemini would refuse: missing capabilities, impossible limits, unknown function names. */
function checkSupported(model: SimulatedModel, body: GenerateContentRequest, input: ChatInput): void {
  const refuse = (message: string): never => {
    throw new SimRequestError(400, message);
  };
  const config = body.generationConfig ?? {};
  if ((config.candidateCount ?? 1) > 1) refuse('The simulator supports candidateCount=1 only.');
  if (config.maxOutputTokens !== undefined && model.maxOutputTokens > 0 && config.maxOutputTokens > model.maxOutputTokens) {
    refuse(`The requested maxOutputTokens (${config.maxOutputTokens}) exceeds the maximum allowed for ${model.name} (${model.maxOutputTokens}).`);
  }
  const mimeType = config.responseMimeType ?? 'text/plain';
  if (mimeType !== 'text/plain' && mimeType !== 'application/json') refuse(`responseMimeType ${mimeType} is not simulated; use text/plain or application/json.`);
  if ((config.responseSchema || config.responseJsonSchema) && mimeType !== 'application/json') refuse('responseSchema requires responseMimeType "application/json".');
  if (input.responseFormat.type === 'json_schema' && !model.capabilities.jsonSchema) refuse(`${model.name} does not support responseSchema.`);
  const otherTools = (body.tools ?? []).flatMap((tool) => Object.keys(tool).filter((key) => key !== 'functionDeclarations'));
  if (otherTools.length > 0) refuse(`Tool ${otherTools[0]} is not simulated; only functionDeclarations are supported.`);
  if (input.tools.length > 0 && !model.capabilities.tools) refuse(`${model.name} does not support function calling.`);
  const allowed = body.toolConfig?.functionCallingConfig?.allowedFunctionNames ?? [];
  const unknown = allowed.find((name) => !(body.tools ?? []).some((tool) => (tool.functionDeclarations ?? []).some((declaration) => declaration.name === name)));
  if (unknown !== undefined) refuse(`allowedFunctionNames contains ${unknown}, which is not declared in tools.`);
  if (!model.capabilities.vision && input.messages.some((message) => message.imageCount > 0)) refuse(`${model.name} does not support image input.`);
}
