/** POST /v1beta/models/{model}:embedContent and :batchEmbedContents. */
import { embedText } from '../generation/embeddings.js';
import { sendJson } from '../http-io.js';
import { delay } from '../pacing.js';
import { countTextTokens } from '../tokens.js';
import type { SimBehaviour, SimulatedModel } from '../types.js';
import { awaitGeneration, injectFaults, readJsonBody, resolveBehaviour, SimRequestError } from './exchange.js';
import { batchEmbedContentsRequest, embedContentRequest, issueDescriber, textOfParts, type EmbedContentRequest } from './gemini-api.js';
import { errorBody, retryInfo, simulatedErrorMessage } from './gemini-render.js';
import { camelCaseKeys } from './gemini-schema.js';
import type { SimExchange } from './protocol.js';

const DEFAULT_DIMENSIONS = 768;
const MAX_BATCH = 100;

export async function handleEmbedContent(exchange: SimExchange, model: SimulatedModel): Promise<void> {
  const { body, raw } = await readJsonBody(exchange, embedContentRequest, issueDescriber('EmbedContentRequest'), camelCaseKeys);
  const behaviour = resolveBehaviour(exchange, model);
  const embedding = plan(model, body);
  if (!(await ready(exchange, behaviour, raw))) return;
  sendJson(exchange.response, 200, { embedding: { values: embedding() } });
}

export async function handleBatchEmbedContents(exchange: SimExchange, model: SimulatedModel): Promise<void> {
  const { body, raw } = await readJsonBody(exchange, batchEmbedContentsRequest, issueDescriber('BatchEmbedContentsRequest'), camelCaseKeys);
  const behaviour = resolveBehaviour(exchange, model);
  if (body.requests.length > MAX_BATCH) throw new SimRequestError(400, `* BatchEmbedContentsRequest.requests: at most ${MAX_BATCH} requests can be in one batch.`);
  body.requests.forEach((request, index) => {
    if (request.model !== undefined && request.model !== `models/${model.name}`) {
      throw new SimRequestError(400, `Model mismatch: requests[${index}].model is ${request.model}, but the batch is for models/${model.name}.`);
    }
  });
  const embeddings = body.requests.map((request) => plan(model, request));
  if (!(await ready(exchange, behaviour, raw))) return;
  sendJson(exchange.response, 200, { embeddings: embeddings.map((embedding) => ({ values: embedding() })) });
}

/** Validates one request and returns the (deferred) embedding. */
function plan(model: SimulatedModel, request: EmbedContentRequest): () => number[] {
  const text = textOfParts(request.content.parts);
  if (text.trim().length === 0) throw new SimRequestError(400, 'The content to embed must contain non-empty text parts.');
  const fullDimensions = model.dimensions ?? DEFAULT_DIMENSIONS;
  const dimensions = request.outputDimensionality ?? fullDimensions;
  if (dimensions > fullDimensions) throw new SimRequestError(400, `outputDimensionality ${dimensions} exceeds the model's ${fullDimensions} dimensions.`);
  const tokens = countTextTokens(text);
  if (tokens > model.contextWindow) throw new SimRequestError(400, `The input token count (${tokens}) exceeds the maximum number of tokens allowed (${model.contextWindow}).`);
  return () => embedText(text, dimensions);
}

/** Faults, ttft and break_after, as for chat. True when the embeddings may be sent. */
async function ready(exchange: SimExchange, behaviour: SimBehaviour, raw: string): Promise<boolean> {
  const faulted = await injectFaults(exchange, behaviour, raw, (status, retryAfter) => {
    sendJson(exchange.response, status, errorBody(status, simulatedErrorMessage(status), retryAfter === undefined ? undefined : [retryInfo(retryAfter)]));
  });
  if (faulted || !(await delay(behaviour.ttftMs, exchange.signal))) return false;
  return awaitGeneration(exchange, behaviour, 0);
}
