/**
 * Amazon Bedrock: Converse and ConverseStream (POST /model/{modelId}/converse and
 * /converse-stream), so Claude, Llama, Mistral, Nova and the other Converse models work
 * through one adapter; embeddings through InvokeModel. Every call is signed with AWS
 * Signature V4 (service bedrock); streams arrive in the binary event-stream framing.
 */
import type { ProviderConfig } from '../../config/load.js';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, StreamPart } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { bodyChunks, discardBody, finishBody, type UpstreamClient, type UpstreamResponse } from '../http-client.js';
import { UpstreamCaller, type Authorizer } from '../upstream-call.js';
import type { CallContext, ProviderAdapter } from '../types.js';
import { credentialSource } from './aws-credentials.js';
import { bedrockEmbed } from './bedrock-embeddings.js';
import { bedrockHttpError, credentialsExpired } from './bedrock-errors.js';
import { toConverseBody, converseUnsupported } from './converse-request.js';
import { ConverseEventReader, parseConverseResponse } from './converse-response.js';
import { readEventStream } from './event-stream.js';
import { signRequest } from './sigv4.js';

export class BedrockAdapter implements ProviderAdapter {
  private readonly caller: UpstreamCaller;

  constructor(
    private readonly provider: ProviderConfig,
    client: UpstreamClient,
    secrets: string[],
  ) {
    const aws = provider.aws;
    if (!aws) throw new GatewayError('internal_error', `provider ${provider.name} has no AWS settings`);
    const credentials = credentialSource(aws, client, provider.name, secrets);
    const auth: Authorizer = {
      async authorize(request) {
        const used = await credentials.get();
        const headers = await signRequest({ method: request.method, url: request.url, headers: request.headers, ...(request.body !== undefined ? { body: request.body } : {}) }, used, aws.region, 'bedrock');
        return { request: { ...request, headers }, credential: used };
      },
      forget: (used) => credentials.forget(used),
    };
    this.caller = new UpstreamCaller(provider, client, {
      auth,
      mapError: (response) => bedrockHttpError(response, provider.name, secrets),
      credentialExpired: credentialsExpired,
    });
  }

  private url(modelId: string, operation: 'converse' | 'converse-stream' | 'invoke'): string {
    return `${this.caller.baseUrl()}/model/${encodeURIComponent(modelId)}/${operation}`;
  }

  unsupported(request: ChatRequest): string[] {
    return converseUnsupported(request);
  }

  async chat(request: ChatRequest, context: CallContext): Promise<ChatResponse> {
    const body = JSON.stringify(toConverseBody(request, this.provider.aws));
    const response = await this.caller.post(this.url(context.deployment.upstreamModel, 'converse'), body, context);
    return parseConverseResponse(await this.caller.json(response, context), context.deployment.upstreamModel, this.provider.name);
  }

  async chatStream(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>> {
    const body = JSON.stringify(toConverseBody(request, this.provider.aws));
    const response = await this.caller.post(this.url(context.deployment.upstreamModel, 'converse-stream'), body, context, 'application/vnd.amazon.eventstream');
    return this.readStream(response, context);
  }

  private async *readStream(response: UpstreamResponse, context: CallContext): AsyncGenerator<StreamPart> {
    const reader = new ConverseEventReader(context.deployment.upstreamModel, this.provider.name);
    let metadata = false;
    const decoder = new TextDecoder();
    try {
      for await (const event of readEventStream(bodyChunks(response.body), this.provider.name)) {
        let payload: unknown;
        try {
          payload = event.payload.length ? JSON.parse(decoder.decode(event.payload)) : {};
        } catch {
          throw new GatewayError('upstream_bad_response', `provider ${this.provider.name} sent a ${event.type} event whose payload is not JSON`);
        }
        yield* reader.read(event.messageType, event.type, payload);
        if (event.type === 'metadata') {
          metadata = true;
          break;
        }
      }
    } catch (error) {
      throw this.caller.failure(error, context, response);
    } finally {
      if (metadata) finishBody(response.body);
      else discardBody(response.body);
    }
    if (!reader.complete) throw new GatewayError('upstream_connection_error', `provider ${this.provider.name} ended the stream before messageStop`);
    yield* reader.finalUsage();
  }

  async embed(request: EmbeddingRequest, context: CallContext): Promise<EmbeddingResponse> {
    const modelId = context.deployment.upstreamModel;
    return bedrockEmbed(request, modelId, this.provider.name, async (body) => {
      const response = await this.caller.post(this.url(modelId, 'invoke'), JSON.stringify(body), context);
      return this.caller.json(response, context);
    });
  }
}
