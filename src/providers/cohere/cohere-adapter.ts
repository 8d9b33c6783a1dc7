/** Cohere: Chat v2 (POST /v2/chat, streamed as SSE) and Embed v2 (POST /v2/embed), with a bearer API key. */
import { z } from 'zod';
import type { ProviderConfig } from '../../config/load.js';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, StreamPart } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { parseSse } from '../sse.js';
import { bodyChunks, discardBody, finishBody, type UpstreamClient, type UpstreamResponse } from '../http-client.js';
import { httpErrorFromText, readErrorBody } from '../upstream-errors.js';
import { filteredResponse, filteredStream, isFiltered, parseEventData, staticAuthorizer, UpstreamCaller } from '../upstream-call.js';
import type { CallContext, ProviderAdapter } from '../types.js';
import { cohereUnsupported, toCohereBody } from './cohere-request.js';
import { CohereEventReader, parseCohereResponse } from './cohere-response.js';

const embedSchema = z.object({
  embeddings: z.object({ float: z.array(z.array(z.number())) }),
  meta: z.object({ billed_units: z.object({ input_tokens: z.number().nullish() }).nullish() }).nullish(),
});

/** Embeddings for comparing texts with one another (the semantic cache's use), not a query against documents. */
const EMBED_INPUT_TYPE = 'clustering';

export class CohereAdapter implements ProviderAdapter {
  private readonly caller: UpstreamCaller;

  constructor(
    private readonly provider: ProviderConfig,
    client: UpstreamClient,
    secrets: string[],
  ) {
    this.caller = new UpstreamCaller(provider, client, {
      auth: staticAuthorizer(provider.apiKey ? { authorization: `Bearer ${provider.apiKey}` } : {}),
      mapError: async (response) => {
        const text = await readErrorBody(response);
        // 498: Cohere's answer to an invalid or revoked key.
        const status = response.status === 498 ? 401 : response.status;
        if (status === 400 && /"message"\s*:\s*"blocked (input|output)/.test(text)) {
          return new GatewayError('content_filtered', `provider ${provider.name}: Cohere's safety filter blocked the answer`, { upstreamStatus: 400 });
        }
        return httpErrorFromText({ status, headers: response.headers }, text, provider.name, secrets);
      },
    });
  }

  unsupported(request: ChatRequest): string[] {
    return cohereUnsupported(request);
  }

  async chat(request: ChatRequest, context: CallContext): Promise<ChatResponse> {
    const body = toCohereBody({ ...request, stream: false }, context.deployment.upstreamModel);
    try {
      const response = await this.caller.post(`${this.caller.baseUrl()}/v2/chat`, JSON.stringify(body), context);
      return parseCohereResponse(await this.caller.json(response, context), context.deployment.upstreamModel, this.provider.name);
    } catch (error) {
      if (isFiltered(error)) return filteredResponse(context.deployment.upstreamModel);
      throw error;
    }
  }

  async chatStream(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>> {
    const body = toCohereBody({ ...request, stream: true }, context.deployment.upstreamModel);
    let response: UpstreamResponse;
    try {
      response = await this.caller.post(`${this.caller.baseUrl()}/v2/chat`, JSON.stringify(body), context, 'text/event-stream');
    } catch (error) {
      if (isFiltered(error)) return filteredStream(context.deployment.upstreamModel);
      throw error;
    }
    return this.readStream(response, context);
  }

  private async *readStream(response: UpstreamResponse, context: CallContext): AsyncGenerator<StreamPart> {
    const reader = new CohereEventReader(context.deployment.upstreamModel, this.provider.name);
    try {
      for await (const event of parseSse(bodyChunks(response.body))) {
        if (event.data === '[DONE]') break;
        yield* reader.read(parseEventData(event.data, this.provider.name));
        if (reader.complete) break;
      }
    } catch (error) {
      throw this.caller.failure(error, context, response);
    } finally {
      if (reader.complete) finishBody(response.body);
      else discardBody(response.body);
    }
    if (!reader.complete) throw new GatewayError('upstream_connection_error', `provider ${this.provider.name} ended the stream before message-end`);
  }

  async embed(request: EmbeddingRequest, context: CallContext): Promise<EmbeddingResponse> {
    const body = {
      model: context.deployment.upstreamModel,
      texts: request.input,
      input_type: EMBED_INPUT_TYPE,
      embedding_types: ['float'],
      ...(request.dimensions !== undefined ? { output_dimension: request.dimensions } : {}),
    };
    const response = await this.caller.post(`${this.caller.baseUrl()}/v2/embed`, JSON.stringify(body), context);
    const parsed = embedSchema.safeParse(await this.caller.json(response, context));
    if (!parsed.success || parsed.data.embeddings.float.length !== request.input.length) {
      throw new GatewayError('upstream_bad_response', `provider ${this.provider.name} answered with malformed embeddings`);
    }
    return { model: context.deployment.upstreamModel, vectors: parsed.data.embeddings.float, usage: { inputTokens: parsed.data.meta?.billed_units?.input_tokens ?? 0 } };
  }
}
