/** The Anthropic adapter: the Messages API, streaming and not. Anthropic has no embeddings. */
import type { ProviderConfig } from '../../config/load.js';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, StreamPart } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { parseSse } from '../sse.js';
import { bodyChunks, discardBody, finishBody, translateError, type UpstreamClient, type UpstreamResponse } from '../http-client.js';
import { readUpstreamJson, upstreamHttpError } from '../upstream-errors.js';
import type { CallContext, ProviderAdapter } from '../types.js';
import { anthropicUnsupported, jsonToolName, toAnthropicBody } from './anthropic-request.js';
import { AnthropicEventReader, parseAnthropicMessage } from './anthropic-response.js';

const ANTHROPIC_VERSION = '2023-06-01';

export class AnthropicAdapter implements ProviderAdapter {
  constructor(
    private readonly provider: ProviderConfig,
    private readonly client: UpstreamClient,
    private readonly secrets: string[],
  ) {}

  unsupported(request: ChatRequest): string[] {
    return anthropicUnsupported(request);
  }

  private async post(request: ChatRequest, context: CallContext, stream: boolean): Promise<UpstreamResponse> {
    if (!this.provider.baseUrl) throw new GatewayError('internal_error', `provider ${this.provider.name} has no base URL (simulator not started?)`);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      'anthropic-version': ANTHROPIC_VERSION,
      ...this.provider.headers,
    };
    if (this.provider.apiKey) headers['x-api-key'] = this.provider.apiKey;
    if (this.provider.simulated && context.simulatorHeader) headers['x-switchyard-sim'] = context.simulatorHeader;
    const response = await this.client.send({
      url: `${this.provider.baseUrl}/messages`,
      method: 'POST',
      headers,
      body: JSON.stringify(toAnthropicBody({ ...request, stream }, context.deployment.upstreamModel)),
      timeouts: context.timeouts,
      signal: context.signal,
    });
    if (response.status < 200 || response.status >= 300) throw await upstreamHttpError(response, this.provider.name, this.secrets);
    return response;
  }

  private failure(error: unknown, context: CallContext, response: UpstreamResponse): Error {
    return translateError(error, { url: this.provider.baseUrl ?? '', timeouts: context.timeouts, signal: context.signal }, response.signal);
  }

  async chat(request: ChatRequest, context: CallContext): Promise<ChatResponse> {
    const response = await this.post(request, context, false);
    const body = await readUpstreamJson(response, this.provider.name, (error) => this.failure(error, context, response));
    return parseAnthropicMessage(body, context.deployment.upstreamModel, jsonToolName(request));
  }

  async chatStream(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>> {
    const response = await this.post(request, context, true);
    return this.readStream(response, request, context);
  }

  private async *readStream(response: UpstreamResponse, request: ChatRequest, context: CallContext): AsyncGenerator<StreamPart> {
    const reader = new AnthropicEventReader(context.deployment.upstreamModel, jsonToolName(request));
    try {
      for await (const event of parseSse(bodyChunks(response.body))) {
        let data: unknown;
        try {
          data = JSON.parse(event.data);
        } catch {
          throw new GatewayError('upstream_bad_response', `provider ${this.provider.name} sent a stream event that is not JSON`);
        }
        yield* reader.read(data, this.provider.name);
        if (reader.complete) break;
      }
    } catch (error) {
      throw this.failure(error, context, response);
    } finally {
      if (reader.complete) finishBody(response.body);
      else discardBody(response.body);
    }
    if (!reader.complete) throw new GatewayError('upstream_connection_error', `provider ${this.provider.name} ended the stream before message_stop`);
  }

  embed(_request: EmbeddingRequest, _context: CallContext): Promise<EmbeddingResponse> {
    return Promise.reject(new GatewayError('unsupported_capability', `provider ${this.provider.name} (Anthropic) has no embeddings API.`, { param: 'model' }));
  }
}
