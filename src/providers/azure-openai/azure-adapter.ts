/**
 * Azure OpenAI: the OpenAI Chat Completions and Embeddings formats under a resource's
 * deployments (`/openai/deployments/{deployment}/…?api-version=…`), authenticated with an
 * api-key header or Microsoft Entra ID bearer tokens. Azure's content filter shows up as a
 * 400 with code content_filter (a blocked prompt) or finish_reason content_filter (a
 * blocked answer); both become content_filter finishes.
 */
import type { ProviderConfig } from '../../config/load.js';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, StreamPart } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { ChunkReader, parseOpenAIChatResponse } from '../../api/openai/chat-response.js';
import { toOpenAIChatBody, withNativeOpenAIFields } from '../../api/openai/chat-request.js';
import { parseOpenAIEmbeddingResponse, toOpenAIEmbeddingBody } from '../../api/openai/embeddings.js';
import { bearerAuthorizer } from '../auth/bearer.js';
import { parseSse } from '../sse.js';
import { bodyChunks, discardBody, finishBody, type UpstreamClient, type UpstreamResponse } from '../http-client.js';
import { httpErrorFromText, readErrorBody } from '../upstream-errors.js';
import { filteredResponse, filteredStream, isFiltered, parseEventData, staticAuthorizer, UpstreamCaller } from '../upstream-call.js';
import type { CallContext, ProviderAdapter } from '../types.js';
import { entraTokenCache } from './entra-token.js';

export class AzureOpenAIAdapter implements ProviderAdapter {
  readonly protocol = 'openai-chat' as const;
  private readonly caller: UpstreamCaller;
  private readonly apiVersion: string;

  constructor(
    private readonly provider: ProviderConfig,
    client: UpstreamClient,
    private readonly secrets: string[],
  ) {
    this.apiVersion = provider.azure?.apiVersion ?? '2024-10-21';
    const entra = provider.azure?.entra;
    this.caller = new UpstreamCaller(provider, client, {
      auth: entra ? bearerAuthorizer(entraTokenCache(entra, client, provider.name, secrets)) : staticAuthorizer(provider.apiKey ? { 'api-key': provider.apiKey } : {}),
      mapError: (response) => this.httpError(response),
    });
  }

  private url(deployment: string, operation: 'chat/completions' | 'embeddings'): string {
    return `${this.caller.baseUrl()}/openai/deployments/${encodeURIComponent(deployment)}/${operation}?api-version=${encodeURIComponent(this.apiVersion)}`;
  }

  private async httpError(response: UpstreamResponse): Promise<GatewayError> {
    const text = await readErrorBody(response);
    if (response.status === 400 && contentFilterCode(text)) {
      return new GatewayError('content_filtered', `provider ${this.provider.name}: Azure's content filter blocked the prompt`, { upstreamStatus: 400 });
    }
    const credentials = this.provider.azure?.entra ? 'its entra client credentials and the role assignment on the resource' : 'its api_key';
    return httpErrorFromText(response, text, this.provider.name, this.secrets, { credentials });
  }

  private body(request: ChatRequest, context: CallContext, stream: boolean): string {
    const body = toOpenAIChatBody({ ...request, stream }, { upstreamModel: context.deployment.upstreamModel, dialect: 'openai', streamUsage: true });
    withNativeOpenAIFields(body, request);
    // The deployment in the path picks the model; these are not in the GA api-versions.
    delete body.model;
    delete body.store;
    delete body.metadata;
    delete body.service_tier;
    return JSON.stringify(body);
  }

  unsupported(request: ChatRequest): string[] {
    const warnings = request.native?.passed.length ? withNativeOpenAIFields(toOpenAIChatBody(request, { upstreamModel: '', dialect: 'openai', streamUsage: true }), request) : [];
    if (request.store !== undefined) warnings.push('store dropped: not supported by Azure OpenAI');
    if (request.metadata !== undefined) warnings.push('metadata dropped: not supported by Azure OpenAI');
    if (request.serviceTier !== undefined) warnings.push('service_tier dropped: not supported by Azure OpenAI');
    if (request.topK !== undefined) warnings.push('top_k dropped: not supported by Azure OpenAI');
    return warnings;
  }

  async chat(request: ChatRequest, context: CallContext): Promise<ChatResponse> {
    try {
      const response = await this.caller.post(this.url(context.deployment.upstreamModel, 'chat/completions'), this.body(request, context, false), context);
      return parseOpenAIChatResponse(await this.caller.json(response, context), context.deployment.upstreamModel);
    } catch (error) {
      if (isFiltered(error)) return filteredResponse(context.deployment.upstreamModel);
      throw error;
    }
  }

  async chatStream(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>> {
    let response: UpstreamResponse;
    try {
      response = await this.caller.post(this.url(context.deployment.upstreamModel, 'chat/completions'), this.body(request, context, true), context, 'text/event-stream');
    } catch (error) {
      if (isFiltered(error)) return filteredStream(context.deployment.upstreamModel);
      throw error;
    }
    return this.readStream(response, context);
  }

  private async *readStream(response: UpstreamResponse, context: CallContext): AsyncGenerator<StreamPart> {
    const reader = new ChunkReader(context.deployment.upstreamModel);
    let started = false;
    let done = false;
    let finished = false;
    try {
      for await (const event of parseSse(bodyChunks(response.body))) {
        if (event.data === '[DONE]') {
          done = true;
          break;
        }
        const data = parseEventData(event.data, this.provider.name) as AzureChunk | null;
        if (data?.error) throw new GatewayError('upstream_error', `provider ${this.provider.name} failed mid-stream: ${typeof data.error.message === 'string' ? data.error.message : 'unknown error'}`);
        // The first chunk only carries prompt_filter_results (empty id, model and choices).
        if (!started && (!data?.choices || data.choices.length === 0) && !data?.usage) continue;
        started = true;
        for (const part of reader.read(data)) {
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
    const body = toOpenAIEmbeddingBody(request, context.deployment.upstreamModel);
    delete body.model;
    const response = await this.caller.post(this.url(context.deployment.upstreamModel, 'embeddings'), JSON.stringify(body), context);
    return parseOpenAIEmbeddingResponse(await this.caller.json(response, context), context.deployment.upstreamModel);
  }
}

interface AzureChunk {
  choices?: unknown[];
  usage?: unknown;
  error?: { message?: unknown };
}

/** Azure's prompt-filter refusal: {"error":{"code":"content_filter","innererror":{"code":"ResponsibleAIPolicyViolation",…}}}. */
function contentFilterCode(text: string): boolean {
  try {
    const error = (JSON.parse(text) as { error?: { code?: unknown; innererror?: { code?: unknown } } }).error;
    return error?.code === 'content_filter' || error?.innererror?.code === 'ResponsibleAIPolicyViolation';
  } catch {
    return false;
  }
}
