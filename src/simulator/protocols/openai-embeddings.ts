/** POST /v1/embeddings. */
import { embedText, toBase64Float32 } from '../generation/embeddings.js';
import { breakConnection, sendJson } from '../http-io.js';
import { delay } from '../pacing.js';
import { countTextTokens } from '../tokens.js';
import { embeddingsRequest } from './openai-api.js';
import { OpenAIRequestError, behaviourFor, injectFaults, modelFor, readJson, requestId } from './openai-exchange.js';
import type { SimExchange } from './protocol.js';

const DEFAULT_DIMENSIONS = 1536;
const MAX_INPUTS = 2048;

export async function handleEmbeddings(exchange: SimExchange): Promise<void> {
  const { body, raw } = await readJson(exchange, embeddingsRequest);
  const model = modelFor(exchange, body.model, 'embedding');
  const behaviour = behaviourFor(exchange, model);
  const inputs = textInputs(body.input);
  const fullDimensions = model.dimensions ?? DEFAULT_DIMENSIONS;
  const dimensions = body.dimensions ?? fullDimensions;
  if (dimensions > fullDimensions) {
    throw new OpenAIRequestError(400, `This model supports at most ${fullDimensions} dimensions; ${dimensions} requested.`, 'invalid_request_error', 'dimensions');
  }
  const tokenCounts = inputs.map(countTextTokens);
  const longest = Math.max(...tokenCounts);
  if (longest > model.contextWindow) {
    throw new OpenAIRequestError(
      400,
      `This model's maximum context length is ${model.contextWindow} tokens, however you requested ${longest} tokens in an input. Please reduce your input.`,
      'invalid_request_error',
      'input',
      'context_length_exceeded',
    );
  }
  if (await injectFaults(exchange, behaviour, raw)) return;
  if (!(await delay(behaviour.ttftMs, exchange.signal))) return;
  if (behaviour.breakAfterTokens !== undefined) {
    breakConnection(exchange.response);
    return;
  }

  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((text, index) => {
    const vector = embedText(text, dimensions);
    return { object: 'embedding', index, embedding: base64 ? toBase64Float32(vector) : vector };
  });
  const promptTokens = tokenCounts.reduce((sum, count) => sum + count, 0);
  sendJson(
    exchange.response,
    200,
    { object: 'list', data, model: body.model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } },
    { 'x-request-id': requestId(exchange) },
  );
}

function textInputs(input: unknown): string[] {
  const inputs = typeof input === 'string' ? [input] : Array.isArray(input) && input.every((item) => typeof item === 'string') ? (input as string[]) : undefined;
  if (!inputs) throw new OpenAIRequestError(400, 'The simulator accepts input as a string or an array of strings; token arrays are not supported.', 'invalid_request_error', 'input');
  if (inputs.length > MAX_INPUTS) throw new OpenAIRequestError(400, `At most ${MAX_INPUTS} inputs are allowed per request.`, 'invalid_request_error', 'input');
  if (inputs.some((text) => text.length === 0)) throw new OpenAIRequestError(400, "'$.input' is invalid: inputs must be non-empty strings.", 'invalid_request_error', 'input');
  return inputs;
}
