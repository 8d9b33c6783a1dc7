/**
 * The OpenAI-family adapter: OpenAI itself (newest dialect) and every OpenAI-compatible
 * server (DeepSeek, Mistral, Groq, Together, OpenRouter, vLLM, Ollama, LM Studio) and,
 * for now, the simulator, which speaks the same protocol on loopback.
 */
import type { ProviderConfig } from '../../config/load.js';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, StreamPart, WireProtocol } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { ChunkReader, parseOpenAIChatResponse } from '../../api/openai/chat-response.js';
import { toOpenAIChatBody, withNativeOpenAIFields } from '../../api/openai/chat-request.js';
import { parseOpenAIEmbeddingResponse, toOpenAIEmbeddingBody } from '../../api/openai/embeddings.js';
import { parseSse, SseDecoder } from '../sse.js';
import { parseResponsesAnswer, ResponsesEventReader, responsesUnsupported, toResponsesBody, withNativeResponsesFields } from './responses-upstream.js';
import { bodyChunks, discardBody, finishBody, translateError, type UpstreamClient, type UpstreamResponse } from '../http-client.js';
import { readUpstreamJson, upstreamHttpError } from '../upstream-errors.js';
import type { CallContext, ProviderAdapter } from '../types.js';


export class OpenAIAdapter implements ProviderAdapter {
  /** Chat Completions, or the Responses API with provider `api: responses`. */
  readonly protocol: WireProtocol;
  private readonly dialect: 'openai' | 'compatible';
  /** Calls /responses instead of /chat/completions (provider `api: responses`). */
  private readonly responsesApi: boolean;

  constructor(
    private readonly provider: ProviderConfig,
    private readonly client: UpstreamClient,
    private readonly secrets: string[],
  ) {
    this.dialect = provider.type === 'openai-compatible' ? 'compatible' : 'openai';
    this.responsesApi = provider.openaiApi === 'responses';
    this.protocol = this.responsesApi ? 'openai-responses' : 'openai-chat';
  }

  private headers(context: CallContext): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...this.provider.headers };
    if (this.provider.apiKey) headers.authorization = `Bearer ${this.provider.apiKey}`;
    if (this.provider.simulated && context.simulatorHeader) headers['x-switchyard-sim'] = context.simulatorHeader;
    if (context.traceparent) headers.traceparent = context.traceparent;
    return headers;
  }

  private baseUrl(): string {
    if (!this.provider.baseUrl) throw new GatewayError('internal_error', `provider ${this.provider.name} has no base URL (simulator not started?)`);
    return this.provider.baseUrl;
  }

  private async post(path: string, body: Record<string, unknown>, context: CallContext, stream: boolean): Promise<UpstreamResponse> {
    const headers = this.headers(context);
    if (stream) headers.accept = 'text/event-stream';
    const response = await this.client.send({
      url: `${this.baseUrl()}${path}`,
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      timeouts: context.timeouts,
      signal: context.signal,
      provider: this.provider.name,
    });
    if (response.status < 200 || response.status >= 300) throw await upstreamHttpError(response, this.provider.name, this.secrets);
    return response;
  }

  private readJson(response: UpstreamResponse, context: CallContext): Promise<unknown> {
    return readUpstreamJson(response, this.provider.name, (error) =>
      translateError(error, { url: this.baseUrl(), timeouts: context.timeouts, signal: context.signal, provider: this.provider.name }, response.signal),
    );
  }

  async chat(request: ChatRequest, context: CallContext): Promise<ChatResponse> {
    if (this.responsesApi) {
      const response = await this.post('/responses', withNativeResponsesFields(toResponsesBody({ ...request, stream: false }, context.deployment.upstreamModel), request), context, false);
      return parseResponsesAnswer(await this.readJson(response, context), context.deployment.upstreamModel, this.provider.name);
    }
    const body = this.body(request, context, false);
    const response = await this.post('/chat/completions', body, context, false);
    return parseOpenAIChatResponse(await this.readJson(response, context), context.deployment.upstreamModel);
  }

  async chatStream(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>> {
    if (this.responsesApi) {
      const response = await this.post('/responses', withNativeResponsesFields(toResponsesBody({ ...request, stream: true }, context.deployment.upstreamModel), request), context, true);
      return this.readResponsesStream(response, context);
    }
    const body = this.body(request, context, true);
    const response = await this.post('/chat/completions', body, context, true);
    return this.readStream(response, context);
  }

  private body(request: ChatRequest, context: CallContext, stream: boolean): Record<string, unknown> {
    const body = toOpenAIChatBody({ ...request, stream }, this.outboundOptions(context.deployment.upstreamModel));
    withNativeOpenAIFields(body, request);
    return body;
  }

  private outboundOptions(upstreamModel: string) {
    return { upstreamModel, dialect: this.dialect, streamUsage: this.provider.streamUsage };
  }

  private async *readStream(response: UpstreamResponse, context: CallContext): AsyncGenerator<StreamPart> {
    const reader = new ChunkReader(context.deployment.upstreamModel);
    let done = false;
    let finished = false;
    try {
      // The events of each network read are decoded in one synchronous pass (SseDecoder),
      // not one promise each: relaying a chunk should cost about what forwarding it costs.
      const decoder = new SseDecoder();
      reading: for await (const chunk of bodyChunks(response.body)) {
        for (const event of decoder.push(chunk)) {
          if (event.data === '[DONE]') {
            done = true;
            break reading;
          }
          // A text chunk like the last one but for its text: only its text is parsed.
          const text = reader.readTemplated(event.data);
          if (text !== undefined) {
            if (text) yield text;
            continue;
          }
          let data: unknown;
          try {
            data = JSON.parse(event.data);
          } catch {
            throw new GatewayError('upstream_bad_response', `provider ${this.provider.name} sent a stream event that is not JSON`);
          }
          const upstreamError = (data as { error?: { message?: unknown } } | null)?.error;
          if (upstreamError) {
            const message = typeof upstreamError.message === 'string' ? upstreamError.message : 'unknown error';
            throw new GatewayError('upstream_error', `provider ${this.provider.name} failed mid-stream: ${message}`);
          }
          for (const part of reader.read(data, event.data)) {
            if (part.type === 'finish') finished = true;
            yield part;
          }
        }
      }
    } catch (error) {
      throw translateError(error, { url: this.baseUrl(), timeouts: context.timeouts, signal: context.signal, provider: this.provider.name }, response.signal);
    } finally {
      if (done) finishBody(response.body);
      else discardBody(response.body);
    }
    if (!done && !finished) {
      throw new GatewayError('upstream_connection_error', `provider ${this.provider.name} ended the stream before the answer was complete`);
    }
  }

  /** A Responses event stream: complete only once response.completed (or incomplete) arrived. */
  private async *readResponsesStream(response: UpstreamResponse, context: CallContext): AsyncGenerator<StreamPart> {
    const reader = new ResponsesEventReader(context.deployment.upstreamModel, this.provider.name);
    try {
      for await (const event of parseSse(bodyChunks(response.body))) {
        let data: unknown;
        try {
          data = JSON.parse(event.data);
        } catch {
          throw new GatewayError('upstream_bad_response', `provider ${this.provider.name} sent a stream event that is not JSON`);
        }
        yield* reader.read(data);
        if (reader.done) break;
      }
    } catch (error) {
      throw translateError(error, { url: this.baseUrl(), timeouts: context.timeouts, signal: context.signal }, response.signal);
    } finally {
      if (reader.done) finishBody(response.body);
      else discardBody(response.body);
    }
    if (!reader.done) throw new GatewayError('upstream_connection_error', `provider ${this.provider.name} ended the stream before the answer was complete`);
  }

  unsupported(request: ChatRequest): string[] {
    if (this.responsesApi) return responsesUnsupported(request, this.provider.name);
    // Fields of the client's that cannot be put back (a dry run of the body the call will send).
    const warnings = request.native?.passed.length ? withNativeOpenAIFields(toOpenAIChatBody(request, this.outboundOptions('')), request) : [];
    if (request.topK !== undefined) warnings.push(`top_k dropped: ${this.provider.name} speaks Chat Completions, which has no top_k`);
    if (this.dialect === 'openai') return warnings;
    if (request.metadata) warnings.push(`metadata dropped: ${this.provider.name} is an OpenAI-compatible server that does not take it`);
    if (request.store !== undefined) warnings.push(`store dropped: ${this.provider.name} is an OpenAI-compatible server that does not take it`);
    return warnings;
  }

  async embed(request: EmbeddingRequest, context: CallContext): Promise<EmbeddingResponse> {
    const response = await this.post('/embeddings', toOpenAIEmbeddingBody(request, context.deployment.upstreamModel), context, false);
    return parseOpenAIEmbeddingResponse(await this.readJson(response, context), context.deployment.upstreamModel);
  }
}
