/**
 * Amazon Bedrock runtime: POST /model/{modelId}/converse, /converse-stream (answered in
 * the binary event-stream framing) and /invoke (embeddings, Titan and Cohere bodies).
 * Every call must carry a valid SigV4 signature for service bedrock by a key the
 * simulator knows (see SimCredentials); errors carry x-amzn-ErrorType and {"message"}.
 */
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ChatAnswer } from '../generation/chat-input.js';
import { embedText } from '../generation/embeddings.js';
import { BodyTooLargeError, readBody, sendJson } from '../http-io.js';
import { countTextTokens, tokenPieces } from '../tokens.js';
import { SimHeaderError } from '../behaviour.js';
import { chatModel, embeddingModel, prepareAnswer } from './answer-steps.js';
import { converseRequest, checkConversation, describeConverseIssue, toChatInput } from './bedrock-api.js';
import { awaitGeneration, injectFaults, paceStream, parseArguments, resolveBehaviour, SimRequestError } from './exchange.js';
import type { SimExchange, SimulatorProtocol } from './protocol.js';
import { awsErrorHeaders, verifySigV4 } from './sigv4-verify.js';

const MODEL_PATH = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;
const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** A refusal in Bedrock's shape: its error type and message. */
class BedrockError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const FAULT_TYPES: Record<number, [string, string]> = {
  400: ['ValidationException', 'Input validation failed (simulated).'],
  403: ['AccessDeniedException', 'You don\'t have access to the model with the specified model ID. (simulated)'],
  408: ['ModelTimeoutException', 'Model has timed out in processing the request. (simulated)'],
  424: ['ModelErrorException', 'The model failed to process the request. (simulated)'],
  429: ['ThrottlingException', 'Too many requests, please wait before trying again. (simulated)'],
  503: ['ServiceUnavailableException', 'Bedrock is unable to process your request. (simulated)'],
};

function sendError(response: ServerResponse, status: number, type: string, message: string, extra: Record<string, string> = {}): void {
  sendJson(response, status, { message }, { ...awsErrorHeaders(type), ...extra });
}

export const bedrockProtocol: SimulatorProtocol = {
  name: 'bedrock',
  handles: (url) => MODEL_PATH.test(url.pathname),
  async handle(exchange) {
    try {
      await route(exchange);
    } catch (error) {
      if (error instanceof BedrockError) sendError(exchange.response, error.status, error.type, error.message);
      else if (error instanceof SimRequestError) sendError(exchange.response, error.status, error.status === 404 ? 'ResourceNotFoundException' : error.status === 413 ? 'ValidationException' : 'ValidationException', error.message);
      else if (error instanceof SimHeaderError) sendError(exchange.response, 400, 'ValidationException', error.message);
      else sendError(exchange.response, 500, 'InternalServerException', `Simulator failure: ${error instanceof Error ? error.message : String(error)}`);
    }
  },
};

async function route(exchange: SimExchange): Promise<void> {
  if (exchange.request.method !== 'POST') throw new BedrockError(405, 'UnknownOperationException', 'Only POST is supported.');
  const [, encodedModel = '', operation] = MODEL_PATH.exec(exchange.url.pathname) ?? [];
  let raw: string;
  try {
    raw = await readBody(exchange.request);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new BedrockError(413, 'ValidationException', error.message);
    throw error;
  }
  const failure = await verifySigV4(exchange, raw, 'bedrock');
  if (failure) throw new BedrockError(failure.status, failure.type, failure.message);
  const modelId = decodeURIComponent(encodedModel);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new BedrockError(400, 'ValidationException', 'Malformed input request, please reformat your input and try again.');
  }
  if (operation === 'invoke') return invokeEmbeddings(exchange, modelId, parsed, raw);
  return converse(exchange, modelId, parsed, raw, operation === 'converse-stream');
}

const invalidModel = (): string => 'The provided model identifier is invalid.';

function faultRenderer(exchange: SimExchange) {
  return (status: number): void => {
    const [type, message] = FAULT_TYPES[status] ?? ['InternalServerException', 'The server encountered an internal error while processing the request. (simulated)'];
    sendError(exchange.response, status, type, message);
  };
}

async function converse(exchange: SimExchange, modelId: string, parsed: unknown, raw: string, stream: boolean): Promise<void> {
  const result = converseRequest.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new BedrockError(400, 'ValidationException', issue ? describeConverseIssue(issue, false) : 'Malformed input request.');
  }
  const body = result.data;
  const model = chatModel(exchange, modelId, invalidModel);
  checkConversation(body);
  const input = toChatInput(body);
  if (input.tools.length > 0 && !model.capabilities.tools) throw new BedrockError(400, 'ValidationException', 'This model doesn\'t support tool use.');
  if (!model.capabilities.vision && input.messages.some((message) => message.imageCount > 0)) throw new BedrockError(400, 'ValidationException', 'This model doesn\'t support the image content block that you provided.');
  if (input.maxTokens !== undefined && model.maxOutputTokens > 0 && input.maxTokens > model.maxOutputTokens) {
    throw new BedrockError(400, 'ValidationException', `The maximum tokens you requested exceeds the model limit of ${model.maxOutputTokens}. Try again with a maximum tokens value that is lower than ${model.maxOutputTokens}.`);
  }
  const prepared = await prepareAnswer(exchange, model, input, raw, { tooLong: () => 'Input is too long for requested model.', renderFault: faultRenderer(exchange) });
  if (!prepared) return;
  const guarded = body.guardrailConfig !== undefined;
  const headers = { ...prepared.headers, 'x-amzn-requestid': crypto.randomUUID() };
  if (stream) {
    await streamConverse(exchange, prepared.answer, guarded, prepared.behaviour, headers);
    return;
  }
  if (!(await awaitGeneration(exchange, prepared.behaviour, prepared.answer.usage.completionTokens))) return;
  sendJson(exchange.response, 200, {
    output: { message: { role: 'assistant', content: contentOf(prepared.answer, guarded) } },
    stopReason: stopReasonOf(prepared.answer, guarded),
    usage: usageOf(prepared.answer),
    metrics: { latencyMs: prepared.behaviour.ttftMs },
  }, headers);
}

const GUARDRAIL_MESSAGE = 'Sorry, the model cannot answer this question.';

function stopReasonOf(answer: ChatAnswer, guarded: boolean): string {
  switch (answer.finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return guarded ? 'guardrail_intervened' : 'content_filtered';
    case 'stop':
      return answer.stopSequence === undefined ? 'end_turn' : 'stop_sequence';
  }
}

function toolUseId(id: string): string {
  return `tooluse_${id.replace(/^call_/, '')}`;
}

function contentOf(answer: ChatAnswer, guarded: boolean): Array<Record<string, unknown>> {
  if (answer.finishReason === 'content_filter') return guarded ? [{ text: GUARDRAIL_MESSAGE }] : [];
  if (answer.toolCalls.length > 0) return answer.toolCalls.map((call) => ({ toolUse: { toolUseId: toolUseId(call.id), name: call.name, input: parseArguments(call.arguments) ?? {} } }));
  return answer.content ? [{ text: answer.content }] : [];
}

function usageOf(answer: ChatAnswer): Record<string, number> {
  const { promptTokens, completionTokens } = answer.usage;
  return { inputTokens: promptTokens, outputTokens: completionTokens, totalTokens: promptTokens + completionTokens };
}

function frame(eventType: string, payload: Record<string, unknown>): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

type Unit = { kind: 'text'; text: string } | { kind: 'tool'; index: number; id: string; name: string; pieces: string[] };

/** Text in token groups; each tool call as a start, its input in pieces, and a stop. */
async function streamConverse(exchange: SimExchange, answer: ChatAnswer, guarded: boolean, behaviour: Parameters<typeof paceStream>[2], headers: Record<string, string>): Promise<void> {
  const { response } = exchange;
  const send = (eventType: string, payload: Record<string, unknown>): void => {
    if (!response.destroyed) response.write(frame(eventType, payload));
  };
  response.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', ...headers });
  send('messageStart', { role: 'assistant' });
  const calls = answer.toolCalls;
  const texts = answer.finishReason === 'content_filter' ? (guarded ? [GUARDRAIL_MESSAGE] : []) : calls.length ? [] : tokenPieces(answer.content ?? '');
  const units: Unit[] = calls.length
    ? calls.map((call, index) => ({ kind: 'tool' as const, index, id: toolUseId(call.id), name: call.name, pieces: tokenPieces(call.arguments) }))
    : texts.map((text) => ({ kind: 'text' as const, text }));
  const weight = (unit: Unit): number => (unit.kind === 'tool' ? Math.max(1, countTextTokens(unit.pieces.join(''))) : 1);
  const count = units.reduce((sum, unit) => sum + weight(unit), 0);
  // Units fall due by cumulative weight; each is written once, whole.
  let written = 0;
  let due = 0;
  const completed = await paceStream(response, count, behaviour, exchange.signal, (_from, to) => {
    while (written < units.length && due + weight(units[written] as Unit) <= to) {
      const unit = units[written] as Unit;
      due += weight(unit);
      written += 1;
      if (unit.kind === 'text') send('contentBlockDelta', { contentBlockIndex: 0, delta: { text: unit.text } });
      else {
        send('contentBlockStart', { contentBlockIndex: unit.index, start: { toolUse: { toolUseId: unit.id, name: unit.name } } });
        for (const piece of unit.pieces) send('contentBlockDelta', { contentBlockIndex: unit.index, delta: { toolUse: { input: piece } } });
        send('contentBlockStop', { contentBlockIndex: unit.index });
      }
    }
  });
  if (!completed) return;
  if (calls.length === 0 && units.length > 0) send('contentBlockStop', { contentBlockIndex: 0 });
  send('messageStop', { stopReason: stopReasonOf(answer, guarded) });
  send('metadata', { usage: usageOf(answer), metrics: { latencyMs: behaviour.ttftMs } });
  response.end();
}

const titanBody = z.looseObject({ inputText: z.string().min(1), dimensions: z.union([z.literal(256), z.literal(512), z.literal(1024)]).optional(), normalize: z.boolean().optional() });
const cohereBody = z.looseObject({ texts: z.array(z.string().min(1)).min(1).max(96), input_type: z.string(), output_dimension: z.number().int().positive().optional() });

async function invokeEmbeddings(exchange: SimExchange, modelId: string, parsed: unknown, raw: string): Promise<void> {
  const model = embeddingModel(exchange, modelId, invalidModel);
  const behaviour = resolveBehaviour(exchange, model);
  const titan = /amazon\.titan-embed/.test(modelId);
  let answer: () => Record<string, unknown>;
  if (titan) {
    const body = titanBody.safeParse(parsed);
    if (!body.success) throw new BedrockError(400, 'ValidationException', 'Malformed input request: inputText is required; dimensions must be 256, 512 or 1024.');
    const text = body.data.inputText;
    answer = () => ({ embedding: embedText(text, body.data.dimensions ?? 1024), inputTextTokenCount: countTextTokens(text) });
  } else {
    const body = cohereBody.safeParse(parsed);
    if (!body.success) throw new BedrockError(400, 'ValidationException', 'Malformed input request: texts and input_type are required.');
    const dimensions = body.data.output_dimension ?? model.dimensions ?? 1024;
    answer = () => ({ id: crypto.randomUUID(), response_type: 'embeddings_floats', embeddings: body.data.texts.map((text) => embedText(text, dimensions)), texts: body.data.texts });
  }
  if (await injectFaults(exchange, behaviour, raw, faultRenderer(exchange))) return;
  if (!(await awaitGeneration(exchange, behaviour, 0))) return;
  sendJson(exchange.response, 200, answer());
}
