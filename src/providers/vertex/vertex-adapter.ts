/**
 * Google Vertex AI on the regional endpoint:
 *   Gemini models  — publishers/google/models/{model}:generateContent, :streamGenerateContent?alt=sse, :predict (embeddings)
 *   Claude models  — publishers/anthropic/models/{model}:rawPredict, :streamRawPredict (the Anthropic Messages body)
 * under projects/{project}/locations/{location}. The publisher follows the model name
 * (claude-* is Anthropic), or is named as `publisher/model`. Auth: a service account's
 * OAuth tokens (refreshed before they expire, and once more when Vertex says 401), or a
 * token given as is.
 */
import { z } from 'zod';
import type { ProviderConfig } from '../../config/load.js';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, StreamPart } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { anthropicUnsupported, jsonToolName, toAnthropicBody } from '../anthropic/anthropic-request.js';
import { parseAnthropicMessage } from '../anthropic/anthropic-response.js';
import { readAnthropicStream } from '../anthropic/anthropic-stream.js';
import { geminiUnsupported, toGeminiBody } from '../gemini/gemini-request.js';
import { parseGeminiResponse, retryDelayOf } from '../gemini/gemini-response.js';
import { readGeminiStream } from '../gemini/gemini-stream.js';
import { bearerAuthorizer } from '../auth/bearer.js';
import type { UpstreamClient, UpstreamResponse } from '../http-client.js';
import { httpErrorFromText, readErrorBody } from '../upstream-errors.js';
import { staticAuthorizer, UpstreamCaller } from '../upstream-call.js';
import type { CallContext, ProviderAdapter } from '../types.js';
import { serviceAccountTokenCache } from './service-account.js';

/** The anthropic_version Vertex AI wants in a Claude body (instead of the anthropic-version header). */
export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';

const predictSchema = z.object({
  predictions: z.array(z.object({ embeddings: z.object({ values: z.array(z.number()), statistics: z.object({ token_count: z.number().nullish() }).nullish() }) })),
});

export function publisherOf(upstreamModel: string): { publisher: 'google' | 'anthropic'; model: string } {
  const slash = upstreamModel.indexOf('/');
  if (slash > 0) {
    const publisher = upstreamModel.slice(0, slash);
    if (publisher === 'google' || publisher === 'anthropic') return { publisher, model: upstreamModel.slice(slash + 1) };
  }
  return { publisher: /^claude/i.test(upstreamModel) ? 'anthropic' : 'google', model: upstreamModel };
}

export class VertexAdapter implements ProviderAdapter {
  private readonly caller: UpstreamCaller;

  constructor(
    private readonly provider: ProviderConfig,
    client: UpstreamClient,
    secrets: string[],
  ) {
    const vertex = provider.vertex;
    if (!vertex) throw new GatewayError('internal_error', `provider ${provider.name} has no Vertex AI settings`);
    const auth = vertex.serviceAccount
      ? bearerAuthorizer(serviceAccountTokenCache(vertex.serviceAccount, client, provider.name, secrets))
      : staticAuthorizer(vertex.accessToken ? { authorization: `Bearer ${vertex.accessToken}` } : {});
    const credentials = vertex.serviceAccount ? `its service account ${vertex.serviceAccount.clientEmail} (roles/aiplatform.user on project ${vertex.project})` : 'its access_token (it may have expired)';
    this.caller = new UpstreamCaller(provider, client, {
      auth,
      mapError: async (response) => httpErrorFromText(response, await readErrorBody(response), provider.name, secrets, { retryAfterFromBody: retryDelayOf, credentials }),
    });
  }

  private url(upstreamModel: string, method: string): string {
    const vertex = this.provider.vertex;
    const { publisher, model } = publisherOf(upstreamModel);
    return `${this.caller.baseUrl()}/projects/${encodeURIComponent(vertex?.project ?? '')}/locations/${encodeURIComponent(vertex?.location ?? '')}/publishers/${publisher}/models/${encodeURIComponent(model)}:${method}`;
  }

  unsupported(): string[] {
    // Which family answers depends on the deployment; both families' limits are checked when it is called.
    return [];
  }

  private claudeBody(request: ChatRequest, model: string, stream: boolean): string {
    const { model: _model, ...body } = toAnthropicBody({ ...request, stream }, model);
    return JSON.stringify({ anthropic_version: VERTEX_ANTHROPIC_VERSION, ...body });
  }

  /** Warnings of the family that serves this deployment, added to the request's. */
  private noteUnsupported(request: ChatRequest, publisher: 'google' | 'anthropic'): void {
    const warnings = publisher === 'anthropic' ? anthropicUnsupported(request) : geminiUnsupported(request);
    if (warnings.length) request.warnings = [...new Set([...(request.warnings ?? []), ...warnings])];
  }

  async chat(request: ChatRequest, context: CallContext): Promise<ChatResponse> {
    const upstream = context.deployment.upstreamModel;
    const { publisher, model } = publisherOf(upstream);
    this.noteUnsupported(request, publisher);
    if (publisher === 'anthropic') {
      const response = await this.caller.post(this.url(upstream, 'rawPredict'), this.claudeBody(request, model, false), context);
      return parseAnthropicMessage(await this.caller.json(response, context), model, jsonToolName(request));
    }
    const response = await this.caller.post(this.url(upstream, 'generateContent'), JSON.stringify(toGeminiBody(request)), context);
    return parseGeminiResponse(await this.caller.json(response, context), model, this.provider.name);
  }

  async chatStream(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>> {
    const upstream = context.deployment.upstreamModel;
    const { publisher, model } = publisherOf(upstream);
    this.noteUnsupported(request, publisher);
    const failure = (response: UpstreamResponse) => (error: unknown) => this.caller.failure(error, context, response);
    if (publisher === 'anthropic') {
      const response = await this.caller.post(this.url(upstream, 'streamRawPredict'), this.claudeBody(request, model, true), context, 'text/event-stream');
      return readAnthropicStream(response, { model, jsonTool: jsonToolName(request), provider: this.provider.name, failure: failure(response) });
    }
    const response = await this.caller.post(this.url(upstream, 'streamGenerateContent?alt=sse'), JSON.stringify(toGeminiBody(request)), context, 'text/event-stream');
    return readGeminiStream(response, model, this.provider.name, failure(response));
  }

  async embed(request: EmbeddingRequest, context: CallContext): Promise<EmbeddingResponse> {
    const upstream = context.deployment.upstreamModel;
    const { publisher, model } = publisherOf(upstream);
    if (publisher !== 'google') throw new GatewayError('unsupported_capability', `provider ${this.provider.name}: ${model} has no embeddings on Vertex AI.`, { param: 'model' });
    const body = {
      instances: request.input.map((content) => ({ content, task_type: 'CLUSTERING' })),
      ...(request.dimensions !== undefined ? { parameters: { outputDimensionality: request.dimensions } } : {}),
    };
    const response = await this.caller.post(this.url(upstream, 'predict'), JSON.stringify(body), context);
    const parsed = predictSchema.safeParse(await this.caller.json(response, context));
    if (!parsed.success || parsed.data.predictions.length !== request.input.length) {
      throw new GatewayError('upstream_bad_response', `provider ${this.provider.name} answered with malformed embeddings`);
    }
    const inputTokens = parsed.data.predictions.reduce((sum, prediction) => sum + (prediction.embeddings.statistics?.token_count ?? 0), 0);
    return { model, vectors: parsed.data.predictions.map((prediction) => prediction.embeddings.values), usage: { inputTokens } };
  }
}
