/** OpenAI embeddings: the inbound schema, the upstream body, and both response directions. */
import { z } from 'zod';
import type { EmbeddingRequest, EmbeddingResponse } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { validationError } from './chat-request.js';

const embeddingRequestSchema = z.strictObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1, 'input must not be an empty array').max(2048, 'at most 2048 inputs')]),
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
  user: z.string().optional(),
});

export function parseOpenAIEmbeddingRequest(body: unknown): EmbeddingRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  }
  const parsed = embeddingRequestSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error);
  const wire = parsed.data;
  const request: EmbeddingRequest = {
    model: wire.model,
    input: typeof wire.input === 'string' ? [wire.input] : wire.input,
    encodingFormat: wire.encoding_format ?? 'float',
  };
  if (wire.dimensions !== undefined) request.dimensions = wire.dimensions;
  if (wire.user !== undefined) request.user = wire.user;
  return request;
}

export function toOpenAIEmbeddingBody(request: EmbeddingRequest, upstreamModel: string): Record<string, unknown> {
  return {
    model: upstreamModel,
    input: request.input,
    encoding_format: 'float',
    ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}),
    ...(request.user !== undefined ? { user: request.user } : {}),
  };
}

const upstreamEmbeddingSchema = z.object({
  model: z.string().nullish(),
  data: z.array(z.object({ index: z.number().nullish(), embedding: z.array(z.number()) })),
  usage: z.object({ prompt_tokens: z.number().nullish() }).nullish(),
});

export function parseOpenAIEmbeddingResponse(body: unknown, fallbackModel: string): EmbeddingResponse {
  const parsed = upstreamEmbeddingSchema.safeParse(body);
  if (!parsed.success) throw new GatewayError('upstream_bad_response', 'upstream answered with a malformed embeddings response');
  const ordered = [...parsed.data.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  return {
    model: parsed.data.model ?? fallbackModel,
    vectors: ordered.map((item) => item.embedding),
    usage: { inputTokens: parsed.data.usage?.prompt_tokens ?? 0 },
  };
}

export function renderEmbeddingResponse(response: EmbeddingResponse, model: string, format: EmbeddingRequest['encodingFormat']): Record<string, unknown> {
  return {
    object: 'list',
    model,
    data: response.vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
    })),
    usage: { prompt_tokens: response.usage.inputTokens, total_tokens: response.usage.inputTokens },
  };
}
