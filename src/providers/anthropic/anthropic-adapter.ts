/** The Anthropic adapter: the Messages API, streaming and not. Anthropic has no embeddings. */
import type { ProviderConfig } from '../../config/load.js';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, StreamPart } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { translateError, type UpstreamClient, type UpstreamResponse } from '../http-client.js';
import { readUpstreamJson, upstreamHttpError } from '../upstream-errors.js';
import type { CallContext, ProviderAdapter } from '../types.js';
import { anthropicUnsupported, jsonToolName, nativeAnthropicLoss, toAnthropicBody, withNativeFields } from './anthropic-request.js';
import { parseAnthropicMessage } from './anthropic-response.js';
import { readAnthropicStream } from './anthropic-stream.js';

const ANTHROPIC_VERSION = '2023-06-01';
const COUNT_TOKENS_FIELDS = new Set(['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'mcp_servers']);

export class AnthropicAdapter implements ProviderAdapter {
  readonly protocol = 'anthropic-messages' as const;

  constructor(
    private readonly provider: ProviderConfig,
    private readonly client: UpstreamClient,
    private readonly secrets: string[],
  ) {}

  unsupported(request: ChatRequest): string[] {
    return [...anthropicUnsupported(request), ...nativeAnthropicLoss(request)];
  }

  private async post(request: ChatRequest, context: CallContext, stream: boolean): Promise<UpstreamResponse> {
    return this.send('/messages', withNativeFields(toAnthropicBody({ ...request, stream }, context.deployment.upstreamModel), request), context, stream);
  }

  private async send(path: string, body: Record<string, unknown>, context: CallContext, stream: boolean): Promise<UpstreamResponse> {
    if (!this.provider.baseUrl) throw new GatewayError('internal_error', `provider ${this.provider.name} has no base URL (simulator not started?)`);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      'anthropic-version': ANTHROPIC_VERSION,
      ...this.provider.headers,
    };
    if (this.provider.apiKey) headers['x-api-key'] = this.provider.apiKey;
    if (this.provider.simulated && context.simulatorHeader) headers['x-switchyard-sim'] = context.simulatorHeader;
    if (context.traceparent) headers.traceparent = context.traceparent;
    const response = await this.client.send({
      url: `${this.provider.baseUrl}${path}`,
      method: 'POST',
      headers,
      body: JSON.stringify(body),
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

  async countTokens(request: ChatRequest, context: CallContext): Promise<number> {
    const full = withNativeFields(toAnthropicBody({ ...request, stream: false }, context.deployment.upstreamModel), request);
    // count_tokens takes the prompt only: no max_tokens, sampling or stop settings.
    const body = Object.fromEntries(Object.entries(full).filter(([key]) => COUNT_TOKENS_FIELDS.has(key)));
    const response = await this.send('/messages/count_tokens', body, context, false);
    const answer = await readUpstreamJson(response, this.provider.name, (error) => this.failure(error, context, response));
    const count = (answer as { input_tokens?: unknown } | null)?.input_tokens;
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
      throw new GatewayError('upstream_bad_response', `provider ${this.provider.name} answered count_tokens without a number of input_tokens`);
    }
    return count;
  }

  async chatStream(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>> {
    const response = await this.post(request, context, true);
    return this.readStream(response, request, context);
  }

  private readStream(response: UpstreamResponse, request: ChatRequest, context: CallContext): AsyncGenerator<StreamPart> {
    return readAnthropicStream(response, {
      model: context.deployment.upstreamModel,
      jsonTool: jsonToolName(request),
      provider: this.provider.name,
      failure: (error) => this.failure(error, context, response),
    });
  }

  embed(_request: EmbeddingRequest, _context: CallContext): Promise<EmbeddingResponse> {
    return Promise.reject(new GatewayError('unsupported_capability', `provider ${this.provider.name} (Anthropic) has no embeddings API.`, { param: 'model' }));
  }
}
