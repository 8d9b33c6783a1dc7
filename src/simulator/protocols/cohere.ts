/**
 * Cohere's v2 API: POST /v2/chat (plain, or streamed as server-sent events named by type:
 * message-start, content-start/delta/end, tool-plan-delta, tool-call-start/delta/end,
 * message-end) and POST /v2/embed, with a bearer key. Usage comes as billed_units (what
 * Cohere charges) beside tokens (which include Cohere's prompt template). Errors are
 * {"id","message"}; a safety block is Cohere's 400 "blocked output".
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { SimHeaderError } from '../behaviour.js';
import type { ChatAnswer, ChatInput, JsonSchema, SimMessage } from '../generation/chat-input.js';
import { embedText } from '../generation/embeddings.js';
import { sendJson } from '../http-io.js';
import { countTextTokens, tokenPieces } from '../tokens.js';
import type { SimBehaviour } from '../types.js';
import { chatModel, embeddingModel, prepareAnswer } from './answer-steps.js';
import { awaitGeneration, injectFaults, paceStream, readJsonBody, resolveBehaviour, retryAfterHeader, SimRequestError } from './exchange.js';
import type { SimExchange, SimulatorProtocol } from './protocol.js';

/** Tokens Cohere adds for its own prompt template (counted in usage.tokens, not billed). */
const TEMPLATE_TOKENS = 650;
export const BLOCKED_OUTPUT = 'blocked output: please adjust your prompt and try again, as this request triggered our safety filters (simulated)';

const part = z.looseObject({ type: z.string(), text: z.string().optional() });
const message = z.looseObject({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(part)]).optional(),
  tool_calls: z.array(z.looseObject({ id: z.string().min(1), function: z.looseObject({ name: z.string(), arguments: z.string() }) })).optional(),
  tool_call_id: z.string().optional(),
  tool_plan: z.string().optional(),
});

const chatRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  stream: z.boolean().optional(),
  tools: z.array(z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string().min(1), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() }) })).optional(),
  tool_choice: z.enum(['REQUIRED', 'NONE']).optional(),
  response_format: z.looseObject({ type: z.enum(['text', 'json_object']), json_schema: z.record(z.string(), z.unknown()).optional() }).optional(),
  max_tokens: z.number().int().positive().optional(),
  seed: z.number().int().optional(),
  stop_sequences: z.array(z.string()).max(5).optional(),
  temperature: z.number().min(0).optional(),
  p: z.number().min(0.01).max(0.99).optional(),
});
type ChatRequest = z.infer<typeof chatRequest>;

export const cohereProtocol: SimulatorProtocol = {
  name: 'cohere',
  handles: (url) => url.pathname === '/v2/chat' || url.pathname === '/v2/embed',
  async handle(exchange) {
    try {
      if (exchange.request.method !== 'POST') throw new SimRequestError(404, 'Not Found');
      if (!/^Bearer\s+\S+/i.test(exchange.request.headers.authorization ?? '')) throw new SimRequestError(401, 'no api key supplied');
      if (exchange.url.pathname === '/v2/embed') await embed(exchange);
      else await chat(exchange);
    } catch (error) {
      const status = error instanceof SimRequestError ? error.status : error instanceof SimHeaderError ? 400 : 500;
      const text = error instanceof Error ? error.message : String(error);
      sendJson(exchange.response, status, { id: randomUUID(), message: status === 500 ? `Simulator failure: ${text}` : text });
    }
  },
};

const describe = (issue: z.core.$ZodIssue, missing: boolean): string => `invalid request: ${issue.path.map(String).join('.') || 'body'} ${missing ? 'is required' : issue.message}`;

function simMessage(role: SimMessage['role'], text: string, imageCount: number, toolCalls: SimMessage['toolCalls']): SimMessage {
  return { role, text, imageCount, toolCalls };
}

function toChatInput(request: ChatRequest): ChatInput {
  const messages = request.messages.map((entry): SimMessage => {
    const parts = Array.isArray(entry.content) ? entry.content : [];
    const text = typeof entry.content === 'string' ? entry.content : parts.flatMap((item) => (typeof item.text === 'string' ? [item.text] : [])).join('\n');
    const calls = (entry.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments }));
    const result = simMessage(entry.role, text, parts.filter((item) => item.type === 'image_url').length, calls);
    if (entry.tool_call_id !== undefined) result.toolCallId = entry.tool_call_id;
    return result;
  });
  const tools = (request.tools ?? []).map((tool) => ({ name: tool.function.name, description: tool.function.description ?? '', parameters: (tool.function.parameters ?? {}) as JsonSchema }));
  const only = tools.length === 1 ? tools[0] : undefined;
  const toolChoice: ChatInput['toolChoice'] =
    tools.length === 0 || request.tool_choice === 'NONE' ? { mode: 'none' } : request.tool_choice === 'REQUIRED' ? (only ? { mode: 'function', name: only.name } : { mode: 'required' }) : { mode: 'auto' };
  const format = request.response_format;
  const input: ChatInput = {
    messages,
    tools,
    toolChoice,
    parallelToolCalls: true,
    responseFormat: format?.type === 'json_object' ? (format.json_schema ? { type: 'json_schema', name: 'response', schema: format.json_schema as JsonSchema } : { type: 'json_object' }) : { type: 'text' },
  };
  if (request.max_tokens !== undefined) input.maxTokens = request.max_tokens;
  if (request.seed !== undefined) input.seed = request.seed;
  if (request.stop_sequences?.length) input.stopSequences = request.stop_sequences;
  return input;
}

function finishReasonOf(answer: ChatAnswer): string {
  if (answer.finishReason === 'length') return 'MAX_TOKENS';
  if (answer.finishReason === 'tool_calls') return 'TOOL_CALL';
  return answer.stopSequence === undefined ? 'COMPLETE' : 'STOP_SEQUENCE';
}

function usageOf(answer: ChatAnswer): Record<string, unknown> {
  const { promptTokens, completionTokens } = answer.usage;
  return { billed_units: { input_tokens: promptTokens, output_tokens: completionTokens }, tokens: { input_tokens: promptTokens + TEMPLATE_TOKENS, output_tokens: completionTokens } };
}

const toolPlan = (answer: ChatAnswer): string => `I will use ${answer.toolCalls.map((call) => `the ${call.name} tool`).join(' and ')} to answer this.`;
const callId = (id: string): string => `${id.replace(/^call_/, '')}_${id.length}`;

async function chat(exchange: SimExchange): Promise<void> {
  const { body, raw } = await readJsonBody(exchange, chatRequest, describe);
  const model = chatModel(exchange, body.model, (name) => `model '${name}' not found, make sure the correct model ID was used and that you have access to the model.`);
  const input = toChatInput(body);
  if (input.tools.length > 0 && !model.capabilities.tools) throw new SimRequestError(400, `invalid request: model '${model.name}' does not support tools`);
  const prepared = await prepareAnswer(exchange, model, input, raw, {
    tooLong: (tokens, window) => `invalid request: too many tokens: total number of tokens in the prompt cannot exceed ${window} - received ${tokens}. Try using a shorter prompt, or enabling prompt truncating.`,
    renderFault: (status, retryAfter) => sendJson(exchange.response, status, { id: randomUUID(), message: status === 429 ? 'You are past the per-minute request limit, please wait and try again later. (simulated)' : `Simulated error ${status}.` }, retryAfterHeader(retryAfter)),
  });
  if (!prepared) return;
  const { answer, behaviour, headers } = prepared;
  if (answer.finishReason === 'content_filter') throw new SimRequestError(400, BLOCKED_OUTPUT);
  const id = randomUUID();
  if (body.stream) {
    await streamChat(exchange, answer, id, behaviour, headers);
    return;
  }
  if (!(await awaitGeneration(exchange, behaviour, answer.usage.completionTokens))) return;
  const reply: Record<string, unknown> = { role: 'assistant' };
  if (answer.toolCalls.length) {
    reply.tool_plan = toolPlan(answer);
    reply.tool_calls = answer.toolCalls.map((call) => ({ id: callId(call.id), type: 'function', function: { name: call.name, arguments: call.arguments } }));
  } else reply.content = [{ type: 'text', text: answer.content ?? '' }];
  sendJson(exchange.response, 200, { id, finish_reason: finishReasonOf(answer), message: reply, usage: usageOf(answer) }, headers);
}

async function streamChat(exchange: SimExchange, answer: ChatAnswer, id: string, behaviour: SimBehaviour, headers: Record<string, string>): Promise<void> {
  const response: ServerResponse = exchange.response;
  const send = (type: string, data: Record<string, unknown>): void => {
    if (!response.destroyed) response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  };
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  send('message-start', { id, delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } });
  const calls = answer.toolCalls;
  const pieces = calls.length ? [] : tokenPieces(answer.content ?? '');
  if (calls.length) send('tool-plan-delta', { delta: { message: { tool_plan: toolPlan(answer) } } });
  else send('content-start', { index: 0, delta: { message: { content: { type: 'text', text: '' } } } });
  const argumentPieces = calls.map((call) => tokenPieces(call.arguments));
  const units = calls.length ? argumentPieces.reduce((sum, list) => sum + Math.max(1, list.length), 0) : pieces.length;
  let call = 0;
  let sentOfCall = 0;
  const completed = await paceStream(response, units, behaviour, exchange.signal, (from, to) => {
    if (!calls.length) {
      const text = pieces.slice(from, to).join('');
      if (text) send('content-delta', { index: 0, delta: { message: { content: { text } } } });
      return;
    }
    for (let unit = from; unit < to && call < calls.length; unit++) {
      const current = calls[call];
      const list = argumentPieces[call] ?? [];
      if (!current) break;
      if (sentOfCall === 0) send('tool-call-start', { index: call, delta: { message: { tool_calls: { id: callId(current.id), type: 'function', function: { name: current.name, arguments: '' } } } } });
      const piece = list[sentOfCall];
      if (piece) send('tool-call-delta', { index: call, delta: { message: { tool_calls: { function: { arguments: piece } } } } });
      sentOfCall += 1;
      if (sentOfCall >= Math.max(1, list.length)) {
        send('tool-call-end', { index: call });
        call += 1;
        sentOfCall = 0;
      }
    }
  });
  if (!completed) return;
  if (!calls.length) send('content-end', { index: 0 });
  send('message-end', { delta: { finish_reason: finishReasonOf(answer), usage: usageOf(answer) } });
  response.end();
}

const embedRequest = z.looseObject({
  model: z.string().min(1),
  texts: z.array(z.string().min(1)).min(1).max(96),
  input_type: z.enum(['search_document', 'search_query', 'classification', 'clustering', 'image']),
  embedding_types: z.array(z.string()).optional(),
  output_dimension: z.number().int().positive().optional(),
});

async function embed(exchange: SimExchange): Promise<void> {
  const { body, raw } = await readJsonBody(exchange, embedRequest, describe);
  const model = embeddingModel(exchange, body.model, (name) => `model '${name}' not found, make sure the correct model ID was used and that you have access to the model.`);
  const behaviour = resolveBehaviour(exchange, model);
  if (body.embedding_types && !body.embedding_types.includes('float')) throw new SimRequestError(400, 'invalid request: the simulator returns float embeddings only.');
  const dimensions = body.output_dimension ?? model.dimensions ?? 1536;
  if (await injectFaults(exchange, behaviour, raw, (status) => sendJson(exchange.response, status, { id: randomUUID(), message: `Simulated error ${status}.` }))) return;
  if (!(await awaitGeneration(exchange, behaviour, 0))) return;
  const tokens = body.texts.reduce((sum, text) => sum + countTextTokens(text), 0);
  sendJson(exchange.response, 200, {
    id: randomUUID(),
    embeddings: { float: body.texts.map((text) => embedText(text, dimensions)) },
    texts: body.texts,
    meta: { api_version: { version: '2' }, billed_units: { input_tokens: tokens } },
    response_type: 'embeddings_by_type',
  });
}
