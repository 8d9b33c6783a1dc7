/** POST /v1/chat/completions. */
import { generateChat } from '../generation/generate-chat.js';
import type { ChatInput } from '../generation/chat-input.js';
import { countPromptTokens } from '../generation/prompt-tokens.js';
import { breakConnection, sendJson } from '../http-io.js';
import { delay, generationMs } from '../pacing.js';
import type { SimulatedModel } from '../types.js';
import { chatCompletionRequest, toChatInput, type ChatCompletionRequest } from './openai-api.js';
import { OpenAIRequestError, behaviourFor, injectFaults, modelFor, readJson, requestId } from './openai-exchange.js';
import { completionBody, completionMeta } from './openai-render.js';
import { streamAnswer } from './openai-stream.js';
import type { SimExchange } from './protocol.js';

export async function handleChatCompletions(exchange: SimExchange): Promise<void> {
  const started = performance.now();
  const { body, raw } = await readJson(exchange, chatCompletionRequest);
  const model = modelFor(exchange, body.model, 'chat');
  const behaviour = behaviourFor(exchange, model);
  const input = toChatInput(body);
  checkSupported(model, body, input);
  const promptTokens = countPromptTokens(input);
  if (promptTokens > model.contextWindow) {
    throw new OpenAIRequestError(
      400,
      `This model's maximum context length is ${model.contextWindow} tokens. However, your messages resulted in ${promptTokens} tokens. Please reduce the length of the messages.`,
      'invalid_request_error',
      'messages',
      'context_length_exceeded',
    );
  }
  if (await injectFaults(exchange, behaviour, raw)) return;

  const answer = generateChat(model, input, behaviour, promptTokens);
  const meta = completionMeta(body.model);
  if (!(await delay(behaviour.ttftMs, exchange.signal))) return;
  const headers = (): Record<string, string> => ({
    'x-request-id': requestId(exchange),
    'openai-processing-ms': String(Math.round(performance.now() - started)),
    'x-switchyard-sim-category': answer.category,
    'x-switchyard-sim-correct': String(answer.correct),
  });

  if (body.stream) {
    const includeUsage = body.stream_options?.include_usage === true;
    await streamAnswer(exchange.response, answer, { meta, includeUsage, behaviour, signal: exchange.signal, headers: headers() });
    return;
  }
  if (behaviour.breakAfterTokens !== undefined) {
    breakConnection(exchange.response);
    return;
  }
  if (!(await delay(generationMs(answer.usage.completionTokens, behaviour.tokensPerSecond), exchange.signal))) return;
  sendJson(exchange.response, 200, completionBody(meta, answer), headers());
}

/** What a real provider would refuse: missing capabilities, impossible limits. */
function checkSupported(model: SimulatedModel, body: ChatCompletionRequest, input: ChatInput): void {
  const refuse = (param: string, message: string, code: string | null = 'unsupported_parameter'): never => {
    throw new OpenAIRequestError(400, message, 'invalid_request_error', param, code);
  };
  if (body.n !== undefined && body.n !== null && body.n > 1) refuse('n', 'The simulator supports n=1 only.');
  if (input.tools.length > 0 && !model.capabilities.tools) refuse('tools', `Model ${model.name} does not support tools.`);
  if (input.responseFormat.type === 'json_schema' && !model.capabilities.jsonSchema) {
    refuse('response_format', `Model ${model.name} does not support response_format of type json_schema.`);
  }
  if (!model.capabilities.vision && input.messages.some((message) => message.imageCount > 0)) {
    refuse('messages', `Model ${model.name} does not support image inputs.`, 'unsupported_content');
  }
  const choice = input.toolChoice;
  if (choice.mode === 'function' && !input.tools.some((tool) => tool.name === choice.name)) {
    refuse('tool_choice', `Invalid value for 'tool_choice': no function named '${choice.name}' was specified in the 'tools' parameter.`, null);
  }
  if (input.maxTokens !== undefined && model.maxOutputTokens > 0 && input.maxTokens > model.maxOutputTokens) {
    const param = body.max_completion_tokens ? 'max_completion_tokens' : 'max_tokens';
    refuse(
      param,
      `${param} is too large: ${input.maxTokens}. This model supports at most ${model.maxOutputTokens} completion tokens, whereas you provided ${input.maxTokens}.`,
      'invalid_value',
    );
  }
}
