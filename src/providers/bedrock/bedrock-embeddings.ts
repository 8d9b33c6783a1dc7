/**
 * Embeddings on Bedrock go through InvokeModel with each model family's own body:
 * Amazon Titan Text Embeddings (one text per call: the calls run a few at a time) and
 * Cohere Embed (a batch per call).
 */
import { z } from 'zod';
import type { EmbeddingRequest, EmbeddingResponse } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';

const titanSchema = z.object({ embedding: z.array(z.number()), inputTextTokenCount: z.number().nullish() });
const cohereSchema = z.object({ embeddings: z.union([z.array(z.array(z.number())), z.object({ float: z.array(z.array(z.number())) })]) });

/** Titan calls in flight at once for one request. */
const TITAN_CONCURRENCY = 8;

export type Invoke = (body: Record<string, unknown>) => Promise<unknown>;

export async function bedrockEmbed(request: EmbeddingRequest, modelId: string, provider: string, invoke: Invoke): Promise<EmbeddingResponse> {
  const family = /(?:^|\.)(amazon\.titan-embed|cohere\.embed)/.exec(modelId)?.[1];
  const malformed = (): GatewayError => new GatewayError('upstream_bad_response', `provider ${provider} answered with malformed embeddings`);
  if (family === 'cohere.embed') {
    const body = { texts: request.input, input_type: 'clustering', embedding_types: ['float'], ...(request.dimensions !== undefined ? { output_dimension: request.dimensions } : {}) };
    const parsed = cohereSchema.safeParse(await invoke(body));
    if (!parsed.success) throw malformed();
    const vectors = Array.isArray(parsed.data.embeddings) ? parsed.data.embeddings : parsed.data.embeddings.float;
    if (vectors.length !== request.input.length) throw malformed();
    return { model: modelId, vectors, usage: { inputTokens: 0 } };
  }
  if (family === 'amazon.titan-embed') {
    const vectors: number[][] = new Array<number[]>(request.input.length);
    let inputTokens = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < request.input.length) {
        const index = next++;
        const body = { inputText: request.input[index], ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}), normalize: true };
        const parsed = titanSchema.safeParse(await invoke(body));
        if (!parsed.success) throw malformed();
        vectors[index] = parsed.data.embedding;
        inputTokens += parsed.data.inputTextTokenCount ?? 0;
      }
    };
    await Promise.all(Array.from({ length: Math.min(TITAN_CONCURRENCY, request.input.length) }, worker));
    return { model: modelId, vectors, usage: { inputTokens } };
  }
  throw new GatewayError('unsupported_capability', `provider ${provider}: embeddings on Bedrock are supported for Amazon Titan (amazon.titan-embed-*) and Cohere (cohere.embed-*) models, not ${modelId}.`, { param: 'model' });
}
