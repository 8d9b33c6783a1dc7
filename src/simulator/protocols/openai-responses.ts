/**
 * POST /v1/responses: OpenAI's Responses API on the simulator (stateless: store and
 * previous_response_id are refused, as a gateway calling it never needs them). The same
 * conversation gets the same answer as over Chat Completions; streams follow OpenAI's event
 * sequence, paced at the behaviour's tokens per second, and break_after cuts the socket.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ChatAnswer, ChatInput, JsonSchema, SimMessage } from '../generation/chat-input.js';
import { generateChat } from '../generation/generate-chat.js';
import { countPromptTokens } from '../generation/prompt-tokens.js';
import { breakConnection, sendJson } from '../http-io.js';
import { delay, generationMs, paceUnits } from '../pacing.js';
import { tokenPieces } from '../tokens.js';
import type { SimBehaviour } from '../types.js';
import { OpenAIRequestError, behaviourFor, injectFaults, modelFor, readJson, requestId } from './openai-exchange.js';
import type { SimExchange } from './protocol.js';

const part = z.looseObject({ type: z.string(), text: z.string().optional(), refusal: z.string().optional() });
const item = z.looseObject({
  type: z.string().optional(),
  role: z.enum(['system', 'developer', 'user', 'assistant']).optional(),
  content: z.union([z.string(), z.array(part)]).optional(),
  call_id: z.string().optional(),
  name: z.string().optional(),
  arguments: z.string().optional(),
  output: z.union([z.string(), z.array(part)]).optional(),
});

const functionTool = z.looseObject({ type: z.literal('function'), name: z.string().min(1), description: z.string().nullish(), parameters: z.record(z.string(), z.unknown()).nullish() });

const responsesRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(item).min(1)]),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().nullish(),
  // Hosted tools (web_search, …), custom and namespace tools are accepted as OpenAI accepts them; the simulator calls only functions.
  tools: z.array(z.union([functionTool, z.looseObject({ type: z.string().refine((type) => type !== 'function', 'a function tool needs a name') })])).nullish(),
  tool_choice: z.union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.string(), name: z.string().optional() })]).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.looseObject({ format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']), name: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional() }).optional() }).nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
});

type ResponsesRequest = z.infer<typeof responsesRequest>;

function textOf(content: string | z.infer<typeof part>[] | undefined): string {
  if (content === undefined) return '';
  return typeof content === 'string' ? content : content.map((each) => each.text ?? each.refusal ?? '').join('\n');
}

function toChatInput(body: ResponsesRequest): ChatInput {
  const messages: SimMessage[] = [];
  if (body.instructions) messages.push({ role: 'system', text: body.instructions, imageCount: 0, toolCalls: [] });
  const items = typeof body.input === 'string' ? [{ role: 'user' as const, content: body.input }] : body.input;
  for (const entry of items) {
    const type = entry.type ?? 'message';
    if (type === 'message') {
      const role = entry.role === 'developer' || entry.role === 'system' ? 'system' : (entry.role ?? 'user');
      const images = Array.isArray(entry.content) ? entry.content.filter((each) => each.type === 'input_image').length : 0;
      messages.push({ role, text: textOf(entry.content), imageCount: images, toolCalls: [] });
    } else if (type === 'function_call') {
      const call = { id: entry.call_id ?? '', name: entry.name ?? '', arguments: entry.arguments ?? '' };
      const last = messages[messages.length - 1];
      if (last?.role === 'assistant') last.toolCalls.push(call);
      else messages.push({ role: 'assistant', text: '', imageCount: 0, toolCalls: [call] });
    } else if (type === 'function_call_output') {
      messages.push({ role: 'tool', text: textOf(entry.output), imageCount: 0, toolCalls: [], toolCallId: entry.call_id ?? '' });
    }
  }
  const tools = (body.tools ?? [])
    .filter((tool): tool is z.infer<typeof functionTool> => tool.type === 'function')
    .map((tool) => ({ name: tool.name, description: tool.description ?? '', parameters: (tool.parameters ?? {}) as JsonSchema }));
  const named = body.tool_choice;
  const choice = typeof named === 'object' && named !== null && (named.type !== 'function' || named.name === undefined) ? 'auto' : named;
  const format = body.text?.format;
  const input: ChatInput = {
    messages,
    tools,
    toolChoice: choice == null ? { mode: tools.length > 0 ? 'auto' : 'none' } : typeof choice === 'string' ? { mode: choice } : { mode: 'function', name: choice.name ?? '' },
    parallelToolCalls: body.parallel_tool_calls ?? true,
    responseFormat: format?.type === 'json_schema' ? { type: 'json_schema', name: format.name ?? 'schema', schema: (format.schema ?? { type: 'object' }) as JsonSchema } : { type: format?.type === 'json_object' ? 'json_object' : 'text' },
  };
  if (body.max_output_tokens != null) input.maxTokens = body.max_output_tokens;
  return input;
}

const itemId = (prefix: string): string => `${prefix}_${randomBytes(24).toString('hex')}`;

function outputOf(answer: ChatAnswer): Record<string, unknown>[] {
  if (answer.toolCalls.length > 0) return answer.toolCalls.map((call) => ({ id: itemId('fc'), type: 'function_call', status: 'completed', arguments: call.arguments, call_id: call.id, name: call.name }));
  return [{ id: itemId('msg'), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text: answer.content ?? '' }] }];
}

function responseBody(id: string, created: number, body: ResponsesRequest, status: string, output: Record<string, unknown>[], answer?: ChatAnswer): Record<string, unknown> {
  const usage = answer
    ? {
        input_tokens: answer.usage.promptTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: answer.usage.completionTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: answer.usage.promptTokens + answer.usage.completionTokens,
      }
    : null;
  return {
    id,
    object: 'response',
    created_at: created,
    status,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: answer?.finishReason === 'content_filter' ? 'content_filter' : 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: body.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    store: false,
    text: { format: body.text?.format ?? { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    usage,
    metadata: {},
  };
}

export async function handleResponses(exchange: SimExchange): Promise<void> {
  const started = performance.now();
  const { body, raw } = await readJson(exchange, responsesRequest);
  if (body.store) throw new OpenAIRequestError(400, 'The simulator keeps no responses: send store: false.', 'invalid_request_error', 'store', 'unsupported_parameter');
  if (body.previous_response_id) throw new OpenAIRequestError(400, 'The simulator keeps no responses: previous_response_id is not supported.', 'invalid_request_error', 'previous_response_id', 'unsupported_parameter');
  const model = modelFor(exchange, body.model, 'chat');
  const behaviour = behaviourFor(exchange, model);
  const input = toChatInput(body);
  const promptTokens = countPromptTokens(input);
  if (promptTokens > model.contextWindow) {
    throw new OpenAIRequestError(400, `Your input exceeds the context window of this model (${promptTokens} > ${model.contextWindow} tokens).`, 'invalid_request_error', 'input', 'context_length_exceeded');
  }
  if (await injectFaults(exchange, behaviour, raw)) return;
  const answer = generateChat(model, input, behaviour, promptTokens);
  if (!(await delay(behaviour.ttftMs, exchange.signal))) return;
  const headers = { 'x-request-id': requestId(exchange), 'openai-processing-ms': String(Math.round(performance.now() - started)), 'x-switchyard-sim-category': answer.category };
  const id = itemId('resp');
  const created = Math.floor(Date.now() / 1000);
  const status = answer.finishReason === 'length' || answer.finishReason === 'content_filter' ? 'incomplete' : 'completed';
  if (body.stream) {
    await streamResponse(exchange.response, { id, created, body, status, answer, behaviour, signal: exchange.signal, headers });
    return;
  }
  if (behaviour.breakAfterTokens !== undefined) {
    breakConnection(exchange.response);
    return;
  }
  if (!(await delay(generationMs(answer.usage.completionTokens, behaviour.tokensPerSecond), exchange.signal))) return;
  sendJson(exchange.response, 200, responseBody(id, created, body, status, outputOf(answer), answer), headers);
}

interface StreamPlan {
  id: string;
  created: number;
  body: ResponsesRequest;
  status: string;
  answer: ChatAnswer;
  behaviour: SimBehaviour;
  signal: AbortSignal;
  headers: Record<string, string>;
}

async function streamResponse(response: ServerResponse, plan: StreamPlan): Promise<void> {
  const { answer, behaviour } = plan;
  let sequence = 0;
  const send = (type: string, data: Record<string, unknown>): void => {
    if (!response.destroyed) response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data, sequence_number: sequence++ })}\n\n`);
  };
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...plan.headers });
  const opening = responseBody(plan.id, plan.created, plan.body, 'in_progress', []);
  send('response.created', { response: opening });
  send('response.in_progress', { response: opening });

  const final = outputOf(answer);
  // One unit per token: each item's opening events, then its deltas, then its closing events.
  const units: (() => void)[] = [];
  final.forEach((done, outputIndex) => {
    const where = { item_id: done.id, output_index: outputIndex };
    if (done.type === 'message') {
      const text = answer.content ?? '';
      units.push(() => {
        send('response.output_item.added', { output_index: outputIndex, item: { ...done, status: 'in_progress', content: [] } });
        send('response.content_part.added', { ...where, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } });
      });
      for (const piece of tokenPieces(text)) units.push(() => send('response.output_text.delta', { ...where, content_index: 0, delta: piece, logprobs: [] }));
      units.push(() => {
        send('response.output_text.done', { ...where, content_index: 0, text, logprobs: [] });
        send('response.content_part.done', { ...where, content_index: 0, part: (done.content as unknown[])[0] });
        send('response.output_item.done', { output_index: outputIndex, item: done });
      });
    } else {
      const args = done.arguments as string;
      units.push(() => send('response.output_item.added', { output_index: outputIndex, item: { ...done, status: 'in_progress', arguments: '' } }));
      for (const piece of tokenPieces(args)) units.push(() => send('response.function_call_arguments.delta', { ...where, delta: piece }));
      units.push(() => {
        send('response.function_call_arguments.done', { ...where, name: done.name, arguments: args });
        send('response.output_item.done', { output_index: outputIndex, item: done });
      });
    }
  });
  const breakAfter = behaviour.breakAfterTokens;
  const breaks = breakAfter !== undefined && breakAfter <= units.length;
  const planned = breaks ? units.slice(0, breakAfter) : units;
  const completed = await paceUnits(planned.length, behaviour.tokensPerSecond, plan.signal, (from, to) => {
    for (const unit of planned.slice(from, to)) unit();
  });
  if (!completed || response.destroyed) return;
  if (breaks) {
    breakConnection(response);
    return;
  }
  const type = plan.status === 'completed' ? 'response.completed' : 'response.incomplete';
  send(type, { response: responseBody(plan.id, plan.created, plan.body, plan.status, final, answer) });
  response.end();
}
