/**
 * Mistral's own API: POST /chat/completions (streamed as SSE with [DONE]) and
 * /embeddings. Answers are OpenAI-shaped except that content may be a list of chunks
 * (text and, from reasoning models, thinking), and "model_length" ends an answer cut by
 * the context window; both are normalised here and read by the shared OpenAI readers.
 */
import { z } from 'zod';
import type { ProviderConfig } from '../../config/load.js';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, StreamPart } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { ChunkReader, parseOpenAIChatResponse } from '../../api/openai/chat-response.js';
import { parseOpenAIEmbeddingResponse } from '../../api/openai/embeddings.js';
import { parseSse } from '../sse.js';
import { bodyChunks, discardBody, finishBody, type UpstreamClient, type UpstreamResponse } from '../http-client.js';
import { httpErrorFromText, readErrorBody } from '../upstream-errors.js';
import { parseEventData, staticAuthorizer, UpstreamCaller } from '../upstream-call.js';
import type { CallContext, ProviderAdapter } from '../types.js';
import { mistralUnsupported, toMistralBody } from './mistral-request.js';

const contentChunk = z.looseObject({ type: z.string(), text: z.string().nullish() });
const mistralContent = z.union([z.string(), z.array(contentChunk), z.null()]).optional();

/** {"message": "…"}, {"message": {"detail": [{"msg": …}]}} (validation) or OpenAI's {"error": {"message": …}}. */
const errorSchema = z.looseObject({
  message: z.union([z.string(), z.looseObject({ detail: z.array(z.looseObject({ msg: z.string().optional(), loc: z.array(z.unknown()).optional() })).optional() })]).optional(),
  detail: z.union([z.string(), z.array(z.looseObject({ msg: z.string().optional() }))]).optional(),
});

export class MistralAdapter implements ProviderAdapter {
  private readonly caller: UpstreamCaller;

  constructor(
    private readonly provider: ProviderConfig,
    client: UpstreamClient,
    private readonly secrets: string[],
  ) {
    this.caller = new UpstreamCaller(provider, client, {
      auth: staticAuthorizer(provider.apiKey ? { authorization: `Bearer ${provider.apiKey}` } : {}),
      mapError: async (response) => {
        const text = await readErrorBody(response);
        const message = mistralMessage(text);
        // Mistral answers malformed requests with 422: a client error, not a missing capability.
        const status = response.status === 422 ? 400 : response.status;
        return httpErrorFromText({ status, headers: response.headers }, text, provider.name, secrets, message ? { message } : {});
      },
    });
  }

  unsupported(request: ChatRequest): string[] {
    return mistralUnsupported(request);
  }

  async chat(request: ChatRequest, context: CallContext): Promise<ChatResponse> {
    const body = toMistralBody({ ...request, stream: false }, context.deployment.upstreamModel);
    const response = await this.caller.post(`${this.caller.baseUrl()}/chat/completions`, JSON.stringify(body), context);
    const answer = (await this.caller.json(response, context)) as { choices?: unknown };
    if (Array.isArray(answer?.choices)) answer.choices = answer.choices.map((choice) => normaliseChoice(choice, 'message', this.provider.name));
    return parseOpenAIChatResponse(answer, context.deployment.upstreamModel);
  }

  async chatStream(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>> {
    const body = toMistralBody({ ...request, stream: true }, context.deployment.upstreamModel);
    const response = await this.caller.post(`${this.caller.baseUrl()}/chat/completions`, JSON.stringify(body), context, 'text/event-stream');
    return this.readStream(response, context);
  }

  private async *readStream(response: UpstreamResponse, context: CallContext): AsyncGenerator<StreamPart> {
    const reader = new ChunkReader(context.deployment.upstreamModel);
    let done = false;
    let finished = false;
    try {
      for await (const event of parseSse(bodyChunks(response.body))) {
        if (event.data === '[DONE]') {
          done = true;
          break;
        }
        const chunk = parseEventData(event.data, this.provider.name) as { choices?: unknown; object?: unknown; message?: unknown } | null;
        if (chunk?.object === 'error') throw new GatewayError('upstream_error', `provider ${this.provider.name} failed mid-stream: ${typeof chunk.message === 'string' ? chunk.message : 'unknown error'}`);
        if (chunk && Array.isArray(chunk.choices)) chunk.choices = chunk.choices.map((choice) => normaliseChoice(choice, 'delta', this.provider.name));
        for (const part of reader.read(chunk)) {
          if (part.type === 'finish') finished = true;
          yield part;
        }
      }
    } catch (error) {
      throw this.caller.failure(error, context, response);
    } finally {
      if (done) finishBody(response.body);
      else discardBody(response.body);
    }
    if (!done && !finished) throw new GatewayError('upstream_connection_error', `provider ${this.provider.name} ended the stream before the answer was complete`);
  }

  async embed(request: EmbeddingRequest, context: CallContext): Promise<EmbeddingResponse> {
    const body = { model: context.deployment.upstreamModel, input: request.input, ...(request.dimensions !== undefined ? { output_dimension: request.dimensions } : {}) };
    const response = await this.caller.post(`${this.caller.baseUrl()}/embeddings`, JSON.stringify(body), context);
    return parseOpenAIEmbeddingResponse(await this.caller.json(response, context), context.deployment.upstreamModel);
  }
}

/** Content chunks → text (thinking left out); model_length → length; an "error" finish throws. */
function normaliseChoice(choice: unknown, field: 'message' | 'delta', provider: string): unknown {
  if (choice === null || typeof choice !== 'object') return choice;
  const record = choice as Record<string, unknown>;
  if (record.finish_reason === 'error') throw new GatewayError('upstream_error', `provider ${provider} ended the answer with finish_reason "error"`);
  const out: Record<string, unknown> = { ...record, ...(record.finish_reason === 'model_length' ? { finish_reason: 'length' } : {}) };
  const inner = record[field];
  if (inner && typeof inner === 'object') {
    const parsed = mistralContent.safeParse((inner as { content?: unknown }).content);
    if (parsed.success && Array.isArray(parsed.data)) {
      out[field] = { ...inner, content: parsed.data.map((chunk) => (chunk.type === 'text' ? (chunk.text ?? '') : '')).join('') };
    }
  }
  return out;
}

function mistralMessage(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = errorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { message, detail } = parsed.data;
  if (typeof message === 'string') return message;
  const issues = message?.detail ?? (Array.isArray(detail) ? detail : undefined);
  if (issues?.length) return issues.map((issue) => issue.msg ?? 'invalid value').join('; ');
  return typeof detail === 'string' ? detail : undefined;
}
