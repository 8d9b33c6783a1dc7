/**
 * Google Vertex AI under /v1/projects/{project}/locations/{location}/publishers/…:
 *   google/models/{model}:generateContent, :streamGenerateContent?alt=sse, :predict (embeddings)
 *   anthropic/models/{model}:rawPredict, :streamRawPredict (the Anthropic Messages body,
 *   with anthropic_version "vertex-2023-10-16" and the model in the path)
 * Every call needs a bearer token this simulator's /token endpoint issued and that has
 * not expired (401 UNAUTHENTICATED otherwise). Google's front-end errors are
 * {"error":{code,message,status}}; Claude's own errors keep Anthropic's shape.
 */
import { z } from 'zod';
import { SimHeaderError } from '../behaviour.js';
import { embedText } from '../generation/embeddings.js';
import { sendJson } from '../http-io.js';
import { countTextTokens } from '../tokens.js';
import { chatModel, embeddingModel, prepareAnswer } from './answer-steps.js';
import { describeIssue, messagesRequest, toChatInput as anthropicInput } from './anthropic-api.js';
import { errorBody as anthropicError, messageBody, messageId, simulatedErrorMessage as anthropicFaultMessage } from './anthropic-render.js';
import { streamMessage } from './anthropic-stream.js';
import { awaitGeneration, injectFaults, readJsonBody, resolveBehaviour, retryAfterHeader, simRequestId, SimRequestError } from './exchange.js';
import { handleGenerateContent } from './gemini-generate.js';
import { errorBody as googleError, retryInfo, simulatedErrorMessage } from './gemini-render.js';
import type { SimExchange, SimulatorProtocol } from './protocol.js';

const MODEL_PATH = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/(google|anthropic)\/models\/([^/:]+):([A-Za-z]+)$/;
export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';

/** A failure rendered in Anthropic's shape (Claude on Vertex). */
class ClaudeError extends SimRequestError {}

export const vertexProtocol: SimulatorProtocol = {
  name: 'vertex',
  handles: (url) => url.pathname.startsWith('/v1/projects/'),
  async handle(exchange) {
    try {
      await route(exchange);
    } catch (error) {
      const requestId = simRequestId(exchange);
      if (error instanceof ClaudeError) sendJson(exchange.response, error.status, anthropicError(error.status, error.message, requestId));
      else if (error instanceof SimRequestError) sendJson(exchange.response, error.status, googleError(error.status, error.message));
      else if (error instanceof SimHeaderError) sendJson(exchange.response, 400, googleError(400, error.message));
      else sendJson(exchange.response, 500, googleError(500, `Simulator failure: ${error instanceof Error ? error.message : String(error)}`));
    }
  },
};

async function route(exchange: SimExchange): Promise<void> {
  const match = MODEL_PATH.exec(exchange.url.pathname);
  if (!match || exchange.request.method !== 'POST') throw new SimRequestError(404, `The requested URL ${exchange.url.pathname} was not found on this server.`);
  const bearer = /^Bearer\s+(\S+)/i.exec(exchange.request.headers.authorization ?? '')?.[1];
  if (exchange.context.auth.checkToken(bearer) !== 'valid') {
    throw new SimRequestError(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.');
  }
  const [, project = '', location = '', publisher, name = '', method = ''] = match;
  const resource = `projects/${project}/locations/${location}/publishers/${publisher}/models/${name}`;
  const missing = (): string => `Publisher Model \`${resource}\` was not found or your project does not have access to it. Please ensure you are using a valid model version.`;
  if (publisher === 'anthropic') {
    if (method !== 'rawPredict' && method !== 'streamRawPredict') throw new SimRequestError(400, `Method ${method} is not supported for Anthropic models; use rawPredict or streamRawPredict.`);
    return claude(exchange, chatModel(exchange, decodeURIComponent(name), missing), method === 'streamRawPredict');
  }
  switch (method) {
    case 'generateContent':
    case 'streamGenerateContent':
      return handleGenerateContent(exchange, chatModel(exchange, decodeURIComponent(name), missing), method === 'streamGenerateContent');
    case 'predict':
      return predict(exchange, embeddingModel(exchange, decodeURIComponent(name), missing));
    default:
      throw new SimRequestError(400, `Method ${method} is not simulated for Gemini models.`);
  }
}

async function claude(exchange: SimExchange, model: ReturnType<typeof chatModel>, stream: boolean): Promise<void> {
  const requestId = simRequestId(exchange);
  let version: unknown;
  const { body, raw } = await readJsonBody(exchange, messagesRequest, describeIssue, (parsed) => {
    if (parsed === null || typeof parsed !== 'object') return parsed;
    version = (parsed as { anthropic_version?: unknown }).anthropic_version;
    return { ...parsed, model: model.name, stream: (parsed as { stream?: unknown }).stream ?? stream };
  }).catch((error: unknown) => {
    throw error instanceof SimRequestError ? new ClaudeError(error.status, error.message) : error;
  });
  if (version !== VERTEX_ANTHROPIC_VERSION) throw new ClaudeError(400, `anthropic_version: Input should be '${VERTEX_ANTHROPIC_VERSION}'`);
  const input = anthropicInput(body, body.max_tokens);
  const prepared = await prepareAnswer(exchange, model, input, raw, {
    tooLong: (tokens, window) => `prompt is too long: ${tokens} tokens > ${window} maximum`,
    renderFault: (status, retryAfter) => sendJson(exchange.response, status, anthropicError(status, anthropicFaultMessage(status), requestId), retryAfterHeader(retryAfter)),
  }).catch((error: unknown) => {
    throw error instanceof SimRequestError ? new ClaudeError(error.status, error.message) : error;
  });
  if (!prepared) return;
  const id = messageId();
  const headers = { 'request-id': requestId, ...prepared.headers };
  if (stream) {
    await streamMessage(exchange.response, prepared.answer, { id, model: model.name, behaviour: prepared.behaviour, signal: exchange.signal, headers });
    return;
  }
  if (!(await awaitGeneration(exchange, prepared.behaviour, prepared.answer.usage.completionTokens))) return;
  sendJson(exchange.response, 200, messageBody(id, model.name, prepared.answer), headers);
}

const predictRequest = z.looseObject({
  instances: z.array(z.looseObject({ content: z.string().min(1), task_type: z.string().optional(), title: z.string().optional() })).min(1).max(250),
  parameters: z.looseObject({ outputDimensionality: z.number().int().positive().optional(), autoTruncate: z.boolean().optional() }).optional(),
});

async function predict(exchange: SimExchange, model: ReturnType<typeof embeddingModel>): Promise<void> {
  const { body, raw } = await readJsonBody(exchange, predictRequest, (issue) => `Invalid value at '${issue.path.map(String).join('.')}': ${issue.message}`);
  const behaviour = resolveBehaviour(exchange, model);
  const full = model.dimensions ?? 768;
  const dimensions = body.parameters?.outputDimensionality ?? full;
  if (dimensions > full) throw new SimRequestError(400, `outputDimensionality ${dimensions} exceeds the model's ${full} dimensions.`);
  const faulted = await injectFaults(exchange, behaviour, raw, (status, retryAfter) => {
    sendJson(exchange.response, status, googleError(status, simulatedErrorMessage(status), retryAfter === undefined ? undefined : [retryInfo(retryAfter)]));
  });
  if (faulted || !(await awaitGeneration(exchange, behaviour, 0))) return;
  sendJson(exchange.response, 200, {
    predictions: body.instances.map((instance) => ({ embeddings: { values: embedText(instance.content, dimensions), statistics: { truncated: false, token_count: countTextTokens(instance.content) } } })),
    metadata: { billableCharacterCount: body.instances.reduce((sum, instance) => sum + instance.content.length, 0) },
  });
}
