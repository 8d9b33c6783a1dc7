/** The Gemini adapter: generateContent, streamGenerateContent?alt=sse and batchEmbedContents. */
import type { ProviderConfig } from '../../config/load.js';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, StreamPart } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { translateError, type UpstreamClient, type UpstreamResponse } from '../http-client.js';
import { readUpstreamJson, upstreamHttpError } from '../upstream-errors.js';
import type { CallContext, ProviderAdapter } from '../types.js';
import { geminiUnsupported, toGeminiBody } from './gemini-request.js';
import { parseGeminiResponse, retryDelayOf } from './gemini-response.js';
import { readGeminiStream } from './gemini-stream.js';


export class GeminiAdapter implements ProviderAdapter {
  constructor(
    private readonly provider: ProviderConfig,
    private readonly client: UpstreamClient,
    private readonly secrets: string[],
  ) {}

  unsupported(request: ChatRequest): string[] {
    return geminiUnsupported(request);
  }

  /** POST {base}/models/{model}:{method}; the key goes in a header, never in the URL. */
  private async post(method: string, body: Record<string, unknown>, context: CallContext, stream: boolean): Promise<UpstreamResponse> {
    if (!this.provider.baseUrl) throw new GatewayError('internal_error', `provider ${this.provider.name} has no base URL (simulator not started?)`);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json', ...this.provider.headers };
    if (this.provider.apiKey) headers['x-goog-api-key'] = this.provider.apiKey;
    if (this.provider.simulated && context.simulatorHeader) headers['x-switchyard-sim'] = context.simulatorHeader;
    if (context.traceparent) headers.traceparent = context.traceparent;
    const model = encodeURIComponent(context.deployment.upstreamModel);
    const response = await this.client.send({
      url: `${this.provider.baseUrl}/models/${model}:${method}`,
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      timeouts: context.timeouts,
      signal: context.signal,
      provider: this.provider.name,
    });
    if (response.status < 200 || response.status >= 300) throw await upstreamHttpError(response, this.provider.name, this.secrets, retryDelayOf);
    return response;
  }

  private failure(error: unknown, context: CallContext, response: UpstreamResponse): Error {
    return translateError(error, { url: this.provider.baseUrl ?? '', timeouts: context.timeouts, signal: context.signal, provider: this.provider.name }, response.signal);
  }

  private json(response: UpstreamResponse, context: CallContext): Promise<unknown> {
    return readUpstreamJson(response, this.provider.name, (error) => this.failure(error, context, response));
  }

  async chat(request: ChatRequest, context: CallContext): Promise<ChatResponse> {
    const response = await this.post('generateContent', toGeminiBody(request), context, false);
    return parseGeminiResponse(await this.json(response, context), context.deployment.upstreamModel, this.provider.name);
  }

  async chatStream(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>> {
    const response = await this.post('streamGenerateContent?alt=sse', toGeminiBody(request), context, true);
    return this.readStream(response, context);
  }

  private readStream(response: UpstreamResponse, context: CallContext): AsyncGenerator<StreamPart> {
    return readGeminiStream(response, context.deployment.upstreamModel, this.provider.name, (error) => this.failure(error, context, response));
  }

  async embed(request: EmbeddingRequest, context: CallContext): Promise<EmbeddingResponse> {
    const model = `models/${context.deployment.upstreamModel}`;
    const body = {
      requests: request.input.map((text) => ({
        model,
        content: { parts: [{ text }] },
        ...(request.dimensions !== undefined ? { outputDimensionality: request.dimensions } : {}),
      })),
    };
    const response = await this.post('batchEmbedContents', body, context, false);
    const parsed = (await this.json(response, context)) as { embeddings?: { values?: unknown }[] };
    const vectors = parsed.embeddings?.map((embedding) => embedding.values);
    if (!vectors || vectors.length !== request.input.length || !vectors.every((vector) => Array.isArray(vector) && vector.every((value) => typeof value === 'number'))) {
      throw new GatewayError('upstream_bad_response', `provider ${this.provider.name} answered with malformed embeddings`);
    }
    // Gemini reports no token usage for embeddings; the executor counts the input.
    return { model: context.deployment.upstreamModel, vectors: vectors as number[][], usage: { inputTokens: 0 } };
  }
}
